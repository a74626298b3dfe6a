"""Fixtures of the text-encoder tests: tiny model folders of each family (built once per session), the
languages' LM codes from conf/language, and DataInfos whose text tokenizer is a family's own."""

import dataclasses
from pathlib import Path

import pytest
from omegaconf import OmegaConf

from signllm.text_encoders.kinds import text_model

from ..models.conftest import one_thread  # noqa: F401  (autouse: the CPU is shared, one thread)
from ..models.model_fixtures import CONF, make_info
from .families import FAMILIES, LANGUAGE_CODES, save_family


@pytest.fixture(scope="session")
def folders(tmp_path_factory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("models")
    return {name: save_family(name, root / name) for name in FAMILIES}


@pytest.fixture(scope="session")
def language_specs() -> dict[str, dict]:
    """Each sign language's ``lm_codes`` as conf/language/<code>.yaml gives them."""
    specs = {}
    for path in sorted((CONF / "language").glob("*.yaml")):
        for code, spec in OmegaConf.to_container(OmegaConf.load(path)).items():
            if isinstance(spec, dict) and "lm_codes" in spec:
                specs[code] = {"lm_codes": spec["lm_codes"]}
    return specs


def settings(folders, family: str, **overrides) -> dict:
    """A ``text_encoder`` config for ``family``'s folder."""
    return {"kind": "pretrained", "path": str(folders[family]), "language_codes": LANGUAGE_CODES.get(family), **overrides}


def pretrained_info(folders, language_specs, family: str, languages=("asl", "gsl"), **overrides):
    """The models' tiny DataInfo with ``family``'s tokenizer for the text, as the DataModule makes it."""
    info = make_info(languages)
    specs = {code: language_specs[code] for code in languages}
    tokenizers = text_model(settings(folders, family, **overrides)).tokenizers(info.tokenizers, specs)
    return dataclasses.replace(info, tokenizers=tokenizers)
