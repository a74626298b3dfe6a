"""The RL loss: training as reward maximisation, each clip an episode.

The agent (the model) produces a clip's frames; its reward is the negative MSE to the target over every
value of every real frame, the counter included (the reward also judges when the clip should end):

    r_i = -MSE_i

The objective is the expected reward over the training set, J = (1/N) sum_i r_i: maximising it is
minimising the summed MSE. When the Priority Learning Channel draws clips with probabilities P(i)
instead of uniformly, a batch b estimates J with self-normalised importance weights tempered by beta
(prioritized experience replay's correction):

    w_i = (N P(i))^-beta,        L = -sum_{i in b} w_i r_i / sum_{i in b} w_i

beta = 0 (the default: the paper's loss), or uniform sampling, gives w_i = 1 and L = the mean MSE exactly;
beta = 1 fully corrects for the prioritised sampling (up to the self-normalisation).
"""

from __future__ import annotations

import torch

from signllm.losses.regression import MSELoss


class RLLoss(MSELoss):
    """Per sample the negative reward -r_i = MSE_i (B,); ``reduce`` combines a batch into L."""

    def __init__(self, importance_beta: float = 0.0):
        super().__init__()
        if not 0 <= importance_beta <= 1:
            raise ValueError(f"loss.importance_beta must be in [0, 1], got {importance_beta}")
        self.importance_beta = importance_beta

    def reduce(self, per_sample: torch.Tensor, probabilities: torch.Tensor | None = None) -> torch.Tensor:
        """L from per-sample -r_i (B,) and the sampling probabilities P(i) (B,) of the batch's clips (None:
        uniform). N cancels in the ratio, so only P is needed."""
        if probabilities is None or self.importance_beta == 0:
            return per_sample.mean()
        log_weights = -self.importance_beta * probabilities.double().log()
        weights = (log_weights - log_weights.max()).exp().to(per_sample.dtype)
        return (weights * per_sample).sum() / weights.sum()
