"""The progressive pose decoder: from the previous frame (and its counter), predict the next frame.

A prediction holds ``future_frames`` stacked coordinate frames followed by one counter; the first
frame and the counter are the next frame (future prediction trains on the rest, inference drops them).
Generation stops a clip when its predicted counter reaches 1, within half a step: a regressed counter
approaches 1 from below, so the frame nearest to 1 (counter >= 1 - its last increment / 2) ends the clip.
"""

from __future__ import annotations

import torch
from torch import nn

from signllm.models.components.transformer import Decoder


class ProgressiveDecoder(nn.Module):
    """Causal self-attention over past frames, cross-attention to an encoder memory; frames are
    ``num_coords`` coordinates and a counter.

    With ``just_counter`` the decoder reads only the counter of each input frame (JC augmentation).
    """

    def __init__(
        self,
        num_coords: int,
        d_model: int,
        heads: int,
        ff: int,
        layers: int,
        dropout: float,
        future_frames: int = 1,
        just_counter: bool = False,
    ):
        super().__init__()
        self.num_coords, self.just_counter = num_coords, just_counter
        self.frame_in = nn.Linear(1 if just_counter else num_coords + 1, d_model)
        self.decoder = Decoder(d_model, heads, ff, layers, dropout)
        self.head = nn.Linear(d_model, future_frames * num_coords + 1)

    def next_frame(self, predictions: torch.Tensor) -> torch.Tensor:
        """(..., future_frames * num_coords + 1) predictions -> (..., num_coords + 1) first frame + counter."""
        return torch.cat([predictions[..., : self.num_coords], predictions[..., -1:]], dim=-1)

    def forward(self, frames, memory, memory_mask, cache=None) -> torch.Tensor:
        """Input frames (B, T, num_coords + 1) -> predictions (B, T, future_frames * num_coords + 1)."""
        inputs = frames[..., -1:] if self.just_counter else frames
        return self.head(self.decoder(self.frame_in(inputs), memory, memory_mask, cache))

    @torch.no_grad()
    def generate(
        self, start_frame, memory, memory_mask, max_frames: int, use_cache: bool = True
    ) -> tuple[torch.Tensor, torch.Tensor]:
        """Decode from ``start_frame`` (num_coords + 1,) until every clip's counter reaches 1 or max_frames.

        Returns frames (B, T, num_coords + 1), zero after each clip's end, and lengths (B,). Without the
        cache every step re-runs the decoder over all previous frames (the reference it must match).
        """
        batch = memory.shape[0]
        frames = start_frame.expand(batch, 1, -1)  # the start frame, then every generated frame
        cache = self.decoder.new_cache() if use_cache else None
        lengths = torch.full((batch,), max_frames, dtype=torch.long, device=memory.device)
        done = torch.zeros(batch, dtype=torch.bool, device=memory.device)
        for step in range(max_frames):
            inputs = frames[:, -1:] if use_cache else frames
            frame = self.next_frame(self(inputs, memory, memory_mask, cache)[:, -1:])
            counter, previous = frame[:, 0, -1], frames[:, -1, -1]
            ended = (counter >= 1 - (counter - previous).clamp(min=0) / 2) & ~done
            lengths[ended] = step + 1
            done |= ended
            frames = torch.cat([frames, frame], dim=1)
            if done.all():
                break
        frames = frames[:, 1:]
        valid = torch.arange(frames.shape[1], device=frames.device) < lengths[:, None]
        return frames * valid[..., None], lengths
