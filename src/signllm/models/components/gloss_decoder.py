"""The LangGloss head: an autoregressive token decoder over an encoder memory (greedy at generation)."""

from __future__ import annotations

import math

import torch
from torch import nn

from signllm.models.components.transformer import Decoder


class GlossDecoder(nn.Module):
    """Token ids (B, G) -> next-token logits (B, G, vocab); the output projection is tied to the embedding."""

    def __init__(self, vocab_size: int, d_model: int, heads: int, ff: int, layers: int, dropout: float):
        super().__init__()
        self.embed = nn.Embedding(vocab_size, d_model, padding_idx=0)
        nn.init.normal_(self.embed.weight, std=d_model**-0.5)  # unit scale after the sqrt(d_model) factor
        self.decoder = Decoder(d_model, heads, ff, layers, dropout)

    def forward(self, ids, memory, memory_mask, cache=None) -> torch.Tensor:
        hidden = self.decoder(self.embed(ids) * math.sqrt(self.embed.embedding_dim), memory, memory_mask, cache)
        return hidden @ self.embed.weight.T

    @torch.no_grad()
    def greedy(self, memory, memory_mask, bos: int, eos: int, max_tokens: int) -> tuple[torch.Tensor, torch.Tensor]:
        """Greedy decoding from ``<bos>`` -> (ids (B, G) with ``<bos>`` first and 0 after ``<eos>``, mask (B, G))."""
        ids = torch.full((memory.shape[0], 1), bos, dtype=torch.long, device=memory.device)
        ended = torch.zeros(memory.shape[0], dtype=torch.bool, device=memory.device)
        cache = self.decoder.new_cache()
        for _ in range(max_tokens - 1):
            token = self(ids[:, -1:], memory, memory_mask, cache)[:, -1].argmax(-1)
            token = token.masked_fill(ended, 0)
            ids = torch.cat([ids, token[:, None]], dim=1)
            ended |= token == eos
            if ended.all():
                break
        return ids, ids != 0
