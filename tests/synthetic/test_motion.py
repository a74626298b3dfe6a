"""Motion of the clips in every layout: anatomy, sides, storage, smoothness, and signs fixed by language and gloss."""

import numpy as np
import pytest

from signllm.data.skels import read_split
from signllm.data.synthetic.camera import WORLD_PER_RIG, project
from signllm.data.synthetic.corpus import ClipRenderer, signers
from signllm.data.synthetic.face import STATE_SIZE
from signllm.data.synthetic.grammar import sample_sentence
from signllm.data.synthetic.kinematics import LEFT, MANUAL, RIGHT, draw_signer, mirror
from signllm.data.synthetic.lexicon import LEXICONS
from signllm.data.synthetic.rig import Rig
from signllm.data.synthetic.signs import clip_states, lexical_sign, make_sign, sign_rng
from signllm.skeleton import load_skeleton

from .conftest import LAYOUTS, LAYOUTS_2D, LAYOUTS_3D, SCORED_LAYOUTS


def _clips(folders, skeleton):
    return [clip for folder in folders.values() for clip in read_split(folder, "train", skeleton)]


def _rig_clips(name, count=6):
    """(skeleton, [(T, P, 3) rig points]) of a few asl sentences by different signers."""
    skeleton = load_skeleton(name)
    renderer, rng, bodies = ClipRenderer("asl", skeleton), np.random.default_rng(0), signers("asl")
    sentences = [sample_sentence(LEXICONS["asl"], rng) for _ in range(count)]
    return skeleton, [renderer.points(sentence, bodies[i % len(bodies)]) for i, sentence in enumerate(sentences)]


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("name", LAYOUTS)
def test_bone_lengths_exact_before_storage(name, seed):
    """Every bone of every layout's tree (arms, trunk, legs, head) keeps its length in 3D, face moving or not."""
    skeleton = load_skeleton(name)
    signs = [lexical_sign("lsa", gloss) for gloss in ("HOY", "PERRO", "COMER")]
    states, _ = clip_states(signs)
    face = np.random.default_rng(seed).normal(0, 0.3, (len(states), STATE_SIZE - MANUAL))
    states[:, MANUAL:] += face  # any face and head movement
    points = Rig(skeleton.points, name).pose(states, draw_signer(np.random.default_rng(seed)))
    lengths = skeleton.bone_lengths(points)
    assert lengths.shape == (len(states), len(skeleton.bones)) and (lengths > 0.005).all()
    np.testing.assert_allclose(lengths, np.broadcast_to(lengths[0], lengths.shape), atol=1e-12)


@pytest.mark.parametrize("layout_corpus", LAYOUTS_3D, indirect=True)  # 2D bones foreshorten as they turn
def test_bone_lengths_constant_within_clip_and_signers_differ(layout_corpus):
    skeleton, folders = layout_corpus
    signers_seen = set()
    for clip in _clips(folders, skeleton):
        lengths = skeleton.bone_lengths(skeleton.to_joints(clip.frames[:, : skeleton.num_coords].astype(np.float64)))
        assert np.abs(lengths - lengths[0]).max() < 1e-4  # stored with 5 decimals
        signers_seen.add(tuple(np.round(lengths[0] / lengths[0].max(), 3)))
    assert len(signers_seen) > 1


@pytest.mark.parametrize("name", LAYOUTS)
def test_hands_on_their_own_sides_and_body_in_place(name):
    skeleton, clips = _rig_clips(name)
    right, left = skeleton.index("body.r_wrist"), skeleton.index("body.l_wrist")
    shoulders = [skeleton.index("body.r_shoulder"), skeleton.index("body.l_shoulder")]
    for points in clips:
        assert points[:, right, 0].mean() > 0 > points[:, left, 0].mean()  # signer's right at +x
        assert points[0, right, 0] > 0 > points[0, left, 0]  # rest pose
        for hand, wrist in (("right_hand", right), ("left_hand", left)):
            assert np.linalg.norm(points[:, skeleton.component(hand)] - points[:, [wrist]], axis=-1).max() < 0.3
        middle = points[:, shoulders].mean(1)
        np.testing.assert_allclose(middle, np.broadcast_to(middle[0], middle.shape))  # the trunk holds still
        assert np.abs(middle).max() < 0.05 and np.abs(points).max() < 2


def test_clips_are_short_and_smooth(layout_corpus):
    skeleton, folders = layout_corpus
    rng = np.random.default_rng(0)
    lengths = []
    for clip in _clips(folders, skeleton):
        joints = skeleton.to_joints(clip.frames[:, : skeleton.num_coords].astype(np.float64))
        joints = joints * skeleton.storage.scale / (WORLD_PER_RIG if skeleton.dims == 3 else 1)  # rig units or frames
        assert np.linalg.norm(np.diff(joints, axis=0), axis=-1).max() < 0.35  # no jumps
        acceleration = np.linalg.norm(np.diff(joints, n=2, axis=0), axis=-1).mean()
        assert acceleration < 0.2 * np.linalg.norm(np.diff(rng.permutation(joints), n=2, axis=0), axis=-1).mean()
        lengths.append(len(clip.frames))
    assert 30 < np.mean(lengths) < 80


def test_world_units_are_the_same_in_every_3d_layout():
    """stored x scale = WORLD_PER_RIG x rig units: openpose50 (scale 9) stores rig units, scale-1 layouts the world."""
    frames = {}
    for name in ("openpose50", "slrtp178"):
        skeleton = load_skeleton(name)
        sentence = sample_sentence(LEXICONS["asl"], np.random.default_rng(3))
        clip = ClipRenderer("asl", skeleton).clip("x", sentence, signers("asl")[1])
        joints = skeleton.to_joints(clip.frames[:, :-1]) * skeleton.storage.scale
        frames[name] = joints[:, [skeleton.index("body.r_wrist"), skeleton.index("right_hand.index_tip")]]
    np.testing.assert_allclose(frames["openpose50"], frames["slrtp178"], atol=1e-5)


@pytest.mark.parametrize("layout_corpus", LAYOUTS_2D, indirect=True)
def test_2d_layouts_are_a_camera_view_normalised_to_the_frame(layout_corpus):
    skeleton, folders = layout_corpus
    aspect = skeleton.storage.aspect_ratio
    for clip in _clips(folders, skeleton):
        joints = skeleton.to_joints(clip.frames[:, :-1])
        seen = clip.confidence > 0
        assert (joints[seen] >= 0).all() and (joints[seen][:, 0] <= aspect).all() and (joints[seen][:, 1] <= 1).all()
        right, left = skeleton.index("body.r_wrist"), skeleton.index("body.l_wrist")
        assert joints[0, right, 0] < aspect / 2 < joints[0, left, 0]  # the signer's right on the image's left
        legs = [skeleton.index(f"body.{side}_{joint}") for side in "rl" for joint in ("knee", "ankle")]
        assert (clip.confidence[:, legs] == 0).all()  # out of the upper-body frame: missing
        assert (clip.confidence[:, skeleton.component("face")] == 1).all()


@pytest.mark.parametrize("layout_corpus", SCORED_LAYOUTS, indirect=True)
def test_fast_hands_have_lower_scores(layout_corpus):
    skeleton, folders = layout_corpus
    hands = np.concatenate([c.confidence[:, skeleton.component("right_hand")] for c in _clips(folders, skeleton)])
    assert hands.max() == 1 and 0.5 <= hands.min() < 0.9 and 0.8 < hands.mean() < 1


def test_projection_is_perspective_about_the_frame_centre():
    points = np.array([[0.0, 0.075, 0.0], [0.1, 0.075, 0.0], [0.1, 0.075, 0.5]])
    image = project(points, 16 / 9)
    np.testing.assert_allclose(image[0], [8 / 9, 0.5])
    assert image[2, 0] < image[1, 0] < image[0, 0]  # +x (signer's right) to the left, nearer is larger


@pytest.mark.parametrize("name", LAYOUTS)
def test_mirrored_hands_and_neutral_face_give_a_mirrored_pose(name):
    skeleton = load_skeleton(name)
    states, _ = clip_states([lexical_sign("asl", "TEACHER")])
    states[:, LEFT] = mirror(states[:, RIGHT])
    points = Rig(skeleton.points, name).pose(states, draw_signer(np.random.default_rng(0)))
    named = [i for i, point in enumerate(skeleton.points) if not point.startswith("face.")]  # mirror by l_/r_ names
    np.testing.assert_allclose(points[:, skeleton.mirror[named]] * [-1, 1, 1], points[:, named], atol=1e-12)
    if skeleton.has("face"):  # face points have no l_/r_ names: the mirrored face is the same set of points
        face = points[:, skeleton.component("face")]
        distance = np.linalg.norm(face[:, :, None] * [-1, 1, 1] - face[:, None], axis=-1).min(axis=2)
        assert distance.max() < 1e-12


def test_signs_depend_on_language_and_gloss_only():
    same = lexical_sign("gsl", "KIND"), lexical_sign("gsl", "KIND")
    np.testing.assert_array_equal(*same)
    assert same[0].shape[1] == STATE_SIZE
    np.testing.assert_array_equal(same[0][:, :MANUAL], make_sign(sign_rng("gsl", "KIND")))  # hands drawn as before
    for other in (lexical_sign("dsgs", "KIND"), lexical_sign("gsl", "HUND")):
        assert other.shape != same[0].shape or not np.allclose(other, same[0])


def test_unknown_point_names_the_layout():
    with pytest.raises(KeyError, match="skeleton=custom.*'face.mp1'"):
        Rig(["body.neck", "face.mp1"])
