"""Per-sample regression losses: one value per sample, padded frames ignored, the counter weighted."""

import torch

from signllm.losses import L1Loss, MSELoss


def test_per_sample_losses_average_real_frames_only():
    pred = torch.zeros(2, 3, 5)
    target = torch.full((2, 3, 5), 2.0)
    target[..., -1] = 0.0  # counters right
    target[0, 2] = 100.0  # padding of sample 0
    mask = torch.tensor([[True, True, False], [True, True, True]])
    assert MSELoss()(pred, target, mask).tolist() == [4.0, 4.0]
    assert L1Loss()(pred, target, mask).tolist() == [2.0, 2.0]


def test_counter_error_weighs_like_the_mean_coordinate_error():
    pred = torch.zeros(2, 2, 301)  # e.g. two stacked future frames + counter
    target = torch.zeros(2, 2, 301)
    target[0, ..., :-1] = 1.0  # sample 0: every coordinate off by 1
    target[1, ..., -1] = 1.0  # sample 1: only the counter off by 1
    mask = torch.ones(2, 2, dtype=torch.bool)
    assert MSELoss()(pred, target, mask).tolist() == [1.0, 1.0]
    assert MSELoss(counter_weight=3.0)(pred, target, mask).tolist() == [1.0, 3.0]
