"""render_clip draws a layout fitted to the view, bones coloured by body / left hand / right hand / finger."""

import numpy as np
import pytest

from signllm.render.draw import BODY_COLOUR, FACE_STYLES, HAND_COLOURS, point_colours, render_clip, side_by_side
from signllm.skeleton import load_skeleton
from tests.render.pixels import ink, near
from tests.render.signer import signer

LEFT_COLOURS, RIGHT_COLOURS = HAND_COLOURS["left_hand"], HAND_COLOURS["right_hand"]
FINGERS = (("thumb", ("cmc", "mcp", "ip", "tip")),) + tuple(
    (finger, ("mcp", "pip", "dip", "tip")) for finger in ("index", "middle", "ring", "pinky")
)


def test_shape_and_frames_or_coordinates(frames, openpose50):
    images = render_clip(frames, openpose50, size=64)
    assert images.shape == (len(frames), 64, 64, 3) and images.dtype == np.uint8
    np.testing.assert_array_equal(images, render_clip(frames[:, : openpose50.num_coords], openpose50, size=64))
    changed = frames.copy()
    changed[:, openpose50.counter_index] = 0.5  # the counter is not drawn
    np.testing.assert_array_equal(images, render_clip(changed, openpose50, size=64))


def test_view_is_fitted_whatever_the_units(frames, openpose50):
    images = render_clip(frames, openpose50, size=96)
    moved = frames.copy()
    moved[:, : openpose50.num_coords] = moved[:, : openpose50.num_coords] * 9 + 5  # world units, shifted
    np.testing.assert_array_equal(images, render_clip(moved, openpose50, size=96))
    rows, columns = np.nonzero(ink(images).any(axis=0))
    assert columns.max() - columns.min() > 0.7 * 96  # the skeleton fills the view


def test_y_grows_downwards(frames, openpose50):
    image = render_clip(frames[:1], openpose50, size=128)[0]
    joints = openpose50.to_joints(frames[0, : openpose50.num_coords])
    assert joints[openpose50.component("left_hand"), 1].mean() > joints[openpose50.index("body.nose"), 1]  # data
    hand_rows = np.nonzero(near(image, LEFT_COLOURS[0], 120).any(axis=1))[0]
    body_rows = np.nonzero(near(image, BODY_COLOUR).any(axis=1))[0]
    assert hand_rows.mean() > body_rows.min()  # ... and in the image


def test_hands_have_their_own_colours(frames, openpose50):
    image = render_clip(frames[:1], openpose50, size=256)[0]
    joints = openpose50.to_joints(frames[0, : openpose50.num_coords])
    left_x, right_x = (joints[openpose50.component(hand), 0].mean() for hand in ("left_hand", "right_hand"))
    middle = image.shape[1] // 2
    left_side, right_side = image[:, middle:], image[:, :middle]
    if left_x < right_x:
        left_side, right_side = right_side, left_side
    assert near(left_side, LEFT_COLOURS[1]).sum() > 10 and near(left_side, RIGHT_COLOURS[1]).sum() == 0
    assert near(right_side, RIGHT_COLOURS[1]).sum() > 10 and near(right_side, LEFT_COLOURS[1]).sum() == 0
    assert near(image, BODY_COLOUR).sum() > near(image, LEFT_COLOURS[1]).sum()  # body bones are thicker


@pytest.mark.parametrize("layout", ["openpose50", "slrtp178"])
def test_a_shade_per_finger_from_the_hand_tree(layout):
    skeleton = load_skeleton(layout)
    colours = point_colours(skeleton)
    assert len(colours) == skeleton.num_points
    for hand, shades in HAND_COLOURS.items():
        fingers = [[colours[skeleton.index(f"{hand}.{finger}_{joint}")] for joint in joints] for finger, joints in FINGERS]
        assert all(len(set(finger)) == 1 for finger in fingers)  # one shade along a finger
        assert [finger[0] for finger in fingers] == list(shades)  # a different shade for each finger
        assert colours[skeleton.index(f"{hand}.wrist")] == shades[0]
    assert set(colours[skeleton.component("body")]) == {BODY_COLOUR}


def test_face_points_take_their_feature_colour():
    dwpose = load_skeleton("dwpose")
    colours, styles = point_colours(dwpose), {word: colour for word, colour, _ in FACE_STYLES}
    assert len(set(styles.values())) == len(FACE_STYLES)  # features tell apart
    assert not set(styles.values()) & {BODY_COLOUR, *LEFT_COLOURS, *RIGHT_COLOURS}
    for name, chain in ((name, chain) for component, name, chain in dwpose.contours if component == "face"):
        word = next(word for word in styles if word in name)
        assert {colours[point] for point in chain} == {styles[word]}, name


def test_hand_points_have_dots(frames, openpose50):
    """A fingertip seen without the rest of its finger has no line to draw: only its dot shows it."""
    confidence = np.zeros((len(frames), openpose50.num_points), dtype=np.float32)
    confidence[:, [openpose50.index("body.nose"), openpose50.index("body.l_wrist")]] = 1  # the view's extent
    confidence[:, openpose50.index("left_hand.index_tip")] = 1
    images = render_clip(frames, openpose50, size=256, confidence=confidence)
    assert (near(images, LEFT_COLOURS[1], 120).reshape(len(frames), -1).sum(axis=1) >= 6).all()


def test_title_is_written_above_the_skeleton(frames, openpose50):
    plain = render_clip(frames[:1], openpose50, size=128)
    titled = render_clip(frames[:1], openpose50, size=128, title="Guten Abend " * 9)
    assert not ink(plain[:, :8]).any() and ink(titled[:, :8]).any()
    hand_rows = [np.nonzero(near(images[0], LEFT_COLOURS[1], 120).any(axis=1))[0] for images in (plain, titled)]
    assert hand_rows[1].mean() > hand_rows[0].mean()  # the skeleton moved down to make room


def test_missing_points_are_skipped_with_their_lines(frames, openpose50):
    left = openpose50.component("left_hand")
    broken = openpose50.to_joints(frames[:, : openpose50.num_coords].copy())
    broken[:, left] = np.nan
    images = render_clip(broken.reshape(len(frames), -1), openpose50, size=128)
    assert ink(images).any() and not near(images, LEFT_COLOURS[1]).any() and near(images, RIGHT_COLOURS[1]).any()
    confidence = np.ones((len(frames), openpose50.num_points), dtype=np.float32)
    confidence[:, left] = 0
    np.testing.assert_array_equal(images, render_clip(frames, openpose50, size=128, confidence=confidence))


def test_unseen_points_neither_drawn_nor_fitted():
    """DWPose writes points it did not see (the legs here) as 0, 0 with score 0: the view ignores them."""
    dwpose = load_skeleton("dwpose")
    frames, confidence = signer(dwpose, num_frames=3)
    unseen = confidence == 0
    assert unseen.any()
    images = render_clip(frames, dwpose, size=96, confidence=confidence)
    joints = dwpose.to_joints(frames[:, : dwpose.num_coords].copy())
    joints[unseen] = 50.0  # far away: would shrink the figure if it counted
    moved = np.concatenate([joints.reshape(len(frames), -1), frames[:, dwpose.num_coords :]], axis=1)
    np.testing.assert_array_equal(images, render_clip(moved, dwpose, size=96, confidence=confidence))


def test_bad_input_is_refused(frames, openpose50):
    with pytest.raises(ValueError, match="openpose50: expected .*151"):
        render_clip(frames[:, :10], openpose50)
    with pytest.raises(ValueError, match=r"slrtp178: expected .*got \(12, 151\)"):
        render_clip(frames, load_skeleton("slrtp178"))
    with pytest.raises(ValueError, match="confidence"):
        render_clip(frames, openpose50, confidence=np.ones((len(frames), 3)))
    with pytest.raises(ValueError, match="even"):
        render_clip(frames, openpose50, size=65)


def test_side_by_side_holds_the_last_frame_of_the_shorter_clip(frames, openpose50):
    long, short = render_clip(frames, openpose50, size=64), render_clip(frames[:5], openpose50, size=48)
    both = side_by_side(long, short, gap=4)
    assert both.shape == (len(frames), 64, 64 + 4 + 48, 3)
    np.testing.assert_array_equal(both[-1, :48, 68:], short[-1])
    np.testing.assert_array_equal(both[0, :, :64], long[0])
    assert not ink(both[:, 48:, 68:]).any() and not ink(both[:, :, 64:68]).any()


def test_real_phoenix_clip(realdata, openpose50):
    from signllm.data.skels import read_split

    clip = read_split(realdata / "phoenix14t-progressive-transformers", "dev", openpose50)[0]
    images = render_clip(clip.frames, openpose50, size=128, title=clip.text)
    assert images.shape == (len(clip.frames), 128, 128, 3)
    assert (ink(images).reshape(len(images), -1).sum(axis=1) > 200).all()  # every frame shows a signer
    assert len({image.tobytes() for image in images}) > len(images) // 2  # and the signer moves
