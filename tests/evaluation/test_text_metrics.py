"""BLEU and ROUGE-L agree with sacrebleu and the reference ROUGE-L implementation on fixed strings."""

import pytest
import sacrebleu

from signllm.metrics.text import bleu_scores, rouge_l, text_scores

HYPOTHESES = [
    "the weather will be sunny tomorrow in the north",
    "i like to sign with my hands",
    "hello world",
    "completely unrelated words here",
]
REFERENCES = [
    "tomorrow the weather in the north will be sunny",
    "i like to sign with both of my hands",
    "hello, world!",
    "a sentence about something else",
]


def test_bleu_matches_sacrebleu():
    scores = bleu_scores(HYPOTHESES, REFERENCES)
    for n in (1, 2, 3, 4):
        expected = sacrebleu.metrics.BLEU(max_ngram_order=n).corpus_score(HYPOTHESES, [REFERENCES]).score
        assert scores[f"bleu{n}"] == pytest.approx(expected)
    assert scores["bleu4"] == pytest.approx(sacrebleu.corpus_bleu(HYPOTHESES, [REFERENCES]).score)
    assert scores["bleu1"] > scores["bleu2"] > scores["bleu3"] > scores["bleu4"] > 0


def test_rouge_l_matches_reference_implementation():
    rouge_scorer = pytest.importorskip("rouge_score.rouge_scorer")  # the reference ROUGE-L (requirements-dev)
    scorer = rouge_scorer.RougeScorer(["rougeL"])
    expected = [scorer.score(ref, hyp)["rougeL"].fmeasure for hyp, ref in zip(HYPOTHESES, REFERENCES)]
    assert rouge_l(HYPOTHESES, REFERENCES) == pytest.approx(100 * sum(expected) / len(expected))


def test_perfect_and_empty_cases():
    assert text_scores(REFERENCES, REFERENCES) == pytest.approx(
        {"bleu1": 100.0, "bleu2": 100.0, "bleu3": 100.0, "bleu4": 100.0, "rouge": 100.0}
    )
    assert rouge_l(["", "x"], ["a b", ""]) == 0.0
    assert rouge_l([], []) == 0.0


def test_rouge_l_keeps_non_latin_words():
    assert rouge_l(["날씨 가 좋다"], ["오늘 날씨 가 좋다"]) == pytest.approx(100 * 2 * 1 * 0.75 / 1.75)


def test_mismatched_lengths_are_refused():
    with pytest.raises(ValueError, match="2 hypotheses but 1 references"):
        text_scores(["a", "b"], ["a"])
