"""Pose frames -> encoder memory for back-translation (pose -> text).

Only coordinates are read: the counter is the production model's own timing signal, and an evaluator
that read it could score a clip by its counter instead of its motion. Coordinates are centred on the
training mean pose and cut into patches of ``stride`` frames (one vector each), which shortens the
sequence the transformer attends over.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from signllm.models.components.transformer import Encoder


class PoseEncoder(nn.Module):
    def __init__(self, mean_pose: torch.Tensor, d_model: int, heads: int, ff: int, layers: int, dropout: float, stride: int):
        super().__init__()
        self.stride = stride
        self.register_buffer("mean_coords", torch.as_tensor(mean_pose, dtype=torch.float32)[:-1].clone())
        self.patch = nn.Linear(stride * len(self.mean_coords), d_model)
        self.norm = nn.LayerNorm(d_model)
        self.encoder = Encoder(d_model, heads, ff, layers, dropout)

    def forward(self, frames: torch.Tensor, mask: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """frames (B, T, coordinates + counter), mask (B, T) -> memory (B, ceil(T / stride), D) and its mask."""
        coords = (frames[..., :-1] - self.mean_coords) * mask.unsqueeze(-1)
        padding = -coords.shape[1] % self.stride
        coords = F.pad(coords, (0, 0, 0, padding))
        patches = coords.unflatten(1, (-1, self.stride)).flatten(2)
        memory_mask = F.pad(mask, (0, padding))[:, :: self.stride]
        return self.encoder(self.norm(self.patch(patches)), memory_mask), memory_mask
