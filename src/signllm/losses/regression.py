"""Regression losses between predicted and target frames, one value per sample.

Predictions and targets hold coordinates (one or more stacked frames) followed by the counter in the
last column. Per frame, the loss is the mean coordinate error + ``counter_weight`` x the counter
error: the counter decides when generation stops, so it must not be drowned by the hundreds of
coordinates. With ``weights`` (a point's confidence, per coordinate) the coordinate error is a weighted
mean, so a point the detector missed is not a target. Per sample, frames are averaged over the real ones,
so long and short clips weigh the same and the module (RL, PLC) decides how samples are combined.
"""

from __future__ import annotations

import torch
from torch import nn


class FrameLoss(nn.Module):
    """pred, target (B, T, D) with the counter last, mask (B, T), optional coordinate weights (B, T, D - 1)
    -> per-sample loss (B,)."""

    def __init__(self, counter_weight: float = 1.0):
        super().__init__()
        self.counter_weight = counter_weight

    def error(self, difference: torch.Tensor) -> torch.Tensor:
        raise NotImplementedError

    def forward(
        self, pred: torch.Tensor, target: torch.Tensor, mask: torch.Tensor, weights: torch.Tensor | None = None
    ) -> torch.Tensor:
        error = self.error(pred - target)
        coords = error[..., :-1]
        if weights is None:
            coordinate_error = coords.mean(-1)
        else:
            coordinate_error = (coords * weights).sum(-1) / weights.sum(-1).clamp(min=1e-6)
        per_frame = (coordinate_error + self.counter_weight * error[..., -1]) * mask
        return per_frame.sum(1) / mask.sum(1).clamp(min=1)

    def reduce(self, per_sample: torch.Tensor, probabilities: torch.Tensor | None = None) -> torch.Tensor:
        """The batch loss from per-sample losses (B,); ``probabilities``: how the samples were drawn."""
        return per_sample.mean()


class MSELoss(FrameLoss):
    """Squared error (Progressive Transformers' loss, with the counter weighted)."""

    def error(self, difference: torch.Tensor) -> torch.Tensor:
        return difference.square()


class L1Loss(FrameLoss):
    """Absolute error."""

    def error(self, difference: torch.Tensor) -> torch.Tensor:
        return difference.abs()
