"""``.pose`` import for lifting (OpenPose and MediaPipe Holistic layouts) on real files, and through the pipeline."""

from __future__ import annotations

import json

import numpy as np
import pytest

from signllm.data.skels import read_split
from signllm.preprocess.pose_import import read_pose_clip
from signllm.preprocess.report import ClipDropped
from signllm.skeleton import load_skeleton

from .conftest import compose_config

TESTDATA = ("openpose.pose", "pose_viewer_example_openpose.pose", "mediapipe.pose", "pose_viewer_sample_holistic.pose")
OPENPOSE50 = load_skeleton("openpose50")
NUM_JOINTS = OPENPOSE50.num_points
JOINT = {name.split(".", 1)[1]: OPENPOSE50.index(name) for name in OPENPOSE50.points if name.startswith("body.")}
LEFT_HAND, RIGHT_HAND = OPENPOSE50.component("left_hand"), OPENPOSE50.component("right_hand")


def _median_distance(joints: np.ndarray, a: int, b: int) -> float:
    seen = (joints[:, a, 2] > 0) & (joints[:, b, 2] > 0)
    return (
        float(np.median(np.linalg.norm(joints[seen, a, :2] - joints[seen, b, :2], axis=-1))) if seen.any() else np.nan
    )


def check_plausible(joints: np.ndarray) -> None:
    """Body bones of human proportions, and each hand on its own side."""
    shoulders = _median_distance(joints, JOINT["l_shoulder"], JOINT["r_shoulder"])
    for a, b in (("neck", "r_shoulder"), ("r_shoulder", "r_elbow"), ("r_elbow", "r_wrist"), ("l_shoulder", "l_elbow")):
        assert 0.15 * shoulders < _median_distance(joints, JOINT[a], JOINT[b]) < 1.5 * shoulders, (a, b)
    # front-facing signer: the left shoulder is on the image's right
    assert np.median(joints[:, JOINT["l_shoulder"], 0]) > np.median(joints[:, JOINT["r_shoulder"], 0])
    for root, own, other in ((LEFT_HAND.start, "l_wrist", "r_wrist"), (RIGHT_HAND.start, "r_wrist", "l_wrist")):
        to_own, to_other = (_median_distance(joints, root, JOINT[wrist]) for wrist in (own, other))
        assert np.isnan(to_own) or to_own < 0.5 * shoulders  # a seen hand hangs on its own wrist
        assert np.isnan(to_own) or np.isnan(to_other) or to_own < to_other


@pytest.mark.parametrize("name", TESTDATA)
def test_pose_format_testdata(realdata, name):
    frames, events = read_pose_clip(realdata / "pose-format-testdata" / name)
    joints = frames.reshape(len(frames), NUM_JOINTS, 3)
    assert frames.shape[1] == NUM_JOINTS * 3 and events["frames_in"] >= len(frames) > 0
    check_plausible(joints)


def test_dgs_reduced_holistic(realdata):
    for path in sorted((realdata / "dgs-corpus-fluent-pose-synthesis" / "train").glob("*.pose")):
        frames, _ = read_pose_clip(path)
        joints = frames.reshape(len(frames), NUM_JOINTS, 3)
        check_plausible(joints)
        neck = joints[:, JOINT["neck"], :2]
        np.testing.assert_allclose(neck, joints[:, [JOINT["l_shoulder"], JOINT["r_shoulder"]], :2].mean(1), rtol=1e-5)
        assert (joints[:, JOINT["nose"], 1] < neck[:, 1]).mean() > 0.9  # the face centroid sits above the neck


def test_unreadable_pose_is_dropped(tmp_path):
    (tmp_path / "broken.pose").write_bytes(b"\x00\x01 not a pose file")
    with pytest.raises(ClipDropped, match="broken.pose") as dropped:
        read_pose_clip(tmp_path / "broken.pose")
    assert dropped.value.reason == "unreadable_pose"


def test_import_stage_with_sidecar_texts(realdata, tmp_path):
    from signllm.preprocess.__main__ import run

    folder = realdata / "dgs-corpus-fluent-pose-synthesis" / "train"
    overrides = [
        f"input_dir={folder}",
        f"output_dir={tmp_path}",
        "split=train",
        "stages=[import,lift,write]",
        "texts.id_pattern='(.*)_original'",
        "texts.sidecar='{id}_metadata.json'",
        "texts.text_field=sentence.english",
        "texts.gloss_field=sentence.glosses.gloss",
        "lift.steps=3",
        "progress=false",
    ]
    report = run(compose_config(overrides))
    clips = read_split(tmp_path, "train", OPENPOSE50)
    assert report.clips_in == 16 and list(report.dropped["no_text"]) == ["train_7"]  # empty English sentence
    assert len(clips) == 15 and all(clip.text and clip.gloss for clip in clips)
    sentence = json.loads((folder / f"{clips[0].id}_metadata.json").read_text())["sentence"]
    assert clips[0].text == sentence["english"] and clips[0].gloss == " ".join(sentence["glosses"]["gloss"])


def test_another_layout_in_its_2d_form(realdata):
    """The face comes along where the target layout has one: holistic178 keeps the DGS signer's face in 2D."""
    holistic = load_skeleton("holistic178")
    path = realdata / "dgs-corpus-fluent-pose-synthesis" / "train" / "train_1_original.pose"
    frames, events = read_pose_clip(path, holistic)
    joints = frames.reshape(len(frames), holistic.num_points, 3)
    assert events["frames_in"] == len(frames) and (joints[:, holistic.component("face"), 2] > 0).mean() > 0.9
    assert frames.shape[1] == holistic.num_points * 3
