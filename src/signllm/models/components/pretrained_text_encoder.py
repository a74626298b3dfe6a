"""Text memory from a pretrained language model: the TextEncoder interface (ids, mask -> (B, L, d_model)).

:class:`TextBackbone` reads the hidden states of an encoder model (XLM-R), of the encoder half of an
encoder-decoder (mBART, mT5, NLLB) or of a decoder-only LM (Qwen3, Llama) at ``layer`` (None: the final
ones). A frozen backbone can be given a memory cache (``cache``, anything with ``lookup(ids, mask)`` returning
the hidden states or None): inputs it holds are then read, not computed. :class:`PretrainedTextEncoder`
projects the hidden states to the pose model's width; MLSF groups that share one backbone each have their own.
"""

from __future__ import annotations

import torch
from torch import nn

from signllm.models.components.pretrained_lm import PretrainedLM


class TextBackbone(nn.Module):
    def __init__(self, lm: PretrainedLM, layer: int | None = None):
        super().__init__()
        self.lm, self.layer = lm, layer
        self.cache = None

    @property
    def width(self) -> int:
        return self.lm.lm.config.hidden_size

    @property
    def cacheable(self) -> bool:
        """Whether outputs depend on the input ids alone (nothing of the LM trains)."""
        return self.lm.frozen

    def hidden(self, ids: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        """(B, L, width) hidden states in the LM's dtype, computed by the LM."""
        with torch.set_grad_enabled(torch.is_grad_enabled() and not self.lm.frozen):
            output = self.lm.lm(
                inputs_embeds=self.lm.embed(ids), attention_mask=mask.long(), output_hidden_states=self.layer is not None
            )
        return output.last_hidden_state if self.layer is None else output.hidden_states[self.layer]

    def forward(self, ids: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        """(B, L, width) float32 hidden states: from the cache when it holds every input, else computed."""
        cached = self.cache.lookup(ids, mask) if self.cache is not None else None
        if cached is not None:
            return cached.to(ids.device, torch.float32)
        return self.hidden(ids, mask).float()


class PretrainedTextEncoder(nn.Module):
    """A backbone (possibly shared) and this encoder's own projection (LayerNorm, Linear) to ``d_model``."""

    def __init__(self, backbone: TextBackbone, d_model: int):
        super().__init__()
        self.backbone = backbone
        self.project = nn.Sequential(nn.LayerNorm(backbone.width), nn.Linear(backbone.width, d_model))

    def forward(self, ids: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        return self.project(self.backbone(ids, mask))
