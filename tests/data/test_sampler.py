"""Length-bucketed distributed batch sampler: disjoint ranks, equal batch counts, similar lengths."""

import numpy as np
import pytest

from signllm.data.sampler import LengthBucketBatchSampler

LENGTHS = np.random.default_rng(0).integers(5, 300, 203)


def _ranks(world, **kwargs):
    return [list(LengthBucketBatchSampler(LENGTHS, 4, num_replicas=world, rank=r, **kwargs)) for r in range(world)]


@pytest.mark.parametrize("world", [1, 2, 3])
def test_ranks_are_disjoint_and_in_step(world):
    ranks = _ranks(world, seed=1)
    seen = [i for batches in ranks for batch in batches for i in batch]
    assert len(seen) == len(set(seen)) == len(LENGTHS) - len(LENGTHS) % world
    assert {len(batches) for batches in ranks} == {len(LengthBucketBatchSampler(LENGTHS, 4, world, 0))}
    for step in zip(*ranks):  # every rank's batch of a step has the same size
        assert len({len(batch) for batch in step}) == 1 and 1 <= len(step[0]) <= 4


def test_drop_last_keeps_only_full_batches():
    ranks = _ranks(2, drop_last=True)
    assert all(len(batch) == 4 for batches in ranks for batch in batches)
    assert len(ranks[0]) == len(LENGTHS) // 8 == len(LengthBucketBatchSampler(LENGTHS, 4, 2, 0, drop_last=True))


def test_buckets_cut_padding():
    def padding(batches):
        return sum(LENGTHS[b].max() * len(b) - LENGTHS[b].sum() for b in batches)

    bucketed = list(LengthBucketBatchSampler(LENGTHS, 8, seed=2))
    shuffled = np.random.default_rng(2).permutation(len(LENGTHS))
    assert padding(bucketed) < padding([shuffled[i : i + 8] for i in range(0, len(shuffled), 8)]) / 3


def test_epochs_reshuffle_reproducibly():
    seen_epochs = []
    sampler = LengthBucketBatchSampler(LENGTHS, 4, seed=5, on_epoch=seen_epochs.append)
    first = list(sampler)
    sampler.set_epoch(1)
    second = list(sampler)
    assert first != second and sorted(map(sorted, first)) != sorted(map(sorted, second))
    assert list(LengthBucketBatchSampler(LENGTHS, 4, seed=5)) == first
    assert seen_epochs == [1]


@pytest.mark.parametrize("world", [1, 2, 4])
def test_in_order_covers_everything_in_order(world):
    ranks = _ranks(world, shuffle=False)
    assert {len(batches) for batches in ranks} == {len(LengthBucketBatchSampler(LENGTHS, 4, world, 0, shuffle=False))}
    merged = [i for step in zip(*ranks) for batch in step for i in batch]
    assert merged[: len(LENGTHS)] == list(range(len(LENGTHS)))  # padding (if any) repeats the first indices
    assert merged[len(LENGTHS) :] == list(range(len(merged) - len(LENGTHS)))


def test_rejects_bad_rank():
    with pytest.raises(ValueError, match="rank"):
        LengthBucketBatchSampler(LENGTHS, 4, num_replicas=2, rank=2)
