"""``.pose`` files (pose-format) in any layout: export, and import of ours and of other tools' files.

Export writes one person; each component of the layout becomes a pose-format component (point names, limbs =
the layout's bones and contours inside the component, the renderer's point colours, format XYZC or XYC), named
in our words or, where the layout's config says ``pose_format: <table>``, in that tool's words (holistic178 and
slrtp178 are written as MediaPipe Holistic files). Values are in world units (stored x ``scale``); confidences
are written where given (1 elsewhere). Bones between components (wrist -> hand) have no place in the format.
The counter is not stored: reading recomputes it in the layout's storage convention.

Import reads our exports in any layout, pose-format's MediaPipe Holistic files (full 543/576 or reduced 178)
and OpenPose files, through the name tables (``signllm.data.formats.pose_names``) and ``signllm.data.convert``
into the layout asked for; the first person is kept. To view an export with pose-format's visualizer, which
draws coordinates as pixels, scale it first (``pose.body.data *= 100; pose.focus()``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from pose_format import Pose
from pose_format.numpy import NumPyPoseBody
from pose_format.pose_header import PoseHeader, PoseHeaderComponent, PoseHeaderDimensions

from signllm.data.convert import Conversion, ConversionReport
from signllm.data.formats.pose_names import file_layout, layout_names
from signllm.render.draw import coordinates, point_colours
from signllm.skeleton import Skeleton, counter_values
from signllm.utils import atomic_output

FORMATS = {2: "XYC", 3: "XYZC"}


class NonFiniteError(ValueError):
    """A ``.pose`` file with NaN or infinite values at seen points; the message names file, frame and point."""


def _components(skeleton: Skeleton) -> list[PoseHeaderComponent]:
    colours = point_colours(skeleton)
    result = []
    for component, (name, points) in zip(skeleton.components, layout_names(skeleton)):
        start, stop = component.slice.start, component.slice.stop
        limbs = [(a - start, b - start) for a, b in skeleton.edges if start <= a < stop and start <= b < stop]
        result.append(PoseHeaderComponent(name, points, limbs, list(colours[start:stop]), FORMATS[skeleton.dims]))
    return result


def frames_to_pose(frames: np.ndarray, skeleton: Skeleton, fps: float, scale: float = 1.0, confidence=None) -> Pose:
    """(T, frame_size) stored frames or (T, num_coords) coordinates -> a pose-format ``Pose`` in world units."""
    joints = skeleton.to_joints(coordinates(frames, skeleton, np.float32) * np.float32(scale))[:, None]
    scores = np.ones(joints.shape[:-1], np.float32)
    if confidence is not None:
        if np.shape(confidence) != (len(joints), skeleton.num_points):
            raise ValueError(
                f"layout {skeleton.name}: confidence must be ({len(joints)}, {skeleton.num_points}), "
                f"got {np.shape(confidence)}"
            )
        scores[:, 0] = confidence
    extent = np.ptp(np.nan_to_num(joints.reshape(-1, skeleton.dims)), axis=0)
    dimensions = PoseHeaderDimensions(*(max(math.ceil(value), 1) for value in extent), *([0] * (3 - skeleton.dims)))
    header = PoseHeader(0.2, dimensions, _components(skeleton))
    return Pose(header, NumPyPoseBody(fps=float(fps), data=joints, confidence=scores))


def write_pose(
    path: Path | str, frames: np.ndarray, skeleton: Skeleton, fps: float, scale: float = 1.0, confidence=None
) -> Path:
    """Write stored frames of ``skeleton``'s layout as a ``.pose`` file in world units, atomically."""
    pose = frames_to_pose(frames, skeleton, fps, scale, confidence)
    with atomic_output(path) as temporary, open(temporary, "wb") as file:
        pose.write(file)
    return Path(path)


@dataclass
class ImportedPose:
    """A ``.pose`` file in a layout: (T, frame_size) float32 stored frames, (T, points) confidences (None for a
    layout without them), fps, what the conversion did, the file points no table names, and the number of
    frames in which a person other than the first was seen."""

    frames: np.ndarray
    confidence: np.ndarray | None
    fps: float
    report: ConversionReport
    left_out: tuple[str, ...]
    several_people: int


def import_pose(path: Path | str, skeleton: Skeleton, scale: float = 1.0) -> ImportedPose:
    """Any known ``.pose`` file -> the first person in ``skeleton``'s layout (coordinates / ``scale``).

    ValueError naming the file for an unknown layout, an empty file, non-finite values at seen points, or a
    conversion the layouts do not allow (see ``signllm.data.convert``).
    """
    pose = Pose.read(Path(path).read_bytes())
    data = np.ma.getdata(pose.body.data).astype(np.float32)  # (T, people, points, dims), as stored
    scores = np.asarray(pose.body.confidence, dtype=np.float32)  # (T, people, points)
    if data.shape[0] == 0 or data.shape[1] == 0:
        raise ValueError(f"{path}: no frames (data shape {data.shape})")
    source, order, left_out = file_layout(pose.header, data.shape[-1], path)
    joints, confidence = data[:, 0, order], scores[:, 0, order]
    bad = (~np.isfinite(joints).all(-1) & (confidence > 0)) | ~np.isfinite(confidence)
    if bad.any():
        frame, point = np.argwhere(bad)[0]
        raise NonFiniteError(f"{path}: frame {frame}: non-finite value at point {source.points[point]}")
    frames = np.zeros((len(joints), source.frame_size), np.float32)
    frames[:, : source.num_coords] = np.where(np.isfinite(joints), joints, 0).reshape(len(joints), -1)  # unseen NaN: 0
    try:
        frames, confidence, report = Conversion(source, skeleton)(frames, confidence)
    except ValueError as error:
        raise ValueError(f"{path}: {error}") from None
    frames[:, : skeleton.num_coords] /= np.float32(scale)
    frames[:, skeleton.counter_index] = counter_values(len(frames), skeleton.storage.counter)
    several = int((scores[:, 1:] > 0).any(axis=(1, 2)).sum())
    return ImportedPose(frames, confidence, float(pose.body.fps), report, left_out, several)


def read_pose(path: Path | str, skeleton: Skeleton, scale: float = 1.0) -> tuple[np.ndarray, np.ndarray | None, float]:
    """A ``.pose`` file -> ((T, frame_size) float32 stored frames, confidences or None, fps); see ``import_pose``."""
    pose = import_pose(path, skeleton, scale)
    return pose.frames, pose.confidence, pose.fps
