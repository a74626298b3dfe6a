"""Per-sample training losses: ``loss(pred, target, mask) -> (B,)``; the module reduces them."""

from signllm.losses.regression import L1Loss, MSELoss

__all__ = ["L1Loss", "MSELoss"]
