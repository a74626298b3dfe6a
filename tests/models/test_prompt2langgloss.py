"""Prompt2LangGloss: one shared model; LangGloss from the prompt; the language from its markers."""

import pytest
import torch

from signllm.models import MLSFModule, ProductionModule, Prompt2LangGlossModule

from .model_fixtures import TINY, make_batch, overfit, save_checkpoint

TEXT = ("text_ids", "text_mask")


@pytest.fixture(scope="module")
def trained(info):
    batch = make_batch(info, ["asl", "gsl", "asl", "gsl"])
    torch.manual_seed(0)
    module = Prompt2LangGlossModule(info, TINY, augmentation={"future_frames": 2})
    return module, batch, overfit(module, batch, steps=200)


def test_overfits_one_batch_pose_and_langgloss(trained):
    module, batch, losses = trained
    assert losses[-1] <= 0.1 * losses[0]
    gloss, mask = module.langgloss({key: batch[key] for key in TEXT})
    width = batch["gloss_ids"].shape[1]
    assert torch.equal(gloss[:, :width], batch["gloss_ids"]) and torch.equal(mask[:, :width], batch["gloss_mask"])
    decoded = [module.info.tokenizers.decode_langgloss(ids.tolist())[0] for ids in gloss]
    assert decoded == batch["lang_code"]  # the language is read off the generated markers


def test_generation_needs_no_language_switch(trained):
    module, batch, _ = trained
    frames, lengths = module.generate({key: batch[key] for key in TEXT})
    switched = module.generate({key: batch[key] for key in TEXT} | {"lang": batch["lang"].flip(0)})
    assert torch.equal(frames, switched[0]) and torch.equal(lengths, switched[1])
    assert (lengths == batch["lengths"]).sum() >= 2


def test_cached_and_uncached_generation_agree(info, batch):
    module = Prompt2LangGlossModule(info, TINY).eval()
    text = {key: batch[key] for key in TEXT}
    cached, uncached = module.generate(text, max_frames=12), module.generate(text, max_frames=12, use_cache=False)
    torch.testing.assert_close(cached[0], uncached[0], atol=1e-5, rtol=0)
    assert torch.equal(cached[1], uncached[1])


def test_checkpoint_reloads_and_generates_identically(info, batch, tmp_path):
    module = Prompt2LangGlossModule(info, TINY, augmentation={"just_counter": True}, gloss_weight=0.5)
    path = save_checkpoint(module, batch, tmp_path / "p.ckpt")
    reloaded = ProductionModule.load(path)  # the checkpoint names its mode
    assert type(reloaded) is Prompt2LangGlossModule
    with pytest.raises(ValueError, match="holds a Prompt2LangGlossModule, not a MLSFModule"):
        MLSFModule.load(path)
    assert reloaded.gloss_weight == 0.5 and reloaded.augmentation.just_counter
    module.eval()
    text = {key: batch[key] for key in TEXT}
    for got, expected in zip(reloaded.generate(text), module.generate(text)):
        assert torch.equal(got, expected)
