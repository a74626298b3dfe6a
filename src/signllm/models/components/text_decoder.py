"""Encoder memory -> text tokens: an autoregressive transformer decoder with greedy and beam decoding.

Beam search keeps ``beam_size`` prefixes per input, ranked by their summed token log-probabilities; a
finished prefix stays in the beam (extended only by ``end`` at no cost) until every prefix of the input has
finished or ``max_tokens`` is reached. The winner is the finished (or, at the limit, unfinished) prefix with
the best score divided by the GNMT length penalty ((5 + length) / 6) ** ``length_penalty`` (0: none; the
SLRTP harness's back-translator uses beam 3 with no penalty). Beam size 1 is greedy decoding, token for token.
"""

from __future__ import annotations

import torch
from torch import nn

from signllm.models.components.transformer import Decoder


class TextDecoder(nn.Module):
    """Token embedding (tied with the output layer) + causal decoder over a memory."""

    def __init__(self, vocab_size: int, d_model: int, heads: int, ff: int, layers: int, dropout: float):
        super().__init__()
        self.scale = d_model**0.5
        self.embed = nn.Embedding(vocab_size, d_model)
        nn.init.normal_(self.embed.weight, std=d_model**-0.5)  # unit-size inputs once scaled, unit-size logits
        self.decoder = Decoder(d_model, heads, ff, layers, dropout)

    def forward(self, tokens: torch.Tensor, memory: torch.Tensor, memory_mask: torch.Tensor, cache=None) -> torch.Tensor:
        """tokens (B, L) -> next-token logits (B, L, vocab)."""
        hidden = self.decoder(self.embed(tokens) * self.scale, memory, memory_mask, cache)
        return hidden @ self.embed.weight.T

    def new_cache(self):
        """An empty key/value cache for ``forward`` (the searches below use only these three methods)."""
        return self.decoder.new_cache()

    def reorder_cache(self, cache, index: torch.Tensor) -> None:
        """Keep the cached keys/values of the rows ``index`` selects, in that order."""
        _reorder(cache, index)

    @torch.no_grad()
    def greedy(self, prefix: torch.Tensor, memory: torch.Tensor, memory_mask: torch.Tensor, end: int, max_tokens: int) -> list[list[int]]:
        """Most likely continuation of each prefix (B, P), without the prefix, cut before ``end``."""
        cache = self.new_cache()
        logits = self(prefix, memory, memory_mask, cache)[:, -1]
        tokens, finished = [], torch.zeros(len(prefix), dtype=torch.bool, device=prefix.device)
        for _ in range(max_tokens):
            token = logits.argmax(-1)
            tokens.append(token)
            finished |= token == end
            if finished.all():
                break
            logits = self(token.unsqueeze(1), memory, memory_mask, cache)[:, -1]
        rows = torch.stack(tokens, 1).tolist() if tokens else [[] for _ in prefix]
        return _cut(rows, end)

    @torch.no_grad()
    def beam(
        self,
        prefix: torch.Tensor,
        memory: torch.Tensor,
        memory_mask: torch.Tensor,
        end: int,
        max_tokens: int,
        beam_size: int = 4,
        length_penalty: float = 0.0,
    ) -> list[list[int]]:
        """Best continuation of each prefix (B, P) found by beam search, without the prefix, cut before ``end``."""
        if beam_size < 1:
            raise ValueError(f"beam_size must be at least 1, got {beam_size}")
        batch, device = len(prefix), prefix.device
        cache = self.new_cache()
        repeat = lambda x: x.repeat_interleave(beam_size, 0)  # noqa: E731  (B, ...) -> (B * K, ...)
        memory, memory_mask = repeat(memory), repeat(memory_mask)
        logits = self(repeat(prefix), memory, memory_mask, cache)[:, -1]
        scores = torch.full((batch, beam_size), -torch.inf, device=device)
        scores[:, 0] = 0.0  # all K copies are the same prefix: expand only the first
        tokens = torch.zeros(batch * beam_size, 0, dtype=torch.long, device=device)
        finished = torch.zeros(batch * beam_size, dtype=torch.bool, device=device)
        lengths = torch.zeros(batch * beam_size, device=device)  # tokens up to and including ``end``
        for _ in range(max_tokens):
            log_probs = logits.float().log_softmax(-1)
            log_probs[finished] = -torch.inf
            log_probs[finished, end] = 0.0  # a finished prefix only repeats ``end``, at no cost
            candidates = (scores.view(-1, 1) + log_probs).view(batch, -1)  # (B, K * vocab)
            scores, flat = candidates.topk(beam_size, dim=1)
            source = (flat // log_probs.shape[1] + torch.arange(batch, device=device)[:, None] * beam_size).view(-1)
            token = (flat % log_probs.shape[1]).view(-1)
            tokens = torch.cat([tokens[source], token[:, None]], 1)
            lengths = lengths[source] + ~finished[source]
            finished = finished[source] | (token == end)
            if finished.all():
                break
            self.reorder_cache(cache, source)
            logits = self(token[:, None], memory, memory_mask, cache)[:, -1]
        penalty = ((5.0 + lengths) / 6.0) ** length_penalty
        best = (scores.view(-1) / penalty).view(batch, beam_size).argmax(1) + torch.arange(batch, device=device) * beam_size
        return _cut(tokens[best].tolist(), end)


def _cut(rows: list[list[int]], end: int) -> list[list[int]]:
    return [row[: row.index(end)] if end in row else row for row in rows]


def _reorder(cache, index: torch.Tensor) -> None:
    """Keep the cached keys/values of the beams ``index`` selects, in that order."""
    for layer in cache.layers:
        for attention in layer.values():
            for name, value in attention.items():
                attention[name] = value.index_select(0, index)
