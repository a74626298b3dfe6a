"""Augmentation config (merging, refusing jc + gn), FP targets, GN noise and its error statistics."""


import pytest
import torch
from hydra import compose, initialize_config_dir

from signllm.models.augmentation import Augmentation, InputNoise

from .model_fixtures import CONF
from ..layouts import OPENPOSE50


def compose_augmentation(choice: str) -> dict:
    with initialize_config_dir(str(CONF), version_base="1.3"):
        return dict(compose(overrides=[f"+augmentation={choice}"]).augmentation)


def test_config_files_merge_and_fill_defaults():
    assert Augmentation.from_config(compose_augmentation("none")) == Augmentation()
    both = Augmentation.from_config(compose_augmentation("[fp,gn]"))
    assert both == Augmentation.from_config(compose_augmentation("fp_gn"))
    assert both.future_frames > 1 and both.noise_rate > 0 and not both.just_counter
    assert Augmentation.from_config(compose_augmentation("jc")).just_counter


def test_refuses_just_counter_with_noise_naming_the_keys():
    with pytest.raises(ValueError, match=r"augmentation\.just_counter.*augmentation\.noise_rate"):
        Augmentation.from_config(compose_augmentation("[jc,gn]"))
    with pytest.raises(ValueError, match="unknown augmentation key"):
        Augmentation.from_config({"future_frame": 3})
    with pytest.raises(ValueError, match="augmentation.future_frames"):
        Augmentation.from_config({"future_frames": 0})


def test_future_prediction_targets_stack_frames_and_pad_with_the_last():
    frames = torch.arange(2 * 4 * OPENPOSE50.frame_size, dtype=torch.float).reshape(2, 4, OPENPOSE50.frame_size)
    lengths = torch.tensor([4, 2])
    targets = Augmentation(future_frames=3).targets(frames, lengths)
    assert targets.shape == (2, 4, 3 * OPENPOSE50.num_coords + 1)
    future = targets[..., :-1].reshape(2, 4, 3, OPENPOSE50.num_coords)
    coords = frames[..., :OPENPOSE50.num_coords]
    torch.testing.assert_close(future[0, 1], coords[0, 1:4])
    torch.testing.assert_close(future[0, 3], coords[0, [3, 3, 3]])  # past the end: the last frame
    torch.testing.assert_close(future[1, 0], coords[1, [0, 1, 1]])  # clip of 2 frames
    torch.testing.assert_close(targets[..., -1], frames[..., OPENPOSE50.counter_index])


def test_decoder_inputs_start_from_the_start_frame():
    frames = torch.randn(2, 5, OPENPOSE50.frame_size)
    start = torch.randn(OPENPOSE50.frame_size)
    inputs = Augmentation().decoder_inputs(frames, start)
    torch.testing.assert_close(inputs[:, 0], start.expand(2, -1))
    torch.testing.assert_close(inputs[:, 1:], frames[:, :-1])


def test_noise_uses_previous_epoch_error_std_and_spares_the_counter():
    noise = InputNoise(rate=2.0, num_coords=OPENPOSE50.num_coords)
    inputs = torch.randn(4, 6, OPENPOSE50.frame_size)
    torch.testing.assert_close(noise(inputs), inputs)  # first epoch: no error measured yet
    torch.manual_seed(0)
    error = torch.randn(4, 6, OPENPOSE50.num_coords) * torch.linspace(0.1, 1.0, OPENPOSE50.num_coords)
    mask = torch.ones(4, 6, dtype=torch.bool)
    mask[0, 4:] = False
    target = torch.randn(4, 6, OPENPOSE50.num_coords + 1)
    noise.track(torch.cat([target[..., :OPENPOSE50.num_coords] + error, target[..., -1:]], -1), target, mask)
    noise.end_epoch()
    torch.testing.assert_close(noise.std, error[mask].std(0, unbiased=False), atol=1e-5, rtol=1e-4)
    assert noise.count == 0  # the next epoch starts afresh
    noised = noise(inputs)
    assert torch.equal(noised[..., OPENPOSE50.counter_index], inputs[..., OPENPOSE50.counter_index])
    assert not torch.allclose(noised[..., :OPENPOSE50.num_coords], inputs[..., :OPENPOSE50.num_coords])
