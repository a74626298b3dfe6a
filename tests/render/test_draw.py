"""render_clip draws the skeleton fitted to the view, bones coloured by body / left hand / right hand."""

import numpy as np
import pytest

from signllm.render.draw import BACKGROUND, BODY_COLOUR, LEFT_COLOURS, RIGHT_COLOURS, render_clip, side_by_side
from signllm.skeleton import COUNTER, LEFT_HAND, NUM_COORDS, RIGHT_HAND, to_joints


def ink(images: np.ndarray) -> np.ndarray:
    """True where a pixel is not background."""
    return (images != np.array(BACKGROUND, dtype=np.uint8)).any(axis=-1)


def near(images: np.ndarray, colour, tolerance: int = 40) -> np.ndarray:
    return (np.abs(images.astype(int) - np.array(colour)).sum(axis=-1) < tolerance)


def test_shape_and_frames_or_coordinates(frames):
    images = render_clip(frames, size=64)
    assert images.shape == (len(frames), 64, 64, 3) and images.dtype == np.uint8
    np.testing.assert_array_equal(images, render_clip(frames[:, :NUM_COORDS], size=64))
    changed = frames.copy()
    changed[:, COUNTER] = 0.5  # the counter is not drawn
    np.testing.assert_array_equal(images, render_clip(changed, size=64))


def test_view_is_fitted_whatever_the_units(frames):
    images = render_clip(frames, size=96)
    moved = frames.copy()
    moved[:, :NUM_COORDS] = moved[:, :NUM_COORDS] * 9 + 5  # world units, shifted
    np.testing.assert_array_equal(images, render_clip(moved, size=96))
    rows, columns = np.nonzero(ink(images).any(axis=0))
    assert columns.max() - columns.min() > 0.7 * 96  # the skeleton fills the view


def test_y_grows_downwards(frames):
    image = render_clip(frames[:1], size=128)[0]
    joints = to_joints(frames[0, :NUM_COORDS])
    assert joints[LEFT_HAND, 1].mean() > joints[0, 1]  # hands below the nose in the data ...
    hand_rows = np.nonzero(near(image, LEFT_COLOURS[0], 120).any(axis=1))[0]
    body_rows = np.nonzero(near(image, BODY_COLOUR).any(axis=1))[0]
    assert hand_rows.mean() > body_rows.min()  # ... and in the image


def test_hands_have_their_own_colours(frames):
    image = render_clip(frames[:1], size=256)[0]
    joints = to_joints(frames[0, :NUM_COORDS])
    left_is_right_of_image = joints[LEFT_HAND, 0].mean() > joints[RIGHT_HAND, 0].mean()
    middle = image.shape[1] // 2
    left_side, right_side = image[:, middle:], image[:, :middle]
    if not left_is_right_of_image:
        left_side, right_side = right_side, left_side
    assert near(left_side, LEFT_COLOURS[1]).sum() > 10 and near(left_side, RIGHT_COLOURS[1]).sum() == 0
    assert near(right_side, RIGHT_COLOURS[1]).sum() > 10 and near(right_side, LEFT_COLOURS[1]).sum() == 0
    assert near(image, BODY_COLOUR).sum() > near(image, LEFT_COLOURS[1]).sum()  # body bones are thicker


def test_title_is_written_above_the_skeleton(frames):
    plain, titled = render_clip(frames[:1], size=128), render_clip(frames[:1], size=128, title="Guten Abend " * 9)
    assert not ink(plain[:, :8]).any() and ink(titled[:, :8]).any()
    hand_rows = [np.nonzero(near(images[0], LEFT_COLOURS[1], 120).any(axis=1))[0] for images in (plain, titled)]
    assert hand_rows[1].mean() > hand_rows[0].mean()  # the skeleton moved down to make room


def test_missing_joints_are_skipped(frames):
    broken = frames.copy()
    broken[:, :3] = np.nan  # the nose
    images = render_clip(broken, size=64)
    assert ink(images).any()


def test_bad_input_is_refused(frames):
    with pytest.raises(ValueError, match="frames"):
        render_clip(frames[:, :10])
    with pytest.raises(ValueError, match="even"):
        render_clip(frames, size=65)


def test_side_by_side_holds_the_last_frame_of_the_shorter_clip(frames):
    long, short = render_clip(frames, size=64), render_clip(frames[:5], size=48)
    both = side_by_side(long, short, gap=4)
    assert both.shape == (len(frames), 64, 64 + 4 + 48, 3)
    np.testing.assert_array_equal(both[-1, :48, 68:], short[-1])
    np.testing.assert_array_equal(both[0, :, :64], long[0])
    assert not ink(both[:, 48:, 68:]).any() and not ink(both[:, :, 64:68]).any()


def test_real_phoenix_clip(realdata):
    from signllm.data.skels import read_split

    clip = read_split(realdata / "phoenix14t-progressive-transformers", "dev")[0]
    images = render_clip(clip.frames, size=128, title=clip.text)
    assert images.shape == (len(clip.frames), 128, 128, 3)
    assert (ink(images).reshape(len(images), -1).sum(axis=1) > 200).all()  # every frame shows a signer
    assert len({image.tobytes() for image in images}) > len(images) // 2  # and the signer moves
