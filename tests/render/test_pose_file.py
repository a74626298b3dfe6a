""".pose export and import in every layout: pose-format reads our files back, and we read pose-format's."""

import numpy as np
import pytest
from pose_format import Pose
from pose_format.numpy import NumPyPoseBody
from pose_format.pose_header import PoseHeader, PoseHeaderComponent, PoseHeaderDimensions

from signllm.data.convert import convert
from signllm.render.pose_file import frames_to_pose, import_pose, read_pose, write_pose
from signllm.skeleton import CONF_DIR, counter_values, load_skeleton
from tests.render.signer import signer

LAYOUTS = tuple(sorted(path.stem for path in (CONF_DIR / "skeleton").glob("*.yaml")))
TESTDATA = "pose-format-testdata"


@pytest.fixture(scope="module")
def layouts():
    return {name: load_skeleton(name) for name in LAYOUTS}


@pytest.fixture(scope="module")
def dgs(realdata):
    return sorted((realdata / "dgs-corpus-fluent-pose-synthesis" / "train").glob("*.pose"))


@pytest.mark.parametrize("name", LAYOUTS)
def test_pose_format_reads_the_same_frames(layouts, tmp_path, name):
    skeleton = layouts[name]
    frames, confidence = signer(skeleton)
    path = write_pose(tmp_path / "clip.pose", frames, skeleton, fps=24, scale=9, confidence=confidence)
    pose = Pose.read(path.read_bytes())
    assert pose.body.fps == 24 and pose.body.data.shape == (len(frames), 1, skeleton.num_points, skeleton.dims)
    world = skeleton.to_joints(frames[:, :-1]) * np.float32(9)
    np.testing.assert_array_equal(np.ma.getdata(pose.body.data)[:, 0], world)
    np.testing.assert_array_equal(pose.body.confidence[:, 0], 1 if confidence is None else confidence)
    assert [len(c.points) for c in pose.header.components] == [len(c.points) for c in skeleton.components]
    assert {c.format for c in pose.header.components} == {"XYZC" if skeleton.dims == 3 else "XYC"}
    part = np.concatenate([[index] * len(c.points) for index, c in enumerate(skeleton.components)])
    inside = [(a, b) for a, b in skeleton.edges if part[a] == part[b]]  # wrist -> hand bones cross components
    assert sum(len(c.limbs) for c in pose.header.components) == len(inside) > 0


@pytest.mark.parametrize("name", LAYOUTS)
def test_read_pose_round_trip(layouts, tmp_path, name):
    skeleton = layouts[name]
    frames, confidence = signer(skeleton, seed=3)
    scrambled = frames.copy()
    scrambled[:, -1] = 0.3
    path = write_pose(tmp_path / "clip.pose", scrambled, skeleton, fps=25.0, scale=4, confidence=confidence)
    back, back_confidence, fps = read_pose(path, skeleton, scale=4)
    assert fps == 25.0 and back.dtype == np.float32
    np.testing.assert_array_equal(back[:, :-1], frames[:, :-1])
    np.testing.assert_array_equal(back[:, -1], counter_values(len(frames), skeleton.storage.counter).astype(np.float32))
    if skeleton.confidence:
        np.testing.assert_array_equal(back_confidence, confidence)
    else:
        assert back_confidence is None


def test_holistic_layouts_are_written_as_mediapipe_files(layouts, tmp_path):
    frames, _ = signer(layouts["slrtp178"])
    pose = Pose.read(write_pose(tmp_path / "a.pose", frames, layouts["slrtp178"], 25).read_bytes())
    names = {c.name: c.points for c in pose.header.components}
    assert list(names) == ["POSE_LANDMARKS", "RIGHT_HAND_LANDMARKS", "LEFT_HAND_LANDMARKS", "FACE_LANDMARKS"]
    assert names["POSE_LANDMARKS"][:2] == ["RIGHT_SHOULDER", "RIGHT_ELBOW"] and names["FACE_LANDMARKS"][:3] == [
        "0",
        "7",
        "10",
    ]


def test_dgs_reads_into_holistic178_with_its_face_and_through_slrtp178(layouts, dgs):
    holistic, slrtp = layouts["holistic178"], layouts["slrtp178"]
    assert len(dgs) == 16
    for path in dgs:
        imported = import_pose(path, holistic)
        frames, confidence = imported.frames, imported.confidence
        assert imported.fps == 25 and not imported.left_out and not imported.several_people
        raw = Pose.read(path.read_bytes())
        np.testing.assert_array_equal(holistic.to_joints(frames[:, :-1]), np.ma.getdata(raw.body.data)[:, 0])
        face = holistic.component("face")
        assert (confidence[:, face] > 0).mean() > 0.9  # MediaPipe saw the face
        joints = holistic.to_joints(frames[:, :-1])
        shoulders = joints[:, [holistic.index("body.l_shoulder"), holistic.index("body.r_shoulder")], 1].mean(1)
        assert (joints[:, face, 1].mean(1) < shoulders).all()  # y grows downwards: the face above the shoulders
        there, _, _ = read_pose(path, slrtp)
        back, _, _ = read_pose(path, holistic)
        assert convert(there, None, slrtp, holistic)[0].tobytes() == back.tobytes() == frames.tobytes()


@pytest.mark.parametrize(
    "name, layout, derived",
    [
        ("mediapipe.pose", "openpose50", ("body.nose", "body.neck")),  # reduced holistic: no nose, no neck
        ("pose_viewer_sample_holistic.pose", "holistic178", ()),  # full 576: the face subset by name
        ("openpose.pose", "dwpose", ()),  # OpenPose BODY_25 + 70 face -> COCO-18 + iBUG-68
    ],
)
def test_other_tools_files_into_our_layouts(layouts, realdata, name, layout, derived):
    imported = import_pose(realdata / TESTDATA / name, layouts[layout])
    assert imported.report.derived == derived and not imported.report.missing
    assert imported.frames.shape[1] == layouts[layout].frame_size and len(imported.frames) > 60


def test_full_holistic_leaves_out_the_world_landmarks(layouts, realdata):
    imported = import_pose(realdata / TESTDATA / "pose_viewer_sample_holistic.pose", layouts["holistic178"])
    assert len(imported.left_out) == 33 and imported.left_out[0] == "POSE_WORLD_LANDMARKS.NOSE"
    assert len(imported.report.dropped) == (33 - 8) + (468 - 128)  # body and face points holistic178 lacks


def test_2d_file_into_a_3d_layout_is_refused(layouts, realdata):
    with pytest.raises(
        ValueError, match=r"openpose.pose: layout openpose .pose is 2D and slrtp178 is 3D: converting needs lifting"
    ):
        read_pose(realdata / TESTDATA / "openpose.pose", layouts["slrtp178"])


def test_first_signllm_exports_still_read(layouts, tmp_path):
    """Files written before layouts were configurable: one SIGNLLM_SKELETON component of 50 named joints."""
    openpose = layouts["openpose50"]
    frames, _ = signer(openpose)
    hand = ["root"] + [f"{finger}{k}" for finger in ("thumb", "index", "middle", "ring", "pinky") for k in range(1, 5)]
    names = ["nose", "neck", "r_shoulder", "r_elbow", "r_wrist", "l_shoulder", "l_elbow", "l_wrist"]
    names += [f"l_{n}" for n in hand] + [f"r_{n}" for n in hand]
    component = PoseHeaderComponent("SIGNLLM_SKELETON", names, [], [(0, 0, 0)], "XYZC")
    joints = openpose.to_joints(frames[:, :-1])[:, None]
    body = NumPyPoseBody(fps=25.0, data=joints, confidence=np.ones(joints.shape[:-1], np.float32))
    with open(tmp_path / "old.pose", "wb") as file:
        Pose(PoseHeader(0.2, PoseHeaderDimensions(1, 1, 1), [component]), body).write(file)
    back, _, _ = read_pose(tmp_path / "old.pose", openpose)
    np.testing.assert_array_equal(back, frames)


def test_unknown_file_is_refused(layouts, tmp_path):
    component = PoseHeaderComponent("SOMETHING", ["a", "b"], [], [(0, 0, 0)], "XYC")
    body = NumPyPoseBody(fps=25.0, data=np.zeros((2, 1, 2, 2), np.float32), confidence=np.ones((2, 1, 2), np.float32))
    with open(tmp_path / "x.pose", "wb") as file:
        Pose(PoseHeader(0.2, PoseHeaderDimensions(1, 1, 1), [component]), body).write(file)
    with pytest.raises(ValueError, match=r"x.pose: no known pose layout \(components \['SOMETHING'\]"):
        read_pose(tmp_path / "x.pose", layouts["dwpose"])


def test_pose_format_visualizer_draws_it(layouts):
    pytest.importorskip("cv2")
    from pose_format.pose_visualizer import PoseVisualizer

    frames, confidence = signer(layouts["dwpose"])
    pose = frames_to_pose(frames, layouts["dwpose"], fps=25, scale=3, confidence=confidence)
    pose.body.data = pose.body.data * 100  # world units -> pixels, as the module docstring says
    pose.focus()
    images = list(PoseVisualizer(pose).draw())
    assert len(images) == len(frames) and all((image != 255).any() for image in images)


def test_write_failure_leaves_no_file(layouts, tmp_path):
    frames, _ = signer(layouts["openpose50"])
    with pytest.raises(ValueError):
        write_pose(tmp_path / "clip.pose", frames[:, :7], layouts["openpose50"], fps=25)
    assert list(tmp_path.iterdir()) == []
