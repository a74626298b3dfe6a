"""``.pose`` files (pose-format) -> (T, NUM_JOINTS * 3) arrays of x, y, confidence, like the OpenPose reader.

Two layouts are recognised by their component names:
- OpenPose (``pose_keypoints_2d``, ``hand_left_keypoints_2d``, ``hand_right_keypoints_2d``): joint j is
  ``skeleton.OPENPOSE_SOURCE[j]``.
- MediaPipe Holistic (``POSE_LANDMARKS``, ``LEFT_HAND_LANDMARKS``, ``RIGHT_HAND_LANDMARKS``), full or the
  reduced 178-point variant: body joints by landmark name; the neck, which MediaPipe lacks, is the midpoint
  of the shoulders; the nose, which the reduced variant lacks, is the centroid of the face landmarks;
  hands map 21 -> 21 (MediaPipe and OpenPose number hand points alike).
A joint made of several points takes their mean position and their lowest confidence. Only the first
person is used (frames where another person is visible are counted); frames where no kept joint is
visible are dropped (counted as ``no_person``). Depth, where present, is ignored: lifting works from 2D.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import numpy as np
from pose_format import Pose

from signllm.preprocess.report import ClipDropped
from signllm.skeleton import LEFT_HAND, NUM_HAND, OPENPOSE_SOURCE, RIGHT_HAND

MEDIAPIPE_BODY = (  # BODY_NAMES order: nose, neck, r_shoulder, r_elbow, r_wrist, l_shoulder, l_elbow, l_wrist
    ("NOSE",),
    ("LEFT_SHOULDER", "RIGHT_SHOULDER"),
    ("RIGHT_SHOULDER",),
    ("RIGHT_ELBOW",),
    ("RIGHT_WRIST",),
    ("LEFT_SHOULDER",),
    ("LEFT_ELBOW",),
    ("LEFT_WRIST",),
)


def _offsets(header) -> dict[str, tuple[int, list[str]]]:
    """component name -> (index of its first point in the flat point list, its point names)."""
    offsets, start = {}, 0
    for component in header.components:
        offsets[component.name] = (start, list(component.points))
        start += len(component.points)
    return offsets


def _mediapipe_sources(offsets: dict) -> list[list[int]]:
    pose_start, pose_points = offsets["POSE_LANDMARKS"]
    sources = []
    for names in MEDIAPIPE_BODY:
        if all(name in pose_points for name in names):
            sources.append([pose_start + pose_points.index(name) for name in names])
        elif names == ("NOSE",) and "FACE_LANDMARKS" in offsets:
            face_start, face_points = offsets["FACE_LANDMARKS"]
            sources.append(list(range(face_start, face_start + len(face_points))))
        else:
            raise KeyError(f"POSE_LANDMARKS has no {'/'.join(names)}")
    for component in ("LEFT_HAND_LANDMARKS", "RIGHT_HAND_LANDMARKS"):
        start, points = offsets[component]
        if len(points) != NUM_HAND:
            raise KeyError(f"{component} has {len(points)} points, expected {NUM_HAND}")
        sources += [[start + k] for k in range(NUM_HAND)]
    return sources


def joint_sources(header) -> list[list[int]]:
    """For each of the NUM_JOINTS joints, the flat indices of the .pose points it is made of."""
    offsets = _offsets(header)
    if all(name in offsets for name, _ in OPENPOSE_SOURCE):
        return [[offsets[name][0] + index] for name, index in OPENPOSE_SOURCE]
    if {"POSE_LANDMARKS", "LEFT_HAND_LANDMARKS", "RIGHT_HAND_LANDMARKS"} <= set(offsets):
        return _mediapipe_sources(offsets)
    raise KeyError(f"neither the OpenPose nor the MediaPipe Holistic layout (components: {list(offsets)})")


def read_pose_clip(path: Path | str) -> tuple[np.ndarray, Counter]:
    """A ``.pose`` file -> ((T, NUM_JOINTS * 3) float32 frames, frame events); ClipDropped if unusable."""
    path = Path(path)
    try:
        pose = Pose.read(path.read_bytes())
        sources = joint_sources(pose.header)
    except Exception as error:  # noqa: BLE001 - pose-format raises many kinds of error on a damaged file
        raise ClipDropped("unreadable_pose", f"{path}: {type(error).__name__}: {error}") from None
    confidence = np.asarray(pose.body.confidence, dtype=np.float64)  # (T, people, points)
    data = np.ma.filled(pose.body.data[..., :2].astype(np.float64), np.nan)
    if not np.isfinite(data[confidence > 0]).all() or not np.isfinite(confidence).all():
        raise ClipDropped("non_finite", f"{path}: NaN or infinite values at visible points")
    events = Counter(frames_in=len(confidence), several_people=int((confidence[:, 1:] > 0).any((1, 2)).sum()))
    visible = confidence[:, 0] > 0
    xy = np.where(visible[..., None], data[:, 0], 0.0)
    joints = np.stack(
        [
            np.concatenate([xy[:, points].mean(1), confidence[:, 0, points].min(1, keepdims=True)], 1)
            for points in sources
        ],
        1,
    )
    joints[joints[..., 2] <= 0] = 0.0  # a joint with an invisible part is missing
    seen = joints[..., 2].any(1)
    events["no_person"] = int((~seen).sum())
    events["missing_hand"] = int((~joints[:, LEFT_HAND, 2].any(1) | ~joints[:, RIGHT_HAND, 2].any(1))[seen].sum())
    if not seen.any():
        raise ClipDropped("no_person", f"{path}: none of {len(joints)} frames shows a person")
    return joints[seen].reshape(int(seen.sum()), -1).astype(np.float32), events
