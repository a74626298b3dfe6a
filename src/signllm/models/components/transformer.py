"""Pre-norm transformer blocks shared by every encoder and decoder, with a key/value cache.

The cache is what makes progressive generation linear: at step t the decoder computes only the new
position's queries, keys and values; keys/values of positions < t and the cross-attention keys/values
of the encoder memory are kept from earlier steps.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import torch
import torch.nn.functional as F
from torch import nn


def sinusoids(positions: torch.Tensor, d_model: int) -> torch.Tensor:
    """Fixed sinusoidal position encodings (..., d_model) of integer positions (...)."""
    rates = torch.exp(torch.arange(0, d_model, 2, device=positions.device) * (-math.log(10000.0) / d_model))
    angles = positions.unsqueeze(-1).float() * rates
    return torch.stack([angles.sin(), angles.cos()], dim=-1).flatten(-2)[..., :d_model]


class Attention(nn.Module):
    """Multi-head attention. Self-attention appends to its cache; cross-attention fills it once."""

    def __init__(self, d_model: int, heads: int, dropout: float, cross: bool):
        super().__init__()
        if d_model % heads:
            raise ValueError(f"size.d_model={d_model} must be divisible by size.heads={heads}")
        self.heads, self.cross, self.dropout = heads, cross, dropout
        self.query = nn.Linear(d_model, d_model)
        self.key_value = nn.Linear(d_model, 2 * d_model)
        self.out = nn.Linear(d_model, d_model)

    def _split(self, x: torch.Tensor) -> torch.Tensor:
        return x.unflatten(-1, (self.heads, -1)).transpose(1, 2)  # (B, heads, T, head_dim)

    def _keys_values(self, context: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        return tuple(self._split(t) for t in self.key_value(context).chunk(2, dim=-1))

    def forward(self, x, context, mask=None, cache: dict | None = None) -> torch.Tensor:
        """x (B, T, D) attends to context (B, S, D); mask broadcasts to (B, heads, T, S), True = attend."""
        if cache is None:
            keys, values = self._keys_values(context)
        elif self.cross:
            if "keys" not in cache:
                cache["keys"], cache["values"] = self._keys_values(context)
            keys, values = cache["keys"], cache["values"]
        else:
            keys, values = self._keys_values(context)
            if "keys" in cache:
                keys, values = torch.cat([cache["keys"], keys], 2), torch.cat([cache["values"], values], 2)
            cache["keys"], cache["values"] = keys, values
        dropout = self.dropout if self.training else 0.0
        y = F.scaled_dot_product_attention(self._split(self.query(x)), keys, values, attn_mask=mask, dropout_p=dropout)
        return self.out(y.transpose(1, 2).flatten(-2))


def feed_forward(d_model: int, ff: int, dropout: float) -> nn.Sequential:
    return nn.Sequential(nn.Linear(d_model, ff), nn.GELU(), nn.Dropout(dropout), nn.Linear(ff, d_model))


class EncoderLayer(nn.Module):
    def __init__(self, d_model: int, heads: int, ff: int, dropout: float):
        super().__init__()
        self.norm_attn, self.norm_ff = nn.LayerNorm(d_model), nn.LayerNorm(d_model)
        self.attn = Attention(d_model, heads, dropout, cross=False)
        self.ff = feed_forward(d_model, ff, dropout)
        self.drop = nn.Dropout(dropout)

    def forward(self, x, mask):
        h = self.norm_attn(x)
        x = x + self.drop(self.attn(h, h, mask))
        return x + self.drop(self.ff(self.norm_ff(x)))


class DecoderLayer(nn.Module):
    def __init__(self, d_model: int, heads: int, ff: int, dropout: float):
        super().__init__()
        self.norm_self, self.norm_cross, self.norm_ff = (nn.LayerNorm(d_model) for _ in range(3))
        self.self_attn = Attention(d_model, heads, dropout, cross=False)
        self.cross_attn = Attention(d_model, heads, dropout, cross=True)
        self.ff = feed_forward(d_model, ff, dropout)
        self.drop = nn.Dropout(dropout)

    def forward(self, x, causal_mask, memory, memory_mask, cache: dict | None = None):
        self_cache = cross_cache = None
        if cache is not None:
            self_cache, cross_cache = cache.setdefault("self", {}), cache.setdefault("cross", {})
        h = self.norm_self(x)
        x = x + self.drop(self.self_attn(h, h, causal_mask, self_cache))
        h = self.norm_cross(x)
        x = x + self.drop(self.cross_attn(h, memory, memory_mask, cross_cache))
        return x + self.drop(self.ff(self.norm_ff(x)))


def padding_mask(mask: torch.Tensor) -> torch.Tensor:
    """(B, S) True-on-real-tokens -> (B, 1, 1, S) attention mask."""
    return mask[:, None, None, :]


class Encoder(nn.Module):
    """Bidirectional stack over already-embedded inputs; adds positions, ends with a LayerNorm."""

    def __init__(self, d_model: int, heads: int, ff: int, layers: int, dropout: float):
        super().__init__()
        self.layers = nn.ModuleList(EncoderLayer(d_model, heads, ff, dropout) for _ in range(layers))
        self.norm = nn.LayerNorm(d_model)
        self.drop = nn.Dropout(dropout)

    def forward(self, x: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        x = self.drop(x + sinusoids(torch.arange(x.shape[1], device=x.device), x.shape[-1]))
        for layer in self.layers:
            x = layer(x, padding_mask(mask))
        return self.norm(x)


@dataclass
class DecoderCache:
    """Per-layer keys/values of the positions decoded so far."""

    layers: list[dict] = field(default_factory=list)
    length: int = 0


class Decoder(nn.Module):
    """Causal stack with cross-attention to a memory; with a cache, x holds only the new positions."""

    def __init__(self, d_model: int, heads: int, ff: int, layers: int, dropout: float):
        super().__init__()
        self.layers = nn.ModuleList(DecoderLayer(d_model, heads, ff, dropout) for _ in range(layers))
        self.norm = nn.LayerNorm(d_model)
        self.drop = nn.Dropout(dropout)

    def new_cache(self) -> DecoderCache:
        return DecoderCache([{} for _ in self.layers])

    def forward(self, x, memory, memory_mask, cache: DecoderCache | None = None) -> torch.Tensor:
        past = 0 if cache is None else cache.length
        steps = x.shape[1]
        positions = torch.arange(past, past + steps, device=x.device)
        x = self.drop(x + sinusoids(positions, x.shape[-1]))
        causal = torch.ones(steps, past + steps, dtype=torch.bool, device=x.device).tril(past)
        for i, layer in enumerate(self.layers):
            x = layer(x, causal, memory, padding_mask(memory_mask), None if cache is None else cache.layers[i])
        if cache is not None:
            cache.length += steps
        return self.norm(x)
