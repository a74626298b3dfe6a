"""The channel in a real Lightning loop: skip rule, weights untouched on skipped batches, checkpoints."""

import numpy as np
import pytest
import torch
from lightning.pytorch import Callback, LightningDataModule, LightningModule, Trainer
from torch.utils.data import DataLoader, Dataset

from signllm.callbacks.plc import PriorityLearningChannel, RewardGate


class Pairs(Dataset):
    """Regression pairs whose targets differ in scale, so batch rewards vary."""

    def __init__(self, size: int = 32):
        generator = torch.Generator().manual_seed(0)
        self.inputs = torch.randn(size, 4, generator=generator)
        self.targets = torch.randn(size, 4, generator=generator) * torch.linspace(0.1, 3, size)[:, None]

    def __len__(self):
        return len(self.inputs)

    def __getitem__(self, index):
        return {"x": self.inputs[index], "y": self.targets[index], "index": index}


class PairsData(LightningDataModule):
    """Like SignDataModule: the train loader uses ``train_batch_sampler`` when one is set."""

    train_batch_sampler = None

    def train_dataloader(self):
        dataset = Pairs()
        return DataLoader(dataset, batch_sampler=self.train_batch_sampler(range(len(dataset)), 4, seed=5))


class Regressor(LightningModule):
    def __init__(self, **plc):
        super().__init__()
        self.layer = torch.nn.Linear(4, 4)
        self.plc = PriorityLearningChannel(**plc)
        self.skipped = []  # per batch

    def configure_callbacks(self):
        return [self.plc]

    def training_step(self, batch, batch_idx):
        per_sample = (self.layer(batch["x"]) - batch["y"]).square().mean(-1)
        self.skipped.append(self.plc.skip(per_sample, batch["index"]))
        return None if self.skipped[-1] else per_sample.mean()

    def configure_optimizers(self):
        return torch.optim.Adam(self.parameters(), lr=0.01)


class WeightWatch(Callback):
    """Which steps changed the weights."""

    def __init__(self):
        self.changed = []

    def on_train_batch_start(self, trainer, pl_module, batch, batch_idx):
        self.before = [p.detach().clone() for p in pl_module.parameters()]

    def on_train_batch_end(self, trainer, pl_module, outputs, batch, batch_idx):
        after = list(pl_module.parameters())
        self.changed.append(any(not torch.equal(a, b) for a, b in zip(after, self.before)))


def trainer(steps: int, **options) -> Trainer:
    return Trainer(
        max_steps=steps, accelerator="cpu", logger=False, enable_checkpointing=False, enable_progress_bar=False,
        enable_model_summary=False, gradient_clip_val=1.0, **options,
    )


def test_gate_skips_below_the_quantile_of_recent_rewards_after_warm_up():
    gate = RewardGate(quantile=0.5, window=3)
    decisions = [gate.skip(r) for r in (-9, -1, -2, -5, -1.5, -3, -4)]
    assert decisions == [False, False, False, True, False, True, True]
    assert gate.skipped == 3
    never = RewardGate(quantile=None, window=1)
    assert not any(never.skip(r) for r in (0, -1, -2))


def test_skipped_batches_leave_the_weights_untouched():
    model, watch = Regressor(skip_window=3, refresh_every=2), WeightWatch()
    fitted = trainer(16, callbacks=[watch])
    fitted.fit(model, PairsData())
    skipped = model.skipped
    assert 0 < sum(skipped) < len(skipped) == 16
    assert watch.changed == [not s for s in skipped]
    assert fitted.callback_metrics["train/plc_skipped"] == model.plc.gate.skipped == sum(skipped)


def test_priorities_and_skip_window_survive_a_checkpoint(tmp_path):
    model, resumed = Regressor(skip_window=3), Regressor(skip_window=3)
    fitted = trainer(6)
    fitted.fit(model, PairsData())
    fitted.save_checkpoint(tmp_path / "plc.ckpt")
    trainer(6).fit(resumed, PairsData(), ckpt_path=tmp_path / "plc.ckpt")  # restores, no further step
    assert not np.isnan(model.plc.sampler.rewards).all()
    np.testing.assert_array_equal(resumed.plc.sampler.rewards, model.plc.sampler.rewards)
    assert resumed.plc.gate.state_dict() == model.plc.gate.state_dict()


def test_skip_needs_the_sampler():
    with pytest.raises(RuntimeError, match="train_batch_sampler"):
        PriorityLearningChannel().skip(torch.zeros(2), torch.arange(2))
