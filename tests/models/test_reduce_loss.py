"""The per-sample loss hook: mean by default, the PLC's skip rule and the RL loss's weights plug in there."""

import torch

from signllm.losses.rl import RLLoss
from signllm.models import MLSFModule

from .model_fixtures import TINY


def test_default_reduction_is_the_mean(info, batch):
    module = MLSFModule(info, TINY)
    assert module.plc is None and module.configure_callbacks() == []
    per_sample = torch.tensor([1.0, 2.0, 3.0, 6.0])
    assert module.reduce_loss(per_sample, batch).item() == 3.0


def test_plc_from_augmentation_skips_low_reward_batches(info, batch):
    module = MLSFModule(info, TINY, augmentation={"plc": {"skip_window": 2}}, loss=RLLoss(importance_beta=1.0))
    assert module.configure_callbacks() == [module.plc]
    module.plc.build_sampler(range(4), 4)  # the DataModule does this through train_batch_sampler
    good = module.reduce_loss(torch.tensor([1.0, 1.0, 2.0, 2.0]), batch)
    probabilities = module.plc.probabilities(batch["index"])
    expected = module.loss.reduce(torch.tensor([1.0, 1.0, 2.0, 2.0]), probabilities)
    assert torch.isclose(good, expected)
    module.reduce_loss(torch.ones(4), batch)
    assert module.reduce_loss(torch.full((4,), 9.0), batch) is None  # reward below the recent median
    module.plc.gate.recent.extend([-100.0, -100.0])  # a batch better than recent ones trains
    assert module.training_step(batch, 0) is not None
