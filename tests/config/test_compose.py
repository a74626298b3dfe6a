"""Every option of every config group composes with the primary configs, and resolves."""

from pathlib import Path

import pytest
from hydra import compose, initialize_config_dir
from hydra.core.hydra_config import HydraConfig
from omegaconf import OmegaConf, open_dict

from signllm.config import register

CONF = Path(__file__).resolve().parents[2] / "conf"
GROUPS = ["language", "data", "model", "size", "loss", "augmentation", "trainer", "callbacks", "logger",
          "experiment", "hparams_search"]

register(CONF.parent)


def options(group: str) -> list[str]:
    return sorted(str(p.relative_to(CONF / group).with_suffix("")) for p in (CONF / group).rglob("*.yaml"))


def compose_resolved(overrides: list[str], config_name: str = "train"):
    with initialize_config_dir(version_base="1.3", config_dir=str(CONF)):
        cfg = compose(config_name, overrides=overrides, return_hydra_config=True)
    HydraConfig.instance().set_config(cfg)
    with open_dict(cfg):
        cfg.paths.output_dir = "/tmp/signllm-compose-test"
        del cfg.hydra  # hydra's own node needs a running app to resolve
    OmegaConf.resolve(cfg)
    return cfg


@pytest.mark.parametrize("group,option", [(g, o) for g in GROUPS for o in options(g)])
def test_every_option_composes(group, option):
    cfg = compose_resolved([f"{group}={option}"])
    assert cfg.task_name == "train"


def test_groups_exist_with_a_default():
    for group in GROUPS + ["paths", "hydra"]:
        assert options(group), f"conf/{group}/ has no option"


def test_languages_merge_side_by_side():
    cfg = compose_resolved(["language=[asl,gsl]"])
    assert list(cfg.language) == ["asl", "gsl"]
    assert cfg.data.languages.keys() == cfg.language.keys()


@pytest.mark.parametrize("config_name", ["evaluate", "generate", "preprocess"])
def test_other_primary_configs_compose(config_name):
    with initialize_config_dir(version_base="1.3", config_dir=str(CONF)):
        cfg = compose(config_name)
    assert cfg
