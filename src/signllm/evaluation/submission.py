"""SLRTP 2025 production-challenge submissions from evaluate.py: a system's generated clips of a ``slrtp178``
split, written by the format's own writer (``signllm.data.formats.slrtp.write_slrtp``: ``{name: {name, text,
gloss, poses_3d [N, 178, 3], speaker}}``, what the challenge harness's ``load_predictions`` reads)."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import torch

from signllm.data.formats.slrtp import LAYOUT, write_slrtp
from signllm.data.skels import Clip

__all__ = ["LAYOUT", "generated_clips", "write_slrtp"]


@torch.no_grad()
def generated_clips(system, dataset, collate: Callable[[list], dict], batch_size: int, device) -> list[Clip]:
    """Every clip of ``dataset`` as ``system`` (batch -> frames, lengths) generates it, with the reference's id,
    text and gloss, frames as the framework holds them (stored coordinates, counter last). Not sharded."""
    gloss = {dataset.splits[lang][index].id: dataset.splits[lang][index].gloss for lang, index in dataset.items}
    clips = []
    for start in range(0, len(dataset), batch_size):
        batch = collate([dataset[i] for i in range(start, min(start + batch_size, len(dataset)))])
        batch = {k: v.to(device) if isinstance(v, torch.Tensor) else v for k, v in batch.items()}
        frames, lengths = system(batch)
        for row, name in enumerate(batch["id"]):
            generated = frames[row, : lengths[row]].float().cpu().numpy().astype(np.float32)
            clips.append(Clip(name, batch["text"][row], gloss.get(name), generated))
    return clips
