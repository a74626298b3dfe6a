"""evaluate.py end to end on the tiny corpus: the composed config, every row, the files and the hash."""

import hashlib
import json
from pathlib import Path

import pytest
from hydra import compose, initialize_config_dir

from signllm.evaluation.pipeline import CEILING, checkpoint_names, evaluate
from signllm.models.mlsf import MLSFModule

from ..checkpoints import save_checkpoint
from .conftest import TINY
from .corpus import write_corpus

CONF = Path(__file__).resolve().parents[2] / "conf"


def test_checkpoint_names():
    assert checkpoint_names(["runs/a/checkpoints/best.ckpt", "x/b.ckpt"]) == {"a/best": "runs/a/checkpoints/best.ckpt", "b": "x/b.ckpt"}
    assert checkpoint_names({"mine": "m.ckpt"}) == {"mine": "m.ckpt"}


def test_evaluate_writes_the_table_of_every_system(datamodule, evaluator_path, tmp_path, capsys):
    model = MLSFModule(datamodule.info, TINY)
    model_path = save_checkpoint(model, tmp_path / "model.ckpt")
    overrides = [
        "data=prompt2sign",
        f"language.asl.root={write_corpus(tmp_path / 'asl')}",
        f"data.cache_dir={tmp_path / 'cache'}",
        "data.vocab_size=300",
        f"evaluator={evaluator_path}",
        f"checkpoints={{tiny: {model_path}}}",
        f"output_dir={tmp_path / 'out'}",
        "batch_size=3",
        "max_frames=16",
        "device=cpu",
    ]
    with initialize_config_dir(str(CONF), version_base="1.3"):
        cfg = compose("evaluate", overrides=overrides)
    report = evaluate(cfg)

    assert list(report["scores"]) == [CEILING, "tiny", "mean pose", "nearest neighbour", "gloss lexicon", "low motion"]
    assert report["evaluator"]["sha256"] == hashlib.sha256(Path(evaluator_path).read_bytes()).hexdigest()
    for split in ("dev", "test"):
        assert report["scores"][CEILING][split]["dtw"] == pytest.approx(0, abs=1e-4)
        assert report["scores"][CEILING][split]["duration_ratio"] == 1
        assert len(report["samples"]["tiny"][split]) == 4
        ceiling = report["scores"][CEILING][split]
        assert ceiling["slrtp_dtw_mje"] == 0 and ceiling["slrtp_total_distance"] == pytest.approx(1) and ceiling["velocity_ratio"] == pytest.approx(1)
        assert report["scores"]["low motion"][split]["velocity_ratio"] < 0.5  # the audit sees the stillness
    assert 0 < report["timings"]["field_scores_s"] < report["timings"]["total_s"]
    assert any(note.startswith("field scores") for note in report["notes"])
    written = json.loads((tmp_path / "out" / "results.json").read_text())
    assert written["scores"] == report["scores"]
    assert (tmp_path / "out" / "results.csv").read_text().count("\n") == 1 + len(report["scores"])
    printed = capsys.readouterr().out
    assert "dev BLEU-4" in printed and "gloss lexicon" in printed and "sha256" in printed
