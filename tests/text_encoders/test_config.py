"""The text_encoder config group reaches the model and the data, and its mistakes are named in one line."""

import pytest
from hydra import compose, initialize_config_dir
from hydra.utils import instantiate
from omegaconf import OmegaConf

from signllm.models import MLSFModule
from signllm.models.components.pretrained_folder import TextEncoderError
from signllm.text_encoders.kinds import relocated
from signllm.text_encoders.spec import TextEncoderSpec

from ..models.model_fixtures import CONF
from .conftest import pretrained_info, settings


def composed(*overrides):
    with initialize_config_dir(str(CONF), version_base="1.3"):
        return compose("train", overrides=["paths.data_dir=/data", *overrides])


@pytest.mark.parametrize("model", ["mlsf", "prompt2langgloss", "backtranslator"])
def test_the_group_reaches_model_and_data(model):
    cfg = composed(f"model={model}", "text_encoder=pretrained", "text_encoder.path=/models/m", "text_encoder.mode=lora")
    resolved = OmegaConf.to_container(cfg, resolve=False)
    assert resolved["model"]["text_encoder"] == resolved["data"]["text_encoder"] == "${text_encoder}"
    spec = TextEncoderSpec.from_config(cfg.model.text_encoder)
    assert (spec.kind, spec.path, spec.mode, spec.cache_dir) == ("pretrained", "/models/m", "lora", "/data/cache/text_memory")
    assert TextEncoderSpec.from_config(composed(f"model={model}").model.text_encoder).to_dict() == {"kind": "scratch"}


def test_a_config_instantiates_a_module_with_the_folder(folders, language_specs):
    info = pretrained_info(folders, language_specs, "xlmr")
    cfg = composed("size=tiny", "text_encoder=pretrained", f"text_encoder.path={folders['xlmr']}")
    module = instantiate(cfg.model, info=info)
    assert isinstance(module, MLSFModule) and module.hparams["text_encoder"]["identity"]["model_type"] == "xlm-roberta"


def test_setting_mistakes_name_the_key(folders):
    for config, message in [
        ({"kind": "pretrained"}, r"text_encoder.path: required"),
        ({"kind": "pretrained", "path": "/x", "dtype": "fp8"}, r"text_encoder.dtype must be one of"),
        ({"kind": "gpt"}, r"text_encoder.kind must be one of \('scratch', 'pretrained'\)"),
        ({"kind": "scratch", "layers": 2}, r"unknown text_encoder key\(s\) \['layers'\]"),
    ]:
        with pytest.raises(TextEncoderError, match=message):
            TextEncoderSpec.from_config(config)
    with pytest.raises(TextEncoderError, match="trained from scratch"):
        relocated({"kind": "scratch"}, "/models/m")
    assert relocated(settings(folders, "mt5"), "/m")["path"] == "/m" and relocated(None, None) is None


def test_generate_takes_the_folder_override():
    with initialize_config_dir(str(CONF), version_base="1.3"):
        cfg = compose("generate", overrides=["text_encoder.path=/models/m"])
    assert cfg.text_encoder.path == "/models/m"
