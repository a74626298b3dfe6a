"""``.pose`` files (pose-format) -> (T, points * 3) arrays of x, y, confidence for lifting, like the OpenPose reader.

Any file ``signllm.render.pose_file`` can read (OpenPose, MediaPipe Holistic full or reduced, our own exports)
is read into the 2D form of the target layout (default ``openpose50``) by point name: points the file lacks
come from the layout's ``derive`` rules (openpose50: the neck is the mean of the shoulders, the nose the mean
of the face where the file has no nose), with the lowest confidence of their sources. Depth, where present,
is dropped: lifting works from 2D. Only the first person is used (frames where another person is seen are
counted); a point with confidence 0 is (0, 0, 0); frames where no point is seen are dropped (``no_person``).
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import numpy as np

from signllm.preprocess.report import ClipDropped
from signllm.render.pose_file import NonFiniteError, import_pose
from signllm.skeleton import Skeleton, load_skeleton

DEFAULT_LAYOUT = "openpose50"


def detected_form(skeleton: Skeleton) -> Skeleton:
    """A layout as a detector gives it before lifting: 2D, with a confidence per point."""
    config = {**skeleton.to_dict(), "dims": 2, "confidence": True}
    config.pop("skels", None)  # stored .skels blocks describe the layout's own files, not this form
    return Skeleton(config)


def read_pose_clip(path: Path | str, skeleton: Skeleton | None = None) -> tuple[np.ndarray, Counter]:
    """A ``.pose`` file -> ((T, points * 3) float32 x, y, confidence of ``skeleton``'s points, frame events);
    ClipDropped if unusable."""
    target = detected_form(skeleton or load_skeleton(DEFAULT_LAYOUT))
    try:
        pose = import_pose(path, target)
    except NonFiniteError as error:
        raise ClipDropped("non_finite", str(error)) from None
    except Exception as error:  # noqa: BLE001 - pose-format raises many kinds of error on a damaged file
        raise ClipDropped("unreadable_pose", f"{path}: {type(error).__name__}: {error}") from None
    joints = np.concatenate([target.to_joints(pose.frames[:, : target.num_coords]), pose.confidence[..., None]], -1)
    joints[joints[..., 2] <= 0] = 0.0  # a point the detector missed (or one made from a missed point)
    seen = joints[..., 2].any(1)
    events = Counter(frames_in=len(joints), several_people=pose.several_people, no_person=int((~seen).sum()))
    missing_hand = np.zeros(len(joints), dtype=bool)
    for hand in ("left_hand", "right_hand"):
        if target.has(hand):
            missing_hand |= ~joints[:, target.component(hand), 2].any(1)
    events["missing_hand"] = int(missing_hand[seen].sum())
    if not seen.any():
        raise ClipDropped("no_person", f"{path}: none of {len(joints)} frames shows a person")
    return joints[seen].reshape(int(seen.sum()), -1).astype(np.float32), events
