"""SLRTP 2025 production-challenge scores, defined exactly as the challenge's evaluation harness computes them.

Source checked: github.com/walsharry/SLRTP-Sign-Production-Evaluation at commit bf4129e (Aug 2025):
``main.py`` (frame-rate rule, metric calls), ``metrics.py`` (every definition below), ``external_metrics/``
(its BLEU and ROUGE), ``skeleton_def.py`` (``RELEASE_JOINTS``), ``requirements.txt`` (sacrebleu 2.4.0,
jiwer 3.1.0, fastdtw 0.3.4). What the harness does, and what we do with the same libraries:

- Frame-rate rule (``main.py``): the ground truth is always taken at every second frame (25 -> 12.5 fps);
  a submission too when it is declared 25 fps (``--fps 25``); all pose metrics and the back-translation read
  the halved sequences. ``frame_rate_rule``.
- BLEU-1..4 (``external_metrics/sacrebleu.py``, a sacrebleu 1.4.2 copy): ``raw_corpus_bleu`` = corpus BLEU,
  tokenize "none" (whitespace split, case kept), smooth method "floor" with the module default floor **0.0**:
  an order with no match has precision 0, so BLEU-n is 0 (the README's sample output has BLEU-3 = 0.0 beside
  BLEU-2 = 4.58). BLEU-n = brevity penalty x geometric mean of the 1..n-gram precisions, the four read off one
  pass. sacrebleu 2's ``BLEU(tokenize="none", smooth_method="floor", smooth_value=0.0, max_ngram_order=n)``
  gives the same numbers. ``bleu``.
- chrF: sacrebleu ``CHRF()`` defaults (character 6-grams, beta 2), corpus score. ``chrf``.
- ROUGE-L (``external_metrics/rouge.py``, the MS-COCO implementation): per sentence, tokens = ``split(" ")``
  (case kept, punctuation kept), LCS precision P and recall R, F = (1 + b^2) P R / (R + b^2 P) with
  **b = 1.2** (0 when P or R is 0); the corpus score is the mean over sentences, x 100. This differs from
  our own ROUGE (F1 over lower-cased words, ``metrics.text``). ``rouge_l``.
- WER: jiwer over the corpus after expanding common English contractions, lower-casing, collapsing spaces,
  stripping and removing punctuation, x 100. ``wer``.
- DTW-MJE: per pair, fastdtw (radius 1) between the hypothesis and the reference with every frame flattened
  to one vector and Euclidean frame distance; the frames on that path are gathered from all pairs and the
  mean per-joint L2 error is taken over all of them together, so long paths weigh more (a pooled mean, not a
  mean of per-clip means). Empty sequences are skipped. ``dtw_mje``; the path comes from
  ``signllm.metrics.fast_dtw``, a compiled copy of fastdtw's algorithm whose paths equal the package's (tests).
- Total Distance (``pose_distance``): the path length of the left and of the right **body wrist**
  (``RELEASE_JOINTS`` LWrist 5, RWrist 2, not the hand roots), each averaged over clips; hypothesis mean over
  reference mean per wrist; the mean of the two ratios. ``total_distance``.
- Average Duration (``pose_length``): the mean over clips of hypothesis frames / reference frames (after the
  frame-rate rule). ``average_duration``.

Per-pair statistics (``pair_statistics``) and their corpus aggregation (``corpus_pose_scores``) are split so
that sharded evaluation gathers per-sample numbers and still reproduces the pooled and ratio-of-means scores.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import jiwer
import numpy as np
from sacrebleu.metrics import BLEU, CHRF

from signllm.metrics.fast_dtw import fast_dtw_path
from signllm.metrics.text import _check_parallel, _lcs_length

CHALLENGE_FPS = 25
BLEU_ORDERS = (1, 2, 3, 4)
ROUGE_BETA = 1.2
FASTDTW_RADIUS = 1
_WER_TRANSFORM = jiwer.Compose(
    [
        jiwer.ExpandCommonEnglishContractions(),
        jiwer.ToLowerCase(),
        jiwer.RemoveMultipleSpaces(),
        jiwer.Strip(),
        jiwer.RemovePunctuation(),
        jiwer.ReduceToListOfListOfWords(),
    ]
)


def frame_rate_rule(hypotheses: Sequence, references: Sequence, submitted_fps: float = CHALLENGE_FPS) -> tuple[list, list]:
    """The harness's halving: references always keep every second frame, hypotheses when submitted at 25 fps."""
    halve_hypotheses = submitted_fps == CHALLENGE_FPS
    return [h[::2] if halve_hypotheses else h for h in hypotheses], [r[::2] for r in references]


def bleu(hypotheses: Sequence[str], references: Sequence[str]) -> dict[str, float]:
    """Raw corpus BLEU-1..4 (0-100): no tokenisation, floor smoothing with floor 0."""
    _check_parallel(hypotheses, references)
    return {
        f"bleu{n}": BLEU(tokenize="none", smooth_method="floor", smooth_value=0.0, max_ngram_order=n)
        .corpus_score(list(hypotheses), [list(references)])
        .score
        for n in BLEU_ORDERS
    }


def chrf(hypotheses: Sequence[str], references: Sequence[str]) -> float:
    _check_parallel(hypotheses, references)
    return CHRF().corpus_score(list(hypotheses), [list(references)]).score


def _rouge_sentence(hypothesis: str, reference: str) -> float:
    hyp, ref = hypothesis.split(" "), reference.split(" ")
    common = _lcs_length(hyp, ref)
    precision, recall = common / len(hyp), common / len(ref)
    if precision == 0 or recall == 0:
        return 0.0
    return (1 + ROUGE_BETA**2) * precision * recall / (recall + ROUGE_BETA**2 * precision)


def rouge_l(hypotheses: Sequence[str], references: Sequence[str]) -> float:
    """Mean sentence ROUGE-L F(beta=1.2) over space-split tokens, 0-100."""
    _check_parallel(hypotheses, references)
    if not references:
        return 0.0
    return 100.0 * sum(map(_rouge_sentence, hypotheses, references)) / len(references)


def wer(hypotheses: Sequence[str], references: Sequence[str]) -> float:
    """Corpus word error rate (0-100, can exceed 100) after the harness's normalisation."""
    _check_parallel(hypotheses, references)
    return 100.0 * jiwer.wer(
        list(references), list(hypotheses), reference_transform=_WER_TRANSFORM, hypothesis_transform=_WER_TRANSFORM
    )


def text_scores(hypotheses: Sequence[str], references: Sequence[str]) -> dict[str, float]:
    """Every SLRTP text score, keys prefixed ``slrtp_``: bleu1..bleu4, chrf, rouge, wer."""
    scores = {**bleu(hypotheses, references), "chrf": chrf(hypotheses, references)}
    scores |= {"rouge": rouge_l(hypotheses, references), "wer": wer(hypotheses, references)}
    return {f"slrtp_{name}": value for name, value in scores.items()}


def dtw_path(hypothesis: np.ndarray, reference: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """fastdtw path (hypothesis frame indices, reference frame indices) of (T, J, D) joints, flattened frames."""
    flat = [np.ascontiguousarray(np.asarray(x, dtype=np.float64).reshape(len(x), -1)) for x in (hypothesis, reference)]
    hyp_index, ref_index = fast_dtw_path(*flat, FASTDTW_RADIUS).T
    return hyp_index, ref_index


def path_joint_error(hypothesis: np.ndarray, reference: np.ndarray) -> tuple[float, int]:
    """(mean per-joint L2 error along the fastdtw path, path length) of one (T, J, D) pair; (0, 0) if one is empty."""
    if len(hypothesis) == 0 or len(reference) == 0:
        return 0.0, 0
    hyp_index, ref_index = dtw_path(hypothesis, reference)
    errors = np.linalg.norm(np.asarray(hypothesis, np.float64)[hyp_index] - np.asarray(reference, np.float64)[ref_index], axis=-1)
    return float(errors.mean()), len(hyp_index)


def point_travel(joints: np.ndarray, point: int) -> float:
    """Path length of one point over a (T, J, D) clip: the sum of its frame-to-frame Euclidean steps."""
    track = np.asarray(joints, np.float64)[:, point]
    return float(np.linalg.norm(np.diff(track, axis=0), axis=-1).sum())


def pair_statistics(hypothesis: np.ndarray, reference: np.ndarray, left_wrist: int, right_wrist: int) -> dict[str, float]:
    """Per-pair numbers behind the SLRTP pose scores, for (T, J, D) joints already through ``frame_rate_rule``."""
    error, steps = path_joint_error(hypothesis, reference)
    return {
        "slrtp_path_error": error,
        "slrtp_path_steps": steps,
        "slrtp_hyp_travel_l": point_travel(hypothesis, left_wrist),
        "slrtp_hyp_travel_r": point_travel(hypothesis, right_wrist),
        "slrtp_ref_travel_l": point_travel(reference, left_wrist),
        "slrtp_ref_travel_r": point_travel(reference, right_wrist),
        "slrtp_length_ratio": len(hypothesis) / len(reference),
    }


def _pooled(errors: Sequence[float], steps: Sequence[int]) -> float:
    """Mean joint error over the path frames of all pairs together (per-pair means weighted by path length)."""
    errors, steps = np.asarray(errors, np.float64), np.asarray(steps, np.float64)
    return float((errors * steps).sum() / steps.sum()) if steps.sum() else float("nan")


def _wrist_ratio(hyp_left, hyp_right, ref_left, ref_right) -> float:
    """Mean over the two wrists of (mean hypothesis travel / mean reference travel)."""
    return float(np.mean([np.mean(hyp_left) / np.mean(ref_left), np.mean(hyp_right) / np.mean(ref_right)]))


def corpus_pose_scores(records: Sequence[Mapping[str, float]]) -> dict[str, float]:
    """``slrtp_dtw_mje``, ``slrtp_total_distance``, ``slrtp_avg_duration`` from ``pair_statistics`` records."""

    def column(key: str) -> list[float]:
        return [r[key] for r in records]

    travel = [column(f"slrtp_{who}_travel_{side}") for who in ("hyp", "ref") for side in "lr"]
    return {
        "slrtp_dtw_mje": _pooled(column("slrtp_path_error"), column("slrtp_path_steps")),
        "slrtp_total_distance": _wrist_ratio(*travel),
        "slrtp_avg_duration": float(np.mean(column("slrtp_length_ratio"))),
    }


def _check_pairs(hypotheses: Sequence, references: Sequence) -> None:
    if len(hypotheses) != len(references):
        raise ValueError(f"{len(hypotheses)} hypotheses but {len(references)} references")


def dtw_mje(hypotheses: Sequence[np.ndarray], references: Sequence[np.ndarray]) -> float:
    """The harness's DTW-MJE of lists of (T, J, D) joints (the frame-rate rule already applied)."""
    _check_pairs(hypotheses, references)
    return _pooled(*zip(*map(path_joint_error, hypotheses, references)))


def total_distance(hypotheses, references, left_wrist: int, right_wrist: int) -> float:
    """The harness's Total Distance: per wrist, mean path length of the hypotheses over the references'."""
    _check_pairs(hypotheses, references)
    return _wrist_ratio(*([point_travel(x, wrist) for x in clips] for clips in (hypotheses, references) for wrist in (left_wrist, right_wrist)))


def average_duration(hypotheses: Sequence[np.ndarray], references: Sequence[np.ndarray]) -> float:
    """The harness's Average Duration: mean per-clip length ratio."""
    _check_pairs(hypotheses, references)
    return float(np.mean([len(h) / len(r) for h, r in zip(hypotheses, references)]))
