"""DataModules: config composition, batches of the documented shapes for every language and mixes."""

from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest
import torch
from hydra import compose, initialize_config_dir
from hydra.utils import instantiate

from signllm.data.datamodule import DataInfo, SignDataModule
from signllm.data.dataset import collate, encode_inputs
from signllm.data.tokenizer import BOS, EOS
from signllm.skeleton import counter_values

from .corpus import LANGUAGES, SENTENCES
from ..layouts import OPENPOSE50

HERE = Path(__file__).parent
CONF = HERE.parents[1] / "conf"


def _compose(overrides, data_dir):
    with initialize_config_dir(config_dir=str(HERE / "conf"), version_base="1.3"):
        return compose(
            "data_test", overrides=[f"hydra.searchpath=[file://{CONF}]", f"paths.data_dir={data_dir}", *overrides]
        )


@pytest.mark.parametrize(
    "choice, codes",
    [
        ("asl", ["asl"]),
        ("[asl,gsl]", ["asl", "gsl"]),
        ("all", list(LANGUAGES)),
        ("swiss", ["dsgs", "lsf_ch", "lis_ch"]),
    ],
)
def test_language_selection_composes_to_code_mapping(tmp_path, choice, codes):
    cfg = _compose([f"language={choice}", "data=prompt2sign"], tmp_path)
    assert list(cfg.language) == codes
    assert cfg.data.source == "prompt2sign" and cfg.data.seed == 3
    assert cfg.language[codes[0]].root == f"{tmp_path}/prompt2sign/{codes[0]}"


def test_language_specs_name_their_language_in_every_prompt(tmp_path):
    specs = _compose(["language=all"], tmp_path).language
    assert specs.gsl.storage.openpose50 == {"scale": 3, "counter": "progressive_transformers"}
    assert "storage" not in specs.asl  # the layout's own storage (openpose50: scale 9, prompt2sign counter)
    names = {code: spec.name for code, spec in specs.items()}
    for code, spec in specs.items():
        assert {"spoken", "spoken_code", "corpus", "fps", "root"} <= set(spec) and len(spec.prompts) >= 3
        for prompt in spec.prompts:
            assert prompt.count("{text}") == 1
        # the language is recoverable: its templates appear in no other language
        others = {p for other, s in specs.items() if other != code for p in s.prompts}
        assert not set(spec.prompts) & others, names[code]


def _module(tmp_path, corpus, languages=LANGUAGES, **kwargs):
    cfg = _compose(
        [f"language=[{','.join(languages)}]", "data=prompt2sign", "data.batch_size=4", "data.vocab_size=600"], tmp_path
    )
    for code in languages:
        cfg.language[code].root = str(corpus[code])
    return instantiate(cfg.data, **kwargs)


def _check_batch(batch, info, expected_langs):
    size = len(batch["id"])
    assert batch["text_ids"].dtype == torch.long and batch["text_mask"].dtype == torch.bool
    assert batch["frames"].shape[0] == size and batch["frames"].shape[2] == OPENPOSE50.frame_size
    assert batch["frame_mask"].shape == batch["frames"].shape[:2]
    assert batch["gloss_ids"].shape == batch["gloss_mask"].shape and batch["gloss_ids"].shape[0] == size
    assert batch["lengths"].tolist() == batch["frame_mask"].sum(1).tolist()
    for i in range(size):
        length, code = int(batch["lengths"][i]), batch["lang_code"][i]
        assert code in expected_langs and info.languages[int(batch["lang"][i])] == code
        counter = batch["frames"][i, :length, OPENPOSE50.counter_index].numpy()
        np.testing.assert_allclose(counter, counter_values(length), rtol=1e-6)  # canonical, whatever the file
        assert not batch["frames"][i, length:].any()
        ids = batch["text_ids"][i][batch["text_mask"][i]].tolist()
        assert ids[0] == BOS and ids[-1] == EOS and not batch["text_ids"][i][~batch["text_mask"][i]].any()
        gloss = batch["gloss_ids"][i][batch["gloss_mask"][i]].tolist()
        assert gloss[1:-1:2] == [info.tokenizers.gloss.marker_id(code)] * (len(gloss) // 2 - 1 + len(gloss) % 2)


def test_all_languages_yield_documented_batches(tmp_path, corpus):
    module = _module(tmp_path, corpus)
    module.prepare_data()
    module.setup()
    info = module.info
    assert info.languages == list(LANGUAGES) and info.mean_pose.shape == (OPENPOSE50.frame_size,) and info.mean_pose[OPENPOSE50.counter_index] == 0
    assert info.storage["gsl"].scale == 3 and info.storage["asl"].scale == 9
    assert info.fps["gsl"] == 25 and info.max_length <= 11
    langs = set()
    for batch in module.train_dataloader():
        _check_batch(batch, info, LANGUAGES)
        assert len(batch["id"]) == 4
        langs |= set(batch["lang_code"])
    assert langs == set(LANGUAGES)
    dev = [batch for batch in module.val_dataloader()]
    assert [i for b in dev for i in b["index"].tolist()] == list(range(len(module.dataset("dev"))))
    restored = DataInfo.from_dict(info.to_dict())
    np.testing.assert_allclose(restored.mean_pose, info.mean_pose)
    assert restored.tokenizers.encode_text("İğdır", "tsl") == info.tokenizers.encode_text("İğdır", "tsl")


@pytest.mark.parametrize("lang", LANGUAGES)
def test_each_language_alone(tmp_path, corpus, lang):
    module = _module(tmp_path, corpus, languages=[lang], input="prompt")
    module.setup()
    batches = list(module.test_dataloader())
    assert [len(b["id"]) for b in batches] == [4, 2]
    for batch in batches:
        _check_batch(batch, module.info, [lang])
    assert module.info.languages == [lang] and module.info.tokenizers.languages == [lang]


def test_plain_text_carries_marker_and_prompts_name_the_language(tmp_path, corpus):
    module = _module(tmp_path, corpus, languages=["ksl", "tsl"], input="prompt")
    module.setup()
    tokenizers, train = module.info.tokenizers, module.dataset("train")
    first = [tokenizers.decode_text(train[i]["text_ids"].tolist()) for i in range(len(train))]
    for i, prompt in enumerate(first):
        sample = train[i]
        assert sample["text"] in prompt and (
            "한국 수어" in prompt if sample["lang_code"] == "ksl" else "Türk İşaret Dili" in prompt
        )
        assert sample["text_ids"][1] not in (tokenizers.text.marker_id("ksl"), tokenizers.text.marker_id("tsl"))
    assert [tokenizers.decode_text(train[i]["text_ids"].tolist()) for i in range(len(train))] == first
    train.set_epoch(1)
    assert [tokenizers.decode_text(train[i]["text_ids"].tolist()) for i in range(len(train))] != first

    batch = encode_inputs(tokenizers, [SENTENCES["tsl"][1], SENTENCES["ksl"][0]], ["tsl", "ksl"], module.info.languages)
    assert batch["lang"].tolist() == [1, 0] and batch["text_ids"].shape == batch["text_mask"].shape
    assert batch["text_ids"][:, 1].tolist() == [tokenizers.text.marker_id("tsl"), tokenizers.text.marker_id("ksl")]
    assert tokenizers.decode_text(batch["text_ids"][1].tolist()) == SENTENCES["ksl"][0]


def test_mixed_input_uses_both_forms(tmp_path, corpus):
    module = _module(tmp_path, corpus, languages=["lsa"], input="mixed", prompt_rate=0.5, max_frames=8)
    train = module.dataset("train")
    assert (train.lengths <= 8).all() and len(train) < 18  # longer clips dropped from training only
    assert len(module.dataset("test")) == 6
    markers = [int(train[i]["text_ids"][1]) == module.info.tokenizers.text.marker_id("lsa") for i in range(len(train))]
    assert any(markers) and not all(markers)
    batch = collate([train[0], train[1]])
    assert batch["id"] == [train[0]["id"], train[1]["id"]] and batch["index"].tolist() == [0, 1]


def test_global_batch_is_split_over_ranks(tmp_path, corpus):
    module = _module(tmp_path, corpus, languages=["asl", "gsl"])
    module.setup()
    seen = []
    for rank in range(2):
        module.trainer = SimpleNamespace(world_size=2, global_rank=rank)
        batches = list(module.train_dataloader())
        assert all(len(b["id"]) == 2 for b in batches)
        seen.append({i for b in batches for i in b["index"].tolist()})
    assert not seen[0] & seen[1] and len(seen[0] | seen[1]) == len(module.dataset("train"))
    module.trainer = SimpleNamespace(world_size=3, global_rank=0)
    with pytest.raises(ValueError, match="data.batch_size=4"):
        module.train_dataloader()


def test_saved_tokenizers_are_reused(tmp_path, corpus):
    module = _module(tmp_path, corpus, languages=["asl"])
    module.setup()
    module.info.tokenizers.save(tmp_path / "tok.json")
    again = _module(tmp_path, corpus, languages=["asl"], tokenizers=str(tmp_path / "tok.json"), vocab_size=300)
    again.setup()
    assert again.info.tokenizers.to_json() == module.info.tokenizers.to_json()


def test_missing_root_names_the_key(tmp_path):
    module = SignDataModule({"asl": {"fps": 24}}, OPENPOSE50, source="prompt2sign", cache_dir=str(tmp_path))
    with pytest.raises(ValueError, match="language.asl.root"):
        module.setup()


def test_synthetic_corpus(tmp_path):
    pytest.importorskip("signllm.data.synthetic", exc_type=ImportError)
    cfg = _compose(["language=[asl,ksl]", "data.batch_size=2", "data.vocab_size=400"], tmp_path)
    module = instantiate(cfg.data, synthetic={"train": 6, "dev": 2, "test": 2})
    module.prepare_data()
    module.setup()
    batch = next(iter(module.train_dataloader()))
    _check_batch(batch, module.info, ["asl", "ksl"])
    assert {code: storage.scale for code, storage in module.info.storage.items()} == {"asl": 9.0, "ksl": 9.0}


def test_training_seed_leaves_the_synthetic_corpus_alone(tmp_path):
    """Runs with other training seeds (a sweep) read the same corpus files; other corpus settings get
    their own folder, so concurrent runs never rewrite each other's data."""
    cfg = _compose(["language=asl", "data.vocab_size=400"], tmp_path)
    corpus = {"seed": 0, "train": 4, "dev": 2, "test": 2}
    folders = [instantiate(cfg.data, seed=seed, synthetic=corpus).folders()["asl"] for seed in (1, 2)]
    other = instantiate(cfg.data, synthetic={**corpus, "train": 5}).folders()["asl"]
    assert folders[0] == folders[1] != other
    assert len((other / "train.files").read_text().splitlines()) == 5
    assert len((folders[0] / "train.files").read_text().splitlines()) == 4


class _Recorder(__import__("lightning").pytorch.LightningModule):
    """Records what each training epoch sees."""

    def __init__(self):
        super().__init__()
        self.weight = torch.nn.Parameter(torch.zeros(()))
        self.seen: dict[int, list] = {}

    def training_step(self, batch, batch_idx):
        self.seen.setdefault(self.current_epoch, []).append((batch["index"].tolist(), batch["text_ids"][:, 1].tolist()))
        return (self.weight - batch["frames"].mean()) ** 2

    def configure_optimizers(self):
        return torch.optim.SGD(self.parameters(), lr=0.1)


def test_trainer_reshuffles_and_redraws_prompts_each_epoch(tmp_path, corpus):
    from lightning.pytorch import Trainer

    module = _module(tmp_path, corpus, languages=["asl", "lis_ch"], input="mixed")
    recorder = _Recorder()
    trainer = Trainer(
        max_epochs=2,
        accelerator="cpu",
        logger=False,
        enable_checkpointing=False,
        enable_progress_bar=False,
        enable_model_summary=False,
        limit_val_batches=0,
    )
    trainer.fit(recorder, datamodule=module)
    assert recorder.seen[0] != recorder.seen[1]
    assert module.dataset("train").epoch == 1
    for epoch in (0, 1):
        indices = sorted(i for batch, _ in recorder.seen[epoch] for i in batch)
        assert indices == list(range(len(module.dataset("train"))))
