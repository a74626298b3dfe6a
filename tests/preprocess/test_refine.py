"""The closed-form gradients of the refinement objective agree with autograd."""

from __future__ import annotations

import torch

from signllm.preprocess.refine import Gradients, forward_kinematics, objective
from signllm.skeleton import BONE_CLASS, BONES, NUM_BONE_CLASSES, NUM_BONES, NUM_JOINTS


def reference_joints(log_lengths, roots, directions):
    """Forward kinematics without in-place writes, for autograd: (J, 3, B, T)."""
    lengths = log_lengths.exp()[:, torch.from_numpy(BONE_CLASS)].T[:, None, :, None]
    bones = directions / directions.norm(dim=1, keepdim=True) * lengths
    joints = [roots] + [None] * NUM_BONES
    for bone, (parent, child) in enumerate(BONES):
        joints[child] = joints[parent] + bones[bone]
    return torch.stack(joints)


def test_gradients_match_autograd():
    generator = torch.Generator().manual_seed(0)
    batch, frames = 3, 7
    log_lengths = torch.randn(batch, NUM_BONE_CLASSES, generator=generator, dtype=torch.float64) * 0.3 - 1
    roots = torch.randn(3, batch, frames, generator=generator, dtype=torch.float64)
    directions = torch.randn(NUM_BONES, 3, batch, frames, generator=generator, dtype=torch.float64)
    targets = torch.randn(NUM_JOINTS, 2, batch, frames, generator=generator, dtype=torch.float64)
    mask = torch.ones(batch, frames, dtype=torch.bool)
    mask[1, 5:] = False  # a shorter clip, padded
    weights = torch.rand(NUM_JOINTS, batch, frames, generator=generator, dtype=torch.float64) * mask
    lengths = mask.sum(1).double()
    terms = (targets, weights, mask, lengths, 0.001, 0.1)

    parameters = [tensor.clone().requires_grad_() for tensor in (log_lengths, roots, directions)]
    joints = reference_joints(*parameters)
    objective(joints, parameters[0], *terms).sum().backward()
    closed = Gradients(*terms)(log_lengths, roots, directions)

    torch.testing.assert_close(forward_kinematics(log_lengths, roots, directions), joints.detach())
    for parameter, grad in zip(parameters, closed):
        torch.testing.assert_close(grad, parameter.grad)
    assert not closed[1][:, 1, 5:].any() and not closed[2][..., 1, 5:].any()  # padding frames stay put
