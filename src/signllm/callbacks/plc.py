"""Priority Learning Channel (PLC): prioritised sampling of training clips and the batch-skip rule.

The production module builds the channel from ``augmentation.plc`` and returns it from
``configure_callbacks``. The channel then
- hands its ``build_sampler`` to the DataModule (``train_batch_sampler``) before the train loader is made;
- in the module's ``reduce_loss``, ``skip(per_sample_loss, index)`` gathers the batch's rewards (negative
  per-sample losses) from all ranks, updates every rank's priorities identically, and tells whether the
  batch is skipped; ``probabilities(index)`` gives the P(i) the batch was drawn with (RL loss weights);
- logs the skip count and the batch reward, and saves/restores priorities and the skip window in
  checkpoints.

Skip rule ("a batch whose reward is below 50% is skipped"): a batch is skipped, i.e. does not update the
weights, when its mean reward over all ranks is below the ``skip_quantile`` quantile of the previous
``skip_window`` batch rewards; the first ``skip_window`` batches are never skipped; ``skip_quantile``
None never skips. All ranks see the same rewards, so they skip together, as DDP requires.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Sized

import numpy as np
import torch
import torch.distributed as dist
from lightning.pytorch import Callback

from signllm.data.plc import PrioritySampler


def gather(values: torch.Tensor) -> torch.Tensor:
    """``values`` (B,) of every rank, concatenated in rank order (the same on all ranks)."""
    if not (dist.is_available() and dist.is_initialized()):
        return values
    parts = [torch.empty_like(values) for _ in range(dist.get_world_size())]
    dist.all_gather(parts, values.contiguous())
    return torch.cat(parts)


class RewardGate:
    """The skip rule over a window of recent batch rewards."""

    def __init__(self, quantile: float | None = 0.5, window: int = 100):
        if window < 1 or (quantile is not None and not 0 <= quantile <= 1):
            raise ValueError(
                f"plc.skip_quantile must be in [0, 1] or null and plc.skip_window >= 1, got {quantile}, {window}"
            )
        self.quantile = quantile
        self.recent = deque(maxlen=window)
        self.skipped = 0

    def skip(self, reward: float) -> bool:
        """Whether a batch of mean reward ``reward`` is skipped; the reward joins the window either way."""
        full = len(self.recent) == self.recent.maxlen
        skip = bool(self.quantile is not None and full and reward < np.quantile(self.recent, self.quantile))
        self.recent.append(reward)
        self.skipped += skip
        return skip

    def state_dict(self) -> dict:
        return {"recent": list(self.recent), "skipped": self.skipped}

    def load_state_dict(self, state: dict) -> None:
        self.recent.clear()
        self.recent.extend(state["recent"])
        self.skipped = state["skipped"]


class PriorityLearningChannel(Callback):
    """PLC settings (the ``augmentation.plc`` keys) and state: the sampler's priorities and the skip gate."""

    def __init__(
        self,
        eta: float = 0.5,
        prefer: str = "high_reward",
        priority: str = "rank",
        refresh_every: int | None = 50,
        skip_quantile: float | None = 0.5,
        skip_window: int = 100,
    ):
        self.sampling = dict(eta=eta, prefer=prefer, priority=priority, refresh_every=refresh_every)
        self.gate = RewardGate(skip_quantile, skip_window)
        self.sampler: PrioritySampler | None = None
        self.batch_reward = float("nan")
        self._restored: dict | None = None  # sampler state loaded before the sampler exists

    def build_sampler(
        self,
        lengths: Sized,
        batch_size: int,
        num_replicas: int = 1,
        rank: int = 0,
        seed: int = 0,
        on_epoch: Callable[[int], None] | None = None,
    ) -> PrioritySampler:
        """The train batch sampler, called like ``LengthBucketBatchSampler`` (only ``len(lengths)`` is used);
        a rebuilt sampler keeps the priorities."""
        previous = self.sampler.state_dict() if self.sampler is not None else self._restored
        self.sampler = PrioritySampler(
            len(lengths), batch_size, num_replicas, rank, seed, on_epoch, **self.sampling
        )
        if previous is not None:
            self.sampler.load_state_dict(previous)
        return self.sampler

    def skip(self, per_sample_loss: torch.Tensor, index: torch.Tensor) -> bool:
        """Record the batch's rewards -loss_i (all ranks) as priorities; whether the batch is skipped."""
        if self.sampler is None:
            raise RuntimeError(
                "augmentation.plc needs its sampler: the train DataLoader must use "
                "PriorityLearningChannel.build_sampler (SignDataModule.train_batch_sampler)"
            )
        rewards, index = gather(-per_sample_loss.detach()), gather(index)
        self.sampler.update(index, rewards)
        self.batch_reward = rewards.mean().item()
        return self.gate.skip(self.batch_reward)

    def probabilities(self, index: torch.Tensor) -> torch.Tensor:
        """P(i) with which clips ``index`` (B,) were drawn."""
        return torch.as_tensor(self.sampler.drawn_from[index.cpu().numpy()], device=index.device)

    # --- Lightning hooks ---------------------------------------------------------------------------

    def setup(self, trainer, pl_module, stage: str) -> None:
        if trainer.datamodule is not None:
            trainer.datamodule.train_batch_sampler = self.build_sampler

    def on_train_batch_end(self, trainer, pl_module, outputs, batch, batch_idx: int) -> None:
        pl_module.log("train/plc_skipped", float(self.gate.skipped))
        pl_module.log("train/plc_reward", self.batch_reward)

    def state_dict(self) -> dict:
        sampler = self.sampler.state_dict() if self.sampler is not None else self._restored
        return {"gate": self.gate.state_dict(), "sampler": sampler}

    def load_state_dict(self, state: dict) -> None:
        self.gate.load_state_dict(state["gate"])
        self._restored = state["sampler"]
        if self.sampler is not None and self._restored is not None:
            self.sampler.load_state_dict(self._restored)
