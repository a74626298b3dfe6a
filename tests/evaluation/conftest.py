"""Fixtures of the evaluation tests: the tiny corpus as a SignDataModule, and a tiny trained evaluator."""

from functools import partial
from pathlib import Path

import lightning.pytorch as pl
import pytest
import torch
from omegaconf import OmegaConf

from signllm.data.datamodule import SignDataModule
from signllm.models.backtranslator import BackTranslatorModule

from ..layouts import OPENPOSE50
from .corpus import LANGUAGE, write_corpus

TINY = OmegaConf.to_container(OmegaConf.load(Path(__file__).resolve().parents[2] / "conf" / "size" / "tiny.yaml"))


def make_datamodule(root: Path, gloss: bool = True, **kwargs) -> SignDataModule:
    folder = write_corpus(root / "asl", gloss=gloss)
    datamodule = SignDataModule(
        {"asl": {**LANGUAGE, "root": str(folder)}}, OPENPOSE50, source="prompt2sign", cache_dir=str(root / "cache"), vocab_size=300, **kwargs
    )
    datamodule.setup()
    return datamodule


@pytest.fixture(scope="session")
def datamodule(tmp_path_factory) -> SignDataModule:
    return make_datamodule(tmp_path_factory.mktemp("corpus"), batch_size=6)


def train_backtranslator(datamodule, steps: int, root: Path) -> Path:
    """Fit a tiny back-translator for ``steps`` optimizer steps; the path of its checkpoint."""
    pl.seed_everything(0)
    module = BackTranslatorModule(datamodule.info, TINY, optimizer=partial(torch.optim.Adam, lr=1e-2))
    trainer = pl.Trainer(
        max_steps=steps, logger=False, enable_checkpointing=False, enable_progress_bar=False,
        enable_model_summary=False, accelerator="cpu", num_sanity_val_steps=0, check_val_every_n_epoch=1000,
    )
    trainer.fit(module, datamodule=datamodule)
    path = root / "evaluator.ckpt"
    trainer.save_checkpoint(path)
    return path


@pytest.fixture(scope="session")
def evaluator_path(datamodule, tmp_path_factory) -> Path:
    return train_backtranslator(datamodule, 80, tmp_path_factory.mktemp("evaluator"))
