"""The priority sampler: reward -> priority -> P(i), drawing, ranks, refresh, state."""

import numpy as np
import pytest
import torch
from scipy.stats import chisquare

from signllm.data.plc import PrioritySampler, log_priorities


def draw_counts(sampler: PrioritySampler, epochs: int) -> np.ndarray:
    counts = np.zeros(len(sampler.rewards), dtype=int)
    for epoch in range(epochs):
        sampler.set_epoch(epoch)
        for batch in sampler:
            np.add.at(counts, batch, 1)
    return counts


def test_priorities_start_uniform_and_eta_zero_is_uniform():
    sampler = PrioritySampler(7, batch_size=2, eta=1.0)
    np.testing.assert_array_equal(sampler.probabilities(), np.full(7, 1 / 7))
    sampler.update(torch.arange(7), -torch.arange(7.0))
    assert sampler.probabilities()[0] > sampler.probabilities()[6]
    sampler.eta = 0.0
    np.testing.assert_array_equal(sampler.probabilities(), np.full(7, 1 / 7))


def test_rank_priorities_follow_the_preference_and_put_unseen_clips_first():
    rewards = np.array([-3.0, -1.0, np.nan, -2.0, -1.0])
    ranks = np.exp(-log_priorities(rewards, "high_reward", "rank"))
    np.testing.assert_allclose(ranks, [5, 2, 1, 4, 2])  # ties share the best rank
    ranks = np.exp(-log_priorities(rewards, "low_reward", "rank"))
    np.testing.assert_allclose(ranks, [2, 4, 1, 3, 4])


def test_exp_priorities_are_standardised_rewards():
    rewards = np.array([-3.0, -1.0, np.nan])
    np.testing.assert_allclose(log_priorities(rewards, "high_reward", "exp"), [-1.0, 1.0, 1.0])
    np.testing.assert_allclose(log_priorities(rewards * 100, "low_reward", "exp"), [1.0, -1.0, 1.0])


def test_drawn_frequencies_match_the_probabilities():
    sampler = PrioritySampler(10, batch_size=500, eta=1.0, seed=3)
    sampler.update(torch.arange(10), -torch.linspace(0, 1, 10))
    expected = sampler.probabilities() * 500 * 40
    counts = draw_counts(sampler, epochs=40)
    assert chisquare(counts, expected).pvalue > 0.01
    assert chisquare(counts, np.full(10, counts.sum() / 10)).pvalue < 1e-6  # the test can tell


def test_a_drawn_clip_gets_the_mean_of_its_rewards():
    sampler = PrioritySampler(4, batch_size=2)
    sampler.update(torch.tensor([1, 3, 1]), torch.tensor([-1.0, -5.0, -2.0]))
    np.testing.assert_array_equal(sampler.rewards, [np.nan, -1.5, np.nan, -5.0])


def test_ranks_share_one_global_draw_without_sharing_a_draw():
    single = PrioritySampler(50, batch_size=6, seed=1, eta=1.0, refresh_every=2)
    ranks = [PrioritySampler(50, 3, num_replicas=2, rank=r, seed=1, eta=1.0, refresh_every=2) for r in (0, 1)]
    for step, (whole, *parts) in enumerate(zip(single, *ranks, strict=True)):
        assert parts[0] + parts[1] == whole
        rewards = -torch.rand(6)
        for sampler in (single, *ranks):  # what the channel does on every rank after a step
            sampler.update(torch.tensor(whole), rewards)
    assert step + 1 == len(single) == 9


def test_draws_follow_priority_updates_at_refresh_and_differ_by_epoch():
    sampler = PrioritySampler(20, batch_size=4, eta=16.0, refresh_every=1)
    batches = iter(sampler)
    first = next(batches)
    sampler.update(torch.arange(20), torch.where(torch.arange(20) == 7, 0.0, -1.0))
    assert next(batches) == [7, 7, 7, 7]  # clip 7 alone has rank 1: P(7) > 0.999
    assert next(iter(PrioritySampler(20, batch_size=4))) == first
    sampler.set_epoch(1)
    sampler.rewards[:] = np.nan
    assert next(iter(sampler)) != first


def test_state_round_trip():
    sampler = PrioritySampler(5, batch_size=2)
    sampler.update(torch.tensor([0, 2]), torch.tensor([-1.0, -2.0]))
    restored = PrioritySampler(5, batch_size=2)
    restored.load_state_dict(sampler.state_dict())
    np.testing.assert_array_equal(restored.rewards, sampler.rewards)
    with pytest.raises(ValueError, match="for 5 clips"):
        PrioritySampler(6, batch_size=2).load_state_dict(sampler.state_dict())


@pytest.mark.parametrize(
    "setting", [{"prefer": "best"}, {"priority": "linear"}, {"eta": -1}, {"refresh_every": 0}]
)
def test_invalid_settings_are_refused(setting):
    with pytest.raises(ValueError, match="plc"):
        PrioritySampler(5, batch_size=2, **setting)
