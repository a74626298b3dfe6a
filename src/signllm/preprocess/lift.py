"""2D -> 3D lifting of METHOD.md §1, in PyTorch, for many clips at once (padded, masked batches).

Per clip: normalise x and y; zero the frames whose mean body confidence is below a threshold (0.3);
fill every point by confidence-weighted averaging over the smallest symmetric window of frames whose
summed confidence reaches 0.99; build an initial skeleton (bone length per bone-length class = median
2D length; each child = parent + length x unit direction, the direction reproducing the 2D child with
z >= 0); then refine log bone lengths, per-frame root positions and per-frame bone directions by
gradient descent on
    confidence-weighted 2D reprojection error + 0.001 x sum of bone lengths + 0.1 x mean squared motion.
Bone lengths are one parameter per class, so they are constant over a clip's frames by construction.
The refinement itself is in ``refine``.

The objective of a batch is the sum of its clips' objectives, so each clip's gradients, and with them
its result, do not depend on the other clips of the batch (up to float rounding).

Choices where the original tools (Prompt2Sign ``tools/2D_to_3D``) are ambiguous or wrong, documented:
- normalisation: means and the pooled standard deviation of x and y are taken over *observed* points
  (confidence > 0) only; the original included the (0, 0) of missing points, which shifts a clip by
  how much of it is missing. Image orientation is kept (y grows downwards, z towards the camera's back).
- the random root jitter of the original (uniform, +-``root_noise``) is drawn per clip from ``seed``,
  so a clip lifts the same alone or in any batch.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from signllm.preprocess.refine import EPSILON, forward_kinematics, refine, reprojection_error
from signllm.skeleton import BODY, BONE_CLASS, BONES, NUM_BONE_CLASSES, NUM_JOINTS

Z_OFFSET = 0.001  # added to every initial direction's depth, as the original does (keeps z > 0)


@dataclass
class LiftConfig:
    """Hyperparameters of the lifting (the ``lift`` section of conf/preprocess.yaml)."""

    steps: int = 1000
    lr: float = 0.1
    optimizer: str = "sgd"  # sgd (the original's plain gradient descent) | adam
    confidence_threshold: float = 0.3
    interpolation_threshold: float = 0.99
    bone_length_weight: float = 0.001
    motion_weight: float = 0.1
    root_noise: float = 0.001
    seed: int = 1234


@dataclass
class Lifted:
    """One clip's result: (T, NUM_JOINTS, 3) joints and its weighted 2D reprojection error before/after refinement."""

    joints: np.ndarray
    reprojection_initial: float
    reprojection_final: float
    pruned: int


def valid_frames(poses2d: np.ndarray | torch.Tensor, threshold: float):
    """(..., T, NUM_JOINTS, 3) x, y, confidence -> (..., T) bool: mean body confidence >= threshold."""
    return poses2d[..., BODY, 2].mean(-1) >= threshold


def normalise(poses: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    """Subtract each clip's x and y means and divide by one pooled std, over observed points; missing -> 0."""
    observed = (poses[..., 2] > 0) & mask[..., None]
    weight = observed[..., None].to(poses.dtype)
    count = weight.sum((1, 2)).clamp(min=1)  # (B, 1)
    means = (poses[..., :2] * weight).sum((1, 2)) / count  # (B, 2)
    centred = (poses[..., :2] - means[:, None, None]) * weight
    std = ((centred**2).sum((1, 2, 3)) / (2 * count[:, 0])).clamp(min=EPSILON).sqrt()  # (B,)
    return torch.cat([centred / std[:, None, None, None], poses[..., 2:]], -1)


def interpolate(xy: torch.Tensor, weights: torch.Tensor, threshold: float) -> torch.Tensor:
    """Confidence-weighted average of each point over the smallest window t +- d reaching ``threshold``.

    xy (B, T, J, 2), weights (B, T, J) (zero on padding) -> (B, T, J, 2). The window half-width d is
    found per point by binary search on cumulative sums; a point never reaching the threshold averages
    over its whole clip.
    """
    batch, frames, joints = weights.shape
    weights64 = weights.double()
    sums = torch.cat([weights64.new_zeros(batch, 1, joints), weights64.cumsum(1)], 1)
    moments = torch.cat([weights64.new_zeros(batch, 1, joints, 2), (xy.double() * weights64[..., None]).cumsum(1)], 1)
    time = torch.arange(frames, device=xy.device)[None, :, None]

    def window(half_width: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        return (time - half_width).clamp(min=0), (time + half_width).clamp(max=frames - 1) + 1

    def total(half_width: torch.Tensor) -> torch.Tensor:
        low, high = window(half_width)
        return sums.gather(1, high) - sums.gather(1, low)

    low = torch.zeros(batch, frames, joints, dtype=torch.long, device=xy.device)
    high = torch.full_like(low, frames - 1)
    for _ in range(max(frames - 1, 1).bit_length()):
        middle = (low + high) // 2
        enough = total(middle) >= threshold
        high, low = torch.where(enough, middle, high), torch.where(enough, low, middle + 1)
    start, stop = (index[..., None].expand(-1, -1, -1, 2) for index in window(high))
    weight_sum = total(high).clamp(min=EPSILON)
    return ((moments.gather(1, stop) - moments.gather(1, start)) / weight_sum[..., None]).to(xy.dtype)


def initial_skeleton(targets: torch.Tensor, mask: torch.Tensor, roots: torch.Tensor):
    """Initial (log bone lengths (B, classes), bone directions (B, T, NUM_BONES, 3)) from 2D targets.

    Length per class = lower median of the 2D lengths of its bones over the clip's frames; directions
    are built root to leaves so that each child lands on its 2D target with z >= 0 where the bone is
    long enough, else points straight at it in the image plane.
    """
    parents, children = (torch.tensor(side, device=targets.device) for side in zip(*BONES))
    lengths2d = (targets[:, :, children] - targets[:, :, parents]).norm(dim=-1)  # (B, T, bones)
    lengths2d = lengths2d.masked_fill(~mask[..., None], float("nan"))
    bone_class = torch.from_numpy(BONE_CLASS).to(targets.device)
    medians = [lengths2d[:, :, bone_class == c].flatten(1).nanmedian(1).values for c in range(NUM_BONE_CLASSES)]
    log_lengths = torch.stack(medians, 1).clamp(min=1e-6).log()
    lengths = log_lengths.exp()[:, bone_class]  # (B, bones)
    positions = {0: roots}
    directions = []
    for bone, (parent, child) in enumerate(BONES):
        offset = targets[:, :, child] - positions[parent][..., :2]
        length = lengths[:, bone, None]
        depth = (length**2 - (offset**2).sum(-1)).clamp(min=0).sqrt() + Z_OFFSET
        direction = torch.nn.functional.normalize(torch.cat([offset, depth[..., None]], -1), dim=-1)
        directions.append(direction)
        positions[child] = positions[parent] + length[..., None] * direction
    return log_lengths, torch.stack(directions, 2)


def _pad(clips: list[np.ndarray], config: LiftConfig, device) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """Clips of (T_i, NUM_JOINTS, 3) -> poses (B, T, NUM_JOINTS, 3), mask (B, T), root jitter (B, T, 3)."""
    frames = max(len(clip) for clip in clips)
    poses = np.zeros((len(clips), frames, NUM_JOINTS, 3), dtype=np.float32)
    noise = np.zeros((len(clips), frames, 3), dtype=np.float32)
    mask = np.zeros((len(clips), frames), dtype=bool)
    for index, clip in enumerate(clips):
        poses[index, : len(clip)], mask[index, : len(clip)] = clip, True
        jitter = np.random.RandomState(config.seed).uniform(-config.root_noise, config.root_noise, (len(clip), 3))
        noise[index, : len(clip)] = jitter
    return tuple(torch.from_numpy(array).to(device) for array in (poses, mask, noise))


def lift_clips(clips: list[np.ndarray], config: LiftConfig | None = None, device="cpu") -> list[Lifted]:
    """Lift a batch of clips, each (T_i, NUM_JOINTS, 3) of x, y, confidence, to 3D joints."""
    config = config or LiftConfig()
    poses, mask, noise = _pad(clips, config, device)
    lengths = mask.sum(1).to(poses.dtype)
    poses = normalise(poses, mask)
    kept = valid_frames(poses, config.confidence_threshold) & mask
    weights = poses[..., 2] * kept[..., None]
    targets = interpolate(poses[..., :2], weights, config.interpolation_threshold)
    roots = torch.cat([targets[:, :, 0], torch.zeros_like(targets[:, :, 0, :1])], -1) + noise
    log_lengths, directions = initial_skeleton(targets, mask, roots)
    # refinement's layout: (joints or bones, coordinates, B, T), weights (J, B, T), roots (3, B, T)
    targets, directions = (tensor.permute(2, 3, 0, 1).contiguous() for tensor in (targets, directions))
    weights, roots = weights.permute(2, 0, 1).contiguous(), roots.permute(2, 0, 1).contiguous()
    initial = reprojection_error(forward_kinematics(log_lengths, roots, directions), targets, weights, lengths)
    joints = refine(log_lengths, roots, directions, targets, weights, mask, lengths, config)
    final = reprojection_error(joints, targets, weights, lengths)
    joints, pruned = joints.permute(2, 3, 0, 1).cpu().numpy(), (mask & ~kept).sum(1).tolist()
    return [
        Lifted(joints[index, : len(clip)], float(initial[index]), float(final[index]), int(pruned[index]))
        for index, clip in enumerate(clips)
    ]
