"""Prompt2LangGloss: one shared parameter set for every sign language; the language rides on LangGloss.

    prompt/text ids -> prompt encoder -> LangGloss head (autoregressive, cross-entropy; greedy at
    generation) -> LangGloss ``<bos> <asl> W1 <asl> W2 ... <eos>`` -> LangGloss encoder
    -> progressive pose decoder (cross-attends to the LangGloss encoding)

Training feeds the ground-truth LangGloss to the LangGloss encoder (teacher forcing); generation feeds
the head's own greedy LangGloss, so the sign language comes from the prompt through its markers and
``batch["lang"]`` is never read. The prompt encoder is what ``text_encoder`` selects (ours, or a pretrained
LM reading the text with its own tokenizer, the markers added as tokens); the LangGloss head and encoder
stay ours, over the gloss vocabulary.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch.nn.utils.rnn import pad_sequence

from signllm.data.tokenizer import BOS, EOS, PAD
from signllm.models.components.pose_decoder import ProgressiveDecoder
from signllm.models.components.text_decoder import TextDecoder
from signllm.models.components.text_encoder import TextEncoder
from signllm.models.production import ProductionModule


class Prompt2LangGlossModule(ProductionModule):
    def __init__(
        self,
        info,
        size,
        augmentation=None,
        loss=None,
        optimizer=None,
        scheduler=None,
        max_frames: int | None = None,
        gloss_weight: float = 1.0,
        max_gloss_tokens: int | None = None,
        text_encoder=None,
    ):
        """``gloss_weight`` scales the LangGloss cross-entropy added to the pose loss;
        ``max_gloss_tokens`` caps greedy LangGloss (default: twice the input length)."""
        super().__init__(info, size, augmentation, loss, optimizer, scheduler, max_frames, text_encoder)
        self.gloss_weight, self.max_gloss_tokens = gloss_weight, max_gloss_tokens
        size, gloss_vocab = self.size, len(self.info.tokenizers.gloss)
        self.prompt_encoder = self.text_encoders()()  # ours, or a pretrained LM (conf/text_encoder)
        self.gloss_head = TextDecoder(gloss_vocab, **size.block(size.gloss_layers))
        self.gloss_encoder = TextEncoder(gloss_vocab, **size.block(size.gloss_layers))
        self.pose_decoder = ProgressiveDecoder(
            self.skeleton.num_coords,
            **size.block(size.decoder_layers),
            future_frames=self.augmentation.future_frames,
            just_counter=self.augmentation.just_counter,
        )

    def teacher_forward(self, batch, inputs):
        gloss, gloss_mask = batch["gloss_ids"], batch["gloss_mask"]
        memory = self.prompt_encoder(batch["text_ids"], batch["text_mask"])
        logits = self.gloss_head(gloss[:, :-1], memory, batch["text_mask"])
        token_loss = F.cross_entropy(logits.transpose(1, 2), gloss[:, 1:], reduction="none")
        target_mask = gloss_mask[:, 1:]
        gloss_loss = (token_loss * target_mask).sum(1) / target_mask.sum(1).clamp(min=1)
        predictions = self.pose_decoder(inputs, self.gloss_encoder(gloss, gloss_mask), gloss_mask)
        return predictions, {"gloss": self.gloss_weight * gloss_loss}

    @torch.no_grad()
    def langgloss(self, batch) -> tuple[torch.Tensor, torch.Tensor]:
        """Greedy LangGloss ids (B, G) and mask (B, G) of a batch's text_ids / text_mask."""
        text_ids, text_mask = batch["text_ids"], batch["text_mask"]
        bos = text_ids.new_full((text_ids.shape[0], 1), BOS)
        max_tokens = self.max_gloss_tokens or 2 * text_ids.shape[1]
        rows = self.gloss_head.greedy(bos, self.prompt_encoder(text_ids, text_mask), text_mask, EOS, max_tokens)
        ids = pad_sequence([text_ids.new_tensor([BOS, *row, EOS]) for row in rows], batch_first=True, padding_value=PAD)
        return ids, ids != PAD

    @torch.no_grad()
    def generate(self, batch, max_frames=None, use_cache=True, langgloss=None):
        """``langgloss``: the (ids, mask) of ``langgloss(batch)`` when the caller has decoded them already."""
        gloss, gloss_mask = langgloss if langgloss is not None else self.langgloss(batch)
        memory = self.gloss_encoder(gloss, gloss_mask)
        return self.pose_decoder.generate(
            self.start_frame, memory, gloss_mask, max_frames or self.max_frames, use_cache
        )
