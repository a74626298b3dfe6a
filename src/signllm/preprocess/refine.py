"""The refinement of a batch of initial 3D skeletons (the gradient-descent step of METHOD.md §1's lifting).

Parameters: log bone length per clip and bone-length class (B, classes), root position per frame
(3, B, T) and direction per bone and frame (bones, 3, B, T; normalised when used). Tensors are laid
out joint (or bone) first, coordinate second, frames innermost: joints (J, 3, B, T), 2D targets
(J, 2, B, T), weights (J, B, T), J the points of the layout's bone tree in ``Tree`` order. A step along
the tree then touches one contiguous block of the whole batch, a sum over coordinates adds three
contiguous blocks and a joint's x, y part is contiguous. Bone b hangs joint b + 1: the bones are the
joints' ``[1:]``. The objective of a clip is

    sum(w * |joint_xy - target|^2) / (T * J)  +  bone_length_weight * sum(bone lengths per class)
      + motion_weight * sum(|joint_t+1 - joint_t|^2) / ((T - 1) * J)

``objective`` states it for autograd; ``Gradients`` is its derivative in closed form, several times
cheaper than autograd for a batch on CPU (tests check that the two agree).

Safeguard: plain gradient descent at the original's step size can diverge on a clip (on short windows
of real clips the objective grows a hundredfold within five steps). Every ``CHECK_EVERY`` steps each
clip's objective is measured; a clip whose objective rose since its last checkpoint (or is not finite)
goes back to that checkpoint and continues at half its step size. A clip's result is the checkpoint
with the lowest objective among those whose reprojection error is not above the start's, so no clip
ever comes out worse than its initial skeleton, by either measure. Every operation is per clip, so a
clip's result does not depend on its batch companions.
"""

from __future__ import annotations

from typing import NamedTuple

import torch

from signllm.preprocess.tree import Tree

EPSILON = 1e-10
CHECK_EVERY = 10  # steps between two divergence checks of every clip
ADAM_BETAS, ADAM_EPSILON = (0.9, 0.999), 1e-8  # torch.optim.Adam's defaults
BATCH_AXIS = (0, 1, 2)  # the batch dimension of log lengths, roots and directions


def _dot(a: torch.Tensor, b: torch.Tensor, out: torch.Tensor | None = None) -> torch.Tensor:
    """(n, 3, ...) x (n, 3, ...) -> (n, 1, ...) dot products over the coordinates (dim 1), in ``out`` (n, ...).

    Adds the three coordinates' blocks: several times faster on CPU than ``sum(1)`` or ``vector_norm``.
    """
    (ax, ay, az), (bx, by, bz) = a.unbind(1), b.unbind(1)
    return torch.mul(ax, bx, out=out).addcmul_(ay, by).addcmul_(az, bz).unsqueeze(1)


def _norms(directions: torch.Tensor, out: torch.Tensor | None = None) -> torch.Tensor:
    """(bones, 3, B, T) -> (bones, 1, B, T) lengths of the directions (never zero), in ``out`` (bones, B, T)."""
    return _dot(directions, directions, out).sqrt_().add_(EPSILON)


def _bone_lengths(tree: Tree, log_lengths: torch.Tensor) -> torch.Tensor:
    """(B, classes) -> (bones, 1, B, 1) lengths."""
    return log_lengths.exp()[:, torch.from_numpy(tree.bone_class).to(log_lengths.device)].T[:, None, :, None]


def _joints(tree: Tree, directions, scales, roots, joints: torch.Tensor) -> torch.Tensor:
    """Fill ``joints`` (J, 3, B, T) with the bones ``scales * directions`` hung from the roots (3, B, T)."""
    joints[0] = roots
    torch.mul(directions, scales, out=joints[1:])  # the bones
    for parent, child in tree.bones:
        joints[child] += joints[parent]
    return joints


def _add_subtrees(tree: Tree, grad_joints: torch.Tensor) -> torch.Tensor:
    """(J, ...) in place -> each joint's value summed over its subtree (the transpose of ``_joints``)."""
    for parent, child in reversed(tree.bones):
        grad_joints[parent] += grad_joints[child]
    return grad_joints


def forward_kinematics(tree: Tree, log_lengths, roots, directions, out: torch.Tensor | None = None) -> torch.Tensor:
    """(B, classes), (3, B, T), (bones, 3, B, T) -> joints (J, 3, B, T), in ``out`` if given."""
    scales = _bone_lengths(tree, log_lengths) / _norms(directions)
    return _joints(tree, directions, scales, roots, roots.new_empty(len(tree.points), *roots.shape) if out is None else out)


def reprojection_error(joints, targets, weights, lengths) -> torch.Tensor:
    """(B,) confidence-weighted squared 2D error, averaged over each clip's frames and joints.

    joints (J, 3, B, T), targets (J, 2, B, T), weights (J, B, T) zero on padding, lengths (B,) frames.
    """
    squared = (joints[:, :2] - targets).square_().sum(1)
    return (weights * squared).sum((0, 2)) / (lengths * len(joints))


def _motion_scale(lengths: torch.Tensor, num_joints: int) -> torch.Tensor:
    return 1 / ((lengths - 1).clamp(min=1) * num_joints)


def _pairs(mask: torch.Tensor, dtype) -> torch.Tensor:
    """(B, T - 1): 1 where frames t and t + 1 are both real."""
    return (mask[:, 1:] & mask[:, :-1]).to(dtype)


def regularisers(joints, log_lengths, mask, lengths, bone_length_weight, motion_weight) -> torch.Tensor:
    """(B,) each clip's bone-length and motion terms of the objective."""
    steps = (joints[..., 1:] - joints[..., :-1]).square_().sum((0, 1))  # (B, T - 1)
    motion = (steps * _pairs(mask, joints.dtype)).sum(1) * _motion_scale(lengths, len(joints))
    return bone_length_weight * log_lengths.exp().sum(1) + motion_weight * motion


def objective(joints, log_lengths, targets, weights, mask, lengths, bone_length_weight, motion_weight) -> torch.Tensor:
    """(B,) each clip's objective (see the module docstring)."""
    return reprojection_error(joints, targets, weights, lengths) + regularisers(
        joints, log_lengths, mask, lengths, bone_length_weight, motion_weight
    )


class Gradients:
    """The gradients of ``objective().sum()`` for one batch, in closed form.

    Built once per batch (the objective's constant terms, scaled, and buffers), then called once per step
    with (log_lengths, roots, directions): returns the gradients w.r.t. the three. Those of the roots and
    directions live in the joints' buffer, which the next call overwrites. Working in place, in buffers
    allocated once, keeps a big batch's memory, and so its cache misses, small.
    """

    def __init__(self, tree: Tree, targets, weights, mask, lengths, bone_length_weight, motion_weight):
        batch, frames = mask.shape
        joints, bones = len(tree.points), len(tree.points) - 1
        self.tree, self.classes = tree, torch.from_numpy(tree.bone_class).to(targets.device)
        self.weights = (weights * (2 / (lengths * joints))[:, None])[:, None]  # (J, 1, B, T)
        self.weighted_targets = self.weights * targets
        self.motion = (2 * motion_weight * _motion_scale(lengths, joints))[:, None] * _pairs(mask, targets.dtype)
        self.bone_length_weight = bone_length_weight
        self.joints = targets.new_empty(joints, 3, batch, frames)  # the joints, then their gradients
        # steps[..., t] = motion * (joint_t - joint_t-1); 0 before the first frame and after the last
        self.steps = targets.new_zeros(joints, 3, batch, frames + 1)
        self.norms, self.scales, self.along = (targets.new_empty(bones, batch, frames) for _ in range(3))

    def _joint_gradients(self) -> torch.Tensor:
        """Turn the joints in ``self.joints`` into d objective / d joints (J, 3, B, T), in place."""
        joints, steps = self.joints, self.steps
        torch.sub(joints[..., 1:], joints[..., :-1], out=steps[..., 1:-1]).mul_(self.motion)
        grad = joints
        grad[:, :2].mul_(self.weights).sub_(self.weighted_targets)
        grad[:, 2] = 0
        return grad.add_(steps[..., :-1]).sub_(steps[..., 1:])

    def __call__(self, log_lengths, roots, directions):
        norms = _norms(directions, self.norms)
        scales = torch.div(_bone_lengths(self.tree, log_lengths), norms, out=self.scales[:, None])
        _joints(self.tree, directions, scales, roots, self.joints)
        sums = _add_subtrees(self.tree, self._joint_gradients())
        grad_bones = sums[1:].mul_(scales)  # (d objective / d unit direction) / norm
        along = _dot(grad_bones, directions, self.along)  # d objective / d log length, per bone and frame
        grad_log_lengths = torch.zeros_like(log_lengths).index_add_(1, self.classes, along.sum(3)[:, 0].T)
        grad_log_lengths += self.bone_length_weight * log_lengths.exp()
        # back through the normalisation: the part across the direction, divided by the norm
        grad_directions = grad_bones.addcmul_(directions, along.div_(norms.square_()), value=-1)
        return grad_log_lengths, sums[0], grad_directions


def _per_clip(values: torch.Tensor, parameter: torch.Tensor, axis: int) -> torch.Tensor:
    """(B,) values shaped to broadcast over a parameter whose batch dimension is ``axis``."""
    shape = [1] * parameter.dim()
    shape[axis] = -1
    return values.view(shape)


class _Descent:
    """Gradient descent (sgd) or Adam with a step size per clip."""

    def __init__(self, parameters: list[torch.Tensor], optimizer: str, lr: float):
        self.parameters, self.adam, self.lr, self.count = parameters, optimizer == "adam", lr, 0
        self.rates = parameters[0].new_full((len(parameters[0]),), lr)
        self.uniform = True  # every clip still at ``lr``: one scalar step, as torch.optim.SGD takes
        self.moments = [(torch.zeros_like(p), torch.zeros_like(p)) for p in parameters] if self.adam else []

    def halve(self, clips: torch.Tensor) -> None:
        """Halve the step of ``clips`` (B,) bool and forget their Adam moments (they led astray)."""
        self.rates = torch.where(clips, self.rates / 2, self.rates)
        self.uniform = False
        for index, moments in enumerate(self.moments):
            for moment in moments:
                moment.masked_fill_(_per_clip(clips, moment, BATCH_AXIS[index]), 0)

    def step(self, gradients) -> None:
        self.count += 1
        for index, (parameter, grad) in enumerate(zip(self.parameters, gradients)):
            if self.adam:
                (first, second), (beta1, beta2) = self.moments[index], ADAM_BETAS
                first.mul_(beta1).add_(grad, alpha=1 - beta1)
                second.mul_(beta2).addcmul_(grad, grad, value=1 - beta2)
                denominator = second.div(1 - beta2**self.count).sqrt_().add_(ADAM_EPSILON)
                grad, scale = first.div(denominator), 1 / (1 - beta1**self.count)
            else:
                scale = 1.0
            if self.uniform:
                parameter.add_(grad, alpha=-self.lr * scale)
            else:
                parameter.addcmul_(grad, _per_clip(self.rates * scale, parameter, BATCH_AXIS[index]), value=-1)


def _keep(target: list[torch.Tensor], source: list[torch.Tensor], clips: torch.Tensor) -> None:
    """Copy the ``clips`` (B,) bool of ``source`` into ``target``, parameter by parameter."""
    for axis, (kept, new) in enumerate(zip(target, source)):
        if clips.all():
            kept.copy_(new)
        elif clips.any():
            kept.copy_(torch.where(_per_clip(clips, new, BATCH_AXIS[axis]), new, kept))


class Refined(NamedTuple):
    """Joints (J, 3, B, T) of each clip's best checkpoint; objectives and reprojection errors (B,) of the start
    and of that result."""

    joints: torch.Tensor
    objective_initial: torch.Tensor
    objective_final: torch.Tensor
    reprojection_initial: torch.Tensor
    reprojection_final: torch.Tensor


def refine(tree: Tree, log_lengths, roots, directions, targets, weights, mask, lengths, config) -> Refined:
    """Run ``config.steps`` safeguarded steps of ``config.optimizer`` (sgd | adam, ``config.lr``), keeping each
    clip's best checkpoint (see the module docstring)."""
    parameters = [tensor.detach().clone() for tensor in (log_lengths, roots, directions)]
    terms = (targets, weights, mask, lengths, config.bone_length_weight, config.motion_weight)
    joints = targets.new_empty(len(tree.points), 3, *mask.shape)

    def measure() -> tuple[torch.Tensor, torch.Tensor]:
        forward_kinematics(tree, *parameters, out=joints)
        error = reprojection_error(joints, targets, weights, lengths)
        return error + regularisers(joints, parameters[0], *terms[2:]), error

    start_objective, start_error = measure()
    last, last_objective = [p.clone() for p in parameters], start_objective  # where a diverged clip goes back to
    best, best_objective, best_error = [p.clone() for p in parameters], start_objective, start_error
    descent, gradients = _Descent(parameters, config.optimizer, config.lr), Gradients(tree, *terms)
    for first in range(0, config.steps, CHECK_EVERY):
        for _ in range(min(CHECK_EVERY, config.steps - first)):
            descent.step(gradients(*parameters))
        current, error = measure()
        diverged = ~(current <= last_objective)  # NaN counts as diverged
        if diverged.any():
            _keep(parameters, last, diverged)
            descent.halve(diverged)
        _keep(last, parameters, ~diverged)
        last_objective = torch.where(diverged, last_objective, current)
        better = (current < best_objective) & (error <= start_error) & ~diverged
        _keep(best, parameters, better)
        best_objective = torch.where(better, current, best_objective)
        best_error = torch.where(better, error, best_error)
    return Refined(forward_kinematics(tree, *best), start_objective, best_objective, start_error, best_error)
