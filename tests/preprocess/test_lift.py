"""Batched 2D -> 3D lifting: the steps of METHOD.md §1, its result on real clips, and a second layout."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from signllm.preprocess.lift import LiftConfig, initial_skeleton, interpolate, lift_clips, normalise
from signllm.preprocess.openpose import read_openpose_clip
from signllm.preprocess.refine import forward_kinematics
from signllm.preprocess.tree import Tree
from signllm.skeleton import load_skeleton

from .conftest import STEPS

OPENPOSE50, DWPOSE = load_skeleton("openpose50"), load_skeleton("dwpose")


@pytest.fixture(scope="module")
def clips(how2sign) -> list[np.ndarray]:
    folders = sorted((how2sign / "json").iterdir())
    return [read_openpose_clip(folder, OPENPOSE50)[0].reshape(-1, OPENPOSE50.num_points, 3) for folder in folders]


@pytest.fixture(scope="module")
def lifted(clips):
    return lift_clips(clips, OPENPOSE50, LiftConfig(steps=STEPS))


def check_bone_lengths(skeleton, joints: np.ndarray) -> None:
    """Each bone keeps its length over the clip; mirror bones share their class's length."""
    lengths = skeleton.bone_lengths(joints)  # (T, bones)
    np.testing.assert_allclose(lengths, np.broadcast_to(lengths[0], lengths.shape), rtol=1e-4, atol=1e-6)
    for bone_class in np.unique(skeleton.bone_class):
        assert np.ptp(lengths[0, skeleton.bone_class == bone_class]) < 1e-5


def test_shapes_and_constant_bone_lengths(clips, lifted):
    for clip, result in zip(clips, lifted):
        assert result.joints.shape == (len(clip), OPENPOSE50.num_points, 3) and np.isfinite(result.joints).all()
        check_bone_lengths(OPENPOSE50, result.joints)


def test_refinement_reduces_reprojection_error(lifted):
    for result in lifted:
        assert result.reprojection_final < 0.8 * result.reprojection_initial, result
        assert result.objective_final < result.objective_initial, result


def test_batched_equals_one_at_a_time(clips, lifted):
    alone = lift_clips([clips[2]], OPENPOSE50, LiftConfig(steps=STEPS))[0]
    np.testing.assert_allclose(alone.joints, lifted[2].joints, atol=1e-4)
    assert alone.reprojection_final == pytest.approx(lifted[2].reprojection_final, rel=1e-3)


def test_normalise_uses_observed_points_only():
    poses = torch.zeros(1, 4, OPENPOSE50.num_points, 3)
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
    tree, clip = Tree.of(OPENPOSE50), clips[4]
    mask = torch.ones(1, len(clip), dtype=torch.bool)
    targets = normalise(torch.from_numpy(clip)[None], mask)[..., :2]
    roots = torch.cat([targets[:, :, 0], torch.zeros(1, len(clip), 1)], -1)
    log_lengths, directions = initial_skeleton(tree, targets, mask, roots)
    assert directions.shape == (1, len(clip), OPENPOSE50.num_points - 1, 3) and (directions[..., 2] > 0).all()
    joints = forward_kinematics(tree, log_lengths, roots.permute(2, 0, 1), directions.permute(2, 3, 0, 1))
    assert (joints[1, :2, 0].T - targets[0, :, 1]).norm(dim=-1).median() < 0.05  # the neck lands on its 2D point


def test_pruned_frames_are_counted(clips):
    dim = clips[4].copy()
    dim[:10, OPENPOSE50.component("body"), 2] = 0.1  # ten frames of low body confidence
    result = lift_clips([dim], OPENPOSE50, LiftConfig(steps=2))[0]
    assert result.pruned == 10 and np.isfinite(result.joints).all()


def synthetic_dwpose_clip(frames: int = 30, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """A moving 3D skeleton of the dwpose layout (bones of random class lengths, the face a rigid cloud
    around the nose) and its 2D view: ((T, points, 3) 3D points, (T, points, 3) x, y, confidence 1)."""
    generator, tree = np.random.default_rng(seed), Tree.of(DWPOSE)
    lengths = generator.uniform(0.3, 1.0, tree.num_classes)[tree.bone_class]
    time = np.linspace(0, 1, frames)[:, None, None]
    base, swing = generator.normal(size=(2, len(tree.bones), 3))
    directions = base + 0.5 * np.sin(2 * np.pi * time) * swing  # (T, bones, 3), smooth in time
    directions /= np.linalg.norm(directions, axis=-1, keepdims=True)
    points = np.zeros((frames, DWPOSE.num_points, 3))
    tree_points = np.zeros((frames, len(tree.points), 3))
    for bone, (parent, child) in enumerate(tree.bones):
        tree_points[:, child] = tree_points[:, parent] + lengths[bone] * directions[:, bone]
    points[:, tree.points] = tree_points
    face = generator.normal(scale=0.1, size=(len(tree.anchored), 3))
    points[:, tree.anchored] = tree_points[:, tree.anchors] + face
    view = np.concatenate([points[..., :2], np.ones((frames, DWPOSE.num_points, 1))], -1)
    return points, view.astype(np.float32)


def test_lifting_a_second_layout_with_a_face():
    """dwpose: an 18-point body with legs and eyes, two hands and a face that hangs on the nose."""
    _, view = synthetic_dwpose_clip()
    result = lift_clips([view], DWPOSE, LiftConfig(steps=STEPS))[0]
    joints, face, nose = result.joints, DWPOSE.component("face"), DWPOSE.index("body.nose")
    assert joints.shape == (len(view), DWPOSE.num_points, 3) and np.isfinite(joints).all()
    check_bone_lengths(DWPOSE, joints)
    np.testing.assert_allclose(joints[:, face, 2], np.broadcast_to(joints[:, [nose], 2], joints[:, face, 2].shape))
    # the face keeps its 2D shape (normalised like the rest): its offsets from the nose scale with the view's
    offsets, seen = joints[:, face, :2] - joints[:, [nose], :2], view[:, face, :2] - view[:, [nose], :2]
    ratio = np.linalg.norm(offsets) / np.linalg.norm(seen)
    np.testing.assert_allclose(offsets, ratio * seen, atol=0.05 * np.abs(offsets).max())
    assert result.reprojection_final < result.reprojection_initial and result.objective_final < result.objective_initial
