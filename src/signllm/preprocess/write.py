"""Lifted 3D joints -> stored ``.skels`` frames (Prompt2Sign's step 3) and the split files.

Rules, as in Prompt2Sign's ``txt2skels``: every coordinate is divided by ``scale`` (9 in Prompt2Sign);
a coordinate that is NaN or exactly 0 is replaced by ``missing_value`` (Prompt2Sign writes 0.016, its
marker for "no value", which the models see as a tiny offset rather than a hole); the counter column
follows ``counter`` (prompt2sign: i/T for i = 1..T; progressive_transformers: i = 0..T-1).
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import numpy as np

from signllm.data.skels import Clip, write_split
from signllm.skeleton import COUNTER, FRAME_SIZE, NUM_COORDS, counter_values


def stored_frames(joints: np.ndarray, scale: float, missing_value: float) -> np.ndarray:
    """(T, NUM_JOINTS, 3) joints -> (T, FRAME_SIZE) float32 frames as stored (canonical counter)."""
    coords = np.asarray(joints, dtype=np.float64).reshape(len(joints), NUM_COORDS) / scale
    coords[np.isnan(coords) | (coords == 0)] = missing_value
    frames = np.empty((len(joints), FRAME_SIZE), dtype=np.float32)
    frames[:, :COUNTER] = coords
    frames[:, COUNTER] = counter_values(len(joints))
    return frames


def write_lifted_split(
    folder: Path | str,
    split: str,
    clips: Iterable[tuple[str, str, str | None, np.ndarray]],
    scale: float,
    missing_value: float,
    counter: str,
    coord_decimals: int = 5,
) -> None:
    """Write ``(id, text, gloss, joints)`` clips as ``{split}.skels/.text/.files(/.gloss)`` (each file atomic)."""
    write_split(
        folder,
        split,
        (
            Clip(clip_id, text, gloss, stored_frames(joints, scale, missing_value))
            for clip_id, text, gloss, joints in clips
        ),
        coord_decimals=coord_decimals,
        counter=counter,
    )
