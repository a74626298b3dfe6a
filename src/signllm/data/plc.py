"""Priority Learning Channel sampler: training clips drawn by priority, one global draw shared by all ranks.

Priorities come from each clip's latest reward r_i (the negative per-sample training loss; the channel
calls ``update`` after every step) and the preference ``prefer``: the score is s_i = r_i for
``high_reward`` (the paper: "prioritise time spent on high rewards") or -r_i for ``low_reward``
(hard-example mining). ``priority`` maps scores to priorities p(i):

- ``rank``: p(i) = 1 / rank(i), rank 1 = highest score, ties share the best rank (scale-free, as in
  rank-based prioritized experience replay);
- ``exp``: p(i) = exp(z_i), z_i the score standardised over the clips seen so far.

Clips not seen yet rank with the best, so priorities start uniform and new clips are visited first.
Clips are drawn with replacement, P(i) = p(i)^eta / sum_j p(j)^eta (eta = 0: uniform).

Distribution: all ranks hold the same rewards (the channel gathers them) and seed, so they draw the same
global batches of ``batch_size * num_replicas`` clips; rank r takes the r-th slice of each, so ranks
share no draw. An epoch is as many global batches as cover the dataset once; the draws are renewed from
the current priorities every ``refresh_every`` batches (None: once per epoch).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import numpy as np
import torch
from torch.utils.data import Sampler

PREFERENCES = ("high_reward", "low_reward")
PRIORITIES = ("rank", "exp")


def log_priorities(rewards: np.ndarray, prefer: str = "high_reward", priority: str = "rank") -> np.ndarray:
    """log p(i) for rewards (N,), NaN where a clip has not been seen yet."""
    score = rewards if prefer == "high_reward" else -rewards
    seen = ~np.isnan(score)
    if priority == "rank":
        score = np.where(seen, score, np.inf)
        better = len(score) - np.searchsorted(np.sort(score), score, side="right")
        return -np.log1p(better)
    if not seen.any():
        return np.zeros_like(score)
    z = (score - score[seen].mean()) / max(score[seen].std(), np.finfo(score.dtype).tiny)
    return np.where(seen, z, z[seen].max())


class PrioritySampler(Sampler[list[int]]):
    """Batches of ``batch_size`` (per rank) clip indices for rank ``rank`` of ``num_replicas``, by priority."""

    def __init__(
        self,
        num_samples: int,
        batch_size: int,
        num_replicas: int = 1,
        rank: int = 0,
        seed: int = 0,
        on_epoch: Callable[[int], None] | None = None,
        eta: float = 0.5,
        prefer: str = "high_reward",
        priority: str = "rank",
        refresh_every: int | None = None,
    ):
        if num_samples < 1 or batch_size < 1 or not 0 <= rank < num_replicas:
            raise ValueError(
                "need num_samples >= 1, batch_size >= 1 and 0 <= rank < num_replicas, "
                f"got {num_samples}, {batch_size}, {rank}, {num_replicas}"
            )
        if prefer not in PREFERENCES or priority not in PRIORITIES or eta < 0:
            raise ValueError(
                f"plc.prefer must be one of {PREFERENCES}, plc.priority one of {PRIORITIES} and plc.eta >= 0, "
                f"got {prefer!r}, {priority!r}, {eta}"
            )
        if refresh_every is not None and refresh_every < 1:
            raise ValueError(f"plc.refresh_every must be >= 1 batch or null, got {refresh_every}")
        self.batch_size, self.num_replicas, self.rank = batch_size, num_replicas, rank
        self.seed, self.epoch, self.on_epoch = seed, 0, on_epoch
        self.eta, self.prefer, self.priority, self.refresh_every = eta, prefer, priority, refresh_every
        self.rewards = np.full(num_samples, np.nan)
        self.drawn_from = self.probabilities()  # P(i) of the latest draw, for importance weights

    def probabilities(self) -> np.ndarray:
        """P(i) = p(i)^eta / sum_j p(j)^eta from the current rewards, (N,)."""
        logits = self.eta * log_priorities(self.rewards, self.prefer, self.priority)
        weights = np.exp(logits - logits.max())
        return weights / weights.sum()

    def update(self, index: torch.Tensor, rewards: torch.Tensor) -> None:
        """Record the latest rewards of clips ``index``; a clip drawn several times gets their mean."""
        index, rewards = index.detach().cpu().numpy(), rewards.detach().cpu().double().numpy()
        clips, slot = np.unique(index, return_inverse=True)
        self.rewards[clips] = np.bincount(slot, rewards) / np.bincount(slot)

    def set_epoch(self, epoch: int) -> None:
        """New draws for ``epoch`` (Lightning calls this); ``on_epoch`` passes it on, e.g. to the dataset."""
        self.epoch = epoch
        if self.on_epoch is not None:
            self.on_epoch(epoch)

    def __len__(self) -> int:
        return -(-len(self.rewards) // (self.batch_size * self.num_replicas))

    def __iter__(self) -> Iterator[list[int]]:
        rng = np.random.default_rng([self.seed, self.epoch])
        mine = slice(self.rank * self.batch_size, (self.rank + 1) * self.batch_size)
        refresh = self.refresh_every or len(self)
        for start in range(0, len(self), refresh):
            self.drawn_from = self.probabilities()
            count = min(refresh, len(self) - start)
            shape = (count, self.batch_size * self.num_replicas)
            draws = rng.choice(len(self.rewards), size=shape, p=self.drawn_from)
            for batch in draws:
                yield batch[mine].tolist()

    def state_dict(self) -> dict:
        return {"rewards": torch.from_numpy(self.rewards.copy())}

    def load_state_dict(self, state: dict) -> None:
        rewards = state["rewards"].numpy()
        if rewards.shape != self.rewards.shape:
            raise ValueError(f"PLC priorities are for {len(rewards)} clips, the training set has {len(self.rewards)}")
        self.rewards = rewards.copy()
