"""From rig points to a layout's frames as its files store them, and the scores of layouts that have them.

- 3D layouts: world coordinates (``WORLD_PER_RIG`` x rig units, the Prompt2Sign world) divided by the
  layout's ``storage.scale``: openpose50 (scale 9) stores rig units, a scale-1 layout the world itself.
- 2D layouts: what a camera facing the signer sees (the signer's right on the image's left), normalised
  to a virtual frame, 0..1 per axis with y down: the frame shows rig heights ``VIEW`` at the neck's
  depth and is ``storage.aspect_ratio`` heights wide (the default dwpose storage, aspect 1: a 720x720
  frame; a 16/9 aspect gives 1280x720). Clip frames keep x in frame heights, as the layout's reader
  returns them; the writer divides x by the aspect ratio. Coordinates are then divided by the scale.
- Scores: 1 for a point inside that camera frame, 0 outside (an upper-body framing: knees and ankles
  are missing), hands falling to 0.5 as they move fast (motion blur). For body points stored as
  OpenPose subset indices, the writer turns 1/0 into the point's index / -1.
"""

from __future__ import annotations

import numpy as np

from signllm.skeleton import Skeleton, Storage, counter_values

WORLD_PER_RIG = 9.0
VIEW = (-0.45, 0.60)  # rig y at the top and at the bottom of the frame
CAMERA_DISTANCE = 3.0  # rig units in front of the neck
BLUR_SPEED = (0.03, 0.08)  # rig units per frame: hand scores fall from 1 to 0.5 between these speeds
HANDS = ("left_hand", "right_hand")


def project(points: np.ndarray, aspect_ratio: float) -> np.ndarray:
    """(..., 3) rig points -> (..., 2) image points in frame heights (x 0..aspect_ratio, y 0..1)."""
    height = VIEW[1] - VIEW[0]
    perspective = CAMERA_DISTANCE / (CAMERA_DISTANCE - points[..., 2])
    x = aspect_ratio / 2 - points[..., 0] * perspective / height
    y = 0.5 + (points[..., 1] - (VIEW[0] + VIEW[1]) / 2) * perspective / height
    return np.stack([x, y], axis=-1)


def scores(points: np.ndarray, skeleton: Skeleton, aspect_ratio: float) -> np.ndarray:
    """(N, P) scores of (N, P, 3) rig points: in frame or not, hands dimmed by their speed."""
    image = project(points, aspect_ratio)
    inside = (image >= 0).all(-1) & (image[..., 0] <= aspect_ratio) & (image[..., 1] <= 1)
    result = inside.astype(np.float64)
    for component in skeleton.components:
        if component.name in HANDS and len(points) > 1:
            speed = np.linalg.norm(np.gradient(points[:, component.slice].mean(1), axis=0), axis=-1)
            blur = np.clip((speed - BLUR_SPEED[0]) / (BLUR_SPEED[1] - BLUR_SPEED[0]), 0, 1)
            result[:, component.slice] *= (1 - 0.5 * blur * blur * (3 - 2 * blur))[:, None]
    return result


def layout_frames(points: np.ndarray, skeleton: Skeleton, storage: Storage) -> tuple[np.ndarray, np.ndarray | None]:
    """(N, P, 3) rig points -> (N, frame_size) float32 frames as stored, and scores where the layout has them."""
    if skeleton.dims == 3:
        coords = points * (WORLD_PER_RIG / storage.scale)
    else:
        coords = project(points, storage.aspect_ratio) / storage.scale
    frames = np.empty((len(points), skeleton.frame_size), dtype=np.float32)
    frames[:, : skeleton.num_coords] = coords.reshape(len(points), -1)
    frames[:, skeleton.counter_index] = counter_values(len(points), storage.counter)
    confidence = scores(points, skeleton, storage.aspect_ratio).astype(np.float32) if skeleton.confidence else None
    return frames, confidence
