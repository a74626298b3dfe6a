"""The back-translator learns the tiny corpus, round-trips through its checkpoint and reads only poses."""

from pathlib import Path

import pytest
import torch
from hydra.utils import instantiate
from omegaconf import OmegaConf

from signllm.data.dataset import collate
from signllm.data.tokenizer import BOS, EOS
from signllm.metrics.text import text_scores
from signllm.models.backtranslator import BackTranslatorModule

from .conftest import TINY
from ..layouts import OPENPOSE50

CONF = Path(__file__).resolve().parents[2] / "conf"


def whole(dataset) -> dict:
    return collate([dataset[i] for i in range(len(dataset))])


def test_learns_the_training_sentences(datamodule, evaluator_path):
    evaluator = BackTranslatorModule.load(evaluator_path)
    batch = whole(datamodule.dataset("train"))
    hypotheses = evaluator.translate(batch["frames"], batch["lengths"], batch["lang_code"])
    assert text_scores(hypotheses, batch["text"])["bleu1"] > 90


def test_checkpoint_round_trip_and_batch_independence(datamodule, evaluator_path):
    evaluator = BackTranslatorModule.load(evaluator_path)
    assert not evaluator.training and evaluator.tokenizers.to_json() == datamodule.info.tokenizers.to_json()
    batch = whole(datamodule.dataset("dev"))
    together = evaluator.translate(batch["frames"], batch["lengths"], batch["lang_code"])
    alone = [
        evaluator.translate(batch["frames"][i : i + 1, :length], batch["lengths"][i : i + 1], batch["lang_code"][i : i + 1])[0]
        for i, length in enumerate(batch["lengths"].tolist())
    ]
    assert together == alone


def test_reads_neither_the_counter_nor_the_padding(datamodule, evaluator_path):
    evaluator = BackTranslatorModule.load(evaluator_path)
    batch = whole(datamodule.dataset("test"))
    expected = evaluator.translate(batch["frames"], batch["lengths"], batch["lang_code"])
    frames = batch["frames"].clone()
    frames[..., OPENPOSE50.counter_index] = 0.5
    padded = torch.cat([frames, torch.randn(frames.shape[0], 5, frames.shape[2])], dim=1)
    assert evaluator.translate(padded, batch["lengths"], batch["lang_code"]) == expected


def test_target_is_the_raw_sentence_after_a_given_language_marker(datamodule):
    module = BackTranslatorModule(datamodule.info, TINY)
    tokens = module._targets(["cat sleeps"], ["asl"])[0].tolist()
    tokenizers = datamodule.info.tokenizers
    assert tokens[:2] == [BOS, tokenizers.text.marker_id("asl")] and tokens[-1] == EOS
    assert tokenizers.decode_text(tokens) == "cat sleeps"


def test_training_loss_falls_and_is_finite(datamodule):
    torch.manual_seed(0)
    module = BackTranslatorModule(datamodule.info, TINY)
    batch = whole(datamodule.dataset("train"))
    optimizer = module.configure_optimizers()
    losses = []
    for _ in range(10):
        loss = module._loss(batch)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    assert all(map(lambda x: x == x, losses)) and losses[-1] < losses[0]


def test_instantiated_from_the_model_config(datamodule):
    cfg = OmegaConf.load(CONF / "model" / "backtranslator.yaml")
    cfg.size = TINY
    module = instantiate(cfg, info=datamodule.info)
    assert isinstance(module, BackTranslatorModule) and module.hparams.stride == 2 and module.hparams.size == TINY
    assert isinstance(module.configure_optimizers()["optimizer"], torch.optim.Adam)


def test_refuses_a_production_checkpoint(tmp_path):
    path = tmp_path / "other.ckpt"
    torch.save({"data_info": {}, "module_class": "signllm.models.mlsf.MLSFModule", "hyper_parameters": {}, "state_dict": {}}, path)
    with pytest.raises(ValueError, match="not a signllm back-translator checkpoint"):
        BackTranslatorModule.load(path)
