"""The RL loss: reward -MSE, importance-weighted reduction, neutral setting = the MSE loss."""

from pathlib import Path

import pytest
import torch
from hydra.utils import instantiate
from omegaconf import OmegaConf

from signllm.losses import MSELoss
from signllm.losses.rl import RLLoss
from ..layouts import OPENPOSE50

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def batch():
    generator = torch.Generator().manual_seed(0)
    pred, target = torch.randn(2, 4, 6, OPENPOSE50.frame_size, generator=generator)
    mask = torch.arange(6)[None] < torch.tensor([[6], [3], [1], [5]])
    probabilities = torch.tensor([0.5, 0.1, 0.3, 0.1])
    return pred, target, mask, probabilities


def test_neutral_setting_is_exactly_the_mse_loss(batch):
    pred, target, mask, probabilities = batch
    mse = MSELoss()(pred, target, mask)
    for loss in (RLLoss(), RLLoss(importance_beta=0.7)):
        per_sample = loss(pred, target, mask)
        assert torch.equal(per_sample, mse)  # -r_i, counter included
        assert torch.equal(loss.reduce(per_sample), mse.mean())
    assert torch.equal(RLLoss().reduce(mse, probabilities), mse.mean())
    uniform = torch.full((4,), 0.25)
    torch.testing.assert_close(RLLoss(importance_beta=1.0).reduce(mse, uniform), mse.mean())


def test_importance_weights_follow_the_formula(batch):
    pred, target, mask, probabilities = batch
    loss = RLLoss(importance_beta=0.5)
    per_sample = loss(pred, target, mask)
    weights = (len(probabilities) * probabilities) ** -0.5
    expected = (weights * per_sample).sum() / weights.sum()
    torch.testing.assert_close(loss.reduce(per_sample, probabilities), expected)
    pred.requires_grad_(True)
    loss.reduce(loss(pred, target, mask), probabilities).backward()
    assert pred.grad[~mask].abs().sum() == 0 and pred.grad.abs().sum() > 0


def test_config_builds_the_loss():
    loss = instantiate(OmegaConf.load(REPO / "conf/loss/rl.yaml"))
    assert isinstance(loss, RLLoss) and loss.importance_beta == 0.0
    with pytest.raises(ValueError, match="importance_beta"):
        RLLoss(importance_beta=2.0)
