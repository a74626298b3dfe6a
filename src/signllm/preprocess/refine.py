"""Gradient-based refinement of a batch of 3D skeletons (the last step of METHOD.md §1's lifting).

Parameters: log bone length per clip and bone-length class (B, classes), root position per frame
(3, B, T) and direction per bone and frame (bones, 3, B, T; normalised when used). Tensors are laid
out joint (or bone) first, coordinate second, frames innermost: joints (J, 3, B, T), 2D targets
(J, 2, B, T), weights (J, B, T). A step along the bone tree then touches one contiguous block of the
whole batch, a sum over coordinates adds three contiguous blocks and a joint's x, y part is
contiguous. Bone b hangs joint b + 1 (``signllm.skeleton.BONES``): the bones are the joints' ``[1:]``.
The objective of a clip is

    sum(w * |joint_xy - target|^2) / (T * J)  +  bone_length_weight * sum(bone lengths per class)
      + motion_weight * sum(|joint_t+1 - joint_t|^2) / ((T - 1) * J)

``objective`` states it for autograd; ``Gradients`` is its derivative in closed form, several times
cheaper than autograd for a batch on CPU (tests check that the two agree).
"""

from __future__ import annotations

import torch

from signllm.skeleton import BONE_CLASS, BONES, NUM_BONES, NUM_JOINTS

EPSILON = 1e-10
CLASS_OF_BONE = torch.from_numpy(BONE_CLASS)


def _dot(a: torch.Tensor, b: torch.Tensor, out: torch.Tensor | None = None) -> torch.Tensor:
    """(n, 3, ...) x (n, 3, ...) -> (n, 1, ...) dot products over the coordinates (dim 1), in ``out`` (n, ...).

    Adds the three coordinates' blocks: several times faster on CPU than ``sum(1)`` or ``vector_norm``.
    """
    (ax, ay, az), (bx, by, bz) = a.unbind(1), b.unbind(1)
    return torch.mul(ax, bx, out=out).addcmul_(ay, by).addcmul_(az, bz).unsqueeze(1)


def _norms(directions: torch.Tensor, out: torch.Tensor | None = None) -> torch.Tensor:
    """(bones, 3, B, T) -> (bones, 1, B, T) lengths of the directions (never zero), in ``out`` (bones, B, T)."""
    return _dot(directions, directions, out).sqrt_().add_(EPSILON)


def _bone_lengths(log_lengths: torch.Tensor) -> torch.Tensor:
    """(B, classes) -> (bones, 1, B, 1) lengths."""
    return log_lengths.exp()[:, CLASS_OF_BONE.to(log_lengths.device)].T[:, None, :, None]


def _joints(directions, scales, roots, joints: torch.Tensor) -> torch.Tensor:
    """Fill ``joints`` (J, 3, B, T) with the bones ``scales * directions`` hung from the roots (3, B, T)."""
    joints[0] = roots
    torch.mul(directions, scales, out=joints[1:])  # the bones
    for parent, child in BONES:
        joints[child] += joints[parent]
    return joints


def _add_subtrees(grad_joints: torch.Tensor) -> torch.Tensor:
    """(J, ...) in place -> each joint's value summed over its subtree (the transpose of ``_joints``)."""
    for parent, child in reversed(BONES):
        grad_joints[parent] += grad_joints[child]
    return grad_joints


def forward_kinematics(log_lengths: torch.Tensor, roots: torch.Tensor, directions: torch.Tensor) -> torch.Tensor:
    """(B, classes), (3, B, T), (bones, 3, B, T) -> joints (J, 3, B, T)."""
    scales = _bone_lengths(log_lengths) / _norms(directions)
    return _joints(directions, scales, roots, roots.new_empty(NUM_JOINTS, *roots.shape))


def reprojection_error(joints, targets, weights, lengths) -> torch.Tensor:
    """(B,) confidence-weighted squared 2D error, averaged over each clip's frames and joints.

    joints (J, 3, B, T), targets (J, 2, B, T), weights (J, B, T) zero on padding, lengths (B,) frames.
    """
    squared = ((joints[:, :2] - targets) ** 2).sum(1)
    return (weights * squared).sum((0, 2)) / (lengths * NUM_JOINTS)


def _motion_scale(lengths: torch.Tensor) -> torch.Tensor:
    return 1 / ((lengths - 1).clamp(min=1) * NUM_JOINTS)


def _pairs(mask: torch.Tensor, dtype) -> torch.Tensor:
    """(B, T - 1): 1 where frames t and t + 1 are both real."""
    return (mask[:, 1:] & mask[:, :-1]).to(dtype)


def objective(joints, log_lengths, targets, weights, mask, lengths, bone_length_weight, motion_weight) -> torch.Tensor:
    """(B,) each clip's objective (see the module docstring)."""
    steps = (joints[..., 1:] - joints[..., :-1]) ** 2 * _pairs(mask, joints.dtype)
    motion = steps.sum((0, 1, 3)) * _motion_scale(lengths)
    bone_lengths = log_lengths.exp().sum(1)
    return (
        reprojection_error(joints, targets, weights, lengths)
        + bone_length_weight * bone_lengths
        + motion_weight * motion
    )


class Gradients:
    """The gradients of ``objective().sum()`` for one batch, in closed form.

    Built once per batch (the objective's constant terms, scaled, and buffers), then called once per step
    with (log_lengths, roots, directions): returns the gradients w.r.t. the three. Those of the roots and
    directions live in the joints' buffer, which the next call overwrites. Working in place, in buffers
    allocated once, keeps a big batch's memory, and so its cache misses, small.
    """

    def __init__(self, targets, weights, mask, lengths, bone_length_weight, motion_weight):
        batch, frames = mask.shape
        self.weights = (weights * (2 / (lengths * NUM_JOINTS))[:, None])[:, None]  # (J, 1, B, T)
        self.weighted_targets = self.weights * targets
        self.motion = (2 * motion_weight * _motion_scale(lengths))[:, None] * _pairs(mask, targets.dtype)  # (B, T - 1)
        self.bone_length_weight = bone_length_weight
        self.joints = targets.new_empty(NUM_JOINTS, 3, batch, frames)  # the joints, then their gradients
        # steps[..., t] = motion * (joint_t - joint_t-1); 0 before the first frame and after the last
        self.steps = targets.new_zeros(NUM_JOINTS, 3, batch, frames + 1)
        self.norms, self.scales, self.along = (targets.new_empty(NUM_BONES, batch, frames) for _ in range(3))

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
        scales = torch.div(_bone_lengths(log_lengths), norms, out=self.scales[:, None])  # bone = scale * direction
        _joints(directions, scales, roots, self.joints)
        sums = _add_subtrees(self._joint_gradients())
        grad_bones = sums[1:].mul_(scales)  # (d objective / d unit direction) / norm
        along = _dot(grad_bones, directions, self.along)  # d objective / d log length, per bone and frame
        classes = CLASS_OF_BONE.to(roots.device)
        grad_log_lengths = torch.zeros_like(log_lengths).index_add_(1, classes, along.sum(3)[:, 0].T)
        grad_log_lengths += self.bone_length_weight * log_lengths.exp()
        # back through the normalisation: the part across the direction, divided by the norm
        grad_directions = grad_bones.addcmul_(directions, along.div_(norms.square_()), value=-1)
        return grad_log_lengths, sums[0], grad_directions


def refine(log_lengths, roots, directions, targets, weights, mask, lengths, config) -> torch.Tensor:
    """Run ``config.steps`` steps of ``config.optimizer`` (sgd | adam, ``config.lr``) and return the joints."""
    parameters = [tensor.detach().clone() for tensor in (log_lengths, roots, directions)]
    optimizer_class = {"sgd": torch.optim.SGD, "adam": torch.optim.Adam}[config.optimizer]
    optimizer = optimizer_class(parameters, lr=config.lr)
    gradients = Gradients(targets, weights, mask, lengths, config.bone_length_weight, config.motion_weight)
    for _ in range(config.steps):
        for parameter, grad in zip(parameters, gradients(*parameters)):
            parameter.grad = grad
        optimizer.step()
    return forward_kinematics(*parameters)
