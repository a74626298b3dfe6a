"""Pose distances that compare signing rather than bodies: shoulder-normalised, per component, missing points masked.

An unnormalised pose distance mostly measures where a signer stands and how big they are (see
docs/EVALUATION.md). Following the "meaningful pose-based evaluation" line of work (pose-evaluation,
Jiang et al. 2025, whose default pre-processing is pose-format's ``Pose.normalize``), each clip is first moved
so the midpoint of its shoulders is the origin and scaled so its shoulder distance is 1:

- ``per="clip"`` (the default, as ``Pose.normalize``): one centre and one scale per clip, the means over the
  frames where both shoulders were seen. Keeps genuine body motion (leaning, turning) and is robust to a
  shoulder misdetected in a single frame.
- ``per="frame"``: every frame on its own shoulders. Removes all trunk motion, and amplifies detection noise.

Distances then run on a chosen set of points (a component, the hands, everything) with a mask of the points
that were seen: the frame cost is the mean Euclidean error over the points seen in *both* frames (0 when no
point is shared, as pose-evaluation's ``default_distance=0``), the DTW path minimises the summed cost (steps:
both frames, reference only, hypothesis only; ties prefer the diagonal), and the score is the mean cost along
the path, i.e. a masked DTW-MJE in shoulder widths. ``motion_only`` further subtracts each point's mean over
the clip (``remove_mean_pose``), comparing how points move rather than where they rest. ``trajectory_dtw_mje`` instead aligns every point's
trajectory on its own and averages over points (pose-evaluation's per-keypoint alignment).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numba
import numpy as np

from signllm.metrics.dtw import previous_cell

NORMALISATIONS = ("clip", "frame")


def shoulder_normalise(joints: np.ndarray, mask: np.ndarray | None, shoulders: tuple[int, int], per: str = "clip") -> np.ndarray:
    """(T, J, D) joints translated to the shoulders' midpoint and divided by the shoulder distance.

    ``mask`` (T, J) marks seen points (None: all); frames without both shoulders use the clip's values
    (``per="frame"``); a clip with no frame showing both shoulders raises ValueError.
    """
    if per not in NORMALISATIONS:
        raise ValueError(f"per={per!r}: expected one of {NORMALISATIONS}")
    joints = np.asarray(joints, np.float64)
    left, right = joints[:, shoulders[0]], joints[:, shoulders[1]]
    seen = np.ones(len(joints), bool) if mask is None else np.asarray(mask)[:, list(shoulders)].all(axis=1)
    width = np.linalg.norm(left - right, axis=-1)
    seen &= width > 0
    if not seen.any():
        raise ValueError("no frame shows both shoulders: cannot normalise the clip")
    centre, scale = (left + right) / 2, width
    if per == "clip":
        centre, scale = centre[seen].mean(0, keepdims=True), np.full(len(joints), width[seen].mean())
    else:
        centre, scale = np.where(seen[:, None], centre, centre[seen].mean(0)), np.where(seen, width, width[seen].mean())
    return (joints - centre[:, None, :]) / scale[:, None, None]


def remove_mean_pose(joints: np.ndarray, mask: np.ndarray | None = None) -> np.ndarray:
    """(T, J, D) joints minus each point's mean over the frames where it was seen (unseen points keep 0 mean)."""
    joints = np.asarray(joints, np.float64)
    seen = np.ones(joints.shape[:2], bool) if mask is None else np.asarray(mask, bool)
    counts = seen.sum(0)[:, None]
    mean = (joints * seen[..., None]).sum(0) / np.maximum(counts, 1)
    return joints - mean


@numba.njit(fastmath={"reassoc", "contract"}, nogil=True, cache=True)
def _frame_cost(hyp: np.ndarray, ref: np.ndarray, hyp_seen: np.ndarray, ref_seen: np.ndarray, squared: np.ndarray) -> float:
    """Mean Euclidean error over the points seen in both (D, J) frames (seen: 1.0 / 0.0); 0 when none is.
    Axis-major frames and the ``squared`` (J,) scratch row let both loops run in SIMD lanes."""
    squared[:] = 0.0
    for axis in range(hyp.shape[0]):
        for point in range(hyp.shape[1]):
            squared[point] += (hyp[axis, point] - ref[axis, point]) ** 2
    total, count = 0.0, 0.0
    for point in range(hyp.shape[1]):
        weight = hyp_seen[point] * ref_seen[point]
        total += weight * math.sqrt(squared[point])
        count += weight
    return total / count if count else 0.0


@numba.njit(nogil=True, cache=True)
def _masked_dtw_mje(hyp: np.ndarray, ref: np.ndarray, hyp_seen: np.ndarray, ref_seen: np.ndarray) -> float:
    """Mean frame cost along the DTW path of (N, D, J) and (M, D, J) joints that minimises the summed cost."""
    rows, cols = len(ref), len(hyp)
    cost, squared = np.empty((rows, cols)), np.empty(hyp.shape[2])
    for i in range(rows):
        for j in range(cols):
            cost[i, j] = _frame_cost(hyp[j], ref[i], hyp_seen[j], ref_seen[i], squared)
    accumulated = np.full((rows + 1, cols + 1), np.inf)
    accumulated[0, 0] = 0.0
    for i in range(rows):
        for j in range(cols):
            accumulated[i + 1, j + 1] = cost[i, j] + min(accumulated[i, j], accumulated[i, j + 1], accumulated[i + 1, j])
    i, j, steps = rows, cols, 0
    while i > 0 and j > 0:
        steps += 1
        i, j = previous_cell(accumulated, i, j)
    return accumulated[rows, cols] / steps


def _prepared(joints, mask, points) -> tuple[np.ndarray, np.ndarray]:
    joints = np.asarray(joints, np.float64)
    seen = np.ones(joints.shape[:2]) if mask is None else np.asarray(mask, bool).astype(np.float64)
    if points is not None:
        joints, seen = joints[:, points], seen[:, points]
    return np.ascontiguousarray(joints.transpose(0, 2, 1)), np.ascontiguousarray(seen)  # (T, D, J) for the kernel


def masked_dtw_mje(hyp, ref, hyp_mask=None, ref_mask=None, points: Sequence[int] | slice | None = None) -> float:
    """Masked DTW-MJE of (N, J, D) and (M, J, D) joints over ``points`` (None: all); see the module docstring."""
    (hyp, hyp_seen), (ref, ref_seen) = _prepared(hyp, hyp_mask, points), _prepared(ref, ref_mask, points)
    if len(hyp) == 0 or len(ref) == 0:
        raise ValueError(f"empty sequence: {len(hyp)} hypothesis and {len(ref)} reference frames")
    return float(_masked_dtw_mje(hyp, ref, hyp_seen, ref_seen))


def trajectory_dtw_mje(hyp, ref, hyp_mask=None, ref_mask=None, points: Sequence[int] | slice | None = None) -> float:
    """Mean over points of each point's own masked DTW-MJE (every trajectory aligned separately)."""
    (hyp, hyp_seen), (ref, ref_seen) = _prepared(hyp, hyp_mask, points), _prepared(ref, ref_mask, points)
    per_point = [
        _masked_dtw_mje(hyp[:, :, [p]], ref[:, :, [p]], hyp_seen[:, [p]], ref_seen[:, [p]]) for p in range(hyp.shape[2])
    ]
    return float(np.mean(per_point))


def normalised_dtw_mje(
    hyp,
    ref,
    shoulders: tuple[int, int],
    hyp_mask=None,
    ref_mask=None,
    points: Sequence[int] | slice | None = None,
    per: str = "clip",
    motion_only: bool = False,
) -> float:
    """Masked DTW-MJE over ``points`` after shoulder normalisation of both clips, in shoulder widths."""
    hyp_n, ref_n = (shoulder_normalise(x, m, shoulders, per) for x, m in ((hyp, hyp_mask), (ref, ref_mask)))
    if motion_only:
        hyp_n, ref_n = remove_mean_pose(hyp_n, hyp_mask), remove_mean_pose(ref_n, ref_mask)
    return masked_dtw_mje(hyp_n, ref_n, hyp_mask, ref_mask, points)
