"""``python -m signllm.convert``: a split from one layout to another, streamed, with a report of what was dropped."""

import json
import subprocess
import sys

import numpy as np
import pytest
from hydra import compose, initialize_config_dir

from signllm.convert import CONFIG_DIR, convert_split
from signllm.data.skels import Clip, read_split, write_split
from signllm.render.pose_file import read_pose
from signllm.skeleton import counter_values

PHOENIX = "phoenix14t-progressive-transformers"


def run(*overrides: str) -> dict:
    with initialize_config_dir(config_dir=CONFIG_DIR, version_base="1.3"):
        return convert_split(compose("convert", overrides=list(overrides)))


@pytest.fixture(scope="module")
def holistic_split(dgs, layouts, tmp_path_factory):
    """Three DGS sentences as a holistic178 split, confidences included (MediaPipe saw all their points)."""
    folder, holistic = tmp_path_factory.mktemp("holistic"), layouts["holistic178"]
    clips = [
        Clip(path.stem, f"sentence {index}", None, *read_pose(path, holistic)[:2]) for index, path in enumerate(dgs[:3])
    ]
    clips[1].confidence[2, holistic.component("left_hand")] = 0  # a hand the detector missed in one frame
    write_split(folder, "train", clips, holistic)
    return folder


def test_holistic_to_slrtp_and_back_is_exact(holistic_split, layouts, tmp_path):
    report = run(
        "source=holistic178",
        "target=slrtp178",
        f"input_dir={holistic_split}",
        f"output_dir={tmp_path / 'slrtp'}",
        "split=train",
    )
    assert report["clips"] == 3 and not (report["derived"] or report["missing"] or report["dropped"])
    original = read_split(holistic_split, "train", layouts["holistic178"])
    assert report["unseen"] == sum(int((clip.confidence <= 0).sum()) for clip in original) == 21
    assert json.loads((tmp_path / "slrtp" / "train.convert.json").read_text())["unseen"] == report["unseen"]
    run(
        "source=slrtp178",
        "target=holistic178",
        f"input_dir={tmp_path / 'slrtp'}",
        f"output_dir={tmp_path / 'back'}",
        "split=train",
    )
    back = read_split(tmp_path / "back", "train", layouts["holistic178"])
    assert [clip.frames.tobytes() for clip in back] == [clip.frames.tobytes() for clip in original]
    assert all((clip.confidence == 1).all() for clip in back)  # slrtp178 keeps no confidences
    for part in ("text", "files"):
        assert (tmp_path / "back" / f"train.{part}").read_bytes() == (holistic_split / f"train.{part}").read_bytes()


def test_storage_settings_units_and_counter(realdata, layouts, tmp_path):
    run(
        "source=openpose50",
        "target=dwpose",
        f"input_dir={realdata / PHOENIX}",
        f"output_dir={tmp_path}",
        "split=dev",
        "source_storage.scale=3",
        "source_storage.counter=progressive_transformers",
    )
    openpose, dwpose = layouts["openpose50"], layouts["dwpose"]
    source = read_split(realdata / PHOENIX, "dev", openpose)[0]
    clip = read_split(tmp_path, "dev", dwpose)[0]
    assert clip.gloss == source.gloss
    wrist = openpose.to_joints(source.frames[:, :-1])[:, openpose.index("body.l_wrist"), :2] * 3  # world units
    np.testing.assert_allclose(dwpose.to_joints(clip.frames[:, :-1])[:, dwpose.index("body.l_wrist")], wrist, atol=6e-6)
    np.testing.assert_allclose(clip.frames[:, -1], counter_values(len(clip.frames), "dwpose"), atol=1e-4)
    assert (clip.confidence[:, dwpose.component("face")] == 0).all() and (
        clip.confidence[:, dwpose.index("body.neck")] == 1
    ).all()


def test_impossible_pair_is_one_line_before_reading(tmp_path):
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "signllm.convert",
            "source=dwpose",
            "target=openpose50",
            f"input_dir={tmp_path / 'none'}",
            f"output_dir={tmp_path / 'out'}",
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 2
    assert result.stderr.strip() == (
        "error: layout dwpose is 2D and openpose50 is 3D: "
        "converting needs lifting (python -m signllm.preprocess), not a conversion"
    )


def test_output_over_input_is_refused(holistic_split):
    with pytest.raises(ValueError, match="is input_dir"):
        run(
            "source=holistic178",
            "target=slrtp178",
            f"input_dir={holistic_split}",
            f"output_dir={holistic_split}",
            "split=train",
        )
