"""OpenPose JSON clip folders -> (T, points * 3) arrays of x, y, confidence per point of a layout.

A clip is a folder of ``<clip>_<frame number>_keypoints.json`` files ("version" 1.3), read in
frame-number order; frame numbers missing between the first and the last file are counted. The layout
says where its points are (``Skeleton.openpose``: each component's points are the first points of a
keypoint array; openpose50: BODY_25 points 0-7, then the two hands). Only the first person of a frame is
used (a frame with several people is counted); frames with no person, and frames whose kept points are
all zero, are dropped (counted). An absent or empty array of a component other than the body (a hand)
means it was not detected: its points are kept as missing (0, 0, 0) and the frame is counted. Anything
else that is not a well-formed frame (invalid JSON, a truncated file, an array of the wrong size, NaN)
drops the whole clip with a message naming the file: a clip with a silently skipped frame would be wrong
in time.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import numpy as np

from signllm.preprocess.report import ClipDropped
from signllm.skeleton import Skeleton, SkeletonError

FRAME_FILE = re.compile(r"_(\d+)_keypoints\.json$")
REQUIRED = "body"  # the one component whose array every person must have


def frame_files(folder: Path) -> list[tuple[int, Path]]:
    """The clip's (frame number, frame file) pairs in frame-number order."""
    numbered = [(FRAME_FILE.search(path.name), path) for path in folder.iterdir()]
    return sorted((int(match.group(1)), path) for match, path in numbered if match)


def arrays_of(skeleton: Skeleton) -> list[tuple[str, int, bool]]:
    """(keypoint array, points taken from its start, whether every person must have it) per component of the
    layout, in point order; only the body's array is required."""
    if missing := [c.name for c in skeleton.components if c.name not in skeleton.openpose]:
        raise SkeletonError(f"skeleton={skeleton.name}: no OpenPose keypoint array for {missing} (its openpose key)")
    return [(skeleton.openpose[c.name], len(c.points), c.name == REQUIRED) for c in skeleton.components]


def parse_person(person: dict, path: Path, events: Counter, arrays: list[tuple[str, int, bool]]) -> np.ndarray:
    """One OpenPose person -> (points, 3) x, y, confidence, from ``arrays`` (see ``arrays_of``)."""
    parts, part_missing = [], False
    for name, count, required in arrays:
        values = person.get(name) or []
        if not values and not required:
            part_missing, values = True, [0.0] * 3 * count
        if not isinstance(values, list) or len(values) < 3 * count or len(values) % 3:
            raise ClipDropped("unreadable_json", f"{path}: {name} is not a list of 3 x k >= {3 * count} numbers")
        try:
            parts.append(np.asarray(values, dtype=np.float64).reshape(-1, 3)[:count])
        except (TypeError, ValueError) as error:
            raise ClipDropped("unreadable_json", f"{path}: {name}: {error}") from None
    events["missing_hand"] += part_missing
    joints = np.concatenate(parts)
    if not np.isfinite(joints).all():
        raise ClipDropped("non_finite", f"{path}: NaN or infinite keypoint values")
    return joints


def read_openpose_clip(folder: Path | str, skeleton: Skeleton) -> tuple[np.ndarray, Counter]:
    """A clip folder -> ((T, points * 3) float32 frames of the layout, frame events); ClipDropped if unusable."""
    folder, arrays = Path(folder), arrays_of(skeleton)
    try:
        files = frame_files(folder) if folder.is_dir() else []
    except OSError as error:
        raise ClipDropped("unreadable_json", f"{folder}: cannot list the clip folder: {error}") from None
    if not files:
        raise ClipDropped("no_frames", f"{folder}: no *_<frame>_keypoints.json files")
    gaps = files[-1][0] - files[0][0] + 1 - len(files) if files else 0
    events, frames = Counter(frames_in=len(files), missing_files=gaps), []
    for _, path in files:
        try:
            people = json.loads(path.read_text(encoding="utf-8"))["people"]
            if not isinstance(people, list) or not all(isinstance(person, dict) for person in people):
                raise TypeError("'people' is not a list of objects")
        except (OSError, UnicodeDecodeError, json.JSONDecodeError, KeyError, TypeError) as error:
            raise ClipDropped("unreadable_json", f"{path}: {type(error).__name__}: {error}") from None
        if not people:
            events["no_person"] += 1
            continue
        if len(people) > 1:
            events["several_people"] += 1
        joints = parse_person(people[0], path, events, arrays)
        if not joints.any():
            events["all_zero"] += 1
            continue
        frames.append(joints.reshape(-1))
    if not frames:
        raise ClipDropped("no_person", f"{folder}: none of {len(files)} frames shows a person")
    return np.asarray(frames, dtype=np.float32), events
