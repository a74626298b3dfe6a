"""SLRTP challenge .pt files: what the harness loads, round trips, and errors naming file, clip and shapes."""

import numpy as np
import pytest
import torch

from signllm.data.formats.slrtp import SlrtpClip, read_slrtp, write_slrtp
from signllm.data.skels import Clip
from tests.render.signer import signer


@pytest.fixture
def clips(layouts):
    frames, other = (signer(layouts["slrtp178"], num_frames=count, seed=count)[0] for count in (6, 2))
    return [
        Clip("01April_2010_Thursday_heute-6704", "am tag", "AM TAG", frames),
        SlrtpClip("b", "x", None, other, None, "Signer07"),
    ]


def test_round_trip_and_what_the_harness_loads(layouts, clips, tmp_path):
    slrtp = layouts["slrtp178"]
    path = write_slrtp(tmp_path / "dev.pt", clips, slrtp, scale=2.0)
    data = torch.load(path, weights_only=True)  # as the harness's main.py loads ground truth and submissions
    entry = data[clips[0].id]
    assert set(entry) == {"name", "text", "gloss", "poses_3d", "speaker"} and entry["poses_3d"].dtype == torch.float32
    assert entry["poses_3d"].shape == (6, 178, 3) and entry["text"] == "am tag" and entry["speaker"] == ""
    np.testing.assert_array_equal(entry["poses_3d"].numpy(), slrtp.to_joints(clips[0].frames[:, :-1]) * 2)
    back = read_slrtp(path, slrtp, scale=2.0)
    assert [(c.id, c.text, c.gloss, c.speaker) for c in back] == [
        (clips[0].id, "am tag", "AM TAG", None),
        ("b", "x", None, "Signer07"),
    ]
    for clip, original in zip(back, clips):
        np.testing.assert_array_equal(clip.frames, original.frames)  # the counter: prompt2sign, as the signer's
        assert clip.confidence is None


def test_bare_tensors_read_without_text(tmp_path):
    torch.save({"a": torch.ones(4, 178, 3, dtype=torch.float64)}, tmp_path / "pred.pt")
    [clip] = read_slrtp(tmp_path / "pred.pt")
    assert clip.id == "a" and clip.text == "" and clip.frames.shape == (4, 535) and (clip.frames[:, :-1] == 1).all()


def test_wrong_shape_names_file_clip_and_shapes(tmp_path):
    torch.save({"a": {"name": "a", "poses_3d": torch.zeros(5, 177, 3)}}, tmp_path / "bad.pt")
    with pytest.raises(
        ValueError, match=r"bad.pt: clip 'a': poses_3d is \[5, 177, 3\], expected \[N>0, 178, 3\] \(skeleton=slrtp178\)"
    ):
        read_slrtp(tmp_path / "bad.pt")


def test_writing_a_wrong_clip_leaves_no_file(layouts, clips, tmp_path):
    wrong = Clip("c", "", None, np.zeros((3, 151), np.float32))
    with pytest.raises(ValueError, match=r"clip 'c': frames are \[3, 151\], expected \[T>0, 535\]"):
        write_slrtp(tmp_path / "test.pt", clips + [wrong], layouts["slrtp178"])
    assert list(tmp_path.iterdir()) == []
