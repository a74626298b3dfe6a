"""The Prompt2Sign 50-joint skeleton and the frame layout: the single source of these numbers.

A frame is ``NUM_COORDS`` coordinates (50 joints x (x, y, z)) followed by one counter value, the
frame's progress through its clip. Joint order: 0-7 body (OpenPose BODY_25 points 0-7), 8-28 left
hand (8 = hand root, hangs on the left wrist 7), 29-49 right hand (29 = root, hangs on the right
wrist 4). The bone tree is rooted at joint 0; left and right counterparts share bone-length classes.
"""

from __future__ import annotations

import numpy as np

BODY_NAMES = ("nose", "neck", "r_shoulder", "r_elbow", "r_wrist", "l_shoulder", "l_elbow", "l_wrist")
FINGERS = ("thumb", "index", "middle", "ring", "pinky")
HAND_NAMES = ("root",) + tuple(f"{finger}{k}" for finger in FINGERS for k in range(1, 5))

NUM_BODY = len(BODY_NAMES)
NUM_HAND = len(HAND_NAMES)
BODY = slice(0, NUM_BODY)
LEFT_HAND = slice(NUM_BODY, NUM_BODY + NUM_HAND)
RIGHT_HAND = slice(NUM_BODY + NUM_HAND, NUM_BODY + 2 * NUM_HAND)

JOINT_NAMES = BODY_NAMES + tuple(f"l_{n}" for n in HAND_NAMES) + tuple(f"r_{n}" for n in HAND_NAMES)
NUM_JOINTS = len(JOINT_NAMES)
COORDS_PER_JOINT = 3
NUM_COORDS = NUM_JOINTS * COORDS_PER_JOINT
COUNTER = NUM_COORDS  # index of the counter within a frame
FRAME_SIZE = NUM_COORDS + 1

# Where each joint comes from in an OpenPose frame: (keypoint array, index within it).
OPENPOSE_SOURCE = (
    tuple(("pose_keypoints_2d", i) for i in range(NUM_BODY))
    + tuple(("hand_left_keypoints_2d", i) for i in range(NUM_HAND))
    + tuple(("hand_right_keypoints_2d", i) for i in range(NUM_HAND))
)

L_WRIST, R_WRIST = BODY_NAMES.index("l_wrist"), BODY_NAMES.index("r_wrist")


def _hand_parents(offset: int, wrist: int) -> list[int]:
    """Parents of one hand's 21 joints: root on the wrist, each finger a chain from the root."""
    parents = [wrist]
    for finger in range(len(FINGERS)):
        first = offset + 1 + 4 * finger
        parents += [offset, first, first + 1, first + 2]
    return parents


PARENTS = np.array(
    [-1, 0, 1, 2, 3, 1, 5, 6]
    + _hand_parents(LEFT_HAND.start, L_WRIST)
    + _hand_parents(RIGHT_HAND.start, R_WRIST),
    dtype=np.int64,
)
BONES = tuple((int(PARENTS[child]), child) for child in range(1, NUM_JOINTS))  # (parent, child)
NUM_BONES = len(BONES)

# Bone-length class of each bone (indexed like BONES): mirror bones share a class.
_BODY_BONE_CLASS = {1: 0, 2: 1, 5: 1, 3: 2, 6: 2, 4: 3, 7: 3}  # child joint -> class


def _bone_class(child: int) -> int:
    if child < NUM_BODY:
        return _BODY_BONE_CLASS[child]
    within_hand = (child - NUM_BODY) % NUM_HAND  # 0 = root (wrist -> hand root)
    return 4 + within_hand


BONE_CLASS = np.array([_bone_class(child) for _, child in BONES], dtype=np.int64)
NUM_BONE_CLASSES = int(BONE_CLASS.max()) + 1

# Joint index of each joint's mirror image (left <-> right).
MIRROR = np.array(
    [0, 1, 5, 6, 7, 2, 3, 4] + list(range(RIGHT_HAND.start, RIGHT_HAND.stop)) + list(range(LEFT_HAND.start, LEFT_HAND.stop)),
    dtype=np.int64,
)

COUNTER_CONVENTIONS = ("prompt2sign", "progressive_transformers")


def counter_values(num_frames: int, convention: str = "prompt2sign") -> np.ndarray:
    """Counter of each frame: i/T for i = 1..T (prompt2sign) or i = 0..T-1 (progressive_transformers)."""
    if convention not in COUNTER_CONVENTIONS:
        raise ValueError(f"unknown counter convention {convention!r}; expected one of {COUNTER_CONVENTIONS}")
    start = 1 if convention == "prompt2sign" else 0
    return (np.arange(num_frames, dtype=np.float64) + start) / num_frames


def to_joints(coords):
    """(..., NUM_COORDS) coordinates -> (..., NUM_JOINTS, 3). Works for numpy arrays and torch tensors."""
    return coords.reshape(*coords.shape[:-1], NUM_JOINTS, COORDS_PER_JOINT)


def split_frames(frames):
    """(..., FRAME_SIZE) frames -> ((..., NUM_COORDS) coordinates, (...) counter)."""
    return frames[..., :NUM_COORDS], frames[..., COUNTER]


def bone_lengths(joints):
    """(..., NUM_JOINTS, 3) joints -> (..., NUM_BONES) bone lengths (numpy)."""
    parents, children = np.array(BONES).T
    return np.linalg.norm(joints[..., children, :] - joints[..., parents, :], axis=-1)
