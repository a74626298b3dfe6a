"""A new language group on a trained MLSF checkpoint, from the command line: the checkpoint's tokenizers
are reused (gaining the new language's marker) without being named, and the frozen old group keeps its
weights."""

import torch

from signllm.data.tokenizer import Tokenizers

from .conftest import run_train, summary


def test_train_py_adds_a_language_to_a_checkpoint(data_dir, tmp_path):
    run_train(data_dir, tmp_path, "name=asl", "language=asl", "trainer.max_epochs=1")
    checkpoint = tmp_path / "train/runs/asl/checkpoints/last.ckpt"
    run_train(data_dir, tmp_path, "name=grown", "language=[asl,gsl]", "trainer.max_epochs=1",
              f"model.init_from={checkpoint}", "+model.add_languages=[gsl]", "model.freeze_existing=true")
    grown = torch.load(summary(tmp_path / "train/runs/grown")["last_checkpoint"], map_location="cpu", weights_only=False)
    old = torch.load(checkpoint, map_location="cpu", weights_only=False)
    tokenizers = {name: Tokenizers.from_json(run["data_info"]["tokenizers"]) for name, run in (("old", old), ("grown", grown))}
    assert tokenizers["grown"].extends(tokenizers["old"]) and tokenizers["grown"].languages == ["asl", "gsl"]
    assert grown["data_info"]["languages"] == ["asl", "gsl"]
    asl = {key: value for key, value in old["state_dict"].items() if key.startswith("groups.asl.")}
    # the asl group as trained (its text embedding has gained rows for the new marker, after its own)
    assert asl and all(torch.equal(grown["state_dict"][key][: len(value)], value) for key, value in asl.items())
    assert any(key.startswith("groups.gsl.") for key in grown["state_dict"])
