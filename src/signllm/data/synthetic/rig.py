"""The synthetic signer as named points: a layout's points are picked from the rig by global name.

The rig has the body points of every layout (nose, neck, shoulders, elbows, wrists, hips, knees, ankles,
eyes, ears), both hands in the order of ``conf/skeleton_part/hand21.yaml`` and the points of every face
part that face.py places (``face.CONTOURS``: the MediaPipe contour points ``face.mp<i>`` and the iBUG
points ``face.ibug<i>``). A layout built from these parts needs no code here. Arms and hands come from
kinematics.py, the rigid trunk hangs on the neck, and the head (nose, eyes, ears, face) turns about the
line from the neck to the head's centre (a head shake moves the nose and the face sideways). Points that
hang on a signer's rigid parts therefore keep their distances exactly, in every layout's bone tree.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache

import numpy as np
import yaml

from signllm.data.synthetic.face import BODY_POINTS, CONTOURS, CURVES, HEAD_CENTRE, YAW, contour_parameters
from signllm.data.synthetic.kinematics import ARM_POINTS, TRUNK_POINTS, Signer, arms, nose_offset, trunk, unit
from signllm.data.synthetic.rotation import axis_rotations
from signllm.skeleton import CONF_DIR


@cache
def skeleton_part(name: str) -> dict:
    """``conf/skeleton_part/<name>.yaml`` as plain data."""
    return yaml.safe_load((CONF_DIR / "skeleton_part" / f"{name}.yaml").read_text(encoding="utf-8"))


@cache
def rig_points() -> dict[str, tuple[str, object]]:
    """Global point name -> (group, where in it): ("arms", index), ("trunk", index), ("head", local
    face coordinates) or ("face", (curve, parameter))."""
    hand = skeleton_part("hand21")
    points = hand["points"]
    if hand["tree"] != [[points[0], *points[1 + 4 * f : 5 + 4 * f]] for f in range(5)]:
        raise ValueError("skeleton_part/hand21.yaml: the synthetic hands need the wrist, then 4 points per finger")
    names = [f"body.{point}" for point in ARM_POINTS]
    names += [f"{side}_hand.{point}" for side in ("left", "right") for point in points]
    table: dict[str, tuple[str, object]] = {name: ("arms", index) for index, name in enumerate(names)}
    table |= {f"body.{point}": ("trunk", index) for index, point in enumerate(TRUNK_POINTS)}
    table |= {f"body.{point}": ("head", np.array(offset)) for point, offset in BODY_POINTS.items()}
    for part in CONTOURS:
        placed = contour_parameters(part, skeleton_part(part).get("contours") or {})
        if missing := [point for point in skeleton_part(part)["points"] if point not in placed]:
            raise ValueError(f"skeleton_part/{part}.yaml: points {missing} lie on no contour of the synthetic face")
        table |= {f"face.{point}": ("face", where) for point, where in placed.items()}
    return table


class Rig:
    """The rig's points named by ``points`` (a layout's ``Skeleton.points``), in that order."""

    def __init__(self, points: Sequence[str], layout: str = "custom"):
        table = rig_points()
        if unknown := [point for point in points if point not in table]:
            raise KeyError(
                f"skeleton={layout}: the synthetic signer has no point {unknown[0]!r}"
                f"{f' (and {len(unknown) - 1} more)' if len(unknown) > 1 else ''}; it has body, hand21 hands and "
                f"the face parts {sorted(CONTOURS)}"
            )
        self.size = len(points)
        groups: dict[str, list[tuple[int, object]]] = {"arms": [], "trunk": [], "head": [], "face": []}
        for column, point in enumerate(points):
            group, where = table[point]
            groups[group].append((column, where))
        self.arms = _columns(groups["arms"])
        self.trunk = _columns(groups["trunk"])
        self.head = _columns(groups["head"], np.array([where for _, where in groups["head"]]).reshape(-1, 3))
        curves: dict[str, list[tuple[int, float]]] = {}
        for column, (curve, parameter) in groups["face"]:
            curves.setdefault(curve, []).append((column, parameter))
        self.curves = {curve: _columns(placed, np.array([t for _, t in placed])) for curve, placed in curves.items()}

    def pose(self, states: np.ndarray, signer: Signer) -> np.ndarray:
        """(N, state size) states -> (N, points, 3) in rig units, neck at the origin."""
        count = len(states)
        out = np.empty((count, self.size, 3))
        if self.arms[0].size:
            out[:, self.arms[0]] = arms(states, signer)[:, self.arms[1]]
        if self.trunk[0].size:
            out[:, self.trunk[0]] = trunk(signer)[self.trunk[1]]
        if not (self.head[0].size or self.curves):
            return out
        columns = np.concatenate([self.head[0]] + [columns for columns, _ in self.curves.values()])
        local = [np.broadcast_to(self.head[1], (count, len(self.head[1]), 3))]
        local += [CURVES[curve](parameters, states) for curve, (_, parameters) in self.curves.items()]
        offsets = nose_offset(signer) + signer.face * np.concatenate(local, axis=1)
        out[:, columns] = offsets @ head_rotations(states, signer).transpose(0, 2, 1)
        return out


def head_rotations(states: np.ndarray, signer: Signer) -> np.ndarray:
    """(N, 3, 3) rotations of the head about the line from the neck to the head's centre."""
    return axis_rotations(unit(nose_offset(signer) + signer.face * HEAD_CENTRE), states[:, YAW])


def _columns(placed: list[tuple[int, object]], where=None) -> tuple[np.ndarray, np.ndarray]:
    """(output columns, where each comes from) as arrays."""
    columns = np.array([column for column, _ in placed], dtype=np.int64)
    return columns, (np.array([w for _, w in placed], dtype=np.int64) if where is None else where)
