"""The scores evaluate.py reports beside its own: SLRTP 2025 definitions, the motion audit, the recommended metric.

Per sample, ``sample_statistics`` keeps the numbers each corpus score is built from (so sharded runs gather
them and corpus scores stay exact); ``corpus_scores`` turns all samples' statistics and translations into:

- ``slrtp_*``: the SLRTP harness's definitions (``signllm.metrics.slrtp``) on our evaluator's translations and on
  poses put through its frame-rate rule: hypotheses are produced at the reference's frame rate, so both are
  halved, as the harness does for a 25 fps submission (for a corpus at another rate we halve both all the same);
- the motion audit (``signllm.metrics.motion_audit``) on full-rate poses;
- ``ndtw_hands`` (RECOMMENDED in docs/EVALUATION.md): shoulder-normalised, motion-only, masked DTW-MJE of the
  two hands, in shoulder widths, averaged over samples. Reference points with zero confidence are masked.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from signllm.metrics import motion_audit, normalised, slrtp
from signllm.skeleton import Skeleton

RECOMMENDED = "ndtw_hands"
RECOMMENDED_LABEL = "nDTW hands*"
RECOMMENDED_NOTE = (
    "* nDTW hands: the recommended pose metric (docs/EVALUATION.md): DTW-MJE of the two hands after shoulder "
    "normalisation with each clip's mean pose removed, missing points masked; shoulder widths, lower is better"
)


def _points(skeleton: Skeleton) -> dict:
    """Indices the field scores need; None where the layout lacks them."""
    try:
        shoulders = (skeleton.index("body.l_shoulder"), skeleton.index("body.r_shoulder"))
        hands = np.r_[skeleton.component("left_hand"), skeleton.component("right_hand")]
    except KeyError:
        shoulders = hands = None
    try:
        wrists = (skeleton.index("body.l_wrist"), skeleton.index("body.r_wrist"))
    except KeyError:
        wrists = (0, 0)
    return {"shoulders": shoulders, "hands": hands, "wrists": wrists}


def sample_statistics(hypothesis: np.ndarray, reference: np.ndarray, skeleton: Skeleton, reference_seen: np.ndarray | None = None) -> dict[str, float]:
    """Per-sample statistics of (T, frame_size) hypothesis and reference frames (real frames only)."""
    hyp, ref = (skeleton.to_joints(np.asarray(x, np.float64)[:, :-1]) for x in (hypothesis, reference))
    points = _points(skeleton)
    (hyp_halved,), (ref_halved,) = slrtp.frame_rate_rule([hyp], [ref])
    stats = slrtp.pair_statistics(hyp_halved, ref_halved, *points["wrists"]) | motion_audit.pair_statistics(hyp, ref)
    stats[RECOMMENDED] = float("nan")  # a layout without shoulders or hands, or a reference without shoulders
    if points["hands"] is not None:
        try:
            stats[RECOMMENDED] = normalised.normalised_dtw_mje(
                hyp, ref, points["shoulders"], None, reference_seen, points=points["hands"], motion_only=True
            )
        except ValueError:
            pass
    return stats


def corpus_scores(hypotheses: Sequence[str], references: Sequence[str], statistics: Sequence[Mapping[str, float]]) -> dict[str, float]:
    """SLRTP text and pose scores, motion-audit ratios and the recommended metric of one split."""
    scores = slrtp.text_scores(hypotheses, references) | slrtp.corpus_pose_scores(statistics) | motion_audit.corpus_ratios(statistics)
    scores[RECOMMENDED] = float(np.nanmean([s[RECOMMENDED] for s in statistics])) if statistics else float("nan")
    return scores
