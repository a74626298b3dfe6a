"""Lifted (or 2D) points -> stored ``.skels`` frames (Prompt2Sign's step 3) and the split files, in any layout.

Rules, as in Prompt2Sign's ``txt2skels``: every coordinate is divided by the storage's ``scale`` (the layout's,
e.g. 9 for openpose50, or the preprocess config's ``storage`` override); a coordinate that is NaN or exactly 0
is replaced by ``missing_value`` (Prompt2Sign writes 0.016, its marker for "no value", which the models see as a
tiny offset rather than a hole); the counter column follows the storage's ``counter`` convention. In a layout
with confidences they are written too (the input's, per point); ``signllm.data.skels`` writes the layout's
value blocks.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import numpy as np

from signllm.data.skels import Clip, write_split
from signllm.skeleton import Skeleton, Storage, counter_values


def stored_frames(
    points: np.ndarray, skeleton: Skeleton, storage: Storage, missing_value: float
) -> tuple[np.ndarray, np.ndarray | None]:
    """(T, points, dims + 1) coordinates and confidence -> ((T, frame_size) float32 frames as stored,
    (T, points) confidences or None for a layout without)."""
    count = len(points)
    coords = np.asarray(points[..., : skeleton.dims], dtype=np.float64).reshape(count, skeleton.num_coords)
    coords = coords / storage.scale
    coords[np.isnan(coords) | (coords == 0)] = missing_value
    frames = np.empty((count, skeleton.frame_size), dtype=np.float32)
    frames[:, : skeleton.num_coords] = coords
    frames[:, skeleton.counter_index] = counter_values(count, storage.counter)
    confidence = np.asarray(points[..., skeleton.dims], dtype=np.float32) if skeleton.confidence else None
    return frames, confidence


def write_lifted_split(
    folder: Path | str,
    split: str,
    clips: Iterable[tuple[str, str, str | None, np.ndarray]],
    skeleton: Skeleton,
    storage: Storage,
    missing_value: float,
    coord_decimals: int = 5,
) -> None:
    """Write ``(id, text, gloss, points)`` clips as ``{split}.skels/.text/.files(/.gloss)`` (each file atomic)."""
    write_split(
        folder,
        split,
        (
            Clip(clip_id, text, gloss, *stored_frames(points, skeleton, storage, missing_value))
            for clip_id, text, gloss, points in clips
        ),
        skeleton,
        storage,
        coord_decimals=coord_decimals,
    )
