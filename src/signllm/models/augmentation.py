"""Training augmentations of the progressive decoder: future prediction (FP), Gaussian noise (GN),
just counter (JC). PLC settings are carried along for the priority sampler.

Each ``conf/augmentation/*.yaml`` sets only its own keys, so several merge (``augmentation=[fp,gn]``);
a missing key means that augmentation is off.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import Any

import torch
from torch import nn

from signllm.skeleton import COUNTER, NUM_COORDS


@dataclass(frozen=True)
class Augmentation:
    future_frames: int = 1  # FP: frames predicted per step (1 = only the next frame)
    noise_rate: float = 0.0  # GN: input noise std = rate x previous epoch's prediction-error std
    just_counter: bool = False  # JC: the decoder reads only the counter
    plc: Any = None  # Priority Learning Channel settings, read by the sampler

    @classmethod
    def from_config(cls, config: Mapping | None) -> Augmentation:
        config = dict(config or {})
        known = {f.name for f in fields(cls)}
        if unknown := sorted(set(config) - known):
            raise ValueError(f"unknown augmentation key(s) {unknown}; expected some of {sorted(known)}")
        augmentation = cls(**config)
        if int(augmentation.future_frames) != augmentation.future_frames or augmentation.future_frames < 1:
            raise ValueError(f"augmentation.future_frames must be an integer >= 1, got {augmentation.future_frames}")
        if augmentation.noise_rate < 0:
            raise ValueError(f"augmentation.noise_rate must be >= 0, got {augmentation.noise_rate}")
        if augmentation.just_counter and augmentation.noise_rate:
            raise ValueError(
                "augmentation.just_counter=true cannot be combined with augmentation.noise_rate="
                f"{augmentation.noise_rate}: a decoder that reads only the counter has no input frames to noise"
            )
        return augmentation

    def decoder_inputs(self, frames: torch.Tensor, start_frame: torch.Tensor) -> torch.Tensor:
        """Teacher forcing: step t reads frame t-1 (step 0 the start frame), frames (B, T, FRAME_SIZE)."""
        start = start_frame.expand(frames.shape[0], 1, -1).to(frames.dtype)
        return torch.cat([start, frames[:, :-1]], dim=1)

    def targets(self, frames: torch.Tensor, lengths: torch.Tensor) -> torch.Tensor:
        """Step t's target: frames t .. t+N-1 stacked (past the clip's end, its last frame) + counter of t."""
        steps = torch.arange(frames.shape[1], device=frames.device)
        ahead = steps[:, None] + torch.arange(self.future_frames, device=frames.device)  # (T, N)
        last = (lengths - 1).clamp(min=0)[:, None, None]
        index = torch.minimum(ahead[None], last)  # (B, T, N)
        coords = frames[..., :NUM_COORDS]
        future = coords.gather(1, index.flatten(1)[..., None].expand(-1, -1, NUM_COORDS))  # (B, T*N, NUM_COORDS)
        return torch.cat([future.reshape(*frames.shape[:2], -1), frames[..., COUNTER:]], dim=-1)


class InputNoise(nn.Module):
    """GN: tracks the per-coordinate std of the prediction error over an epoch; noises decoder inputs
    with the previous epoch's std x rate x N(0, 1). The counter is never noised."""

    def __init__(self, rate: float):
        super().__init__()
        self.rate = rate
        self.register_buffer("std", torch.zeros(NUM_COORDS))  # previous epoch's error std
        self.register_buffer("error_sum", torch.zeros(NUM_COORDS, dtype=torch.float64))
        self.register_buffer("error_squares", torch.zeros(NUM_COORDS, dtype=torch.float64))
        self.register_buffer("count", torch.zeros((), dtype=torch.float64))

    @torch.no_grad()
    def track(self, predicted: torch.Tensor, target: torch.Tensor, mask: torch.Tensor) -> None:
        """Add the errors of predicted vs target coordinates (B, T, >= NUM_COORDS) on real frames."""
        error = (predicted[..., :NUM_COORDS] - target[..., :NUM_COORDS])[mask].double()
        self.error_sum += error.sum(0)
        self.error_squares += error.square().sum(0)
        self.count += error.shape[0]

    @torch.no_grad()
    def end_epoch(self) -> None:
        if self.count > 1:
            mean = self.error_sum / self.count
            variance = (self.error_squares / self.count - mean.square()).clamp(min=0)
            self.std.copy_(variance.sqrt().float())
        for buffer in (self.error_sum, self.error_squares, self.count):
            buffer.zero_()

    def forward(self, inputs: torch.Tensor) -> torch.Tensor:
        noise = torch.randn_like(inputs[..., :NUM_COORDS]) * self.std * self.rate
        return torch.cat([inputs[..., :NUM_COORDS] + noise, inputs[..., COUNTER:]], dim=-1)
