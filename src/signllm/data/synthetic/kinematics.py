"""Signer bodies: a per-frame hand state turned into skeleton joints by forward kinematics.

Coordinates are in the stored units of the corpus files (world = stored x 9), chosen to match the
PHOENIX samples: neck at the origin, y down, z towards the camera, the signer's right side at +x,
shoulders about +-0.17 from the neck. Every bone is placed as ``parent + length x direction`` along
``skeleton.PARENTS``, so a signer's bone lengths are exactly constant. Arms reach their wrist target by
two-bone inverse kinematics (elbow pulled down, out and back); fingers bend towards the palm.

A hand state (``HAND_STATE`` numbers) is wrist target, finger curls (thumb..pinky, 0 = straight,
1 = fist), spread and rotation (a quaternion, see rotation.py); a frame's state is the right hand's
then the left's, the left stored as a mirror image so that one sign inventory serves both hands.
"""

from __future__ import annotations

import numpy as np

from signllm.data.synthetic.rotation import mirror_rotation, rotation_matrices
from signllm.skeleton import (
    BODY_NAMES,
    BONE_CLASS,
    FINGERS,
    LEFT_HAND,
    NUM_BONE_CLASSES,
    NUM_JOINTS,
    PARENTS,
    RIGHT_HAND,
)

WRIST, CURL, SPREAD, ROTATION = slice(0, 3), slice(3, 8), 8, slice(9, 13)
HAND_STATE = 13
RIGHT, LEFT = slice(0, HAND_STATE), slice(HAND_STATE, 2 * HAND_STATE)
STATE_SIZE = 2 * HAND_STATE
X_FLIP = np.array([-1.0, 1.0, 1.0])

# Bone length per bone class (skeleton.BONE_CLASS), after the PHOENIX samples (arms evened out to
# human proportions): neck-nose, shoulder, upper arm, forearm, wrist-hand root, then thumb..pinky,
# 4 bones each from the hand root.
CLASS_LENGTHS = np.array(
    [0.206, 0.169, 0.270, 0.230, 0.030]
    + [0.035, 0.035, 0.028, 0.027]
    + [0.075, 0.040, 0.024, 0.022]
    + [0.070, 0.041, 0.022, 0.020]
    + [0.060, 0.040, 0.020, 0.019]
    + [0.052, 0.030, 0.017, 0.015]
)

NECK_DIRECTION = np.array([0.0, 1.0, -0.05])  # nose -> neck
SHOULDER_DIRECTION = np.array([1.0, 0.12, -0.05])  # neck -> right shoulder
ELBOW_POLE = np.array([0.6, 1.0, -0.2])  # where the right elbow points

# Finger geometry in hand coordinates (pointing, thumb side, palm normal).
METACARPALS = np.array([[0.55, 0.75, 0.35], [1, 0.22, 0], [1, 0.05, 0], [1, -0.1, 0], [1, -0.25, 0]])
SPREAD_SIDE = np.array([0.0, 1.0, 0.0, -1.0, -1.8])  # how far each finger fans out sideways
FAN = (0.06, 0.25)  # sideways fan of the fingers at spread 0, and added at spread 1
THUMB_STRAIGHT = np.array([0.8, 0.6, 0.2])
BEND = np.array([[0.3, -0.5, 1.0]] + [[0.0, 0.0, 1.0]] * (len(FINGERS) - 1))  # thumb across the palm, fingers to it
BEND_ANGLES = np.array([[0.5, 1.0, 1.5]] + [[1.4, 2.9, 3.8]] * (len(FINGERS) - 1))  # cumulative, at curl 1

_JOINT = {name: BODY_NAMES.index(name) for name in BODY_NAMES}


def unit(vectors: np.ndarray) -> np.ndarray:
    """Vectors scaled to length 1 along the last axis."""
    return vectors / np.linalg.norm(vectors, axis=-1, keepdims=True)


def signer_lengths(rng: np.random.Generator, variation: float = 0.05) -> np.ndarray:
    """Bone lengths of one signer, by bone: a body size within +-variation, bone classes +-variation/2."""
    size = 1 + rng.uniform(-variation, variation)
    classes = CLASS_LENGTHS * size * (1 + rng.uniform(-variation / 2, variation / 2, NUM_BONE_CLASSES))
    return classes[BONE_CLASS]


def mirror(hand: np.ndarray) -> np.ndarray:
    """A right hand state (..., HAND_STATE) as the left hand's, and back."""
    hand = hand.copy()
    hand[..., WRIST] *= X_FLIP
    hand[..., ROTATION] = mirror_rotation(hand[..., ROTATION])
    return hand


def blend(start: np.ndarray, end: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """States (len(weights), STATE_SIZE) from ``start`` (weight 0) to ``end`` (weight 1).

    Rotations blend as normalised quaternions along the shorter way round.
    """
    end = end.copy()
    for hand in (RIGHT, LEFT):
        if np.dot(start[hand][ROTATION], end[hand][ROTATION]) < 0:
            end[hand][ROTATION] *= -1
    return start + np.asarray(weights)[:, None] * (end - start)


def _arm(shoulder, target, upper, fore, pole):
    """Two-bone inverse kinematics: unit directions of upper arm and forearm reaching towards ``target``.

    A target out of reach is approached as far as the arm allows, so bone lengths never change.
    """
    reach = target - shoulder
    along = unit(reach)
    distance = np.clip(np.linalg.norm(reach, axis=-1), np.abs(upper - fore) + 1e-3, upper + fore - 1e-3)
    to_elbow = (upper**2 - fore**2 + distance**2) / (2 * distance)
    radius = np.sqrt(np.maximum(upper**2 - to_elbow**2, 0))
    bend = unit(pole - np.sum(pole * along, axis=-1, keepdims=True) * along)
    elbow = to_elbow[:, None] * along + radius[:, None] * bend
    return elbow / upper[:, None], (distance[:, None] * along - elbow) / fore[:, None]


def _hand(hand: np.ndarray, side: float) -> np.ndarray:
    """Unit directions of a hand's bones (wrist -> root, then 4 per finger): (N, hand joints, 3)."""
    axes = rotation_matrices(hand[:, ROTATION])
    basis = np.stack([axes[..., 0], -side * axes[..., 1], axes[..., 2]], axis=1)  # pointing, thumb, palm
    count = len(hand)
    straight = np.zeros((count, len(FINGERS), 3))  # phalanx direction of each finger when straight
    straight[:, 0] = THUMB_STRAIGHT
    straight[:, 1:, 0] = 1
    straight[:, 1:, 1] = SPREAD_SIDE[1:] * (FAN[0] + FAN[1] * hand[:, SPREAD, None])
    angles = hand[:, CURL, None] * BEND_ANGLES  # (N, finger, phalanx)
    cos, sin = np.cos(angles)[..., None], np.sin(angles)[..., None]
    phalanges = cos * unit(straight)[:, :, None] + sin * unit(BEND)[:, None]
    metacarpals = np.broadcast_to(METACARPALS[:, None], (count, len(FINGERS), 1, 3))
    fingers = np.concatenate([metacarpals, phalanges], axis=2).reshape(count, -1, 3)
    root = np.broadcast_to([1.0, 0, 0], (count, 1, 3))  # wrist -> hand root, along the pointing direction
    return unit(np.concatenate([root, fingers], axis=1) @ basis)


def render(states: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """(N, STATE_SIZE) states -> (N, NUM_JOINTS, 3) joints, neck at 0, for one signer's bone lengths
    (NUM_BONES,) or per-frame lengths (N, NUM_BONES)."""
    count = len(states)
    directions = np.zeros((count, NUM_JOINTS, 3))  # of the bone ending at each joint
    by_joint = np.zeros((count, NUM_JOINTS))
    by_joint[:, 1:] = lengths  # skeleton.BONES[b] ends at joint b + 1
    directions[:, _JOINT["neck"]] = unit(NECK_DIRECTION)
    for hand, side, hand_joints, prefix in ((RIGHT, 1.0, RIGHT_HAND, "r_"), (LEFT, -1.0, LEFT_HAND, "l_")):
        shoulder_joint, elbow_joint, wrist_joint = (_JOINT[prefix + name] for name in ("shoulder", "elbow", "wrist"))
        flip = np.array([side, 1.0, 1.0])
        directions[:, shoulder_joint] = unit(SHOULDER_DIRECTION * flip)
        shoulder = by_joint[:, shoulder_joint, None] * directions[:, shoulder_joint]
        upper, fore = by_joint[:, elbow_joint], by_joint[:, wrist_joint]
        target = states[:, hand][:, WRIST]
        arm = _arm(shoulder, target, upper, fore, ELBOW_POLE * flip)
        directions[:, elbow_joint], directions[:, wrist_joint] = arm
        directions[:, hand_joints] = _hand(states[:, hand], side)
    joints = np.zeros((count, NUM_JOINTS, 3))
    for child in range(1, NUM_JOINTS):  # parents come before their children
        joints[:, child] = joints[:, PARENTS[child]] + by_joint[:, child, None] * directions[:, child]
    return joints - joints[:, _JOINT["neck"], None]
