"""OpenPose JSON -> arrays: the layout's keypoint-array mapping, and every kind of bad input counted or dropped by name."""

from __future__ import annotations

import json
import math
from collections import Counter
from pathlib import Path

import numpy as np
import pytest

from signllm.preprocess.openpose import read_openpose_clip
from signllm.preprocess.report import ClipDropped
from signllm.skeleton import Skeleton, SkeletonError, load_skeleton

OPENPOSE50 = load_skeleton("openpose50")
NUM_JOINTS = OPENPOSE50.num_points
LEFT_HAND, RIGHT_HAND = OPENPOSE50.component("left_hand"), OPENPOSE50.component("right_hand")
L_WRIST, R_WRIST = OPENPOSE50.index("body.l_wrist"), OPENPOSE50.index("body.r_wrist")
# where openpose50's points are in OpenPose JSON: BODY_25 points 0-7, then each hand's 21 points
SOURCE = [("pose_keypoints_2d", i) for i in range(8)] + [
    (array, i) for array in ("hand_left_keypoints_2d", "hand_right_keypoints_2d") for i in range(21)
]


@pytest.fixture(scope="module")
def person(how2sign) -> dict:
    """The first person of a real frame."""
    first = min((how2sign / "json" / "_2FBDaOPYig_4-3-rgb_front").iterdir())
    return json.loads(first.read_text())["people"][0]


def write_clip(folder: Path, frames: list) -> Path:
    """Frame files ``clip_<n>_keypoints.json``: dicts become OpenPose documents, strings are written as is."""
    folder.mkdir(parents=True, exist_ok=True)
    for number, frame in enumerate(frames):
        text = frame if isinstance(frame, str) else json.dumps({"version": 1.3, "people": frame})
        (folder / f"clip_{number:012d}_keypoints.json").write_text(text)
    return folder


def test_real_clip_maps_openpose_source(how2sign):
    folder = how2sign / "json" / "_2FBDaOPYig_4-3-rgb_front"
    frames, events = read_openpose_clip(folder, OPENPOSE50)
    assert frames.shape == (62, NUM_JOINTS * 3) and frames.dtype == np.float32
    assert events["frames_in"] == 62 and events["no_person"] == 0
    first = json.loads(min(folder.iterdir()).read_text())["people"][0]
    for joint, (array, index) in enumerate(SOURCE):
        np.testing.assert_allclose(
            frames[0, 3 * joint : 3 * joint + 3], first[array][3 * index : 3 * index + 3], rtol=1e-6
        )
    joints = frames.reshape(len(frames), NUM_JOINTS, 3)
    hand_roots = joints[:, [LEFT_HAND.start, RIGHT_HAND.start], :2]
    wrists = joints[:, [L_WRIST, R_WRIST], :2]
    assert np.median(np.linalg.norm(hand_roots - wrists, axis=-1)) < 40  # pixels: each hand hangs on its wrist


def test_frames_in_order_of_frame_number_and_gaps_counted(tmp_path, person):
    shifted = {
        **person,
        "pose_keypoints_2d": [v + 1000 if i % 3 == 0 else v for i, v in enumerate(person["pose_keypoints_2d"])],
    }
    folder = write_clip(tmp_path / "clip", [[person]] * 10 + [[shifted]])  # frame 10 sorts before 2 as text
    (folder / "clip_000000000004_keypoints.json").unlink()
    frames, events = read_openpose_clip(folder, OPENPOSE50)
    assert len(frames) == 10 and frames[-1, 0] == pytest.approx(frames[0, 0] + 1000)
    assert events["missing_files"] == 1


def test_frame_events_are_counted(tmp_path, person):
    zero = {
        key: [0.0] * len(value) if isinstance(value, list) and key != "person_id" else value
        for key, value in person.items()
    }
    no_hands = {**person, "hand_left_keypoints_2d": [], "hand_right_keypoints_2d": []}
    del no_hands["hand_right_keypoints_2d"]
    other = {**person, "pose_keypoints_2d": [v * 2 for v in person["pose_keypoints_2d"]]}
    folder = write_clip(tmp_path / "clip", [[person], [], [zero], [person, other], [no_hands]])
    frames, events = read_openpose_clip(folder, OPENPOSE50)
    assert len(frames) == 3  # the frame without a person and the all-zero frame are dropped
    assert events == Counter(frames_in=5, no_person=1, all_zero=1, several_people=1, missing_hand=1)
    np.testing.assert_allclose(frames[1], frames[0])  # several people: the first is kept
    assert not frames[2].reshape(NUM_JOINTS, 3)[LEFT_HAND].any() and frames[2].reshape(NUM_JOINTS, 3)[0, 2] > 0


@pytest.mark.parametrize(
    "bad, reason",
    [
        ('{"version": 1.3, "people": [{"pose_keypoints_2d": [1, 2', "unreadable_json"),  # truncated
        ("not json at all", "unreadable_json"),
        ('{"version": 1.3}', "unreadable_json"),  # no people
        ('{"version": 1.3, "people": [{"pose_keypoints_2d": [1, 2, 3]}]}', "unreadable_json"),  # too short
        ("nan", "non_finite"),
    ],
)
def test_bad_frame_drops_the_clip_naming_the_file(tmp_path, person, bad, reason):
    if bad == "nan":
        poisoned = {**person, "pose_keypoints_2d": [math.nan] + person["pose_keypoints_2d"][1:]}
        bad = json.dumps({"version": 1.3, "people": [poisoned]})
    folder = write_clip(tmp_path / "clip", [[person], bad, [person]])
    with pytest.raises(ClipDropped, match="clip_000000000001_keypoints.json") as dropped:
        read_openpose_clip(folder, OPENPOSE50)
    assert dropped.value.reason == reason


def test_empty_and_personless_clips(tmp_path):
    (tmp_path / "empty").mkdir()
    with pytest.raises(ClipDropped) as dropped:
        read_openpose_clip(tmp_path / "empty", OPENPOSE50)
    assert dropped.value.reason == "no_frames"
    with pytest.raises(ClipDropped) as dropped:
        read_openpose_clip(write_clip(tmp_path / "nobody", [[], []]), OPENPOSE50)
    assert dropped.value.reason == "no_person"


def test_the_mapping_is_the_layouts_data(tmp_path, person):
    """A layout whose openpose key maps its body to another array reads it from there; one without is refused."""
    swapped = {**OPENPOSE50.to_dict(), "openpose": {**OPENPOSE50.openpose, "body": "pose_keypoints_3d"}}
    moved = {**person, "pose_keypoints_3d": person["pose_keypoints_2d"], "pose_keypoints_2d": [7.0] * 75}
    folder = write_clip(tmp_path / "clip", [[moved]])
    frames, _ = read_openpose_clip(folder, Skeleton(swapped))
    np.testing.assert_allclose(frames[0, :24], person["pose_keypoints_2d"][:24], rtol=1e-6)
    with pytest.raises(SkeletonError, match="skeleton=dwpose: no OpenPose keypoint array for"):
        read_openpose_clip(folder, load_skeleton("dwpose"))
