""".pose export: pose-format reads our files back (same frames, fps) and its visualizer draws them."""

import numpy as np
import pytest
from pose_format import Pose

from signllm.render.pose_file import COMPONENT, frames_to_pose, read_pose, write_pose
from signllm.skeleton import BONES, COUNTER, JOINT_NAMES, NUM_COORDS, NUM_JOINTS, counter_values


def test_pose_format_reads_the_same_frames_and_fps(tmp_path, frames):
    path = write_pose(tmp_path / "clip.pose", frames, fps=24, scale=9)
    pose = Pose.read(path.read_bytes())
    assert pose.body.fps == 24
    assert pose.body.data.shape == (len(frames), 1, NUM_JOINTS, 3)
    world = frames[:, :NUM_COORDS].reshape(len(frames), NUM_JOINTS, 3) * 9
    np.testing.assert_allclose(pose.body.data[:, 0], world, rtol=1e-6)
    assert (pose.body.confidence == 1).all()
    [component] = pose.header.components
    assert component.name == COMPONENT and tuple(component.points) == JOINT_NAMES
    assert [tuple(limb) for limb in component.limbs] == list(BONES)
    assert len(component.colors) == NUM_JOINTS and component.format == "XYZC"


def test_read_pose_round_trip(tmp_path, frames):
    scrambled = frames.copy()
    scrambled[:, COUNTER] = 0.3
    path = write_pose(tmp_path / "clip.pose", scrambled, fps=25.0, scale=3)
    back, fps = read_pose(path, scale=3)
    assert fps == 25.0 and back.shape == frames.shape and back.dtype == np.float32
    np.testing.assert_allclose(back[:, :NUM_COORDS], frames[:, :NUM_COORDS], rtol=1e-6, atol=1e-7)
    np.testing.assert_allclose(back[:, COUNTER], counter_values(len(frames)))  # recomputed


def test_foreign_pose_file_is_refused(realdata):
    path = realdata / "pose-format-testdata" / "openpose.pose"
    with pytest.raises(ValueError, match="not a signllm .pose file"):
        read_pose(path)


def test_pose_format_visualizer_draws_it(frames):
    pytest.importorskip("cv2")
    from pose_format.pose_visualizer import PoseVisualizer

    pose = frames_to_pose(frames, fps=25, scale=3)
    pose.body.data = pose.body.data * 100  # world units -> pixels, as the module docstring says
    pose.focus()
    images = list(PoseVisualizer(pose).draw())
    assert len(images) == len(frames)
    assert all((image != 255).any() for image in images)


def test_write_failure_leaves_no_file(tmp_path, frames):
    with pytest.raises(ValueError):
        write_pose(tmp_path / "clip.pose", frames[:, :7], fps=25)
    assert list(tmp_path.iterdir()) == []
