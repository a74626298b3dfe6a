"""Gradient-based refinement of a batch of 3D skeletons (the last step of METHOD.md §1's lifting).

Parameters per clip: log bone length per bone-length class (B, classes), root position per frame
(B, T, 3) and direction per bone and frame (bones, B, T, 3; normalised when used). Tensors are laid
out joint-major (joint or bone first), so that walking the bone tree touches one contiguous block of
the whole batch per bone. The objective of a clip is

    sum(w * |joint_xy - target|^2) / (T * J)  +  bone_length_weight * sum(bone lengths per class)
      + motion_weight * sum(|joint_t+1 - joint_t|^2) / ((T - 1) * J)

``objective`` states it for autograd; ``gradients`` is its derivative in closed form, several times
cheaper than autograd for a batch on CPU (tests check that the two agree).
"""

from __future__ import annotations

import torch

from signllm.skeleton import BONE_CLASS, BONES, NUM_JOINTS

EPSILON = 1e-10
CLASS_OF_BONE = torch.from_numpy(BONE_CLASS)
CHILDREN = torch.tensor([child for _, child in BONES])


def _unit_and_norm(directions: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    norm = (directions * directions).sum(-1, keepdim=True).sqrt() + EPSILON
    return directions / norm, norm


def _bone_lengths(log_lengths: torch.Tensor) -> torch.Tensor:
    """(B, classes) -> (bones, B, 1, 1) lengths."""
    return log_lengths.exp()[:, CLASS_OF_BONE.to(log_lengths.device)].T[..., None, None]


def _joints(bones: torch.Tensor, roots: torch.Tensor) -> torch.Tensor:
    """Bone vectors (bones, B, T, 3) hung from the roots (B, T, 3) -> joints (J, B, T, 3), root to leaves."""
    joints = [roots] + [None] * len(BONES)
    for bone, (parent, child) in enumerate(BONES):
        joints[child] = joints[parent] + bones[bone]
    return torch.stack(joints)


def _subtree_sums(grad_joints: torch.Tensor) -> torch.Tensor:
    """(J, ...) -> (J, ...): each joint's value summed over its subtree (the transpose of ``_joints``)."""
    sums = grad_joints.clone()
    for parent, child in reversed(BONES):
        sums[parent] += sums[child]
    return sums


def forward_kinematics(log_lengths: torch.Tensor, roots: torch.Tensor, directions: torch.Tensor) -> torch.Tensor:
    """(B, classes), (B, T, 3), (bones, B, T, 3) -> joints (J, B, T, 3)."""
    return _joints(_unit_and_norm(directions)[0] * _bone_lengths(log_lengths), roots)


def reprojection_error(joints, targets, weights, lengths) -> torch.Tensor:
    """(B,) confidence-weighted squared 2D error, averaged over each clip's frames and joints.

    joints (J, B, T, 3), targets (J, B, T, 2), weights (J, B, T) zero on padding, lengths (B,) frames.
    """
    squared = ((joints[..., :2] - targets) ** 2).sum(-1)
    return (weights * squared).sum((0, 2)) / (lengths * NUM_JOINTS)


def _motion_scale(lengths: torch.Tensor) -> torch.Tensor:
    return 1 / ((lengths - 1).clamp(min=1) * NUM_JOINTS)


def _pairs(mask: torch.Tensor, dtype) -> torch.Tensor:
    """(B, T - 1, 1): 1 where frames t and t + 1 are both real."""
    return (mask[:, 1:] & mask[:, :-1]).to(dtype)[..., None]


def objective(joints, log_lengths, targets, weights, mask, lengths, bone_length_weight, motion_weight) -> torch.Tensor:
    """(B,) each clip's objective (see the module docstring)."""
    steps = (joints[:, :, 1:] - joints[:, :, :-1]) ** 2 * _pairs(mask, joints.dtype)
    motion = steps.sum((0, 2, 3)) * _motion_scale(lengths)
    bone_lengths = log_lengths.exp().sum(1)
    return (
        reprojection_error(joints, targets, weights, lengths)
        + bone_length_weight * bone_lengths
        + motion_weight * motion
    )


def gradients(log_lengths, roots, directions, targets, weights, mask, lengths, bone_length_weight, motion_weight):
    """Joints and the gradients of ``objective().sum()`` w.r.t. (log_lengths, roots, directions), in closed form."""
    unit, norm = _unit_and_norm(directions)
    bone_lengths = _bone_lengths(log_lengths)
    joints = _joints(unit * bone_lengths, roots)
    # d objective / d joints
    grad_joints = torch.zeros_like(joints)
    reprojection_scale = (2 / (lengths * NUM_JOINTS))[:, None, None]
    grad_joints[..., :2] = reprojection_scale * weights[..., None] * (joints[..., :2] - targets)
    motion_scale = (2 * motion_weight * _motion_scale(lengths))[:, None, None]
    steps = (joints[:, :, 1:] - joints[:, :, :-1]) * (_pairs(mask, joints.dtype) * motion_scale)
    grad_joints[:, :, 1:] += steps
    grad_joints[:, :, :-1] -= steps
    # back through the tree, the lengths and the normalisation of the directions
    sums = _subtree_sums(grad_joints)
    grad_bones = sums[CHILDREN.to(roots.device)]
    grad_unit = grad_bones * bone_lengths
    along = (grad_unit * unit).sum(-1, keepdim=True)
    grad_per_bone = along.sum((2, 3)).T  # (B, bones): d / d log length of each bone
    grad_log_lengths = torch.zeros_like(log_lengths).index_add_(1, CLASS_OF_BONE.to(roots.device), grad_per_bone)
    grad_log_lengths += bone_length_weight * log_lengths.exp()
    grad_directions = (grad_unit - unit * along) / norm
    return joints, (grad_log_lengths, sums[0], grad_directions)


def refine(log_lengths, roots, directions, targets, weights, mask, lengths, config) -> torch.Tensor:
    """Run ``config.steps`` steps of ``config.optimizer`` (sgd | adam, ``config.lr``) and return the joints."""
    parameters = [tensor.detach().clone() for tensor in (log_lengths, roots, directions)]
    optimizer_class = {"sgd": torch.optim.SGD, "adam": torch.optim.Adam}[config.optimizer]
    optimizer = optimizer_class(parameters, lr=config.lr)
    terms = (targets, weights, mask, lengths, config.bone_length_weight, config.motion_weight)
    for _ in range(config.steps):
        _, grads = gradients(*parameters, *terms)
        for parameter, grad in zip(parameters, grads):
            parameter.grad = grad
        optimizer.step()
    return forward_kinematics(*parameters)
