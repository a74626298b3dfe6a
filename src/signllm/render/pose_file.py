"""``.pose`` export and import through the pose-format package.

A file holds one person and ONE component, ``COMPONENT``, with the 50 skeleton joints (point names
``skeleton.JOINT_NAMES``, limbs ``skeleton.BONES``, the renderer's colours) as X, Y, Z and a confidence
of 1, in world units (stored values x the language's ``scale``). The counter is not stored: reading
recomputes it (Prompt2Sign convention). The header dimensions are the clip's world extent; to view a
file with pose-format's visualizer, which draws coordinates as pixels, scale it first
(``pose.body.data *= 100; pose.focus()``).
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
from pose_format import Pose
from pose_format.numpy import NumPyPoseBody
from pose_format.pose_header import PoseHeader, PoseHeaderComponent, PoseHeaderDimensions

from signllm.utils import atomic_output
from signllm.render.draw import JOINT_COLOURS, coordinates
from signllm.skeleton import BONES, COUNTER, FRAME_SIZE, JOINT_NAMES, NUM_COORDS, counter_values, to_joints

COMPONENT = "SIGNLLM_SKELETON"
POINT_FORMAT = "XYZC"


def _header(joints: np.ndarray) -> PoseHeader:
    component = PoseHeaderComponent(COMPONENT, list(JOINT_NAMES), list(BONES), list(JOINT_COLOURS), POINT_FORMAT)
    extent = np.ptp(np.nan_to_num(joints.reshape(-1, joints.shape[-1])), axis=0)
    return PoseHeader(0.2, PoseHeaderDimensions(*(max(math.ceil(value), 1) for value in extent)), [component])


def frames_to_pose(frames: np.ndarray, fps: float, scale: float = 1.0) -> Pose:
    """(T, FRAME_SIZE) stored frames or (T, NUM_COORDS) coordinates -> a pose-format ``Pose``, world units."""
    joints = to_joints(coordinates(frames, np.float32) * np.float32(scale))[:, None]  # (T, people=1, joints, 3)
    body = NumPyPoseBody(fps=float(fps), data=joints, confidence=np.ones(joints.shape[:-1], dtype=np.float32))
    return Pose(_header(joints), body)


def write_pose(path: Path | str, frames: np.ndarray, fps: float, scale: float = 1.0) -> Path:
    """Write stored frames as a ``.pose`` file in world units, atomically; returns the path."""
    pose = frames_to_pose(frames, fps, scale)
    with atomic_output(path) as temporary, open(temporary, "wb") as file:
        pose.write(file)
    return Path(path)


def read_pose(path: Path | str, scale: float = 1.0) -> tuple[np.ndarray, float]:
    """A ``.pose`` file written by ``write_pose`` -> ((T, FRAME_SIZE) float32 stored frames, fps).

    Coordinates are divided by ``scale``; the counter column is recomputed (i/T, i = 1..T).
    """
    pose = Pose.read(Path(path).read_bytes())
    names = [(component.name, len(component.points)) for component in pose.header.components]
    people = pose.body.data.shape[1]
    if names != [(COMPONENT, len(JOINT_NAMES))] or people != 1:
        raise ValueError(f"{path}: not a signllm .pose file (components {names}, {people} people)")
    joints = np.asarray(pose.body.data.filled(np.nan)[:, 0, :, :3], dtype=np.float32) / np.float32(scale)
    frames = np.empty((len(joints), FRAME_SIZE), dtype=np.float32)
    frames[:, :NUM_COORDS] = joints.reshape(len(joints), NUM_COORDS)
    frames[:, COUNTER] = counter_values(len(joints))
    return frames, float(pose.body.fps)
