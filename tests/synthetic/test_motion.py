"""Motion of the clips: anatomy, sides, counter, smoothness, and signs fixed by language and gloss."""

import numpy as np
import pytest

from signllm.data.skels import read_split
from signllm.data.synthetic.kinematics import LEFT, RIGHT, mirror, render, signer_lengths
from signllm.data.synthetic.signs import clip_states, make_sign, sign_rng
from signllm.skeleton import (
    BODY_NAMES,
    COUNTER,
    L_WRIST,
    LEFT_HAND,
    MIRROR,
    NUM_BONES,
    NUM_COORDS,
    R_WRIST,
    RIGHT_HAND,
    bone_lengths,
    counter_values,
    to_joints,
)

NECK, NOSE = BODY_NAMES.index("neck"), BODY_NAMES.index("nose")


def _clips(corpus, codes=("asl", "gsl", "ksl")):
    return [clip for code in codes for clip in read_split(corpus[code], "train")]


def test_bone_lengths_constant_within_clip_and_signers_differ(corpus):
    signers = set()
    for clip in _clips(corpus):
        lengths = bone_lengths(to_joints(clip.frames[:, :NUM_COORDS]))
        assert np.abs(lengths - lengths[0]).max() < 1e-4  # stored with 5 decimals
        signers.add(tuple(np.round(lengths[0], 3)))
    assert len(signers) > 1


def test_hands_on_their_own_sides_and_body_in_place(corpus):
    for clip in _clips(corpus):
        joints = to_joints(clip.frames[:, :NUM_COORDS])
        assert joints[:, R_WRIST, 0].mean() > 0 > joints[:, L_WRIST, 0].mean()  # signer's right at +x
        assert joints[0, R_WRIST, 0] > 0 > joints[0, L_WRIST, 0]  # rest pose
        right_hand = np.linalg.norm(joints[:, RIGHT_HAND] - joints[:, [R_WRIST]], axis=-1).max()
        left_hand = np.linalg.norm(joints[:, LEFT_HAND] - joints[:, [L_WRIST]], axis=-1).max()
        assert right_hand < 0.3 and left_hand < 0.3
        np.testing.assert_allclose(joints[:, NECK], 0, atol=1e-5)
        assert (joints[:, NOSE, 1] < -0.15).all() and np.abs(joints).max() < 1


def test_counter_runs_to_one(corpus):
    for clip in _clips(corpus):
        np.testing.assert_allclose(clip.frames[:, COUNTER], counter_values(len(clip.frames)), atol=5e-5)
        assert clip.frames[-1, COUNTER] == 1.0


def _acceleration(joints):
    return np.linalg.norm(np.diff(joints, n=2, axis=0), axis=-1).mean()


def test_clips_are_short_and_smooth(corpus):
    rng = np.random.default_rng(0)
    lengths = []
    for clip in _clips(corpus):
        joints = to_joints(clip.frames[:, :NUM_COORDS].astype(np.float64))
        assert np.linalg.norm(np.diff(joints, axis=0), axis=-1).max() < 0.35  # no jumps
        assert _acceleration(joints) < 0.2 * _acceleration(rng.permutation(joints))
        lengths.append(len(clip.frames))
    assert 30 < np.mean(lengths) < 80


def test_mirrored_hands_give_mirrored_joints():
    sign = make_sign(sign_rng("asl", "TEACHER"))
    states = clip_states([sign])
    states[:, LEFT] = mirror(states[:, RIGHT])
    joints = render(states, signer_lengths(np.random.default_rng(0)))
    np.testing.assert_allclose(joints[:, MIRROR] * [-1, 1, 1], joints, atol=1e-12)


def test_signs_depend_on_language_and_gloss_only():
    same = make_sign(sign_rng("gsl", "KIND")), make_sign(sign_rng("gsl", "KIND"))
    np.testing.assert_array_equal(*same)
    other_language = make_sign(sign_rng("dsgs", "KIND"))
    other_gloss = make_sign(sign_rng("gsl", "HUND"))
    for other in (other_language, other_gloss):
        assert other.shape != same[0].shape or not np.allclose(other, same[0])


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_bone_lengths_exact_before_storage(seed):
    lengths = signer_lengths(np.random.default_rng(seed))
    states = clip_states([make_sign(sign_rng("lsa", gloss)) for gloss in ("HOY", "PERRO", "COMER")])
    joints = render(states, np.tile(lengths, (len(states), 1)))
    assert lengths.shape == (NUM_BONES,)
    np.testing.assert_allclose(bone_lengths(joints), np.broadcast_to(lengths, (len(states), NUM_BONES)), atol=1e-12)
