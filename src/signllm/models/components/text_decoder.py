"""Encoder memory -> text tokens: an autoregressive transformer decoder with greedy decoding."""

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

    @torch.no_grad()
    def greedy(self, prefix: torch.Tensor, memory: torch.Tensor, memory_mask: torch.Tensor, end: int, max_tokens: int) -> list[list[int]]:
        """Most likely continuation of each prefix (B, P), without the prefix, cut before ``end``."""
        cache = self.decoder.new_cache()
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
        return [row[: row.index(end)] if end in row else row for row in rows]
