"""Hand orientations as unit quaternions (w, x, y, z), which blend smoothly where vectors would not.

A hand's rotation maps its own axes (pointing, towards the little finger side for a right hand,
palm normal) onto world axes. The left hand is stored as the mirror image of a right hand, so one
inventory of orientations serves both hands.
"""

from __future__ import annotations

import numpy as np


def hand_rotation(point, palm) -> np.ndarray:
    """Quaternion of a right hand pointing along ``point`` with its palm facing ``palm``."""
    point = np.asarray(point, float) / np.linalg.norm(point)
    palm = np.asarray(palm, float) - np.dot(palm, point) * point
    palm /= np.linalg.norm(palm)
    m = np.stack([point, np.cross(palm, point), palm], axis=1)  # a proper rotation, columns = hand axes
    trace = np.trace(m)
    if trace > 0:  # Shepperd's method: divide by the largest of the four candidate terms
        s = 2 * np.sqrt(1 + trace)
        q = (s / 4, (m[2, 1] - m[1, 2]) / s, (m[0, 2] - m[2, 0]) / s, (m[1, 0] - m[0, 1]) / s)
    elif m[0, 0] > m[1, 1] and m[0, 0] > m[2, 2]:
        s = 2 * np.sqrt(1 + m[0, 0] - m[1, 1] - m[2, 2])
        q = ((m[2, 1] - m[1, 2]) / s, s / 4, (m[0, 1] + m[1, 0]) / s, (m[0, 2] + m[2, 0]) / s)
    elif m[1, 1] > m[2, 2]:
        s = 2 * np.sqrt(1 + m[1, 1] - m[0, 0] - m[2, 2])
        q = ((m[0, 2] - m[2, 0]) / s, (m[0, 1] + m[1, 0]) / s, s / 4, (m[1, 2] + m[2, 1]) / s)
    else:
        s = 2 * np.sqrt(1 + m[2, 2] - m[0, 0] - m[1, 1])
        q = ((m[1, 0] - m[0, 1]) / s, (m[0, 2] + m[2, 0]) / s, (m[1, 2] + m[2, 1]) / s, s / 4)
    return np.array(q)


def rotation_matrices(quaternions: np.ndarray) -> np.ndarray:
    """(..., 4) quaternions, not necessarily unit -> (..., 3, 3) rotation matrices."""
    w, x, y, z = np.moveaxis(quaternions / np.linalg.norm(quaternions, axis=-1, keepdims=True), -1, 0)
    rows = [
        [1 - 2 * (y * y + z * z), 2 * (x * y - w * z), 2 * (x * z + w * y)],
        [2 * (x * y + w * z), 1 - 2 * (x * x + z * z), 2 * (y * z - w * x)],
        [2 * (x * z - w * y), 2 * (y * z + w * x), 1 - 2 * (x * x + y * y)],
    ]
    return np.stack([np.stack(row, axis=-1) for row in rows], axis=-2)


def mirror_rotation(quaternions: np.ndarray) -> np.ndarray:
    """The left/right mirror image (x negated in the world, the side axis flipped in the hand)."""
    w, x, y, z = np.moveaxis(quaternions, -1, 0)
    return np.stack([z, -y, -x, w], axis=-1)


def axis_rotations(axis: np.ndarray, angles: np.ndarray) -> np.ndarray:
    """(N,) angles about one unit ``axis`` -> (N, 3, 3) rotation matrices (Rodrigues' formula)."""
    x, y, z = axis
    cross = np.array([[0.0, -z, y], [z, 0.0, -x], [-y, x, 0.0]])
    angles = np.asarray(angles, dtype=np.float64)[:, None, None]
    return np.eye(3) + np.sin(angles) * cross + (1 - np.cos(angles)) * (cross @ cross)
