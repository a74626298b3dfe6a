"""Conversion between layouts by point name: permutations are exact, derived and missing points as documented."""

import numpy as np
import pytest

from signllm.data.convert import Conversion, ConversionError, convert
from signllm.render.pose_file import read_pose
from signllm.skeleton import Skeleton
from tests.render.signer import signer


def _by_name(frames: np.ndarray, skeleton: Skeleton, name: str) -> np.ndarray:
    return skeleton.to_joints(frames[:, : skeleton.num_coords])[:, skeleton.index(name)]


def test_holistic_slrtp_is_a_permutation_both_ways(layouts, dgs):
    holistic, slrtp = layouts["holistic178"], layouts["slrtp178"]
    frames, confidence, _ = read_pose(dgs[0], holistic)
    there, dropped_confidence, report = convert(frames, confidence, holistic, slrtp)
    assert dropped_confidence is None and not (report.derived or report.missing or report.dropped)
    assert report.unseen == int((confidence <= 0).sum())  # points MediaPipe missed, now unmarked
    for name in ("body.r_shoulder", "left_hand.index_tip", "face.mp61", "face.mp466"):
        assert np.array_equal(_by_name(there, slrtp, name), _by_name(frames, holistic, name))
    back, back_confidence, _ = convert(there, None, slrtp, holistic)
    assert back.tobytes() == frames.tobytes()  # bit-exact, counter included
    assert (back_confidence == 1).all()  # slrtp178 has no confidences to give back


def test_face_order_is_layout_data(layouts):
    """A layout that lists the same face points in another order converts by name."""
    holistic, config = layouts["holistic178"], layouts["slrtp178"].to_dict()
    config["components"]["face"]["points"] = config["components"]["face"]["points"][::-1]
    reordered = Skeleton({**config, "name": "slrtp178_reversed"})
    frames, confidence = signer(holistic)
    there, _, _ = convert(frames, confidence, holistic, reordered)
    face = reordered.to_joints(there[:, :-1])[:, reordered.component("face")]
    assert np.array_equal(face[:, 0], _by_name(frames, holistic, "face.mp466"))
    assert convert(there, None, reordered, holistic)[0].tobytes() == frames.tobytes()


def test_holistic_to_openpose50_derives_neck_and_nose(layouts):
    holistic, openpose = layouts["holistic178"], layouts["openpose50"]
    frames, confidence = signer(holistic)
    confidence[3, holistic.component("face").start] = 0.0  # one face point missed in frame 3
    out, out_confidence, report = convert(frames, confidence, holistic, openpose)
    assert out_confidence is None and report.derived == ("body.nose", "body.neck")
    joints = holistic.to_joints(frames[:, :-1])
    shoulders = joints[:, [holistic.index("body.l_shoulder"), holistic.index("body.r_shoulder")]].mean(1)
    np.testing.assert_allclose(_by_name(out, openpose, "body.neck"), shoulders, rtol=1e-6)
    np.testing.assert_allclose(
        _by_name(out, openpose, "body.nose"), joints[:, holistic.component("face")].mean(1), atol=1e-6
    )
    assert report.unseen == 1  # the nose of frame 3, made from a missed point
    assert set(report.dropped) == {"body.l_hip", "body.r_hip"} | {f"face.{p}" for p in holistic.components[1].points}
    np.testing.assert_array_equal(out[:, -1], frames[:, -1])  # the counter is carried


def test_missing_points_get_confidence_zero_and_3d_to_2d_drops_depth(layouts):
    openpose, dwpose = layouts["openpose50"], layouts["dwpose"]
    frames, _ = signer(openpose)
    out, confidence, report = convert(frames, None, openpose, dwpose)
    assert report.depth_dropped and not report.dropped
    assert set(report.missing) == {f"face.{p}" for p in dwpose.components[-1].points} | {
        f"body.{p}"
        for p in ("r_hip", "r_knee", "r_ankle", "l_hip", "l_knee", "l_ankle", "r_eye", "l_eye", "r_ear", "l_ear")
    }
    missing = [dwpose.index(name) for name in report.missing]
    assert (confidence[:, missing] == 0).all() and (dwpose.to_joints(out[:, :-1])[:, missing] == 0).all()
    kept = [index for index in range(dwpose.num_points) if index not in missing]
    assert (confidence[:, kept] == 1).all()
    np.testing.assert_array_equal(
        _by_name(out, dwpose, "right_hand.thumb_tip"), _by_name(frames, openpose, "right_hand.thumb_tip")[:, :2]
    )


def test_dwpose_neck_is_derived_from_the_shoulders(layouts):
    holistic, dwpose = layouts["holistic178"], layouts["dwpose"]
    frames, confidence = signer(holistic)
    out, out_confidence, report = convert(frames, confidence, holistic, dwpose)
    assert "body.neck" in report.derived and "body.neck" not in report.missing
    assert (out_confidence[:, dwpose.index("body.neck")] == 1).all()


@pytest.mark.parametrize(
    "source, target, message",
    [
        ("dwpose", "openpose50", "dwpose is 2D and openpose50 is 3D: converting needs lifting"),
        (
            "openpose50",
            "slrtp178",
            "slrtp178 has no confidence channel .* these 130 points .*: body.r_hip, body.l_hip, face.mp0",
        ),
    ],
)
def test_impossible_conversions_are_refused(layouts, source, target, message):
    with pytest.raises(ConversionError, match=message):
        Conversion(layouts[source], layouts[target])


def test_frames_of_the_wrong_size_are_refused(layouts):
    conversion = Conversion(layouts["holistic178"], layouts["slrtp178"])
    with pytest.raises(ConversionError, match=r"layout holistic178: frames must be \(T, 535\), got \(2, 151\)"):
        conversion(np.zeros((2, 151), np.float32))
