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

from signllm.cli import ConfigError


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
            raise ConfigError(f"unknown augmentation key(s) {unknown}; expected some of {sorted(known)}")
        augmentation = cls(**config)
        if int(augmentation.future_frames) != augmentation.future_frames or augmentation.future_frames < 1:
            raise ConfigError(f"augmentation.future_frames must be an integer >= 1, got {augmentation.future_frames}")
        if augmentation.noise_rate < 0:
            raise ConfigError(f"augmentation.noise_rate must be >= 0, got {augmentation.noise_rate}")
        if augmentation.just_counter and augmentation.noise_rate:
            raise ConfigError(
                "augmentation.just_counter=true cannot be combined with augmentation.noise_rate="
                f"{augmentation.noise_rate}: a decoder that reads only the counter has no input frames to noise"
            )
        return augmentation

    def decoder_inputs(self, frames: torch.Tensor, start_frame: torch.Tensor) -> torch.Tensor:
        """Teacher forcing: step t reads frame t-1 (step 0 the start frame), frames (B, T, frame_size)."""
        start = start_frame.expand(frames.shape[0], 1, -1).to(frames.dtype)
        return torch.cat([start, frames[:, :-1]], dim=1)

    def future(self, values: torch.Tensor, lengths: torch.Tensor) -> torch.Tensor:
        """(B, T, C) per-frame values -> (B, T, N * C): step t holds frames t .. t+N-1 (past the clip's end,
        its last frame)."""
        steps = torch.arange(values.shape[1], device=values.device)
        ahead = steps[:, None] + torch.arange(self.future_frames, device=values.device)  # (T, N)
        last = (lengths - 1).clamp(min=0)[:, None, None]
        index = torch.minimum(ahead[None], last).flatten(1)  # (B, T * N)
        gathered = values.gather(1, index[..., None].expand(-1, -1, values.shape[-1]))  # (B, T * N, C)
        return gathered.reshape(*values.shape[:2], -1)

    def targets(self, frames: torch.Tensor, lengths: torch.Tensor) -> torch.Tensor:
        """Step t's target: the coordinates of frames t .. t+N-1 stacked, then the counter of frame t."""
        return torch.cat([self.future(frames[..., :-1], lengths), frames[..., -1:]], dim=-1)

    def target_weights(self, confidence: torch.Tensor, lengths: torch.Tensor, dims: int) -> torch.Tensor:
        """Weights of the target coordinates (B, T, N * points * dims): each point's confidence, per coordinate."""
        return self.future(confidence.repeat_interleave(dims, dim=-1), lengths)


class InputNoise(nn.Module):
    """GN: tracks the per-coordinate std of the prediction error over an epoch; noises decoder inputs
    with the previous epoch's std x rate x N(0, 1). The counter is never noised."""

    def __init__(self, rate: float, num_coords: int):
        super().__init__()
        self.rate, self.num_coords = rate, num_coords
        self.register_buffer("std", torch.zeros(num_coords))  # previous epoch's error std
        self.register_buffer("error_sum", torch.zeros(num_coords, dtype=torch.float64))
        self.register_buffer("error_squares", torch.zeros(num_coords, dtype=torch.float64))
        self.register_buffer("count", torch.zeros((), dtype=torch.float64))

    @torch.no_grad()
    def track(self, predicted: torch.Tensor, target: torch.Tensor, mask: torch.Tensor) -> None:
        """Add the errors of predicted vs target coordinates (B, T, >= num_coords) on real frames."""
        coords = self.num_coords
        error = (predicted[..., :coords] - target[..., :coords])[mask].double()
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
        noise = torch.randn_like(inputs[..., :-1]) * self.std * self.rate
        return torch.cat([inputs[..., :-1] + noise, inputs[..., -1:]], dim=-1)
