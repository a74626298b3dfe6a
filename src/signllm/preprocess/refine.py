"""Gradient-based refinement of a batch of 3D skeletons (the last step of METHOD.md §1's lifting).

Parameters per clip: log bone length per bone-length class (B, classes), root position per frame
(B, T, 3) and direction per frame and bone (B, T, 3, bones; normalised when used). Tensors are laid out
coordinate-major (x, y, z before joints) so that forward kinematics is one matrix product over the whole
batch. The objective of a clip is

    sum(w * |joint_xy - target|^2) / (T * J)  +  bone_length_weight * sum(bone lengths per class)
      + motion_weight * sum(|joint_t+1 - joint_t|^2) / ((T - 1) * J)

``objective`` states it for autograd; ``gradients`` is its derivative in closed form, which costs a
quarter of autograd's time on CPU for a batch (tests check that the two agree).
"""

from __future__ import annotations

import torch

from signllm.skeleton import BONE_CLASS, BONES, NUM_BONES, NUM_JOINTS

EPSILON = 1e-10


def _ancestors() -> torch.Tensor:
    """(NUM_BONES, NUM_JOINTS): 1 where bone b lies on the path from the root to joint j."""
    matrix = torch.zeros(NUM_BONES, NUM_JOINTS)
    bone_of_child = {child: bone for bone, (_, child) in enumerate(BONES)}
    for joint in range(NUM_JOINTS):
        node = joint
        while node in bone_of_child:
            matrix[bone_of_child[node], joint] = 1.0
            node = BONES[bone_of_child[node]][0]
    return matrix


ANCESTORS = _ancestors()
CLASS_OF_BONE = torch.from_numpy(BONE_CLASS)


def forward_kinematics(log_lengths: torch.Tensor, roots: torch.Tensor, directions: torch.Tensor) -> torch.Tensor:
    """(B, classes), (B, T, 3), (B, T, 3, bones) -> joints (B, T, 3, NUM_JOINTS)."""
    batch, frames = roots.shape[:2]
    unit = directions / (directions.norm(dim=2, keepdim=True) + EPSILON)
    bones = unit * log_lengths.exp()[:, CLASS_OF_BONE.to(roots.device)][:, None, None]
    joints = (bones.reshape(-1, NUM_BONES) @ ANCESTORS.to(bones)).view(batch, frames, 3, NUM_JOINTS)
    return joints + roots[..., None]


def reprojection_error(joints, targets, weights, lengths) -> torch.Tensor:
    """(B,) confidence-weighted squared 2D error, averaged over each clip's frames and joints.

    joints (B, T, 3, J), targets (B, T, 2, J), weights (B, T, J) zero on padding, lengths (B,) frames.
    """
    squared = ((joints[:, :, :2] - targets) ** 2).sum(2)
    return (weights * squared).sum((1, 2)) / (lengths * NUM_JOINTS)


def _motion_scale(lengths: torch.Tensor) -> torch.Tensor:
    return 1 / ((lengths - 1).clamp(min=1) * NUM_JOINTS)


def _pairs(mask: torch.Tensor, dtype) -> torch.Tensor:
    """(B, T - 1, 1, 1): 1 where frames t and t + 1 are both real."""
    return (mask[:, 1:] & mask[:, :-1]).to(dtype)[..., None, None]


def objective(joints, log_lengths, targets, weights, mask, lengths, bone_length_weight, motion_weight) -> torch.Tensor:
    """(B,) each clip's objective (see the module docstring)."""
    steps = (joints[:, 1:] - joints[:, :-1]) ** 2 * _pairs(mask, joints.dtype)
    motion = steps.sum((1, 2, 3)) * _motion_scale(lengths)
    bone_lengths = log_lengths.exp().sum(1)
    return reprojection_error(joints, targets, weights, lengths) + bone_length_weight * bone_lengths + motion_weight * motion


def gradients(log_lengths, roots, directions, targets, weights, mask, lengths, bone_length_weight, motion_weight):
    """Joints and the gradients of ``objective().sum()`` w.r.t. (log_lengths, roots, directions), in closed form."""
    batch, frames = roots.shape[:2]
    norm = directions.norm(dim=2, keepdim=True) + EPSILON
    unit = directions / norm
    classes = CLASS_OF_BONE.to(roots.device)
    bone_lengths = log_lengths.exp()[:, classes][:, None, None]  # (B, 1, 1, bones)
    ancestors = ANCESTORS.to(roots)
    joints = ((unit * bone_lengths).reshape(-1, NUM_BONES) @ ancestors).view(batch, frames, 3, NUM_JOINTS)
    joints += roots[..., None]
    # d objective / d joints
    grad_joints = torch.zeros_like(joints)
    reprojection_scale = (2 / (lengths * NUM_JOINTS))[:, None, None, None]
    grad_joints[:, :, :2] = reprojection_scale * weights[:, :, None] * (joints[:, :, :2] - targets)
    motion_scale = (2 * motion_weight * _motion_scale(lengths))[:, None, None, None]
    steps = (joints[:, 1:] - joints[:, :-1]) * _pairs(mask, joints.dtype) * motion_scale
    grad_joints[:, 1:] += steps
    grad_joints[:, :-1] -= steps
    # back through the tree, the lengths and the normalisation of the directions
    grad_bones = (grad_joints.reshape(-1, NUM_JOINTS) @ ancestors.T).view(batch, frames, 3, NUM_BONES)
    grad_per_bone = (grad_bones * unit).sum((1, 2)) * bone_lengths[:, 0, 0]  # d / d log length, per bone
    grad_log_lengths = torch.zeros_like(log_lengths).index_add_(1, classes, grad_per_bone)
    grad_log_lengths += bone_length_weight * log_lengths.exp()
    grad_unit = grad_bones * bone_lengths
    grad_directions = (grad_unit - unit * (grad_unit * unit).sum(2, keepdim=True)) / norm
    return joints, (grad_log_lengths, grad_joints.sum(3), grad_directions)


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
