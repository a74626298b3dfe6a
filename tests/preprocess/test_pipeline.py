"""The whole pipeline on the real How2Sign sample: split written, resumable, sharded, honest about drops."""

from __future__ import annotations

import json
import shutil

import h5py
import numpy as np
import pytest

from signllm.data.skels import read_split
from signllm.skeleton import COUNTER, NUM_JOINTS, counter_values, to_joints

from .conftest import CLIPS, copy_clips, run_pipeline


def test_split_has_every_clip_with_its_text(lifted_split, how2sign):
    clips = read_split(lifted_split, "dev")
    rows = [line.split("\t") for line in (how2sign / "clips.tsv").read_text().splitlines()[1:]]
    assert [(clip.id, clip.text) for clip in clips] == [(row[0], row[6]) for row in rows]
    for clip, row in zip(clips, rows):
        assert len(clip.frames) == int(row[1])
        np.testing.assert_allclose(clip.frames[:, COUNTER], counter_values(len(clip.frames)), atol=1e-4)
        joints = to_joints(clip.frames[:, :COUNTER])
        assert np.abs(joints).max() < 1.0  # normalised, then / 9


def test_report_counts_and_errors(lifted_split):
    report = json.loads((lifted_split / "dev.report.json").read_text())
    assert report["clips_in"] == report["clips_out"] == CLIPS and report["dropped"] == {}
    assert report["frames"]["frames_in"] == 684
    errors = report["reprojection_error"]
    assert errors["final"] < 0.8 * errors["initial"]


def test_one_hdf5_per_split(lifted_split):
    with h5py.File(lifted_split / "dev.h5", "r") as file:
        assert len(file) == CLIPS
        assert all(dataset.shape[1] == NUM_JOINTS * 3 for dataset in file.values())


def test_rerun_skips_everything(lifted_split, how2sign):
    parts = sorted((lifted_split / "work").rglob("part-*.h5"))
    stamps = [part.stat().st_mtime_ns for part in parts]
    skels = (lifted_split / "dev.skels").read_bytes()
    run_pipeline(how2sign / "json", lifted_split, how2sign)
    assert sorted((lifted_split / "work").rglob("part-*.h5")) == parts
    assert [part.stat().st_mtime_ns for part in parts] == stamps
    assert (lifted_split / "dev.skels").read_bytes() == skels


def test_corrupt_and_missing_clips_are_reported_and_the_rest_come_out(how2sign, tmp_path):
    clips = copy_clips(how2sign, tmp_path / "json")
    broken = sorted((clips / "_2FBDaOPYig_3-3-rgb_front").iterdir())[40]
    broken.write_text(broken.read_text()[:100])  # truncated mid-file
    shutil.rmtree(clips / "_2FBDaOPYig_4-3-rgb_front")
    (clips / "stray_clip").mkdir()  # an input without text
    report = run_pipeline(clips, tmp_path / "out", how2sign)
    assert report.clips_in == CLIPS + 1 and report.clips_out == CLIPS - 2
    assert list(report.dropped["unreadable_json"]) == ["_2FBDaOPYig_3-3-rgb_front"]
    assert broken.name in report.dropped["unreadable_json"]["_2FBDaOPYig_3-3-rgb_front"]
    assert list(report.dropped["missing_input"]) == ["_2FBDaOPYig_4-3-rgb_front"]
    assert list(report.dropped["no_text"]) == ["stray_clip"]
    assert len(read_split(tmp_path / "out", "dev")) == CLIPS - 2
    saved = json.loads((tmp_path / "out" / "dev.report.json").read_text())
    assert saved["dropped"] == {"missing_input": 1, "no_text": 1, "unreadable_json": 1}


def test_shards_then_write_match_one_run(how2sign, lifted_split, tmp_path):
    output = tmp_path / "sharded"
    with pytest.raises(RuntimeError, match="not finished"):
        run_pipeline(
            how2sign / "json",
            output,
            how2sign,
            "stages=[json2h5,lift]",
            "num_shards=2",
            "shard=0",
            "stages=[json2h5,lift,write]",
        )
    run_pipeline(how2sign / "json", output, how2sign, "stages=[json2h5,lift]", "num_shards=2", "shard=1")
    assert {part.name[:10] for part in (output / "work" / "dev" / "pose3d").iterdir()} == {"part-00000", "part-00001"}
    run_pipeline(how2sign / "json", output, how2sign, "stages=[write]")
    sharded, whole = read_split(output, "dev"), read_split(lifted_split, "dev")
    assert [(clip.id, clip.text) for clip in sharded] == [(clip.id, clip.text) for clip in whole]
    for ours, reference in zip(sharded, whole):  # other batch companions: equal up to float rounding
        np.testing.assert_allclose(ours.frames, reference.frames, atol=1e-4)


def test_datamodule_loads_the_split(lifted_split, tmp_path):
    from signllm.data.datamodule import SignDataModule

    for split in ("train", "test"):
        for part in ("skels", "text", "files"):
            shutil.copy(lifted_split / f"dev.{part}", lifted_split / f"{split}.{part}")
    module = SignDataModule(
        {"asl": {"root": str(lifted_split), "fps": 24, "scale": 9}},
        source="prompt2sign",
        cache_dir=str(tmp_path / "cache"),
        batch_size=2,
        vocab_size=300,
    )
    module.setup()
    batch = next(iter(module.train_dataloader()))
    assert batch["frames"].shape[-1] == COUNTER + 1 and len(module.dataset("dev")) == CLIPS
