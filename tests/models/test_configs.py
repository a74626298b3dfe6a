"""The model configs compose with size/loss/augmentation and instantiate into working modules."""

import io

import pytest
import torch
from hydra import compose, initialize_config_dir
from hydra.errors import InstantiationException
from hydra.utils import instantiate

from signllm.data.datamodule import DataInfo
from signllm.losses import L1Loss
from signllm.models import MLSFModule, Prompt2LangGlossModule

from .model_fixtures import CONF


def build(info, *overrides):
    with initialize_config_dir(str(CONF), version_base="1.3"):
        cfg = compose(overrides=["+size=tiny", "+loss=mse", "+augmentation=none", *overrides])
    return instantiate(cfg.model, info=info)


@pytest.mark.parametrize("mode, cls", [("mlsf", MLSFModule), ("prompt2langgloss", Prompt2LangGlossModule)])
def test_model_configs_instantiate_and_train(info, batch, mode, cls):
    module = build(info, f"+model={mode}", "loss=l1", "augmentation=fp_gn")
    assert isinstance(module, cls) and isinstance(module.loss, L1Loss)
    assert isinstance(module.info, DataInfo)  # not the DictConfig hydra makes of a dataclass argument
    assert module.augmentation.future_frames > 1 and module.noise is not None
    optimizers = module.configure_optimizers()
    assert isinstance(optimizers["optimizer"], torch.optim.Adam)
    assert module.training_step(batch, 0).requires_grad
    buffer = io.BytesIO()
    torch.save(dict(module.hparams), buffer)
    assert torch.load(io.BytesIO(buffer.getvalue()), weights_only=True)["size"]["name"] == "tiny"  # plain data only
    assert "optimizer" not in module.hparams and "loss" not in module.hparams


def test_invalid_augmentation_is_refused_when_the_config_is_instantiated(info):
    with pytest.raises(InstantiationException, match="augmentation.just_counter"):
        build(info, "+model=mlsf", "augmentation=[jc,gn]")


def test_add_languages_override_reaches_the_module(info):
    with pytest.raises(InstantiationException, match="add_languages needs model.init_from"):
        build(info, "+model=mlsf", "+model.add_languages=[ksl]")
