"""SLRTP scores equal a direct computation of the harness's definitions, on crafted and on real pairs."""

import math
from collections import Counter

import jiwer
import numpy as np
import pytest
import sacrebleu
from fastdtw import fastdtw

from signllm.metrics import slrtp


def harness_bleu(hypotheses, references, order):
    """The harness's raw corpus BLEU-n written out: whitespace n-grams, clipped counts, floor 0, brevity penalty."""
    correct, total = [0] * 4, [0] * 4
    hyp_len = ref_len = 0
    for hyp, ref in zip(hypotheses, references):
        h, r = hyp.split(), ref.split()
        hyp_len, ref_len = hyp_len + len(h), ref_len + len(r)
        for n in range(1, 5):
            grams_h = Counter(tuple(h[i : i + n]) for i in range(len(h) - n + 1))
            grams_r = Counter(tuple(r[i : i + n]) for i in range(len(r) - n + 1))
            correct[n - 1] += sum(min(c, grams_r[g]) for g, c in grams_h.items())
            total[n - 1] += sum(grams_h.values())
    precisions = [100.0 * c / t if t and c else 0.0 for c, t in zip(correct, total)]
    penalty = 1.0 if hyp_len >= ref_len else (math.exp(1 - ref_len / hyp_len) if hyp_len else 0.0)
    logs = [math.log(p) if p else -9999999999 for p in precisions[:order]]
    return penalty * math.exp(sum(logs) / order)


def harness_rouge(hyp, ref, beta=1.2):
    h, r = hyp.split(" "), ref.split(" ")
    table = np.zeros((len(r) + 1, len(h) + 1), int)
    for i, a in enumerate(r):
        for j, b in enumerate(h):
            table[i + 1, j + 1] = table[i, j] + 1 if a == b else max(table[i, j + 1], table[i + 1, j])
    p, rec = table[-1, -1] / len(h), table[-1, -1] / len(r)
    return 0.0 if p == 0 or rec == 0 else (1 + beta**2) * p * rec / (rec + beta**2 * p)


def harness_dtw_mje(hypotheses, references):
    """fastdtw with a Python Euclidean function on flattened frames, aligned frames pooled, mean joint L2."""
    aligned_h, aligned_r = [], []
    for h, r in zip(hypotheses, references):
        _, path = fastdtw(h.reshape(len(h), -1), r.reshape(len(r), -1), dist=lambda a, b: np.sqrt(np.sum((a - b) ** 2)))
        hi, ri = zip(*path)
        aligned_h.append(h[list(hi)])
        aligned_r.append(r[list(ri)])
    return float(np.linalg.norm(np.concatenate(aligned_h) - np.concatenate(aligned_r), axis=-1).mean())


CRAFTED = (
    ["the cat sat on the mat", "a b c d e", "nothing here", ""],
    ["the cat sat on a mat", "a b c x e f", "something else entirely here", "empty hypothesis"],
)


def _real_sentences(realdata):
    folder = realdata / "phoenix14t-progressive-transformers"
    dev = (folder / "dev.text").read_text(encoding="utf-8").splitlines()
    test = (folder / "test.text").read_text(encoding="utf-8").splitlines()
    return dev + test[:2], test + dev[:2]  # real sentences, paired with mostly different ones, two exact matches


def test_bleu_floor_zero_smoothing_on_crafted_pairs():
    scores = slrtp.bleu(["a b c", "d e"], ["a b x", "d e"])  # no matching 3-gram: BLEU-3 and -4 are exactly 0
    assert scores["bleu3"] == 0.0 and scores["bleu4"] == 0.0 and scores["bleu2"] > 0
    for n in (1, 2, 3, 4):
        assert slrtp.bleu(*CRAFTED)[f"bleu{n}"] == pytest.approx(harness_bleu(*CRAFTED, n), abs=1e-9)


def test_text_scores_equal_direct_computation_on_real_sentences(realdata):
    hyps, refs = _real_sentences(realdata)
    scores = slrtp.text_scores(hyps, refs)
    for n in (1, 2, 3, 4):
        assert scores[f"slrtp_bleu{n}"] == pytest.approx(harness_bleu(hyps, refs, n), abs=1e-9)
    assert scores["slrtp_chrf"] == pytest.approx(sacrebleu.corpus_chrf(hyps, [refs]).score)
    assert scores["slrtp_rouge"] == pytest.approx(100 * np.mean([harness_rouge(h, r) for h, r in zip(hyps, refs)]))
    transform = jiwer.Compose(
        [jiwer.ExpandCommonEnglishContractions(), jiwer.ToLowerCase(), jiwer.RemoveMultipleSpaces(), jiwer.Strip(), jiwer.RemovePunctuation(), jiwer.ReduceToListOfListOfWords()]
    )
    assert scores["slrtp_wer"] == pytest.approx(100 * jiwer.wer(refs, hyps, reference_transform=transform, hypothesis_transform=transform))


def test_rouge_is_case_and_punctuation_sensitive_with_beta_1_2():
    assert slrtp.rouge_l(["The cat."], ["the cat"]) == 0.0  # "The" != "the", "cat." != "cat"
    assert slrtp.rouge_l(["a b"], ["a b c d"]) == pytest.approx(100 * harness_rouge("a b", "a b c d"))
    assert slrtp.rouge_l(*CRAFTED) == pytest.approx(100 * np.mean([harness_rouge(h, r) for h, r in zip(*CRAFTED)]))


def test_wer_normalises_case_punctuation_and_contractions():
    assert slrtp.wer(["hello there world"], ["Hello, world!"]) == pytest.approx(50.0)
    assert slrtp.wer(["it is fine"], ["It's fine."]) == 0.0


def test_frame_rate_rule():
    clip = np.arange(10)[:, None, None] * np.ones((1, 2, 3))
    hyps, refs = slrtp.frame_rate_rule([clip], [clip], submitted_fps=25)
    assert len(hyps[0]) == len(refs[0]) == 5 and (refs[0][:, 0, 0] == [0, 2, 4, 6, 8]).all()
    hyps, refs = slrtp.frame_rate_rule([clip], [clip], submitted_fps=12)
    assert len(hyps[0]) == 10 and len(refs[0]) == 5


def test_compiled_path_equals_the_fastdtw_package_even_on_ties():
    rng = np.random.default_rng(3)
    for trial in range(60):
        n, m, dims = (*rng.integers(1, 40, size=2), int(rng.integers(1, 6)))
        x, y = rng.normal(size=(n, dims)).cumsum(0), rng.normal(size=(m, dims)).cumsum(0)
        if trial % 2:
            x, y = np.round(x), np.round(y)  # many equal costs: the tie-breaking must match too
        _, expected = fastdtw(x, y, radius=1, dist=2)
        hyp_index, ref_index = slrtp.dtw_path(x[:, :, None], y[:, :, None])
        assert list(zip(hyp_index.tolist(), ref_index.tolist())) == expected


def test_pose_scores_on_crafted_pairs():
    rng = np.random.default_rng(0)
    ref = rng.normal(size=(12, 5, 3))
    stretched = np.repeat(ref, 2, axis=0)  # the same poses, each held twice: DTW aligns them exactly
    assert slrtp.dtw_mje([stretched], [ref]) == pytest.approx(0.0)
    assert slrtp.average_duration([stretched, ref], [ref, ref]) == pytest.approx(1.5)
    assert slrtp.total_distance([2 * ref], [ref], left_wrist=1, right_wrist=3) == pytest.approx(2.0)
    shifted = ref + np.array([0.0, 0.0, 0.5])  # every joint 0.5 away on every frame
    assert slrtp.dtw_mje([shifted], [ref]) == pytest.approx(0.5)


def _real_pose_pairs(realdata):
    """Real clips of two layouts paired with other real clips: How2Sign OpenPose (2D) and DGS holistic (3D)."""
    from pose_format import Pose
    from pose_format.utils.openpose import load_openpose_directory

    folder = realdata / "how2sign-openpose-prompt2sign" / "json"
    how2sign = [np.asarray(load_openpose_directory(str(p), fps=24, width=1280, height=720).body.data[:, 0].filled(0)) for p in sorted(folder.iterdir())]
    dgs = [np.asarray(Pose.read(p.read_bytes()).body.data[:, 0].filled(0)) for p in sorted((realdata / "dgs-corpus-fluent-pose-synthesis" / "train").glob("*_original.pose"))[:4]]
    return [(how2sign[:-1], how2sign[1:]), (dgs[:-1], dgs[1:])]


def test_pose_scores_equal_direct_computation_on_real_pairs(realdata):
    for hyps, refs in _real_pose_pairs(realdata):
        hyps, refs = slrtp.frame_rate_rule(hyps, refs)
        assert slrtp.dtw_mje(hyps, refs) == pytest.approx(harness_dtw_mje(hyps, refs), rel=1e-6)  # float32 inputs
        travel = {w: [np.linalg.norm(np.diff(x[:, w], axis=0), axis=-1).sum() for x in hyps + refs] for w in (2, 5)}
        expected = np.mean([np.mean(t[: len(hyps)]) / np.mean(t[len(hyps) :]) for t in travel.values()])
        assert slrtp.total_distance(hyps, refs, left_wrist=5, right_wrist=2) == pytest.approx(expected)
        assert slrtp.average_duration(hyps, refs) == pytest.approx(np.mean([len(h) / len(r) for h, r in zip(hyps, refs)]))
        records = [slrtp.pair_statistics(h, r, 5, 2) for h, r in zip(hyps, refs)]
        corpus = slrtp.corpus_pose_scores(records)
        assert corpus["slrtp_dtw_mje"] == pytest.approx(slrtp.dtw_mje(hyps, refs))
        assert corpus["slrtp_total_distance"] == pytest.approx(expected)


def test_mismatched_lists_are_refused():
    with pytest.raises(ValueError, match="2 hypotheses but 1 references"):
        slrtp.average_duration([np.zeros((2, 1, 3))] * 2, [np.zeros((2, 1, 3))])
