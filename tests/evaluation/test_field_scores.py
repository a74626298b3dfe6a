"""Field scores from per-sample statistics: the ceiling scores as the reference, stillness shows in the audit."""

import numpy as np
import pytest

from signllm.evaluation.field_scores import RECOMMENDED, corpus_scores, sample_statistics

from ..layouts import OPENPOSE50


def _frames(rng, length):
    coords = rng.normal(size=(length, OPENPOSE50.num_coords)).cumsum(0) * 0.05
    shoulders = [OPENPOSE50.index("body.l_shoulder"), OPENPOSE50.index("body.r_shoulder")]
    joints = OPENPOSE50.to_joints(coords)
    joints[:, shoulders] = [[0.5, 0, 0], [-0.5, 0, 0]]
    return np.concatenate([joints.reshape(length, -1), (np.arange(length)[:, None] + 1) / length], axis=1)


def test_the_reference_scores_as_itself_and_a_still_clip_as_still():
    rng = np.random.default_rng(0)
    references = [_frames(rng, n) for n in (20, 31)]
    texts = ["a b c", "d e f g"]
    ceiling = corpus_scores(texts, texts, [sample_statistics(r, r, OPENPOSE50) for r in references])
    assert ceiling["slrtp_bleu4"] == pytest.approx(100) and ceiling["slrtp_wer"] == 0
    assert ceiling["slrtp_dtw_mje"] == 0 and ceiling[RECOMMENDED] == pytest.approx(0)
    for key in ("slrtp_total_distance", "slrtp_avg_duration", "variance_ratio", "velocity_ratio", "jerk_ratio"):
        assert ceiling[key] == pytest.approx(1.0)
    still = [np.repeat(r.mean(0, keepdims=True), len(r), axis=0) for r in references]
    audit = corpus_scores(texts, texts, [sample_statistics(s, r, OPENPOSE50) for s, r in zip(still, references)])
    assert audit["velocity_ratio"] == pytest.approx(0) and audit["slrtp_total_distance"] == pytest.approx(0)
    assert audit[RECOMMENDED] > 0 and audit["slrtp_avg_duration"] == pytest.approx(1.0)


def test_masked_reference_points_are_ignored():
    rng = np.random.default_rng(1)
    reference = _frames(rng, 12)
    seen = np.ones((12, OPENPOSE50.num_points), bool)
    hand = OPENPOSE50.component("left_hand")
    seen[:, hand] = False
    broken = reference.copy()
    joints = OPENPOSE50.to_joints(broken[:, :-1])
    joints[:, hand] += rng.normal(size=joints[:, hand].shape) * 100  # moving, so removing the mean pose cannot hide it
    broken[:, :-1] = joints.reshape(12, -1)
    assert sample_statistics(reference, broken, OPENPOSE50, seen)[RECOMMENDED] == pytest.approx(0, abs=1e-9)
    assert sample_statistics(reference, broken, OPENPOSE50)[RECOMMENDED] > 1
