"""The Prompt2Sign 2025 per-frame DWPose files read like the .skels made from them; one signer per frame."""

import json
import os
import pickle

import numpy as np
import pytest

from signllm.data.formats.dwpose_frames import read_dwpose_clip
from signllm.data.skels import read_split

CLIPS = ("human_signer_480", "human_signer")  # lines 1 and 2 of derived_test_dataset.skels


@pytest.fixture(scope="module")
def derived(dwpose_samples, layouts, tmp_path_factory):
    """The derived .skels read by read_split (a .text beside it: the sample has no texts)."""
    folder = tmp_path_factory.mktemp("derived")
    for part in ("skels", "files"):
        os.symlink(dwpose_samples / f"derived_test_dataset.{part}", folder / f"derived.{part}")
    (folder / "derived.text").write_text("\n" * len(CLIPS))
    return {clip.id: clip for clip in read_split(folder, "derived", layouts["dwpose"])}


@pytest.mark.parametrize("clip", CLIPS)
@pytest.mark.parametrize("kind", ["json", "npz"])
def test_frames_equal_the_derived_skels(dwpose_samples, layouts, derived, clip, kind):
    frames, confidence, events = read_dwpose_clip(dwpose_samples / clip, layouts["dwpose"], kind=kind)
    assert frames.dtype == np.float32 and frames.shape == derived[clip].frames.shape
    np.testing.assert_allclose(frames, derived[clip].frames, atol=1e-6)  # counter i/(T-1) included
    np.testing.assert_allclose(confidence, derived[clip].confidence, atol=1e-6)
    assert events["frames"] == len(frames) and not events["several_people"] and not events["missing_files"]
    assert events["no_body_seen"] == (clip == "human_signer_480")  # frame 97: DWPose ran on the whole image


def test_npy_and_aspect_ratio(dwpose_samples, layouts, derived):
    dwpose = layouts["dwpose"]
    frames, _, _ = read_dwpose_clip(dwpose_samples / "human_signer_480" / "results_dwpose" / "npy", dwpose)
    np.testing.assert_allclose(frames, derived["human_signer_480"].frames, atol=1e-6)
    wide, _, _ = read_dwpose_clip(dwpose_samples / "human_signer", dwpose, video_size=(1280, 720))
    square = derived["human_signer"].frames
    np.testing.assert_allclose(wide[:, 0:-1:2], square[:, 0:-1:2] * 1280 / 720, atol=1e-5)
    np.testing.assert_array_equal(
        wide[:, 1:-1:2], read_dwpose_clip(dwpose_samples / "human_signer", dwpose)[0][:, 1:-1:2]
    )
    settings = dwpose.storage_for({"aspect_ratio": 1280 / 720})
    np.testing.assert_array_equal(read_dwpose_clip(dwpose_samples / "human_signer", dwpose, settings)[0], wide)


def test_two_people_one_signer_and_the_hand_bug_undone(dwpose_samples, layouts):
    dwpose = layouts["dwpose"]
    frames, confidence, events = read_dwpose_clip(dwpose_samples / "human_mutiperson", dwpose, video_size=(1278, 720))
    assert len(frames) == 12
    assert dict(events) == {
        "frames": 12,
        "missing_files": 0,
        "several_people": 12,
        "people_dropped": 12,
        "hands_reassigned": 12,
        "no_body_seen": 0,
    }
    joints = dwpose.to_joints(frames[:, :-1])
    body = joints[:, dwpose.component("body")]
    seen = confidence[:, dwpose.component("body")] > 0
    centres = np.array([points[mask].mean(0) for points, mask in zip(body, seen)])
    assert np.ptp(centres[:, 0]) < 0.05  # the same person in all 12 frames (the files swap them in frames 3 and 12)
    for hand, wrist, other in (
        ("left_hand", "body.l_wrist", "body.r_wrist"),
        ("right_hand", "body.r_wrist", "body.l_wrist"),
    ):
        root = joints[:, dwpose.component(hand).start]
        own, across = (np.linalg.norm(root - joints[:, dwpose.index(name)], axis=1) for name in (wrist, other))
        assert (own < 0.02).all() and (own < across).all()  # each hand hangs on its own wrist again


def _frame_folder(tmp_path, source, numbers):
    folder = tmp_path / "json"
    folder.mkdir()
    for number in numbers:
        os.symlink(source / f"{number:08d}.json", folder / f"{number:08d}.json")
    return folder


def test_gaps_are_counted(dwpose_samples, layouts, tmp_path):
    folder = _frame_folder(tmp_path, dwpose_samples / "human_signer" / "results_dwpose" / "json", [1, 2, 5])
    frames, _, events = read_dwpose_clip(folder, layouts["dwpose"])
    assert len(frames) == 3 and events["missing_files"] == 2


def test_bad_frame_names_file_and_sizes(dwpose_samples, layouts, tmp_path):
    frame = json.loads((dwpose_samples / "human_signer" / "results_dwpose" / "json" / "00000001.json").read_text())
    frame["person_0"]["face_keypoints"] = frame["person_0"]["face_keypoints"][:67]
    (tmp_path / "00000001.json").write_text(json.dumps(frame))
    with pytest.raises(
        ValueError, match=r"00000001.json: person_0.face_keypoints has shape \(67, 2\), expected \(68, 2\)"
    ):
        read_dwpose_clip(tmp_path, layouts["dwpose"])


def test_pickled_code_is_refused(layouts, tmp_path):
    with open(tmp_path / "00000001.npy", "wb") as file:
        np.lib.format.write_array(file, np.array(os.system, dtype=object), allow_pickle=True)
    with pytest.raises(pickle.UnpicklingError, match="refused to unpickle posix.system"):
        read_dwpose_clip(tmp_path, layouts["dwpose"])
