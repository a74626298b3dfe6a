"""A parametric face of our own: MediaPipe contour points and iBUG points placed on curves of a head.

Face coordinates: origin at the nose tip, x to the signer's right, y down, z forward, rig units (about
metres, see kinematics.py). Features lie on the front of a head ellipsoid (``surface_depth``): an egg-shaped
face outline, eyes as two lid arcs, brows as arched bands (upper, middle and lower line), a nose bridge
and base, and outer and inner lip outlines. The face's state columns (after the manual ones) drive
expression: mouth opening (the jaw drops with it), width (-1 rounded and protruding, +1 spread),
corners (up/down), cheek puff, brows (+1 raised, -1 lowered and drawn together) and eye openness (1
open, 0 closed); yaw turns the whole head (rig.py).

Each contour of a face part (``conf/skeleton_part/<part>.yaml``) lies on one curve between two curve
parameters (``CONTOURS``); its points are spaced evenly in that parameter, in the chain's order. Every
numeric choice here is ours (rounded adult proportions), none is measured from data.
"""

from __future__ import annotations

from functools import partial

import numpy as np

from signllm.data.synthetic.kinematics import MANUAL

# Columns of a frame's state after the manual ones, and their neutral values.
OPEN, WIDTH, CORNERS, PUFF, YAW, BROWS, EYES = range(MANUAL, MANUAL + 7)
MOUTH = slice(OPEN, PUFF + 1)
STATE_SIZE = MANUAL + 7
NEUTRAL = np.array([0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 1.0])

HEAD_CENTRE = np.array([0.0, -0.025, -0.13])  # of the head ellipsoid, from the nose tip
HEAD_AXES = np.array([0.08, 0.11, 0.105])
OVAL = 0.92  # the face outline, as a fraction of the ellipsoid's radii
JAW_DROP = 0.022  # chin and lower lip travel at mouth opening 1
EYE = {"x": 0.032, "y": -0.035, "half": 0.0145, "upper": 0.0055, "lower": 0.004, "closed": 0.0012}
BROW = {"y": -0.053, "outer": 0.062, "inner": 0.014, "arch": 0.008, "raise": 0.011, "lower": 0.004}
MOUTH_Y, MOUTH_HALF, LIP_UPPER, LIP_LOWER = 0.031, 0.025, 0.008, 0.010
BODY_POINTS = {  # points of the body component that sit on the head
    "nose": (0.0, 0.0, 0.0),
    "r_eye": (EYE["x"], EYE["y"], -0.030),
    "l_eye": (-EYE["x"], EYE["y"], -0.030),
    "r_ear": (0.081, -0.020, -0.125),
    "l_ear": (-0.081, -0.020, -0.125),
}


def surface_depth(x, y):
    """z of the head ellipsoid's front at (x, y)."""
    (cx, cy, cz), (ax, ay, az) = HEAD_CENTRE, HEAD_AXES
    inside = 1 - ((x - cx) / ax) ** 2 - ((y - cy) / ay) ** 2
    return cz + az * np.sqrt(np.clip(inside, 0.05, None))


def _points(x, y, z) -> np.ndarray:
    return np.stack(np.broadcast_arrays(x, y, z), axis=-1)


def _column(states: np.ndarray, column: int) -> np.ndarray:
    return states[:, column, None]  # (N, 1): broadcasts against a curve's (n,) parameters


def oval(t, states):
    """Closed face outline: t = 0 top of the forehead, 0.25 the signer's right cheek, 0.5 the chin."""
    angle = 2 * np.pi * t
    lower = np.clip(-np.cos(angle), 0, None)  # 0 above the middle, 1 at the chin
    x0 = OVAL * HEAD_AXES[0] * np.sin(angle) * (1 - 0.3 * lower**1.5)
    y0 = HEAD_CENTRE[1] - OVAL * HEAD_AXES[1] * np.cos(angle)
    puff = _column(states, PUFF) * lower
    x = x0 * (1 + 0.12 * puff)
    y = y0 + JAW_DROP * _column(states, OPEN) * lower
    return _points(x, y, surface_depth(x0, y0) + 0.01 * puff)


def lips(t, states, inner: bool):
    """Closed lip outline: t = 0 upper middle, 0.25 the signer's right corner, 0.5 lower middle."""
    angle = 2 * np.pi * t
    side, up = np.sin(angle), np.cos(angle)
    gap = JAW_DROP * _column(states, OPEN)
    width = _column(states, WIDTH)
    spread, rounded = np.clip(width, 0, None), np.clip(-width, 0, None)
    half = MOUTH_HALF * (1 + 0.2 * spread - 0.35 * rounded) - 0.004 * inner
    top = MOUTH_Y - 0.2 * gap - LIP_UPPER * (not inner)
    bottom = MOUTH_Y + 0.8 * gap + LIP_LOWER * (not inner)
    corner = MOUTH_Y + 0.3 * gap - 0.004 * _column(states, CORNERS)
    weight = np.abs(up) ** 0.8
    y = corner + np.where(up >= 0, top - corner, bottom - corner) * weight
    x = half * side
    protrusion = 0.008 * (1 - np.abs(side)) * (1 + rounded)
    return _points(x, y, surface_depth(MOUTH_HALF * side, MOUTH_Y) + protrusion)


def eye(t, states, side: float):
    """Closed eye outline: t = 0 outer corner, upper lid to the inner corner at 0.5, lower lid back."""
    t = np.mod(t, 1.0)
    upper = t < 0.5
    phase = np.where(upper, 2 * t, 2 * t - 1)
    across = np.where(upper, np.cos(np.pi * phase), -np.cos(np.pi * phase))  # 1 outer, -1 inner
    bulge = np.sin(np.pi * phase)
    openness = _column(states, EYES)
    closed = (1 - openness) * EYE["closed"]
    lid = np.where(upper, closed - openness * EYE["upper"], closed + openness * EYE["lower"])
    x = side * (EYE["x"] + EYE["half"] * across)
    y = EYE["y"] - 0.001 * across + lid * bulge
    return _points(x, y, surface_depth(x, EYE["y"]) + 0.004 * bulge)


def brow(t, states, side: float, line: float):
    """Open brow line from the outer end (t = 0) to the inner end (1); ``line`` -1 upper, 0 middle, 1 lower."""
    arch = np.sin(np.pi * (1 - t) ** 1.3)
    thickness = 0.003 + 0.003 * t  # thicker towards the inner end
    brows = _column(states, BROWS)
    raised, lowered = np.clip(brows, 0, None), np.clip(-brows, 0, None)
    x0 = BROW["outer"] - (BROW["outer"] - BROW["inner"]) * t
    y0 = BROW["y"] - BROW["arch"] * arch + 0.5 * line * thickness
    x = side * (x0 - BROW["lower"] * lowered * t)
    y = y0 - BROW["raise"] * raised + BROW["lower"] * lowered * (0.5 + 0.5 * t)
    return _points(x, y, surface_depth(x0, y0) + 0.007)


def nose_bridge(t, states):
    """From the root of the nose (t = 0) to its tip (1)."""
    return _points(0.0 * t, -0.042 * (1 - t), -0.024 * (1 - t))[None].repeat(len(states), 0)


def nose_base(t, states):
    """From the signer's right nostril wing (t = 0) under the tip to the left one (1)."""
    bend = np.sin(np.pi * t)
    return _points(0.017 * np.cos(np.pi * t), 0.012 + 0.005 * bend, -0.021 + 0.010 * bend)[None].repeat(len(states), 0)


CURVES = {
    "oval": oval,
    "lips_outer": partial(lips, inner=False),
    "lips_inner": partial(lips, inner=True),
    "nose_bridge": nose_bridge,
    "nose_base": nose_base,
}
for _name, _side in (("right", 1.0), ("left", -1.0)):
    CURVES[f"{_name}_eye"] = partial(eye, side=_side)
    for _line, _offset in (("upper", -1.0), ("middle", 0.0), ("lower", 1.0)):
        CURVES[f"{_name}_brow_{_line}"] = partial(brow, side=_side, line=_offset)

# Per face part: contour -> (curve, parameter of its first point, of its last point (open chain) or of
# its first point again (closed chain)). Parameters may run backwards; closed curves repeat with period 1.
CONTOURS = {
    "mediapipe_face128": {
        "oval": ("oval", 0.0, 1.0),
        "lips_outer": ("lips_outer", 0.0, 1.0),
        "lips_inner": ("lips_inner", 0.0, 1.0),
        "right_eye": ("right_eye", 0.0, 1.0),
        "left_eye": ("left_eye", 0.0, 1.0),
        "right_brow_upper": ("right_brow_upper", 0.0, 1.0),
        "right_brow_lower": ("right_brow_lower", 0.0, 1.0),
        "left_brow_upper": ("left_brow_upper", 0.0, 1.0),
        "left_brow_lower": ("left_brow_lower", 0.0, 1.0),
    },
    "ibug_face68": {
        "jaw": ("oval", 2 / 9, 7 / 9),
        "right_brow": ("right_brow_middle", 0.0, 1.0),
        "left_brow": ("left_brow_middle", 1.0, 0.0),
        "nose_bridge": ("nose_bridge", 0.0, 1.0),
        "nose_base": ("nose_base", 0.0, 1.0),
        "right_eye": ("right_eye", 0.0, 1.0),
        "left_eye": ("left_eye", 0.5, -0.5),
        "lips_outer": ("lips_outer", 0.25, -0.75),
        "lips_inner": ("lips_inner", 0.25, -0.75),
    },
}


def contour_parameters(part: str, contours: dict[str, list[str]]) -> dict[str, tuple[str, float]]:
    """Point name -> (curve, parameter) for the contour chains of a face part's config."""
    placed = {}
    for name, chain in contours.items():
        try:
            curve, start, stop = CONTOURS[part][name]
        except KeyError:
            raise KeyError(f"skeleton_part/{part}.yaml: contour {name!r} has no curve in the synthetic face") from None
        closed = len(chain) > 1 and chain[0] == chain[-1]
        points = chain[:-1] if closed else chain
        steps = len(points) if closed else max(len(points) - 1, 1)
        for index, point in enumerate(points):
            placed.setdefault(str(point), (curve, start + (stop - start) * index / steps))
    return placed
