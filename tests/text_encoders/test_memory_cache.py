"""A frozen encoder's memory of the corpus is computed once: later epochs and runs read it, never the LM."""

import pytest
import torch
from lightning import Trainer

from signllm.data.datamodule import SignDataModule
from signllm.models import MLSFModule, Prompt2LangGlossModule
from signllm.text_encoders.memory_cache import MemoryCache, build, corpus_inputs, frozen_backbones

from ..data.corpus import write_corpus
from ..layouts import OPENPOSE50
from ..models.model_fixtures import TINY, make_batch
from .conftest import pretrained_info, settings

PROMPTS = {"asl": ["Sign {text} in ASL", "ASL for {text}?"], "ksl": ["{text} 한국 수어로"]}


@pytest.fixture
def datamodule(tmp_path, folders, language_specs):
    roots = write_corpus(tmp_path / "corpus", languages=list(PROMPTS), count=4)
    languages = {
        code: {"root": str(roots[code]), "fps": 25, "prompts": PROMPTS[code], **language_specs[code]} for code in PROMPTS
    }
    module = SignDataModule(
        languages, OPENPOSE50, source="prompt2sign", cache_dir=str(tmp_path / "cache"), batch_size=4, input="mixed",
        vocab_size=300, text_encoder=settings(folders, "mbart"),
    )
    module.prepare_data()
    module.setup()
    return module


def fit(datamodule, text_encoder, epochs=2, module_class=Prompt2LangGlossModule):
    """A fresh module fitted on ``datamodule``; the number of LM calls (cache building included)."""
    torch.manual_seed(0)
    module = module_class(datamodule.info, TINY, text_encoder=text_encoder)
    calls = []
    (backbone,) = frozen_backbones(module)
    backbone.lm.lm.register_forward_pre_hook(lambda *args: calls.append(1))
    trainer = Trainer(
        max_epochs=epochs, logger=False, enable_checkpointing=False, enable_progress_bar=False,
        enable_model_summary=False, accelerator="cpu", num_sanity_val_steps=0,
    )
    trainer.fit(module, datamodule=datamodule)
    assert backbone.cache is None  # released after the run: generation of new texts computes again
    return len(calls), backbone


def test_later_runs_never_run_the_lm(datamodule, folders, tmp_path):
    text_encoder = settings(folders, "mbart", cache_dir=str(tmp_path / "memory"), cache_batch_size=8)
    inputs = corpus_inputs(datamodule)
    assert len(inputs) > len(datamodule.dataset("train"))  # the text and each prompt of every clip
    first, backbone = fit(datamodule, text_encoder)
    assert first == -(-len(inputs) // 8)  # building the cache, then two epochs of training and validation: none
    (path,) = (tmp_path / "memory").glob("text-memory.*.h5")
    cache = MemoryCache(path)
    assert len(cache) == len(inputs)
    rows = inputs[-3:]
    ids = torch.nn.utils.rnn.pad_sequence([torch.tensor(row) for row in rows], batch_first=True)
    ids = torch.cat([ids, torch.zeros_like(ids[:, :2])], 1)  # padded wider than its rows, as MLSF routes them
    mask = torch.arange(ids.shape[1]) < torch.tensor([len(row) for row in rows])[:, None]
    memory = cache.lookup(ids, mask)
    assert memory.shape[:2] == ids.shape and not memory[~mask].any()
    torch.testing.assert_close(memory[mask], backbone.hidden(ids, mask)[mask], atol=1e-5, rtol=0)
    assert cache.lookup(ids[:, :-3], mask[:, :-3]) is None  # an input it does not hold: computed instead
    second, _ = fit(datamodule, text_encoder, epochs=1, module_class=MLSFModule)  # the same LM, another model
    assert second == 0
    third, _ = fit(datamodule, {**text_encoder, "layer": 1}, epochs=1)  # another layer: another cache
    assert third > 0 and len(list((tmp_path / "memory").glob("text-memory.*.h5"))) == 2


def test_the_datamodule_reads_text_with_the_models_tokenizer(datamodule):
    text = datamodule.info.tokenizers.text
    sample = datamodule.dataset("train")[0]
    assert sample["text_ids"][0] in (text.hf.convert_tokens_to_ids("en_XX"), text.hf.convert_tokens_to_ids("ko_KR"))
    assert text.decode(sample["text_ids"].tolist()) in (sample["text"], *[p.replace("{text}", sample["text"]) for p in PROMPTS[sample["lang_code"]]])


def test_a_bfloat16_memory_is_kept_exactly(folders, language_specs, tmp_path):
    """bf16 (the GPU default) is stored as its bits: what the cache returns is what the LM gave."""
    info = pretrained_info(folders, language_specs, "qwen3")
    module = MLSFModule(info, TINY, text_encoder=settings(folders, "qwen3", dtype="bfloat16"))
    (backbone,) = frozen_backbones(module)
    batch = make_batch(info, ["asl", "gsl", "gsl"])
    ids, mask = batch["text_ids"], batch["text_mask"]
    build(backbone, [tuple(row[:n].tolist()) for row, n in zip(ids, mask.sum(1))], tmp_path / "memory.h5", 2)
    memory = MemoryCache(tmp_path / "memory.h5").lookup(ids, mask)
    assert memory.dtype == torch.bfloat16 and torch.equal(memory[mask], backbone.hidden(ids, mask)[mask])
