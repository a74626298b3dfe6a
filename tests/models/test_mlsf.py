"""MLSF: per-language routing, overfitting, honest generation, checkpoints, adding a language."""

import dataclasses

import pytest
import torch

from signllm.models import MLSFModule

from .model_fixtures import TINY, make_batch, overfit, save_checkpoint
from ..layouts import OPENPOSE50

TEXT_ONLY = ("text_ids", "text_mask", "lang")


def text_only(batch):
    return {key: batch[key] for key in TEXT_ONLY}


@pytest.mark.parametrize("augmentation", [{}, {"future_frames": 3, "noise_rate": 1.0}, {"just_counter": True}])
def test_overfits_one_batch(info, batch, augmentation):
    torch.manual_seed(0)
    module = MLSFModule(info, TINY, augmentation=augmentation)
    losses = overfit(module, batch)
    assert losses[-1] <= 0.1 * losses[0]
    frames, lengths = module.generate(text_only(batch))
    assert (lengths == batch["lengths"]).sum() >= 2  # timing comes from the text alone
    for clip, length in zip(frames, lengths):  # each clip ends at a counter near 1, or at the cap
        assert length == module.max_frames or clip[length - 1, OPENPOSE50.counter_index] > 0.9
        assert not clip[length:].any()


def test_generation_reads_no_ground_truth(info, batch):
    module = MLSFModule(info, TINY).eval()
    lying = batch | {"frames": torch.randn_like(batch["frames"]), "lengths": batch["lengths"] + 5}
    for got, expected in zip(module.generate(lying, max_frames=6), module.generate(text_only(batch), max_frames=6)):
        assert torch.equal(got, expected)
    assert torch.equal(module.generate(text_only(batch), max_frames=6)[0][:, 0], module.generate(
        text_only(batch), max_frames=1)[0][:, 0])  # the first frame comes from the start frame, not the data


def test_each_sample_runs_through_its_language_group(info, batch):
    module = MLSFModule(info, TINY).eval()
    inputs = module.augmentation.decoder_inputs(batch["frames"], module.start_frame)
    routed, _ = module.teacher_forward(batch, inputs)
    for row, code in enumerate(batch["lang_code"]):
        group = module.groups[code]
        alone = group(batch["text_ids"][row : row + 1], batch["text_mask"][row : row + 1], inputs[row : row + 1])
        torch.testing.assert_close(routed[row : row + 1], alone, atol=1e-6, rtol=0)


def test_unknown_language_fails_clearly(info, batch):
    module = MLSFModule(info, TINY).eval()
    with pytest.raises(ValueError, match="has no sign language 'ksl'"):
        module.lang_index("ksl")
    with pytest.raises(ValueError, match=r"lang indices \[5\] name no group"):
        module.generate(text_only(batch) | {"lang": torch.tensor([0, 1, 5, 0])})


def test_cached_and_uncached_generation_agree(info, batch):
    module = MLSFModule(info, TINY).eval()
    cached = module.generate(text_only(batch), max_frames=12)
    uncached = module.generate(text_only(batch), max_frames=12, use_cache=False)
    torch.testing.assert_close(cached[0], uncached[0], atol=1e-5, rtol=0)
    assert torch.equal(cached[1], uncached[1])


def test_checkpoint_reloads_and_generates_identically(info, batch, tmp_path):
    module = MLSFModule(info, TINY, augmentation={"future_frames": 2})
    path = save_checkpoint(module, batch, tmp_path / "mlsf.ckpt")
    checkpoint = torch.load(path, weights_only=True)  # plain data: Lightning's weights-only loading works
    assert checkpoint["data_info"]["languages"] == ["asl", "gsl"]
    assert "tokenizers" not in str(checkpoint["hyper_parameters"])  # kept only in data_info
    reloaded = MLSFModule.load(path)
    module.eval()
    for got, expected in zip(reloaded.generate(text_only(batch)), module.generate(text_only(batch))):
        assert torch.equal(got, expected)


def test_adding_a_language_leaves_the_others_unchanged(info, tmp_path):
    asl_info = dataclasses.replace(info, languages=["asl"])
    asl_batch = make_batch(asl_info, ["asl"] * 3)
    old = MLSFModule(asl_info, TINY)
    path = save_checkpoint(old, asl_batch, tmp_path / "asl.ckpt")
    old = MLSFModule.load(path)

    gsl_info = dataclasses.replace(info, languages=["gsl"])  # the new run's data: gsl only
    grown = MLSFModule(gsl_info, TINY, add_languages=["gsl"], init_from=str(path), freeze_existing=True)
    assert grown.languages == ["gsl", "asl"]  # the data's languages first: its lang indices stay valid
    assert not any(p.requires_grad for p in grown.groups["asl"].parameters())
    losses = overfit(grown, make_batch(gsl_info, ["gsl"] * 3), steps=20)
    assert losses[-1] < losses[0]

    asl_query = text_only(asl_batch) | {"lang": torch.full((3,), grown.lang_index("asl"))}
    for got, expected in zip(grown.generate(asl_query), old.generate(text_only(asl_batch))):
        assert torch.equal(got, expected)


def test_adding_languages_is_checked(info, batch, tmp_path):
    path = save_checkpoint(MLSFModule(info, TINY), batch, tmp_path / "both.ckpt")
    with pytest.raises(ValueError, match="needs model.init_from"):
        MLSFModule(info, TINY, add_languages=["ksl"])
    with pytest.raises(ValueError, match=r"\['gsl'\] already have a group"):
        MLSFModule(info, TINY, add_languages=["gsl"], init_from=str(path))
    ksl_info = dataclasses.replace(info, languages=["ksl"])
    with pytest.raises(ValueError, match=r"\+model.add_languages=\['ksl'\]"):
        MLSFModule(ksl_info, TINY, init_from=str(path))
