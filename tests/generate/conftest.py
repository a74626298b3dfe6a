"""A tiny untrained two-language MLSF checkpoint (asl: 24 fps, scale 9; gsl: 25 fps, scale 3)."""

from pathlib import Path

import numpy as np
import pytest
import torch
from omegaconf import OmegaConf

import signllm
from signllm.data.datamodule import DataInfo
from signllm.data.skels import Clip, write_split
from signllm.data.tokenizer import Tokenizers
from signllm.models.mlsf import MLSFModule
from signllm.skeleton import COUNTER, FRAME_SIZE, counter_values

from ..checkpoints import save_checkpoint

REPO = Path(__file__).resolve().parents[2]
TEXTS = ["the cat sleeps", "we go home now", "morgen regnet es", "der wind weht stark"]
MAX_FRAMES = 9  # an untrained model rarely stops by itself: keep clips short


@pytest.fixture(scope="session")
def checkpoint(tmp_path_factory) -> Path:
    torch.manual_seed(0)
    tokenizers = Tokenizers.train(TEXTS, TEXTS, ["asl", "gsl"], vocab_size=300)
    mean_pose = np.random.default_rng(0).normal(0, 0.2, FRAME_SIZE).astype(np.float32)
    fps, scale = {"asl": 24.0, "gsl": 25.0}, {"asl": 9.0, "gsl": 3.0}
    info = DataInfo(["asl", "gsl"], tokenizers, mean_pose, 6.0, 8, fps, scale)
    size = OmegaConf.to_container(OmegaConf.load(REPO / "conf" / "size" / "tiny.yaml")) | {"dropout": 0.1}
    module = MLSFModule(info, size=size, max_frames=MAX_FRAMES)  # with dropout: generation must switch it off
    return save_checkpoint(module, tmp_path_factory.mktemp("checkpoint") / "tiny.ckpt")


@pytest.fixture(scope="session")
def generator(checkpoint):
    return signllm.load(checkpoint)


@pytest.fixture(scope="session")
def reference_split(tmp_path_factory) -> Path:
    """A one-clip dev split (made-up frames) to render beside generated clips."""
    folder = tmp_path_factory.mktemp("reference")
    frames = np.random.default_rng(1).normal(0, 0.2, (14, FRAME_SIZE)).astype(np.float32)
    frames[:, COUNTER] = counter_values(len(frames))
    write_split(folder, "dev", [Clip("dev/clip-1", "we go home now", None, frames)])
    return folder
