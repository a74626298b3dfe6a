"""The refinement: closed-form gradients agree with autograd, and the safeguard keeps every clip from ending
worse than it started where plain gradient descent diverges."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from signllm.preprocess.lift import LiftConfig, lift_clips, problem
from signllm.preprocess.pose_import import read_pose_clip
from signllm.preprocess.refine import Gradients, forward_kinematics, objective, reprojection_error
from signllm.preprocess.tree import Tree
from signllm.skeleton import load_skeleton

OPENPOSE50, DWPOSE = load_skeleton("openpose50"), load_skeleton("dwpose")


def reference_joints(tree, log_lengths, roots, directions):
    """Forward kinematics without in-place writes, for autograd: (J, 3, B, T)."""
    lengths = log_lengths.exp()[:, torch.from_numpy(tree.bone_class)].T[:, None, :, None]
    bones = directions / directions.norm(dim=1, keepdim=True) * lengths
    joints = [roots] + [None] * len(tree.bones)
    for bone, (parent, child) in enumerate(tree.bones):
        joints[child] = joints[parent] + bones[bone]
    return torch.stack(joints)


def random_problem(tree, batch=3, frames=7, seed=0):
    """Random parameters and objective terms of a batch, one clip padded."""
    generator = torch.Generator().manual_seed(seed)
    joints, bones = len(tree.points), len(tree.bones)
    log_lengths = torch.randn(batch, tree.num_classes, generator=generator, dtype=torch.float64) * 0.3 - 1
    roots = torch.randn(3, batch, frames, generator=generator, dtype=torch.float64)
    directions = torch.randn(bones, 3, batch, frames, generator=generator, dtype=torch.float64)
    targets = torch.randn(joints, 2, batch, frames, generator=generator, dtype=torch.float64)
    mask = torch.ones(batch, frames, dtype=torch.bool)
    mask[1, 5:] = False  # a shorter clip, padded
    weights = torch.rand(joints, batch, frames, generator=generator, dtype=torch.float64) * mask
    return (log_lengths, roots, directions), (targets, weights, mask, mask.sum(1).double(), 0.001, 0.1)


@pytest.mark.parametrize("skeleton", [OPENPOSE50, DWPOSE], ids=lambda skeleton: skeleton.name)
def test_gradients_match_autograd(skeleton):
    tree = Tree.of(skeleton)
    (log_lengths, roots, directions), terms = random_problem(tree)
    parameters = [tensor.clone().requires_grad_() for tensor in (log_lengths, roots, directions)]
    joints = reference_joints(tree, *parameters)
    objective(joints, parameters[0], *terms).sum().backward()
    closed = Gradients(tree, *terms)(log_lengths, roots, directions)

    torch.testing.assert_close(forward_kinematics(tree, log_lengths, roots, directions), joints.detach())
    for parameter, grad in zip(parameters, closed):
        torch.testing.assert_close(grad, parameter.grad)
    assert not closed[1][:, 1, 5:].any() and not closed[2][..., 1, 5:].any()  # padding frames stay put


@pytest.fixture(scope="module")
def diverging_window(realdata) -> np.ndarray:
    """Six frames of a real DGS-corpus sentence on which plain gradient descent at lr 0.1 diverges."""
    path = realdata / "dgs-corpus-fluent-pose-synthesis" / "train" / "train_1_original.pose"
    frames, _ = read_pose_clip(path, OPENPOSE50)
    return frames.reshape(len(frames), OPENPOSE50.num_points, 3)[52:58]


def plain_descent(batch, steps: int, lr: float = 0.1) -> list[tuple[torch.Tensor, torch.Tensor]]:
    """(objective, reprojection error) per clip after each step of the unguarded gradient descent of a
    ``lift.problem`` batch (the original tools' refinement)."""
    parameters, values = [tensor.clone() for tensor in batch.parameters], []
    terms = (*batch.terms, 0.001, 0.1)
    gradients = Gradients(batch.tree, *terms)
    for _ in range(steps):
        for parameter, grad in zip(parameters, gradients(*parameters)):
            parameter -= lr * grad
        joints = forward_kinematics(batch.tree, *parameters)
        error = reprojection_error(joints, *batch.terms[:2], batch.terms[3])
        values.append((objective(joints, parameters[0], *terms), error))
    return values


def test_plain_descent_diverges_where_the_safeguard_holds(diverging_window):
    result = lift_clips([diverging_window], OPENPOSE50, LiftConfig(steps=20))[0]
    plain = [float(value) for value, _ in plain_descent(problem([diverging_window], OPENPOSE50, LiftConfig()), 20)]
    assert max(plain) > 50 * result.objective_initial  # the original's step blows up on this clip ...
    assert result.objective_final < result.objective_initial  # ... the safeguarded one improves it
    assert result.reprojection_final <= result.reprojection_initial


@pytest.mark.parametrize("optimizer, lr", [("sgd", 0.1), ("adam", 0.01)])
def test_never_worse_than_the_start(diverging_window, optimizer, lr):
    """Even at a step size far too large, each clip ends at its best checkpoint: never above its start."""
    clips = [diverging_window, diverging_window[::-1].copy()]
    for result in lift_clips(clips, OPENPOSE50, LiftConfig(steps=30, optimizer=optimizer, lr=lr * 30)):
        assert result.objective_final <= result.objective_initial
        assert result.reprojection_final <= result.reprojection_initial
        assert np.isfinite(result.joints).all()
