"""Named sizes hit their parameter counts per language group (openpose50), counted on the meta device."""

import pytest
import torch
from omegaconf import OmegaConf

from signllm.models.augmentation import Augmentation
from signllm.models.components.text_encoder import TextEncoder
from signllm.models.mlsf import LanguageGroup
from signllm.models.size import REFERENCE_VOCAB, Size

from ..layouts import OPENPOSE50
from .model_fixtures import CONF

TARGETS = {"base": 40e6, "large": 120e6, "super": 1e9}


def group_parameters(name: str) -> int:
    size = Size.from_config(OmegaConf.load(CONF / "size" / f"{name}.yaml"))
    with torch.device("meta"):
        encoder = TextEncoder(REFERENCE_VOCAB, **size.block(size.encoder_layers))
        group = LanguageGroup(encoder, OPENPOSE50.num_coords, size, Augmentation())
    return sum(p.numel() for p in group.parameters())


@pytest.mark.parametrize("name", sorted(TARGETS))
def test_named_sizes_within_ten_percent(name):
    assert abs(group_parameters(name) / TARGETS[name] - 1) <= 0.10


def test_tiny_is_below_one_million():
    assert group_parameters("tiny") < 1e6


def test_size_config_errors_name_the_key():
    with pytest.raises(ValueError, match="size.heads is missing"):
        Size.from_config({"d_model": 64})
    with pytest.raises(ValueError, match="unknown size key"):
        Size.from_config({"d_model": 64, "heads": 4, "ff": 8, "encoder_layers": 1, "decoder_layers": 1, "width": 3})
