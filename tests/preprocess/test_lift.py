"""Batched 2D -> 3D lifting: the steps of METHOD.md §1 and the properties of its result on real clips."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from signllm.preprocess.lift import LiftConfig, initial_skeleton, interpolate, lift_clips, normalise
from signllm.preprocess.openpose import read_openpose_clip
from signllm.preprocess.refine import forward_kinematics
from signllm.skeleton import BONE_CLASS, NUM_BONES, NUM_JOINTS, bone_lengths

from .conftest import STEPS


@pytest.fixture(scope="module")
def clips(how2sign) -> list[np.ndarray]:
    folders = sorted((how2sign / "json").iterdir())
    return [read_openpose_clip(folder)[0].reshape(-1, NUM_JOINTS, 3) for folder in folders]


@pytest.fixture(scope="module")
def lifted(clips):
    return lift_clips(clips, LiftConfig(steps=STEPS))


def test_shapes_and_constant_bone_lengths(clips, lifted):
    for clip, result in zip(clips, lifted):
        assert result.joints.shape == (len(clip), NUM_JOINTS, 3) and np.isfinite(result.joints).all()
        lengths = bone_lengths(result.joints)  # (T, bones)
        np.testing.assert_allclose(lengths, np.broadcast_to(lengths[0], lengths.shape), rtol=1e-4, atol=1e-6)
        for bone_class in np.unique(BONE_CLASS):  # mirror bones share their class's length
            assert np.ptp(lengths[0, BONE_CLASS == bone_class]) < 1e-5


def test_refinement_reduces_reprojection_error(lifted):
    for result in lifted:
        assert result.reprojection_final < 0.8 * result.reprojection_initial, result


def test_batched_equals_one_at_a_time(clips, lifted):
    alone = lift_clips([clips[2]], LiftConfig(steps=STEPS))[0]
    np.testing.assert_allclose(alone.joints, lifted[2].joints, atol=1e-4)
    assert alone.reprojection_final == pytest.approx(lifted[2].reprojection_final, rel=1e-3)


def test_normalise_uses_observed_points_only():
    poses = torch.zeros(1, 4, NUM_JOINTS, 3)
    poses[0, :2, :, :] = torch.tensor([10.0, 20.0, 1.0])
    poses[0, :2, 0] = torch.tensor([14.0, 24.0, 1.0])  # one point off the others
    normalised = normalise(poses, torch.ones(1, 4, dtype=torch.bool))
    observed = normalised[0, :2, :, :2]
    assert observed.mean((0, 1)).abs().max() < 1e-5
    assert observed.pow(2).mean().sqrt() == pytest.approx(1.0, rel=1e-5)
    assert (normalised[0, 2:] == 0).all()  # missing points stay at zero (with zero confidence)


def test_interpolation_widens_until_confidence_suffices():
    xy = torch.tensor([0.0, 10.0, 99.0, 30.0, 40.0]).view(1, 5, 1, 1).expand(1, 5, 1, 2).clone()
    weights = torch.tensor([1.0, 0.5, 0.0, 0.5, 1.0]).view(1, 5, 1)
    filled = interpolate(xy, weights, 0.99)[0, :, 0, 0]
    assert filled[0] == 0.0 and filled[4] == 40.0  # confident points keep their value
    assert filled[2] == pytest.approx(20.0)  # window +-1: (0.5 * 10 + 0.5 * 30) / 1.0
    assert filled[1] == pytest.approx((0.5 * 10 + 1.0 * 0 + 0.0 * 99) / 1.5)


def test_initial_skeleton_reproduces_reachable_targets(clips):
    poses = normalise(torch.from_numpy(clips[4])[None], torch.ones(1, len(clips[4]), dtype=torch.bool))
    targets = poses[..., :2]
    roots = torch.cat([targets[:, :, 0], torch.zeros(1, len(clips[4]), 1)], -1)
    log_lengths, directions = initial_skeleton(targets, torch.ones(1, len(clips[4]), dtype=torch.bool), roots)
    assert directions.shape == (1, len(clips[4]), NUM_BONES, 3) and (directions[..., 2] > 0).all()  # z >= 0
    joints = forward_kinematics(log_lengths, roots.permute(2, 0, 1), directions.permute(2, 3, 0, 1))  # (J, 3, B, T)
    assert (joints[1, :2, 0].T - targets[0, :, 1]).norm(dim=-1).median() < 0.05  # the neck lands on its 2D point


def test_pruned_frames_are_counted(clips):
    dim = clips[4].copy()
    dim[:10, :8, 2] = 0.1  # ten frames of low body confidence
    result = lift_clips([dim], LiftConfig(steps=2))[0]
    assert result.pruned == 10 and np.isfinite(result.joints).all()
