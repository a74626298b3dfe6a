"""Token encoder: embeds token ids and runs a bidirectional transformer over them."""

from __future__ import annotations

import math

import torch
from torch import nn

from signllm.models.components.transformer import Encoder


class TextEncoder(nn.Module):
    """Token ids (B, L) + mask (B, L) -> memory (B, L, d_model) for the decoders to attend to."""

    def __init__(self, vocab_size: int, d_model: int, heads: int, ff: int, layers: int, dropout: float):
        super().__init__()
        self.embed = nn.Embedding(vocab_size, d_model, padding_idx=0)
        nn.init.normal_(self.embed.weight, std=d_model**-0.5)  # unit scale after the sqrt(d_model) factor
        self.encoder = Encoder(d_model, heads, ff, layers, dropout)

    def forward(self, ids: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        return self.encoder(self.embed(ids) * math.sqrt(self.embed.embedding_dim), mask)
