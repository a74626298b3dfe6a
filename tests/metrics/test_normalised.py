"""Shoulder normalisation and the masked DTW-MJE family: invariances, masking, and a brute-force check."""

import itertools

import numpy as np
import pytest

from signllm.metrics import normalised

SHOULDERS = (0, 1)


def _clip(rng, frames=9, points=6, dims=3):
    joints = rng.normal(size=(frames, points, dims)).cumsum(0) * 0.1
    joints[:, 0] = [0.5, 0, 0]  # left shoulder
    joints[:, 1] = [-0.5, 0, 0]  # right shoulder
    return joints + rng.normal(size=(frames, 1, dims)) * 0.01  # a little trunk motion


def brute_force_mean_cost(hyp, ref):
    """Minimum over every monotone path of the summed frame cost, reported as the mean along the minimising path."""
    cost = np.linalg.norm(ref[:, None] - hyp[None], axis=-1).mean(-1)  # (M, N)
    best = (np.inf, 1)

    def walk(i, j, total, steps):
        nonlocal best
        total, steps = total + cost[i, j], steps + 1
        if (i, j) == (len(ref) - 1, len(hyp) - 1):
            best = min(best, (total, steps))
            return
        for di, dj in ((1, 1), (1, 0), (0, 1)):
            if i + di < len(ref) and j + dj < len(hyp):
                walk(i + di, j + dj, total, steps)

    walk(0, 0, 0.0, 0)
    return best


@pytest.mark.parametrize("per", normalised.NORMALISATIONS)
def test_translation_and_scale_invariance(per):
    rng = np.random.default_rng(1)
    hyp, ref = _clip(rng), _clip(rng, frames=7)
    base = normalised.normalised_dtw_mje(hyp, ref, SHOULDERS, per=per)
    moved = 3.7 * hyp + np.array([10.0, -4.0, 2.0])
    assert normalised.normalised_dtw_mje(moved, ref, SHOULDERS, per=per) == pytest.approx(base)
    assert normalised.normalised_dtw_mje(hyp, 0.2 * ref - 1, SHOULDERS, per=per) == pytest.approx(base)
    assert base > 0


def test_normalised_shoulders_sit_at_plus_minus_half():
    joints = _clip(np.random.default_rng(2)) * 5 + 3
    out = normalised.shoulder_normalise(joints, None, SHOULDERS, per="frame")
    assert np.linalg.norm(out[:, 0] - out[:, 1], axis=-1) == pytest.approx(np.ones(len(out)))
    assert (out[:, 0] + out[:, 1]) == pytest.approx(np.zeros_like(out[:, 0]))


def test_masked_points_do_not_count():
    rng = np.random.default_rng(3)
    hyp, ref = _clip(rng), _clip(rng)
    mask = np.ones(hyp.shape[:2], bool)
    mask[2:5, 3] = False
    corrupted = hyp.copy()
    corrupted[2:5, 3] = 1e6
    clean = normalised.normalised_dtw_mje(hyp, ref, SHOULDERS, hyp_mask=mask)
    assert normalised.normalised_dtw_mje(corrupted, ref, SHOULDERS, hyp_mask=mask) == pytest.approx(clean)
    assert normalised.normalised_dtw_mje(corrupted, ref, SHOULDERS) > 1e3


def test_unseen_shoulders_are_refused():
    joints = _clip(np.random.default_rng(4))
    mask = np.ones(joints.shape[:2], bool)
    mask[:, 0] = False
    with pytest.raises(ValueError, match="both shoulders"):
        normalised.shoulder_normalise(joints, mask, SHOULDERS)


def test_dtw_mje_matches_brute_force_and_is_zero_for_a_time_stretch():
    rng = np.random.default_rng(5)
    for n, m in itertools.product((1, 3, 5), (2, 4)):
        hyp, ref = rng.normal(size=(n, 4, 2)), rng.normal(size=(m, 4, 2))
        total, steps = brute_force_mean_cost(hyp, ref)
        assert normalised.masked_dtw_mje(hyp, ref) == pytest.approx(total / steps)
    ref = rng.normal(size=(6, 4, 3))
    assert normalised.masked_dtw_mje(np.repeat(ref, 3, axis=0), ref) == pytest.approx(0.0)


def test_points_select_a_component_and_trajectories_align_separately():
    rng = np.random.default_rng(6)
    hyp, ref = rng.normal(size=(7, 6, 3)), rng.normal(size=(5, 6, 3))
    hands = [3, 4, 5]
    assert normalised.masked_dtw_mje(hyp, ref, points=hands) == pytest.approx(normalised.masked_dtw_mje(hyp[:, hands], ref[:, hands]))
    per_point = [normalised.masked_dtw_mje(hyp[:, [p]], ref[:, [p]]) for p in hands]
    assert normalised.trajectory_dtw_mje(hyp, ref, points=hands) == pytest.approx(np.mean(per_point))
    assert normalised.trajectory_dtw_mje(hyp, ref, points=hands) <= normalised.masked_dtw_mje(hyp, ref, points=hands) + 1e-12
