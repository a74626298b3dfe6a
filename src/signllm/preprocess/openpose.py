"""OpenPose JSON clip folders -> (T, NUM_JOINTS * 3) arrays of x, y, confidence per kept joint.

A clip is a folder of ``<clip>_<frame number>_keypoints.json`` files ("version" 1.3), read in
frame-number order; frame numbers missing between the first and the last file are counted. Joint j
comes from ``skeleton.OPENPOSE_SOURCE[j]``. Only the first person of a frame is used (a frame with
several people is counted); frames with no person, and frames whose kept joints are all zero, are
dropped (counted). An absent or empty hand array means the hand was not detected: its points are kept
as missing (0, 0, 0) and the frame is counted. Anything else that is not a well-formed frame (invalid
JSON, a truncated file, an array of the wrong size, NaN) drops the whole clip with a message naming the
file: a clip with a silently skipped frame would be wrong in time.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import numpy as np

from signllm.preprocess.report import ClipDropped
from signllm.skeleton import OPENPOSE_SOURCE

FRAME_FILE = re.compile(r"_(\d+)_keypoints\.json$")
HAND_ARRAYS = ("hand_left_keypoints_2d", "hand_right_keypoints_2d")
_ARRAY_SIZES = {name: 3 * (max(i for n, i in OPENPOSE_SOURCE if n == name) + 1) for name, _ in OPENPOSE_SOURCE}


def frame_files(folder: Path) -> list[tuple[int, Path]]:
    """The clip's (frame number, frame file) pairs in frame-number order."""
    numbered = [(FRAME_FILE.search(path.name), path) for path in folder.iterdir()]
    return sorted((int(match.group(1)), path) for match, path in numbered if match)


def parse_person(person: dict, path: Path, events: Counter) -> np.ndarray:
    """One OpenPose person -> (NUM_JOINTS, 3) x, y, confidence."""
    arrays, hand_missing = {}, False
    for name, size in _ARRAY_SIZES.items():
        values = person.get(name) or []
        if not values and name in HAND_ARRAYS:
            hand_missing, values = True, [0.0] * size
        if not isinstance(values, list) or len(values) < size or len(values) % 3:
            raise ClipDropped("unreadable_json", f"{path}: {name} is not a list of 3 x k >= {size} numbers")
        try:
            arrays[name] = np.asarray(values, dtype=np.float64).reshape(-1, 3)
        except (TypeError, ValueError) as error:
            raise ClipDropped("unreadable_json", f"{path}: {name}: {error}") from None
    events["missing_hand"] += hand_missing
    joints = np.stack([arrays[name][index] for name, index in OPENPOSE_SOURCE])
    if not np.isfinite(joints).all():
        raise ClipDropped("non_finite", f"{path}: NaN or infinite keypoint values")
    return joints


def read_openpose_clip(folder: Path | str) -> tuple[np.ndarray, Counter]:
    """A clip folder -> ((T, NUM_JOINTS * 3) float32 frames, frame events); ClipDropped if unusable."""
    folder = Path(folder)
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
        joints = parse_person(people[0], path, events)
        if not joints.any():
            events["all_zero"] += 1
            continue
        frames.append(joints.reshape(-1))
    if not frames:
        raise ClipDropped("no_person", f"{folder}: none of {len(files)} frames shows a person")
    return np.asarray(frames, dtype=np.float32), events
