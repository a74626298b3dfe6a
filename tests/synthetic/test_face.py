"""The face that signs, measured on the generated points of every layout with a face: questions raise the
brows, negation shakes the head, signs have their own mouth shapes, and only the face tells a question
or a negation from its statement (the hands are identical)."""

import numpy as np
import pytest

from signllm.data.synthetic import generate_split
from signllm.data.synthetic.camera import layout_frames
from signllm.data.synthetic.face import MOUTH
from signllm.data.synthetic.lexicon import LANGUAGES, LEXICONS
from signllm.data.synthetic.nonmanual import MOUTH_SHAPES
from signllm.data.synthetic.signs import lexical_sign
from signllm.skeleton import load_skeleton

from .conftest import FACE_LAYOUTS, LAYOUTS, variants


def _contour_points(skeleton, word):
    chains = [chain for component, name, chain in skeleton.contours if component == "face" and word in name]
    return sorted({point for chain in chains for point in chain})


def _brow_height(skeleton, frames):
    """Per frame: distance between the centroids of the brow points and of the eye points."""
    joints = skeleton.to_joints(frames[:, : skeleton.num_coords])
    brows, eyes = _contour_points(skeleton, "brow"), _contour_points(skeleton, "eye")
    return np.linalg.norm(joints[:, brows].mean(1) - joints[:, eyes].mean(1), axis=-1)


def _head_x(skeleton, frames):
    """Per frame: x of the head (the face's centroid, or the nose) relative to the shoulders' midpoint."""
    joints = skeleton.to_joints(frames[:, : skeleton.num_coords])
    if skeleton.has("face"):
        head = joints[:, skeleton.component("face")].mean(1)
    else:
        head = joints[:, skeleton.index("body.nose")]
    shoulders = joints[:, [skeleton.index("body.r_shoulder"), skeleton.index("body.l_shoulder")]].mean(1)
    return head[:, 0] - shoulders[:, 0]


def _frames(renderer, sentence, signer):
    return renderer.clip("x", sentence, signer).frames.astype(np.float64)


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("name", FACE_LAYOUTS)
def test_questions_raise_the_brows(name, seed):
    skeleton, renderer, statement, question, signer = variants(name, seed=seed, question=True)
    plain, raised = (_brow_height(skeleton, _frames(renderer, s, signer)) for s in (statement, question))
    middle = slice(len(plain) // 3, 2 * len(plain) // 3)  # within the signs
    assert (raised[middle] > 1.3 * plain[middle]).all()
    np.testing.assert_allclose(raised[:2], plain[:2], rtol=1e-4)  # neutral at rest


@pytest.mark.parametrize("name", LAYOUTS)
def test_negation_shakes_the_head(name):
    skeleton, renderer, statement, negated, signer = variants(name, seed=1, negated=True)
    still, shaking = (_head_x(skeleton, _frames(renderer, s, signer)) for s in (statement, negated))
    joints = skeleton.to_joints(_frames(renderer, statement, signer)[:, :-1])
    unit = np.linalg.norm(joints[0, skeleton.index("body.r_shoulder")] - joints[0, skeleton.index("body.l_shoulder")])
    assert np.ptp(still) < 1e-4 * unit
    assert np.ptp(shaking) > 0.04 * unit
    swing = shaking - still.mean()
    assert (np.diff(np.sign(swing[np.abs(swing) > 0.002 * unit])) != 0).sum() >= 2  # back and forth


@pytest.mark.parametrize("name", FACE_LAYOUTS)
@pytest.mark.parametrize("change", [{"question": True}, {"negated": True}, {"question": True, "negated": True}])
def test_only_the_face_tells_questions_and_negation_apart(name, change):
    skeleton, renderer, statement, changed, signer = variants(name, seed=2, **change)
    assert changed.text != statement.text and changed.gloss == statement.gloss
    one, other = (renderer.clip("x", s, signer) for s in (statement, changed))
    hands = [np.arange(skeleton.num_points)[skeleton.component(hand)] for hand in ("left_hand", "right_hand")]
    arms = [skeleton.index(f"body.{side}_{joint}") for side in "rl" for joint in ("shoulder", "elbow", "wrist")]
    manual = np.concatenate(hands + [arms])
    joints = [skeleton.to_joints(clip.frames[:, :-1]) for clip in (one, other)]
    np.testing.assert_array_equal(joints[0][:, manual], joints[1][:, manual])
    face = skeleton.component("face")
    shoulders = joints[0][0, [skeleton.index("body.r_shoulder"), skeleton.index("body.l_shoulder")]]
    assert np.abs(joints[0][:, face] - joints[1][:, face]).max() > 0.02 * np.linalg.norm(np.subtract(*shoulders))


def test_signs_have_their_own_mouth_shapes():
    for code in LANGUAGES:
        lexicon = LEXICONS[code]
        patterns = {tuple(lexical_sign(code, lexicon.gloss(w))[:, MOUTH].round(6).ravel()) for w in lexicon.words}
        assert len(patterns) > 0.8 * len(LEXICONS[code].words)
    skeleton, renderer, *_ = variants("slrtp178")
    lips = _contour_points(skeleton, "lips_inner")
    gap = {}
    for gloss in ("TEACHER", "APPLE", "BUY", "DOG"):
        states = lexical_sign("asl", gloss)
        points = renderer.rig.pose(states, variants("slrtp178")[4])
        frames, _ = layout_frames(points, skeleton, skeleton.storage)
        gap[gloss] = np.ptp(skeleton.to_joints(frames[:, :-1])[:, lips, 1], axis=1)  # mouth opening per frame
    assert len({tuple(np.round(g, 4)) for g in gap.values()}) == len(gap)
    assert len(MOUTH_SHAPES) >= 8


@pytest.mark.parametrize("name", FACE_LAYOUTS)
def test_blinks_close_the_eyes_at_the_end(name):
    skeleton, renderer, statement, _, signer = variants(name, seed=3)
    joints = skeleton.to_joints(_frames(renderer, statement, signer)[:, :-1])
    eye = _contour_points(skeleton, "right_eye")
    opening = np.ptp(joints[:, eye, 1], axis=1)
    assert opening[-8:].min() < 0.6 * opening[0]


def test_without_a_face_a_question_is_its_statement():
    """openpose50 has no face: a question's frames are its statement's, so the question is lost."""
    skeleton, renderer, statement, question, signer = variants("openpose50", seed=2, question=True)
    np.testing.assert_array_equal(*(renderer.clip("x", s, signer).frames for s in (statement, question)))


@pytest.mark.parametrize("name", FACE_LAYOUTS)
def test_one_face_feature_each_recovers_questions_and_negation(name):
    """Over a split: the brows' rise tells every question, the head's sideways swing every negation."""
    skeleton = load_skeleton(name)
    shoulders = [skeleton.index("body.r_shoulder"), skeleton.index("body.l_shoulder")]
    truth, found = [], []
    for clip in generate_split("asl", "dev", 24, skeleton):
        frames = clip.frames.astype(np.float64)
        joints = skeleton.to_joints(frames[:, :-1])
        width = np.linalg.norm(np.subtract(*joints[0, shoulders]))
        brows = _brow_height(skeleton, frames)
        rise = brows[len(frames) // 3 : 2 * len(frames) // 3].min() / brows[0]
        found.append((rise > 1.25, np.ptp(_head_x(skeleton, frames)) > 0.04 * width))
        truth.append((clip.text.endswith("?"), "not" in clip.text.split()))
    assert found == truth and 0 < sum(q for q, _ in truth) < len(truth) and 0 < sum(n for _, n in truth) < len(truth)
