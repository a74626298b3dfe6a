"""The whole pipeline on real samples: split written in the chosen layout, resumable, sharded, honest about drops."""

from __future__ import annotations

import json
import shutil

import h5py
import numpy as np
import pytest

from signllm.cli import ConfigError
from signllm.data.skels import FrameCodec, parse_frames, read_split
from signllm.preprocess.__main__ import run
from signllm.skeleton import SkeletonError, counter_values, load_skeleton

from .conftest import CLIPS, compose_config, copy_clips, run_pipeline

OPENPOSE50, DWPOSE = load_skeleton("openpose50"), load_skeleton("dwpose")


def test_split_has_every_clip_with_its_text(lifted_split, how2sign):
    clips = read_split(lifted_split, "dev", OPENPOSE50)
    rows = [line.split("\t") for line in (how2sign / "clips.tsv").read_text().splitlines()[1:]]
    assert [(clip.id, clip.text) for clip in clips] == [(row[0], row[6]) for row in rows]
    for clip, row in zip(clips, rows):
        assert len(clip.frames) == int(row[1])
        coords, counter = clip.frames[:, :-1], clip.frames[:, -1]
        np.testing.assert_allclose(counter, counter_values(len(clip.frames)), atol=1e-4)
        assert np.abs(coords).max() < 1.0  # normalised, then / 9


def test_report_counts_and_errors(lifted_split):
    report = json.loads((lifted_split / "dev.report.json").read_text())
    assert report["clips_in"] == report["clips_out"] == CLIPS and report["dropped"] == {}
    assert report["frames"]["frames_in"] == 684
    errors, objective = report["reprojection_error"], report["objective"]
    assert errors["final"] < 0.8 * errors["initial"] and objective["final"] < objective["initial"]


def test_one_hdf5_per_split(lifted_split):
    with h5py.File(lifted_split / "dev.h5", "r") as file:
        assert len(file) == CLIPS
        assert all(dataset.shape[1] == OPENPOSE50.num_points * 3 for dataset in file.values())


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
    assert len(read_split(tmp_path / "out", "dev", OPENPOSE50)) == CLIPS - 2
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
    sharded, whole = read_split(output, "dev", OPENPOSE50), read_split(lifted_split, "dev", OPENPOSE50)
    assert [(clip.id, clip.text) for clip in sharded] == [(clip.id, clip.text) for clip in whole]
    for ours, reference in zip(sharded, whole):  # other batch companions: equal up to float rounding
        np.testing.assert_allclose(ours.frames, reference.frames, atol=1e-4)


def test_datamodule_loads_the_split(lifted_split, tmp_path):
    from signllm.data.datamodule import SignDataModule

    for split in ("train", "test"):
        for part in ("skels", "text", "files"):
            shutil.copy(lifted_split / f"dev.{part}", lifted_split / f"{split}.{part}")
    module = SignDataModule(
        {"asl": {"root": str(lifted_split), "fps": 24}},
        OPENPOSE50,
        source="prompt2sign",
        cache_dir=str(tmp_path / "cache"),
        batch_size=2,
        vocab_size=300,
    )
    module.setup()
    batch = next(iter(module.train_dataloader()))
    assert batch["frames"].shape[-1] == OPENPOSE50.frame_size and len(module.dataset("dev")) == CLIPS


def dwpose_overrides(realdata, output, *extra: str) -> list[str]:
    return [
        f"input_dir={realdata / 'prompt2sign-dwpose-2025'}",
        f"output_dir={output}",
        "lift.steps=5",
        "progress=false",
        *extra,
    ]


def test_skeleton_setting_writes_dwpose_frames_as_read(realdata, tmp_path):
    """skeleton=dwpose (2D): the DWPose per-frame folders become a split of that layout, scores included."""
    report = run(compose_config(dwpose_overrides(realdata, tmp_path, "skeleton=dwpose")))
    clips = {clip.id: clip for clip in read_split(tmp_path, "dev", DWPOSE)}
    assert report.clips_out == 3 and set(clips) == {"human_signer", "human_signer_480", "human_mutiperson"}
    assert report.frames["several_people"] == 12 and report.frames["people_dropped"] == 12
    derived = realdata / "prompt2sign-dwpose-2025" / "derived_test_dataset"  # the sample's own .skels (no .text)
    ids = derived.with_suffix(".files").read_text().split()
    lines = derived.with_suffix(".skels").read_text().splitlines()
    for number, (clip_id, line) in enumerate(zip(ids, lines), 1):  # the one-signer clips, from the same files
        frames, confidence = parse_frames(line, derived.with_suffix(".skels"), number, FrameCodec(DWPOSE))
        np.testing.assert_allclose(clips[clip_id].frames[:, :-1], frames[:, :-1], atol=1e-5)
        np.testing.assert_allclose(clips[clip_id].confidence, confidence, atol=1e-5)


def test_skeleton_setting_lifts_dwpose_into_openpose50(realdata, tmp_path):
    run(compose_config(dwpose_overrides(realdata, tmp_path, "skeleton=openpose50")))
    clips = read_split(tmp_path, "dev", OPENPOSE50)
    assert len(clips) == 3 and all(np.isfinite(clip.frames).all() for clip in clips)
    report = json.loads((tmp_path / "dev.report.json").read_text())
    assert report["reprojection_error"]["final"] <= report["reprojection_error"]["initial"]


def test_work_of_another_layout_is_refused(how2sign, tmp_path):
    """An output_dir begun with one skeleton= and continued with another: file, clip, both sizes, the setting."""
    run_pipeline(how2sign / "json", tmp_path, how2sign, "stages=[json2h5]")
    with pytest.raises(ConfigError) as refused:
        run_pipeline(how2sign / "json", tmp_path, how2sign, "stages=[lift]", "skeleton=dwpose")
    message = str(refused.value)
    assert "work/dev/pose2d/part-00000-000000.h5: clip " in message
    assert "150 values per frame of skeleton=openpose50" in message and "skeleton=dwpose needs 384" in message
    assert "run with skeleton=openpose50" in message


def test_a_layout_that_cannot_be_lifted_is_refused_before_any_work(how2sign, tmp_path):
    with pytest.raises(SkeletonError, match="skeleton=holistic178: cannot lift a forest"):
        run_pipeline(how2sign / "json", tmp_path, how2sign, "skeleton=holistic178")
    assert not (tmp_path / "work").exists()
