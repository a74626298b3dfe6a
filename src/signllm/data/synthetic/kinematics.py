"""Signer bodies: a frame's hand states turned into arm and hand points by forward kinematics.

Rig units are the stored units of the openpose50 corpus (world = rig x 9, roughly metres), chosen to
match the PHOENIX samples: neck at the origin, y down, z towards the camera, the signer's right side at
+x, shoulders about +-0.17 from the neck. Every bone is placed as ``parent + length x direction``, so a
signer's bone lengths are exactly constant. Arms reach their wrist target by two-bone inverse kinematics
(elbow pulled down, out and back); fingers bend towards the palm. The trunk (hips, standing legs) is
rigid; the head is placed by head.py.

A hand state (``HAND_STATE`` numbers) is wrist target, finger curls (thumb..pinky, 0 = straight,
1 = fist), spread and rotation (a quaternion, see rotation.py); a frame's manual state is the right
hand's then the left's, the left stored as a mirror image so that one sign inventory serves both hands.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from signllm.data.synthetic.rotation import mirror_rotation, rotation_matrices

WRIST, CURL, SPREAD, ROTATION = slice(0, 3), slice(3, 8), 8, slice(9, 13)
HAND_STATE = 13
RIGHT, LEFT = slice(0, HAND_STATE), slice(HAND_STATE, 2 * HAND_STATE)
MANUAL = 2 * HAND_STATE  # manual columns of a frame's state; the face's follow (head.py)
X_FLIP = np.array([-1.0, 1.0, 1.0])
FINGERS = 5

# Length per bone class, after the PHOENIX samples (arms evened out to human proportions): neck-nose,
# shoulder, upper arm, forearm, body wrist-hand wrist, then thumb..pinky, 4 bones each from the hand wrist.
NOSE, SHOULDER, UPPER_ARM, FOREARM, HAND_ROOT = range(5)
CLASS_LENGTHS = np.array(
    [0.206, 0.169, 0.270, 0.230, 0.030]
    + [0.035, 0.035, 0.028, 0.027]
    + [0.075, 0.040, 0.024, 0.022]
    + [0.070, 0.041, 0.022, 0.020]
    + [0.060, 0.040, 0.020, 0.019]
    + [0.052, 0.030, 0.017, 0.015]
)
# The rigid trunk: hip half-width, neck-to-hip drop, thigh, shin; then the face model's scale (head.py).
TRUNK = np.array([0.100, 0.500, 0.430, 0.420])
HIP_DEPTH = -0.02

NECK_DIRECTION = np.array([0.0, 1.0, -0.05])  # nose -> neck
SHOULDER_DIRECTION = np.array([1.0, 0.12, -0.05])  # neck -> right shoulder
ELBOW_POLE = np.array([0.6, 1.0, -0.2])  # where the right elbow points

# Finger geometry in hand coordinates (pointing, thumb side, palm normal).
METACARPALS = np.array([[0.55, 0.75, 0.35], [1, 0.22, 0], [1, 0.05, 0], [1, -0.1, 0], [1, -0.25, 0]])
SPREAD_SIDE = np.array([0.0, 1.0, 0.0, -1.0, -1.8])  # how far each finger fans out sideways
FAN = (0.06, 0.25)  # sideways fan of the fingers at spread 0, and added at spread 1
THUMB_STRAIGHT = np.array([0.8, 0.6, 0.2])
BEND = np.array([[0.3, -0.5, 1.0]] + [[0.0, 0.0, 1.0]] * (FINGERS - 1))  # thumb across the palm, fingers to it
BEND_ANGLES = np.array([[0.5, 1.0, 1.5]] + [[1.4, 2.9, 3.8]] * (FINGERS - 1))  # cumulative, at curl 1

# Points of ``arms``: the neck, the right arm, the left arm, then each hand's 21 points (the hand's
# wrist, then 4 per finger from the palm outwards, thumb to pinky), left hand first.
ARM_POINTS = ("neck", "r_shoulder", "r_elbow", "r_wrist", "l_shoulder", "l_elbow", "l_wrist")
HAND_POINTS = 1 + 4 * FINGERS
TRUNK_POINTS = ("r_hip", "r_knee", "r_ankle", "l_hip", "l_knee", "l_ankle")


@dataclass(frozen=True)
class Signer:
    """One signer's body: a length per bone class (``CLASS_LENGTHS``), the trunk (``TRUNK``) and the face's scale."""

    limbs: np.ndarray
    trunk: np.ndarray
    face: float


def unit(vectors: np.ndarray) -> np.ndarray:
    """Vectors scaled to length 1 along the last axis."""
    return vectors / np.linalg.norm(vectors, axis=-1, keepdims=True)


def draw_signer(rng: np.random.Generator, variation: float = 0.05) -> Signer:
    """A signer: a body size within +-variation, each length class within +-variation/2 of it."""
    size = 1 + rng.uniform(-variation, variation)
    limbs = CLASS_LENGTHS * size * (1 + rng.uniform(-variation / 2, variation / 2, len(CLASS_LENGTHS)))
    rest = size * (1 + rng.uniform(-variation / 2, variation / 2, len(TRUNK) + 1))
    return Signer(limbs, TRUNK * rest[:-1], float(rest[-1]))


def mirror(hand: np.ndarray) -> np.ndarray:
    """A right hand state (..., HAND_STATE) as the left hand's, and back."""
    hand = hand.copy()
    hand[..., WRIST] *= X_FLIP
    hand[..., ROTATION] = mirror_rotation(hand[..., ROTATION])
    return hand


def blend(start: np.ndarray, end: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """States (len(weights), state size) from ``start`` (weight 0) to ``end`` (weight 1).

    Rotations blend as normalised quaternions along the shorter way round; other columns linearly.
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
    distance = np.clip(np.linalg.norm(reach, axis=-1), abs(upper - fore) + 1e-3, upper + fore - 1e-3)
    to_elbow = (upper**2 - fore**2 + distance**2) / (2 * distance)
    radius = np.sqrt(np.maximum(upper**2 - to_elbow**2, 0))
    bend = unit(pole - np.sum(pole * along, axis=-1, keepdims=True) * along)
    elbow = to_elbow[:, None] * along + radius[:, None] * bend
    return elbow / upper, (distance[:, None] * along - elbow) / fore


def _hand(hand: np.ndarray, side: float) -> np.ndarray:
    """Unit directions of a hand's bones (body wrist -> hand wrist, then 4 per finger): (N, 21, 3)."""
    axes = rotation_matrices(hand[:, ROTATION])
    basis = np.stack([axes[..., 0], -side * axes[..., 1], axes[..., 2]], axis=1)  # pointing, thumb, palm
    count = len(hand)
    straight = np.zeros((count, FINGERS, 3))  # phalanx direction of each finger when straight
    straight[:, 0] = THUMB_STRAIGHT
    straight[:, 1:, 0] = 1
    straight[:, 1:, 1] = SPREAD_SIDE[1:] * (FAN[0] + FAN[1] * hand[:, SPREAD, None])
    angles = hand[:, CURL, None] * BEND_ANGLES  # (N, finger, phalanx)
    cos, sin = np.cos(angles)[..., None], np.sin(angles)[..., None]
    phalanges = cos * unit(straight)[:, :, None] + sin * unit(BEND)[:, None]
    metacarpals = np.broadcast_to(METACARPALS[:, None], (count, FINGERS, 1, 3))
    fingers = np.concatenate([metacarpals, phalanges], axis=2).reshape(count, -1, 3)
    root = np.broadcast_to([1.0, 0, 0], (count, 1, 3))  # body wrist -> hand wrist, along the pointing direction
    return unit(np.concatenate([root, fingers], axis=1) @ basis)


def arms(states: np.ndarray, signer: Signer) -> np.ndarray:
    """(N, state size) states -> (N, 7 + 2 x 21, 3) points (``ARM_POINTS``, left hand, right hand), neck at 0."""
    count, lengths = len(states), signer.limbs
    points = np.zeros((count, len(ARM_POINTS) + 2 * HAND_POINTS, 3))
    fingers = lengths[HAND_ROOT + 1 :].reshape(FINGERS, 4, 1)
    for hand, side, first, hand_start in ((RIGHT, 1.0, 1, 7 + HAND_POINTS), (LEFT, -1.0, 4, 7)):
        flip = np.array([side, 1.0, 1.0])
        shoulder = lengths[SHOULDER] * unit(SHOULDER_DIRECTION * flip)
        upper, fore = _arm(shoulder, states[:, hand][:, WRIST], lengths[UPPER_ARM], lengths[FOREARM], ELBOW_POLE * flip)
        elbow = shoulder + lengths[UPPER_ARM] * upper
        wrist = elbow + lengths[FOREARM] * fore
        points[:, first : first + 3] = np.stack([np.broadcast_to(shoulder, wrist.shape), elbow, wrist], axis=1)
        directions = _hand(states[:, hand], side)
        root = wrist + lengths[HAND_ROOT] * directions[:, 0]
        chains = np.cumsum(directions[:, 1:].reshape(count, FINGERS, 4, 3) * fingers, axis=2)
        points[:, hand_start] = root
        points[:, hand_start + 1 : hand_start + HAND_POINTS] = (root[:, None, None] + chains).reshape(count, -1, 3)
    return points


def trunk(signer: Signer) -> np.ndarray:
    """(6, 3) points of the rigid trunk (``TRUNK_POINTS``): hips below the neck, legs straight down."""
    half_width, drop, thigh, shin = signer.trunk
    points = []
    for side in (1.0, -1.0):
        hip = np.array([side * half_width, drop, HIP_DEPTH])
        points += [hip, hip + [0, thigh, 0], hip + [0, thigh + shin, 0]]
    return np.array(points)


def nose_offset(signer: Signer) -> np.ndarray:
    """The nose tip relative to the neck, head upright."""
    return -signer.limbs[NOSE] * unit(NECK_DIRECTION)
