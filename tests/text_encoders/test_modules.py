"""Both modes with a pretrained text encoder of each family: train a few steps, save, reload from the checkpoint
plus the folder, generate identically; checkpoints hold no frozen LM weights.

Covered, rather than the full product: every family runs frozen and with LoRA, once in each production mode
(MLSF: XLM-R frozen, mBART LoRA, mT5 frozen, Qwen3 LoRA; Prompt2LangGloss the other four); full fine-tuning
once (XLM-R, MLSF); MLSF with one LM per group once (mT5, LoRA).
"""

import shutil
import warnings

import pytest
import torch

import signllm
from signllm.models import MLSFModule, Prompt2LangGlossModule, ProductionModule
from signllm.models.backtranslator import BackTranslatorModule
from signllm.models.components.pretrained_folder import TextEncoderError
from signllm.models.components.pretrained_text_encoder import TextBackbone

from ..models.model_fixtures import TINY, make_batch, save_checkpoint
from .conftest import pretrained_info, settings

MODULES = {"mlsf": MLSFModule, "p2lg": Prompt2LangGlossModule}
CASES = [
    ("xlmr", "mlsf", "frozen"), ("xlmr", "p2lg", "lora"),
    ("mbart", "p2lg", "frozen"), ("mbart", "mlsf", "lora"),
    ("mt5", "mlsf", "frozen"), ("mt5", "p2lg", "lora"),
    ("qwen3", "p2lg", "frozen"), ("qwen3", "mlsf", "lora"),
]
TEXT_ONLY = ("text_ids", "text_mask", "lang")


def build(folders, language_specs, family, production, **overrides):
    torch.manual_seed(0)
    info = pretrained_info(folders, language_specs, family)
    module = MODULES[production](info, TINY, text_encoder=settings(folders, family, **overrides))
    return module, make_batch(info, ["asl", "gsl", "asl", "gsl"])


def generated(module, batch):
    return module.eval().generate({key: batch[key] for key in TEXT_ONLY}, max_frames=6)


def lm_weights(module) -> dict[str, torch.Tensor]:
    return {name: value.clone() for name, value in module.named_parameters() if ".lm.lm." in name and "lora_" not in name}


@pytest.mark.parametrize("family, mode, lm_mode", CASES)
def test_trains_saves_and_reloads_to_identical_generation(folders, language_specs, tmp_path, family, mode, lm_mode):
    module, batch = build(folders, language_specs, family, mode, mode=lm_mode)
    before, adapters = lm_weights(module), [p for n, p in module.named_parameters() if "lora_B" in n]
    assert (len(adapters) > 0) == (lm_mode == "lora") and all(not p.any() for p in adapters)
    path = save_checkpoint(module, batch, tmp_path / "model.ckpt")  # two training steps with a Trainer
    assert all(torch.equal(before[name], value) for name, value in lm_weights(module).items())  # LM stays as loaded
    assert all(p.any() for p in adapters)  # the adapters trained
    state = torch.load(path, weights_only=True)["state_dict"]
    assert not [key for key in state if ".lm.lm." in key and "lora_" not in key]  # no folder weights stored
    assert any(key.endswith("lm.markers") for key in state) and any(".project." in key for key in state)
    reloaded = ProductionModule.load(path)
    for got, expected in zip(generated(reloaded, batch), generated(module, batch)):
        assert torch.equal(got, expected)


def test_full_fine_tuning_stores_the_weights_it_trained(folders, language_specs, tmp_path):
    module, batch = build(folders, language_specs, "xlmr", "mlsf", mode="full")
    before = lm_weights(module)
    path = save_checkpoint(module, batch, tmp_path / "full.ckpt")
    assert any(not torch.equal(before[name], value) for name, value in lm_weights(module).items())
    assert set(before) <= set(torch.load(path, weights_only=True)["state_dict"])
    for got, expected in zip(generated(ProductionModule.load(path), batch), generated(module, batch)):
        assert torch.equal(got, expected)


def test_groups_share_one_lm_or_have_their_own(folders, language_specs):
    shared, _ = build(folders, language_specs, "mt5", "mlsf", mode="lora")
    assert shared.groups["asl"].encoder.backbone is shared.groups["gsl"].encoder.backbone
    assert shared.groups["asl"].encoder.project is not shared.groups["gsl"].encoder.project
    own, _ = build(folders, language_specs, "mt5", "mlsf", mode="lora", share=False)
    assert own.groups["asl"].encoder.backbone is not own.groups["gsl"].encoder.backbone
    frozen, _ = build(folders, language_specs, "mt5", "mlsf", mode="frozen", share=False)  # copies would be equal
    assert frozen.groups["asl"].encoder.backbone is frozen.groups["gsl"].encoder.backbone


@pytest.mark.parametrize("family", ["xlmr", "mbart", "mt5", "qwen3"])
def test_marker_embeddings_enter_the_lm_like_its_own_tokens(folders, language_specs, family):
    """Input embeddings (the path markers take) give what the LM gives for the same ids."""
    module, batch = build(folders, language_specs, family, "p2lg")
    backbone = module.prompt_encoder.backbone
    ids, mask = batch["text_ids"].clone(), batch["text_mask"]
    ids[ids >= backbone.lm.base_vocab] = 5  # no markers: ids the LM itself can read
    expected = backbone.lm.lm(input_ids=ids, attention_mask=mask.long()).last_hidden_state
    torch.testing.assert_close(backbone(ids, mask)[mask], expected[mask], atol=1e-5, rtol=0)


def test_a_decoder_only_lm_is_read_at_its_layer_setting(folders, language_specs):
    last, batch = build(folders, language_specs, "qwen3", "mlsf")
    first, _ = build(folders, language_specs, "qwen3", "mlsf", layer=1)
    args = batch["text_ids"], batch["text_mask"]
    hidden = last.groups["asl"].encoder.backbone.lm.lm(
        inputs_embeds=last.groups["asl"].encoder.backbone.lm.embed(args[0]), attention_mask=args[1].long(),
        output_hidden_states=True,
    ).hidden_states
    mask = args[1]
    torch.testing.assert_close(first.groups["asl"].encoder.backbone(*args)[mask], hidden[1][mask])
    assert not torch.allclose(last.groups["asl"].encoder.backbone(*args)[mask], hidden[1][mask])


def test_a_moved_folder_is_followed_and_a_missing_one_refused(folders, language_specs, tmp_path):
    module, batch = build(folders, language_specs, "mbart", "p2lg", mode="lora")
    path = save_checkpoint(module, batch, tmp_path / "p2lg.ckpt")
    moved = shutil.copytree(folders["mbart"], tmp_path / "elsewhere" / "mbart")
    generator = signllm.load(path, text_encoder_path=moved)
    assert generator.module.hparams["text_encoder"]["path"] == str(moved)
    frames = generator.generate("the weather is nice today", language="asl", max_frames=4)
    assert frames.shape[0] <= 4
    shutil.rmtree(moved)
    with pytest.raises(signllm.api.GenerationError, match=r"cannot load checkpoint .*: text_encoder.path=.*: no such folder") as error:
        signllm.load(path, text_encoder_path=moved)
    assert "\n" not in str(error.value)
    with pytest.raises(TextEncoderError, match="holds a xlm-roberta model without a decoder"):
        BackTranslatorModule(pretrained_info(folders, language_specs, "xlmr"), TINY, text_encoder=settings(folders, "xlmr"))


def test_a_wiring_mistake_is_refused(folders, language_specs):
    info = pretrained_info(folders, language_specs, "mt5")
    with pytest.raises(TextEncoderError, match=r"holds mbart .* but the data's text tokenizer is mt5 .*conf/data"):
        MLSFModule(info, TINY, text_encoder=settings(folders, "mbart"))
    with pytest.raises(TextEncoderError, match="text_encoder=scratch, but the data's text tokenizer is a pretrained"):
        MLSFModule(info, TINY)
    with pytest.raises(TextEncoderError, match=r"text_encoder.mode must be one of \('frozen', 'lora', 'full'\)"):
        MLSFModule(info, TINY, text_encoder=settings(folders, "mt5", mode="adapters"))


def test_frozen_backbones_are_the_cacheable_ones(folders, language_specs):
    frozen, _ = build(folders, language_specs, "xlmr", "p2lg")
    lora, _ = build(folders, language_specs, "xlmr", "p2lg", mode="lora")
    assert [m.cacheable for m in frozen.modules() if isinstance(m, TextBackbone)] == [True]
    assert [m.cacheable for m in lora.modules() if isinstance(m, TextBackbone)] == [False]
    assert frozen.configure_callbacks() and not lora.configure_callbacks()
    frozen.train()
    assert not frozen.prompt_encoder.backbone.lm.lm.training and frozen.prompt_encoder.project.training


def test_gradient_checkpointing_trains_the_same_adapters(folders, language_specs):
    grads = []
    for checkpointing in (False, True):
        module, batch = build(folders, language_specs, "qwen3", "mlsf", mode="lora", gradient_checkpointing=checkpointing)
        assert module.groups["asl"].encoder.backbone.lm.lm.is_activation_checkpointing == checkpointing
        with warnings.catch_warnings():  # self.log() outside a Trainer
            warnings.simplefilter("ignore")
            module.training_step(batch, 0).backward()
        grads.append([p.grad for n, p in module.named_parameters() if "lora_B" in n])
    assert grads[1] and all(g.any() for g in grads[1])
    assert all(torch.allclose(a, b, atol=1e-6) for a, b in zip(*grads))
