"""Length-bucketed, distributed batch sampler: clips of similar length share a batch, ranks share nothing.

Handles distribution itself (the trainer runs with ``use_distributed_sampler=False``). Each rank gets
the same number of batches, as DDP requires. Shuffled (training): every epoch the indices are permuted
with ``(seed, epoch)``, cut into pools of ``pool_batches`` global batches, each pool sorted by length
and cut into global batches of ``batch_size * num_replicas`` whose order is shuffled again; rank r takes
the r-th slice of each global batch, so ranks are disjoint and the fewer than ``num_replicas`` samples
left over are dropped (different ones each epoch). In order (evaluation): batches follow the index
order, and the last global batch is padded with the first indices so every rank gets a batch.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence

import numpy as np
from torch.utils.data import Sampler


class LengthBucketBatchSampler(Sampler[list[int]]):
    """Batches of ``batch_size`` (per rank) dataset indices for one rank of ``num_replicas``."""

    def __init__(
        self,
        lengths: Sequence[int],
        batch_size: int,
        num_replicas: int = 1,
        rank: int = 0,
        shuffle: bool = True,
        seed: int = 0,
        drop_last: bool = False,
        pool_batches: int = 50,
        on_epoch: Callable[[int], None] | None = None,
    ):
        if batch_size < 1 or not 0 <= rank < num_replicas:
            raise ValueError(
                f"need batch_size >= 1 and 0 <= rank < num_replicas, got {batch_size=}, {rank=}, {num_replicas=}"
            )
        self.lengths = np.asarray(lengths)
        self.batch_size, self.num_replicas, self.rank = batch_size, num_replicas, rank
        self.shuffle, self.seed, self.drop_last, self.pool_batches = shuffle, seed, drop_last, pool_batches
        self.epoch, self.on_epoch = 0, on_epoch

    @property
    def sampler(self) -> LengthBucketBatchSampler:
        """Itself: Lightning calls ``set_epoch`` on ``dataloader.batch_sampler.sampler`` each epoch."""
        return self

    def set_epoch(self, epoch: int) -> None:
        """Reshuffle for ``epoch`` (Lightning calls this); ``on_epoch`` passes it on, e.g. to the dataset."""
        self.epoch = epoch
        if self.on_epoch is not None:
            self.on_epoch(epoch)

    def _global_batches(self) -> list[np.ndarray]:
        size = self.batch_size * self.num_replicas
        if not self.shuffle:
            order = np.arange(len(self.lengths))
            if len(order) % size and not self.drop_last:
                shortfall = -len(order) % self.num_replicas
                order = np.concatenate([order, np.resize(order, shortfall)])
            return [order[start : start + size] for start in range(0, len(order), size)]
        rng = np.random.default_rng([self.seed, self.epoch])
        order = rng.permutation(len(self.lengths))
        order = order[: len(order) - len(order) % self.num_replicas]
        batches = []
        pool = size * self.pool_batches
        for start in range(0, len(order), pool):
            chunk = order[start : start + pool]
            chunk = chunk[np.argsort(self.lengths[chunk], kind="stable")]
            batches += [chunk[at : at + size] for at in range(0, len(chunk), size)]
        return [batches[i] for i in rng.permutation(len(batches))]

    def __iter__(self) -> Iterator[list[int]]:
        full = self.batch_size * self.num_replicas
        for batch in self._global_batches():
            if len(batch) < full and self.drop_last:
                continue
            share = len(batch) // self.num_replicas
            yield batch[self.rank * share : (self.rank + 1) * share].tolist()

    def __len__(self) -> int:
        full = self.batch_size * self.num_replicas
        usable = len(self.lengths) - (len(self.lengths) % self.num_replicas if self.shuffle else 0)
        if not self.shuffle and not self.drop_last:
            usable += -usable % self.num_replicas
        return usable // full if self.drop_last else -(-usable // full)
