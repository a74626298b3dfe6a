"""Motion statistics that DTW alone misses: how much and how long a clip moves, relative to its reference.

DTW rewards slow, mean-like output; a travel ratio well below 1 exposes it. Both statistics use the
real frames (``lengths``) of zero-padded (B, T, frame_size) batches of ``dims``-D points.
"""

from __future__ import annotations

import torch
from torch import Tensor


def joint_travel(frames: Tensor, lengths: Tensor, dims: int) -> Tensor:
    """(B,) total distance travelled by all joints: per-joint Euclidean steps between real frames, summed."""
    joints = frames[..., :-1].unflatten(-1, (-1, dims))
    steps = (joints[:, 1:] - joints[:, :-1]).norm(dim=-1).sum(dim=-1)  # (B, T - 1)
    real = torch.arange(1, frames.shape[1], device=frames.device) < lengths[:, None]
    return (steps * real).sum(dim=1)


def motion_ratios(hyp: Tensor, hyp_len: Tensor, ref: Tensor, ref_len: Tensor, dims: int) -> dict[str, Tensor]:
    """Per-pair (B,) ``travel_ratio`` (joint travel / reference's) and ``duration_ratio`` (frames / reference's)."""
    return {
        "travel_ratio": joint_travel(hyp, hyp_len, dims) / joint_travel(ref, ref_len, dims),
        "duration_ratio": hyp_len.to(hyp.dtype) / ref_len.to(hyp.dtype),
    }
