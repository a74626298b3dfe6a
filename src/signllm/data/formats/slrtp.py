"""SLRTP 2025 challenge files: ``torch.save`` of ``{name: {name, text, gloss, poses_3d, speaker}}``.

``poses_3d`` is a float tensor [N, 178, 3] in the ``slrtp178`` layout at 25 fps; the challenge's evaluation
harness loads the file with ``torch.load(..., weights_only=True)`` and accepts the same dict as a submission
(it also accepts bare ``name -> poses_3d`` tensors, which are read here too, without text). Coordinates are
stored x ``scale`` (world units); the counter is not stored: reading computes it in the layout's storage
convention. A missing gloss or speaker is written as "" and read back as None.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch

from signllm.data.skels import Clip
from signllm.skeleton import Skeleton, counter_values, load_skeleton
from signllm.utils import atomic_output

FPS = 25
LAYOUT = "slrtp178"


@dataclass
class SlrtpClip(Clip):
    """A clip of an SLRTP file, with its speaker."""

    speaker: str | None = None


def _layout(skeleton: Skeleton | None) -> Skeleton:
    skeleton = skeleton or load_skeleton(LAYOUT)
    if skeleton.dims != 3:
        raise ValueError(f"skeleton={skeleton.name}: SLRTP files hold 3D poses, the layout is {skeleton.dims}D")
    return skeleton


def read_slrtp(path: Path | str, skeleton: Skeleton | None = None, scale: float = 1.0) -> list[SlrtpClip]:
    """An SLRTP ``.pt`` file -> its clips in file order, (T, frame_size) float32 frames (coordinates / ``scale``);
    ValueError naming the file, the clip and the expected vs found shape on bad content."""
    skeleton = _layout(skeleton)
    try:
        data = torch.load(path, map_location="cpu", weights_only=True)
    except Exception as error:  # noqa: BLE001 - torch raises many kinds of error on a damaged or foreign file
        raise ValueError(
            f"{path}: not a torch file of plain tensors and strings: {type(error).__name__}: {error}"
        ) from None
    if not isinstance(data, dict):
        raise ValueError(f"{path}: expected a dict of clips by name, found {type(data).__name__}")
    expected = f"[N>0, {skeleton.num_points}, {skeleton.dims}]"
    clips = []
    for name, entry in data.items():
        entry = entry if isinstance(entry, dict) else {"poses_3d": entry}
        poses = entry.get("poses_3d")
        shape = list(poses.shape) if isinstance(poses, torch.Tensor) else type(poses).__name__
        if (
            not isinstance(poses, torch.Tensor)
            or poses.ndim != 3
            or shape[1:] != [skeleton.num_points, skeleton.dims]
            or not shape[0]
        ):
            raise ValueError(
                f"{path}: clip {name!r}: poses_3d is {shape}, expected {expected} (skeleton={skeleton.name})"
            )
        poses = poses.detach().to(torch.float32).numpy()
        if not np.isfinite(poses).all():
            raise ValueError(f"{path}: clip {name!r}: poses_3d has non-finite values")
        frames = np.empty((len(poses), skeleton.frame_size), np.float32)
        frames[:, : skeleton.num_coords] = poses.reshape(len(poses), -1) / np.float32(scale)
        frames[:, skeleton.counter_index] = counter_values(len(poses), skeleton.storage.counter)
        text, gloss, speaker = (entry.get(key) or None for key in ("text", "gloss", "speaker"))
        clips.append(SlrtpClip(str(entry.get("name", name)), text or "", gloss, frames, None, speaker))
    return clips


def write_slrtp(path: Path | str, clips: Iterable[Clip], skeleton: Skeleton | None = None, scale: float = 1.0) -> Path:
    """Write clips (stored frames of ``skeleton``, default slrtp178) as an SLRTP ``.pt`` file, atomically; a
    clip's ``speaker`` is kept where it has one. ValueError naming the clip on a wrong frame size."""
    skeleton = _layout(skeleton)
    data = {}
    for clip in clips:
        frames = np.asarray(clip.frames, dtype=np.float32)
        if frames.ndim != 2 or frames.shape[1] != skeleton.frame_size or not len(frames):
            raise ValueError(
                f"{path}: clip {clip.id!r}: frames are {list(frames.shape)}, "
                f"expected [T>0, {skeleton.frame_size}] (skeleton={skeleton.name})"
            )
        if clip.id in data:
            raise ValueError(f"{path}: clip {clip.id!r} appears twice")
        poses = skeleton.to_joints(frames[:, : skeleton.num_coords] * np.float32(scale))
        speaker = getattr(clip, "speaker", None)
        data[clip.id] = {
            "name": clip.id,
            "text": clip.text,
            "gloss": clip.gloss or "",
            "poses_3d": torch.from_numpy(np.ascontiguousarray(poses)),
            "speaker": speaker or "",
        }
    with atomic_output(path) as temporary:
        torch.save(data, temporary)
    return Path(path)
