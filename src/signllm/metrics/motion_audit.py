"""A motion audit to print beside every BLEU: does a system move as much, as fast and as smoothly as the reference?

A back-translation score can be earned by moving less (in the SLRTP 2025 challenge a low-motion entry scored
close to the ceiling), so every row gets these ratios to its reference, 1 being the reference's own:

- ``variance_ratio``: pose variance, the mean over points of the squared distance from the clip's mean pose;
- ``velocity_ratio``: mean point speed, the Euclidean frame-to-frame step averaged over points and steps;
- ``jerk_ratio``: mean magnitude of the third frame difference (smoothness; a jittery system shows > 1).

Each statistic is kept per clip for the hypothesis and for its reference (``pair_statistics``), and a corpus
ratio is the mean over clips of the hypothesis values over the mean of the reference values
(``corpus_ratios``), so one near-still reference clip cannot blow the ratio up. Units cancel; both clips
share the frame rate, so per-frame derivatives compare.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

STATISTICS = ("variance", "velocity", "jerk")


def clip_statistics(joints: np.ndarray) -> dict[str, float]:
    """Pose variance, mean speed and mean jerk of one (T, J, D) clip (0 where the clip is too short)."""
    joints = np.asarray(joints, np.float64)

    def mean_difference(order: int) -> float:
        steps = np.diff(joints, n=order, axis=0)
        return float(np.sqrt((steps * steps).sum(-1)).mean()) if len(joints) > order else 0.0

    variance = float(((joints - joints.mean(0)) ** 2).sum(-1).mean()) if len(joints) else 0.0
    return {"variance": variance, "velocity": mean_difference(1), "jerk": mean_difference(3)}


def pair_statistics(hypothesis: np.ndarray, reference: np.ndarray) -> dict[str, float]:
    """``audit_hyp_<statistic>`` and ``audit_ref_<statistic>`` of one pair of (T, J, D) clips."""
    hyp, ref = clip_statistics(hypothesis), clip_statistics(reference)
    return {f"audit_{who}_{name}": stats[name] for who, stats in (("hyp", hyp), ("ref", ref)) for name in STATISTICS}


def corpus_ratios(records: Sequence[Mapping[str, float]]) -> dict[str, float]:
    """``<statistic>_ratio``: mean hypothesis value over mean reference value, over the records of many pairs."""
    ratios = {}
    for name in STATISTICS:
        hyp, ref = (float(np.mean([r[f"audit_{who}_{name}"] for r in records])) for who in ("hyp", "ref"))
        ratios[f"{name}_ratio"] = hyp / ref if ref else float("nan")
    return ratios
