"""Back-translation scores: corpus BLEU-1..4 (sacrebleu) and sentence-averaged ROUGE-L, both 0-100.

BLEU-n is sacrebleu's corpus BLEU with ``max_ngram_order=n`` (13a tokenisation, exponential smoothing
off, brevity penalty on), so numbers are reproducible with the ``sacrebleu`` command line. ROUGE-L is
the longest-common-subsequence F1 of each hypothesis against its reference, averaged over sentences;
words are lower-cased runs of Unicode letters and digits, which equals the ``rouge-score`` package's
tokenisation on ASCII text and, unlike it, keeps non-Latin scripts (Korean, German umlauts).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from sacrebleu.metrics import BLEU

BLEU_ORDERS = (1, 2, 3, 4)
_WORD = re.compile(r"[^\W_]+")


def bleu_scores(hypotheses: Sequence[str], references: Sequence[str]) -> dict[str, float]:
    """Corpus BLEU-1..4 of line-parallel hypotheses and references: ``{"bleu1": ..., "bleu4": ...}``."""
    _check_parallel(hypotheses, references)
    return {
        f"bleu{n}": BLEU(max_ngram_order=n).corpus_score(list(hypotheses), [list(references)]).score
        for n in BLEU_ORDERS
    }


def rouge_l(hypotheses: Sequence[str], references: Sequence[str]) -> float:
    """Mean sentence ROUGE-L F1 (0-100) of line-parallel hypotheses and references."""
    _check_parallel(hypotheses, references)
    if not references:
        return 0.0
    return 100.0 * sum(map(_rouge_l_f1, hypotheses, references)) / len(references)


def text_scores(hypotheses: Sequence[str], references: Sequence[str]) -> dict[str, float]:
    """BLEU-1..4 and ROUGE-L in one dict (keys ``bleu1`` .. ``bleu4``, ``rouge``)."""
    return {**bleu_scores(hypotheses, references), "rouge": rouge_l(hypotheses, references)}


def _words(text: str) -> list[str]:
    return _WORD.findall(text.lower())


def _rouge_l_f1(hypothesis: str, reference: str) -> float:
    hyp, ref = _words(hypothesis), _words(reference)
    common = _lcs_length(hyp, ref)
    if common == 0:
        return 0.0
    precision, recall = common / len(hyp), common / len(ref)
    return 2 * precision * recall / (precision + recall)


def _lcs_length(a: list[str], b: list[str]) -> int:
    """Length of the longest common subsequence (one row of the dynamic programme at a time)."""
    row = [0] * (len(b) + 1)
    for word in a:
        diagonal = 0
        for j, other in enumerate(b, start=1):
            diagonal, row[j] = row[j], diagonal + 1 if word == other else max(row[j], row[j - 1])
    return row[-1]


def _check_parallel(hypotheses: Sequence[str], references: Sequence[str]) -> None:
    if len(hypotheses) != len(references):
        raise ValueError(f"{len(hypotheses)} hypotheses but {len(references)} references")
