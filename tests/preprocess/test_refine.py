"""The closed-form gradients of the refinement objective agree with autograd."""

from __future__ import annotations

import torch

from signllm.preprocess.refine import forward_kinematics, gradients, objective
from signllm.skeleton import NUM_BONE_CLASSES, NUM_BONES, NUM_JOINTS


def test_gradients_match_autograd():
    generator = torch.Generator().manual_seed(0)
    batch, frames = 3, 7
    log_lengths = torch.randn(batch, NUM_BONE_CLASSES, generator=generator, dtype=torch.float64) * 0.3 - 1
    roots = torch.randn(batch, frames, 3, generator=generator, dtype=torch.float64)
    directions = torch.randn(NUM_BONES, batch, frames, 3, generator=generator, dtype=torch.float64)
    targets = torch.randn(NUM_JOINTS, batch, frames, 2, generator=generator, dtype=torch.float64)
    mask = torch.ones(batch, frames, dtype=torch.bool)
    mask[1, 5:] = False  # a shorter clip, padded
    weights = torch.rand(NUM_JOINTS, batch, frames, generator=generator, dtype=torch.float64) * mask
    lengths = mask.sum(1).double()
    terms = (targets, weights, mask, lengths, 0.001, 0.1)

    parameters = [tensor.clone().requires_grad_() for tensor in (log_lengths, roots, directions)]
    joints = forward_kinematics(*parameters)
    objective(joints, parameters[0], *terms).sum().backward()
    closed_joints, closed = gradients(log_lengths, roots, directions, *terms)

    torch.testing.assert_close(closed_joints, joints.detach())
    for parameter, grad in zip(parameters, closed):
        torch.testing.assert_close(grad, parameter.grad)
    assert not closed[1][1, 5:].any() and not closed[2][:, 1, 5:].any()  # padding frames stay put
