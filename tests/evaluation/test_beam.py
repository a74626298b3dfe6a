"""Beam decoding of the back-translator's text decoder: beam 1 is greedy; a wide beam is exhaustive search."""

import itertools

import pytest
import torch

from signllm.models.components.text_decoder import TextDecoder

END = 3


def _decoder(vocab: int, seed: int = 0) -> tuple[TextDecoder, torch.Tensor, torch.Tensor]:
    torch.manual_seed(seed)
    decoder = TextDecoder(vocab, d_model=16, heads=2, ff=32, layers=2, dropout=0.0).eval()
    with torch.no_grad():
        decoder.embed.weight.mul_(8)  # sharper distributions: a greedy choice is often not the best sequence
    memory = torch.randn(3, 5, 16)
    mask = torch.tensor([[True] * 5, [True] * 3 + [False] * 2, [True] * 4 + [False]])
    return decoder, memory, mask


@torch.no_grad()
def _log_prob(decoder, prefix, memory, mask, tokens) -> float:
    logits = decoder(torch.tensor([prefix + tokens[:-1]]), memory, mask)[0, len(prefix) - 1 :]
    return float(logits.log_softmax(-1)[torch.arange(len(tokens)), torch.tensor(tokens)].sum())


def test_beam_size_one_is_greedy():
    decoder, memory, mask = _decoder(vocab=11)
    prefix = torch.tensor([[0, 1], [0, 2], [0, 1]])
    greedy = decoder.greedy(prefix, memory, mask, END, max_tokens=12)
    assert decoder.beam(prefix, memory, mask, END, max_tokens=12, beam_size=1) == greedy
    assert decoder.beam(prefix, memory, mask, END, max_tokens=12, beam_size=1, length_penalty=2.0) == greedy


@pytest.mark.parametrize("length_penalty", [0.0, 1.0])
def test_a_beam_wider_than_all_sequences_finds_the_best_one(length_penalty):
    vocab, end, max_tokens = 3, 2, 3  # 15 possible continuations; a beam of 27 keeps them all
    decoder, memory, mask = _decoder(vocab, seed=1)
    found = decoder.beam(torch.tensor([[0]] * 3), memory, mask, end, max_tokens, beam_size=vocab**max_tokens, length_penalty=length_penalty)
    sequences = [list(s) for n in range(1, max_tokens + 1) for s in itertools.product(range(vocab), repeat=n) if end not in s[:-1]]
    sequences = [s for s in sequences if s[-1] == end or len(s) == max_tokens]
    for row in range(3):

        def score(tokens):
            return _log_prob(decoder, [0], memory[row : row + 1], mask[row : row + 1], tokens) / ((5 + len(tokens)) / 6) ** length_penalty

        best = max(sequences, key=score)
        assert found[row] == (best[:-1] if best[-1] == end else best)


def test_beam_size_zero_is_refused():
    decoder, memory, mask = _decoder(vocab=5)
    with pytest.raises(ValueError, match="beam_size"):
        decoder.beam(torch.tensor([[0]] * 3), memory, mask, END, 4, beam_size=0)
