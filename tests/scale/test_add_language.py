"""A new language group on a trained MLSF checkpoint, from the command line (the README's form): the checkpoint's
size, weight-shaping augmentation settings and tokenizers are taken from it without being named, the frozen old
group keeps its weights, and an override that disagrees with the checkpoint is refused in one line."""

import torch

from signllm.data.tokenizer import Tokenizers

from .conftest import one_line_error, run_train, summary


def test_train_py_adds_a_language_to_a_checkpoint(data_dir, tmp_path):
    run_train(data_dir, tmp_path, "name=asl", "language=asl", "augmentation=jc", "trainer.max_epochs=1")
    checkpoint = tmp_path / "train/runs/asl/checkpoints/last.ckpt"
    grow = ["language=[asl,gsl]", "trainer.max_epochs=1", f"model.init_from={checkpoint}", "+model.add_languages=[gsl]"]
    refused = run_train(data_dir, tmp_path, "name=refused", *grow, "augmentation=fp", status=2)
    assert one_line_error(refused) == (
        f"error: augmentation.future_frames=5: model.init_from={checkpoint} was trained with "
        "augmentation.future_frames=1; leave augmentation.future_frames out"
    )
    run_train(data_dir, tmp_path, "name=grown", *grow, "model.freeze_existing=true", without=("size",))
    grown, old = (torch.load(path, map_location="cpu", weights_only=False)
                  for path in (summary(tmp_path / "train/runs/grown")["last_checkpoint"], checkpoint))
    assert grown["hyper_parameters"]["size"] == old["hyper_parameters"]["size"]  # tiny, though size=base is the default
    assert grown["hyper_parameters"]["augmentation"]["just_counter"] is True
    tokenizers = {name: Tokenizers.from_json(run["data_info"]["tokenizers"])
                  for name, run in (("old", old), ("grown", grown))}
    assert tokenizers["grown"].extends(tokenizers["old"]) and tokenizers["grown"].languages == ["asl", "gsl"]
    assert grown["data_info"]["languages"] == ["asl", "gsl"]
    asl = {key: value for key, value in old["state_dict"].items() if key.startswith("groups.asl.")}
    # the asl group as trained (its text embedding has gained rows for the new marker, after its own)
    assert asl and all(torch.equal(grown["state_dict"][key][: len(value)], value) for key, value in asl.items())
    assert any(key.startswith("groups.gsl.") for key in grown["state_dict"])
