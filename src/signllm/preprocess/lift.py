"""2D -> 3D lifting of METHOD.md §1, in PyTorch, for many clips at once (padded, masked batches), in any layout
whose points form one bone tree (``tree.Tree``; the layout's tree, root, bones and bone classes).

Per clip: normalise x and y; zero the frames whose mean body confidence is below a threshold (0.3);
fill every point by confidence-weighted averaging over the smallest symmetric window of frames whose
summed confidence reaches 0.99; build an initial skeleton (bone length per bone-length class = median
2D length; each child = parent + length x unit direction, the direction reproducing the 2D child with
z >= 0); then refine log bone lengths, per-frame root positions and per-frame bone directions by
safeguarded gradient descent on
    confidence-weighted 2D reprojection error + 0.001 x sum of bone lengths + 0.1 x mean squared motion
over the tree's points. Bone lengths are one parameter per class, so they are constant over a clip's
frames by construction. The refinement, and its guarantee that no clip ends worse than it started, is
in ``refine``.

The objective of a batch is the sum of its clips' objectives, so each clip's gradients, and with them
its result, do not depend on the other clips of the batch (up to float rounding).

Choices where the original tools (Prompt2Sign ``tools/2D_to_3D``) are ambiguous or wrong, or that the
original (one layout, no face) never had to make, documented:
- normalisation: means and the pooled standard deviation of x and y are taken over *observed* points
  (confidence > 0) only; the original included the (0, 0) of missing points, which shifts a clip by
  how much of it is missing. Image orientation is kept (y grows downwards, z towards the camera's back).
- the random root jitter of the original (uniform, +-``root_noise``) is drawn per clip from ``seed``,
  so a clip lifts the same alone or in any batch.
- points without bones that hang on an anchor (the face on the nose) are not fitted: they keep their
  (normalised, gap-filled) 2D position and take their anchor's refined depth, a flat face at the depth
  of the nose. Without bones there is nothing to estimate their depth from; the anchor's depth keeps
  them with the head. Their reprojection error is zero by construction, so the reported errors are
  those of the tree's points.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from signllm.cli import ConfigError
from signllm.preprocess.refine import EPSILON, refine
from signllm.preprocess.tree import Tree
from signllm.skeleton import Skeleton

OPTIMIZERS = ("sgd", "adam")
Z_OFFSET = 0.001  # added to every initial direction's depth, as the original does (keeps z > 0)


@dataclass
class LiftConfig:
    """Hyperparameters of the lifting (the ``lift`` section of conf/preprocess.yaml)."""

    steps: int = 1000
    lr: float = 0.1
    optimizer: str = "sgd"  # sgd (the original's gradient descent) | adam; both safeguarded (see refine)
    confidence_threshold: float = 0.3
    interpolation_threshold: float = 0.99
    bone_length_weight: float = 0.001
    motion_weight: float = 0.1
    root_noise: float = 0.001
    seed: int = 1234

    def __post_init__(self):
        if self.optimizer not in OPTIMIZERS:
            raise ConfigError(f"lift.optimizer={self.optimizer!r}: expected one of {OPTIMIZERS}")


@dataclass
class Lifted:
    """One clip's result: (T, points, 3) joints; the objective and the weighted 2D reprojection error of the
    tree's points before and after refinement (neither ever above before); frames pruned for low confidence."""

    joints: np.ndarray
    objective_initial: float
    objective_final: float
    reprojection_initial: float
    reprojection_final: float
    pruned: int


def valid_frames(poses2d: np.ndarray | torch.Tensor, skeleton: Skeleton, threshold: float):
    """(..., T, points, 3) x, y, confidence -> (..., T) bool: mean body confidence >= threshold."""
    return poses2d[..., skeleton.component("body"), 2].mean(-1) >= threshold


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


def initial_skeleton(tree: Tree, targets: torch.Tensor, mask: torch.Tensor, roots: torch.Tensor):
    """Initial (log bone lengths (B, classes), bone directions (B, T, bones, 3)) from 2D targets (B, T, J, 2) of
    the tree's points (``Tree`` order).

    Length per class = lower median of the 2D lengths of its bones over the clip's frames; directions
    are built root to leaves so that each child lands on its 2D target with z >= 0 where the bone is
    long enough, else points straight at it in the image plane.
    """
    parents, children = (torch.tensor(side, device=targets.device) for side in zip(*tree.bones))
    lengths2d = (targets[:, :, children] - targets[:, :, parents]).norm(dim=-1)  # (B, T, bones)
    lengths2d = lengths2d.masked_fill(~mask[..., None], float("nan"))
    bone_class = torch.from_numpy(tree.bone_class).to(targets.device)
    medians = [lengths2d[:, :, bone_class == c].flatten(1).nanmedian(1).values for c in range(tree.num_classes)]
    log_lengths = torch.stack(medians, 1).clamp(min=1e-6).log()
    lengths = log_lengths.exp()[:, bone_class]  # (B, bones)
    positions = {0: roots}
    directions = []
    for bone, (parent, child) in enumerate(tree.bones):
        offset = targets[:, :, child] - positions[parent][..., :2]
        length = lengths[:, bone, None]
        depth = (length**2 - (offset**2).sum(-1)).clamp(min=0).sqrt() + Z_OFFSET
        direction = torch.nn.functional.normalize(torch.cat([offset, depth[..., None]], -1), dim=-1)
        directions.append(direction)
        positions[child] = positions[parent] + length[..., None] * direction
    return log_lengths, torch.stack(directions, 2)


def _pad(clips: list[np.ndarray], config: LiftConfig, device) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """Clips of (T_i, points, 3) -> poses (B, T, points, 3), mask (B, T), root jitter (B, T, 3)."""
    frames = max(len(clip) for clip in clips)
    poses = np.zeros((len(clips), frames, *clips[0].shape[1:]), dtype=np.float32)
    noise = np.zeros((len(clips), frames, 3), dtype=np.float32)
    mask = np.zeros((len(clips), frames), dtype=bool)
    for index, clip in enumerate(clips):
        poses[index, : len(clip)], mask[index, : len(clip)] = clip, True
        jitter = np.random.RandomState(config.seed).uniform(-config.root_noise, config.root_noise, (len(clip), 3))
        noise[index, : len(clip)] = jitter
    return tuple(torch.from_numpy(array).to(device) for array in (poses, mask, noise))


@dataclass
class Problem:
    """A batch's refinement problem in ``refine``'s layout, and what assembling the result needs besides."""

    tree: Tree
    parameters: tuple[torch.Tensor, torch.Tensor, torch.Tensor]  # log lengths, roots (3, B, T), directions
    terms: tuple[torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor]  # tree targets, weights, mask, lengths
    targets: torch.Tensor  # (B, T, points, 2) every point's normalised, gap-filled 2D position
    pruned: torch.Tensor  # (B,) frames below the confidence threshold


def problem(clips: list[np.ndarray], skeleton: Skeleton, config: LiftConfig, device="cpu") -> Problem:
    """Normalise, prune, fill and build the initial skeletons of a batch of clips (T_i, points, 3)."""
    tree = Tree.of(skeleton)
    if any(clip.shape[1:] != (skeleton.num_points, 3) for clip in clips):
        shapes = sorted({clip.shape[1:] for clip in clips})
        raise ValueError(f"lifting skeleton={skeleton.name} needs clips of ({skeleton.num_points}, 3) per frame, got {shapes}")
    poses, mask, noise = _pad(clips, config, device)
    lengths = mask.sum(1).to(poses.dtype)
    poses = normalise(poses, mask)
    kept = valid_frames(poses, skeleton, config.confidence_threshold) & mask
    weights = poses[..., 2] * kept[..., None]
    targets = interpolate(poses[..., :2], weights, config.interpolation_threshold)
    points = torch.from_numpy(tree.points).to(device)
    tree_targets = targets[:, :, points]
    roots = torch.cat([tree_targets[:, :, 0], torch.zeros_like(tree_targets[:, :, 0, :1])], -1) + noise
    log_lengths, directions = initial_skeleton(tree, tree_targets, mask, roots)
    # refinement's layout: (joints or bones, coordinates, B, T), weights (J, B, T), roots (3, B, T)
    tree_targets, directions = (tensor.permute(2, 3, 0, 1).contiguous() for tensor in (tree_targets, directions))
    tree_weights, roots = weights[:, :, points].permute(2, 0, 1).contiguous(), roots.permute(2, 0, 1).contiguous()
    return Problem(
        tree, (log_lengths, roots, directions), (tree_targets, tree_weights, mask, lengths), targets, (mask & ~kept).sum(1)
    )


def lift_clips(
    clips: list[np.ndarray], skeleton: Skeleton, config: LiftConfig | None = None, device="cpu"
) -> list[Lifted]:
    """Lift a batch of clips of the layout ``skeleton``, each (T_i, points, 3) of x, y, confidence, to 3D joints."""
    config = config or LiftConfig()
    batch = problem(clips, skeleton, config, device)
    tree, targets = batch.tree, batch.targets
    refined = refine(tree, *batch.parameters, *batch.terms, config)
    lifted = torch.cat([targets, targets.new_zeros(*targets.shape[:-1], 1)], -1)  # (B, T, points, 3)
    points = torch.from_numpy(tree.points).to(device)
    lifted[:, :, points] = refined.joints.permute(2, 3, 0, 1)
    anchored = torch.from_numpy(tree.anchored).to(device)
    lifted[:, :, anchored, 2] = lifted[:, :, points[torch.from_numpy(tree.anchors).to(device)], 2]
    lifted, pruned = lifted.cpu().numpy(), batch.pruned.tolist()
    measures = [value.tolist() for value in refined[1:]]
    return [
        Lifted(lifted[index, : len(clip)], *(float(values[index]) for values in measures), int(pruned[index]))
        for index, clip in enumerate(clips)
    ]
