"""Motion statistics: joint travel over real frames only, and both ratios to the reference."""

import torch

from signllm.metrics.motion import joint_travel, motion_ratios
from ..layouts import OPENPOSE50


def moving_clip(length: int, padded_to: int, speed: float) -> torch.Tensor:
    """Every joint moves `speed` along x per frame; padding frames are zeros."""
    frames = torch.zeros(padded_to, OPENPOSE50.frame_size)
    OPENPOSE50.to_joints(frames[:length, :OPENPOSE50.num_coords])[..., 0] = speed * torch.arange(length, dtype=torch.float32)[:, None]
    return frames


def test_joint_travel_sums_joint_steps_over_real_frames():
    frames = torch.stack([moving_clip(5, 8, 0.5), moving_clip(8, 8, 0.0)])
    travel = joint_travel(frames, torch.tensor([5, 8]), OPENPOSE50.dims)
    torch.testing.assert_close(travel, torch.tensor([4 * 0.5 * OPENPOSE50.num_points, 0.0]))


def test_motion_ratios_compare_to_the_reference():
    hyp = torch.stack([moving_clip(6, 10, 0.1), moving_clip(10, 10, 0.3)])
    ref = torch.stack([moving_clip(11, 11, 0.1), moving_clip(6, 11, 0.3)])
    ratios = motion_ratios(hyp, torch.tensor([6, 10]), ref, torch.tensor([11, 6]), OPENPOSE50.dims)
    torch.testing.assert_close(ratios["travel_ratio"], torch.tensor([5 / 10, 9 / 5]))
    torch.testing.assert_close(ratios["duration_ratio"], torch.tensor([6 / 11, 10 / 6]))
