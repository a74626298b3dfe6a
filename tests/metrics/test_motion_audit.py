"""The motion audit's ratios respond to amplitude and speed as their definitions say."""

import numpy as np
import pytest

from signllm.metrics import motion_audit


def _records(hyps, refs):
    return [motion_audit.pair_statistics(h, r) for h, r in zip(hyps, refs)]


def test_scaled_motion_scales_the_ratios():
    rng = np.random.default_rng(0)
    ref = rng.normal(size=(30, 5, 3)).cumsum(0)
    ratios = motion_audit.corpus_ratios(_records([2 * ref], [ref]))
    assert ratios == pytest.approx({"variance_ratio": 4.0, "velocity_ratio": 2.0, "jerk_ratio": 2.0})
    still = np.repeat(ref.mean(0, keepdims=True), 30, axis=0)
    assert motion_audit.corpus_ratios(_records([still], [ref])) == pytest.approx({"variance_ratio": 0, "velocity_ratio": 0, "jerk_ratio": 0})


def test_slower_motion_halves_the_velocity():
    def line(frames):  # one point moving uniformly along the same path
        return np.repeat(np.linspace(0, 1, frames)[:, None, None], 3, axis=-1)

    ref, slow = line(41), line(81)  # the same path in twice the frames
    assert motion_audit.corpus_ratios(_records([slow], [ref]))["velocity_ratio"] == pytest.approx(0.5)


def test_ratios_are_means_over_means():
    rng = np.random.default_rng(1)
    refs = [rng.normal(size=(10, 2, 3)), 5 * rng.normal(size=(10, 2, 3))]
    hyps = [refs[1], refs[0]]  # swapped: per-clip ratios differ, the corpus means agree
    assert motion_audit.corpus_ratios(_records(hyps, refs))["velocity_ratio"] == pytest.approx(1.0)


def test_short_clips_have_zero_statistics():
    assert motion_audit.clip_statistics(np.zeros((2, 3, 3))) == {"variance": 0.0, "velocity": 0.0, "jerk": 0.0}
