"""The decoder half of a pretrained encoder-decoder LM (mBART, mT5, NLLB) over a pose memory.

Same interface and searches (``greedy``, ``beam``) as :class:`TextDecoder`, whose ``forward``, ``new_cache``
and ``reorder_cache`` this replaces: the pose memory is projected to the LM's width and read by the LM's
cross-attention in place of its own encoder's output (the encoder's layers are dropped when loading).
Logits cover the tokenizer's vocabulary, so marker tokens (given prefixes) are never predicted.
"""

from __future__ import annotations

import torch
from torch import nn

from signllm.models.components.pretrained_lm import PretrainedLM
from signllm.models.components.text_decoder import TextDecoder


def drop_encoder_layers(model: nn.Module) -> None:
    """Empty every layer list of an encoder-decoder's encoder (its embeddings are shared with the decoder)."""
    for child in model.get_encoder().children():
        if isinstance(child, nn.ModuleList):
            del child[:]


class PretrainedTextDecoder(TextDecoder):
    def __init__(self, lm: PretrainedLM, memory_width: int):
        nn.Module.__init__(self)  # TextDecoder's own network is replaced, its searches are kept
        self.lm = lm
        self.project = nn.Linear(memory_width, lm.lm.config.hidden_size)

    def forward(self, tokens: torch.Tensor, memory: torch.Tensor, memory_mask: torch.Tensor, cache=None) -> torch.Tensor:
        """tokens (B, L) -> next-token logits (B, L, tokenizer vocab), float32."""
        embeddings = self.lm.embed(tokens)
        output = self.lm.lm(
            encoder_outputs=(self.project(memory).to(embeddings.dtype),),
            attention_mask=memory_mask.long(),
            decoder_inputs_embeds=embeddings,
            cache=cache,
            use_cache=cache is not None,
        )
        return output.logits[..., : self.lm.base_vocab].float()

    def new_cache(self):
        from transformers.cache_utils import DynamicCache, EncoderDecoderCache

        return EncoderDecoderCache(DynamicCache(), DynamicCache())

    def reorder_cache(self, cache, index: torch.Tensor) -> None:
        cache.reorder_cache(index)
