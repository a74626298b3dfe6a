"""Prompt2Sign format I/O: byte-exact round trips on real data and errors that name file and line."""

import shutil

import numpy as np
import pytest

from signllm.data.skels import Clip, FormatError, read_split, write_split
from signllm.skeleton import counter_values
from ..layouts import OPENPOSE50

PHOENIX = "phoenix14t-progressive-transformers"
PARTS = ("skels", "text", "gloss", "files")


@pytest.mark.parametrize("split", ["train", "dev", "test"])
def test_phoenix_round_trip_is_byte_exact(realdata, tmp_path, split):
    clips = read_split(realdata / PHOENIX, split, OPENPOSE50)
    assert [len(c.frames) for c in clips][:2] == {"train": [86, 126], "dev": [42, 111], "test": [181, 150]}[split]
    assert all(c.frames.dtype == np.float32 and c.frames.shape[1] == OPENPOSE50.frame_size for c in clips)
    assert clips[0].frames[0, OPENPOSE50.counter_index] == 0.0  # PT convention, kept as stored
    write_split(tmp_path, split, clips, OPENPOSE50)
    for part in PARTS:
        assert (tmp_path / f"{split}.{part}").read_bytes() == (realdata / PHOENIX / f"{split}.{part}").read_bytes()
    assert not list(tmp_path.glob(".*tmp"))


def test_negative_zero_survives(realdata, tmp_path):
    assert b"-0.00000" in (realdata / PHOENIX / "dev.skels").read_bytes()
    clip = read_split(realdata / PHOENIX, "dev", OPENPOSE50)[0]
    clip.frames[0, :3] = [-0.0, 0.0, -0.000001]
    write_split(tmp_path, "x", [clip], OPENPOSE50)
    assert (tmp_path / "x.skels").read_text().startswith("-0.00000 0.00000 -0.00000 ")


@pytest.mark.parametrize("convention", ["prompt2sign", "progressive_transformers"])
def test_writer_converts_counter(tmp_path, convention):
    frames = np.zeros((3, OPENPOSE50.frame_size), np.float32)
    write_split(tmp_path, "train", [Clip("a", "t", None, frames)], OPENPOSE50, counter=convention, coord_decimals=2)
    counters = (tmp_path / "train.skels").read_text().split()[OPENPOSE50.counter_index::OPENPOSE50.frame_size]
    assert counters == [f"{v:.4f}" for v in counter_values(3, convention)]
    assert not (tmp_path / "train.gloss").exists()
    [clip] = read_split(tmp_path, "train", OPENPOSE50)
    assert clip.gloss is None and clip.text == "t"
    np.testing.assert_allclose(clip.frames[:, OPENPOSE50.counter_index], counter_values(3, convention), atol=1e-4)


def test_a_failure_while_writing_keeps_the_old_split(realdata, tmp_path):
    clips = read_split(realdata / PHOENIX, "dev", OPENPOSE50)
    write_split(tmp_path, "dev", clips, OPENPOSE50)
    before = {part: (tmp_path / f"dev.{part}").read_bytes() for part in PARTS}

    def stream():  # fails after two clips, as a crashed job would
        yield from clips[:2]
        raise RuntimeError("input gone")

    with pytest.raises(RuntimeError, match="input gone"):
        write_split(tmp_path, "dev", stream(), OPENPOSE50)
    assert {part: (tmp_path / f"dev.{part}").read_bytes() for part in PARTS} == before
    assert not list(tmp_path.glob(".*tmp"))


def test_scale_values_survive_round_trip(tmp_path):
    """Values stored at scale 1/3 or 1/9 are written and read back at the requested decimals."""
    world = np.random.default_rng(0).uniform(-2, 2, (4, OPENPOSE50.frame_size))
    for scale in (3, 9):
        frames = (world / scale).astype(np.float32)
        write_split(tmp_path, f"s{scale}", [Clip("a", "t", "G", frames)], OPENPOSE50)
        [clip] = read_split(tmp_path, f"s{scale}", OPENPOSE50)
        np.testing.assert_allclose(clip.frames[:, :OPENPOSE50.counter_index], frames[:, :OPENPOSE50.counter_index], atol=5e-6)


def _split(tmp_path, skels: list[str], text=None, files=None, gloss=None):
    rows = len(skels)
    contents = {
        "skels": skels,
        "text": text if text is not None else ["hello"] * rows,
        "files": files if files is not None else [f"c{i}" for i in range(rows)],
        "gloss": gloss if gloss is not None else ["HELLO"] * rows,
    }
    for part, lines in contents.items():
        (tmp_path / f"bad.{part}").write_text("".join(line + "\n" for line in lines))


def _frame(value="0.1"):
    return " ".join([value] * OPENPOSE50.frame_size)


@pytest.mark.parametrize(
    "skels, kwargs, part, line, message",
    [
        ([_frame(), _frame()], {"text": ["a"]}, "text", 2, "1 lines, but bad.skels has 2"),
        ([_frame()], {"files": ["a", "b"]}, "files", 2, "2 lines, but bad.skels has 1"),
        ([_frame()], {"gloss": []}, "gloss", 1, "0 lines"),
        ([_frame(), _frame() + " 0.5"], {}, "skels", 2, f"{OPENPOSE50.frame_size + 1} numbers is not a multiple of {OPENPOSE50.frame_size}"),
        ([_frame(), "", _frame()], {}, "skels", 2, "empty clip"),
        ([_frame(), _frame() + " " + _frame("nan")], {}, "skels", 2, "non-finite value nan at frame 1, column 0"),
        ([_frame().replace("0.1", "inf", 1)], {}, "skels", 1, "non-finite value inf at frame 0"),
        ([_frame().replace("0.1", "0.1x", 1)], {}, "skels", 1, "not a number"),
    ],
)
def test_bad_files_name_file_and_line(tmp_path, skels, kwargs, part, line, message):
    _split(tmp_path, skels, **kwargs)
    with pytest.raises(FormatError) as error:
        read_split(tmp_path, "bad", OPENPOSE50)
    assert str(error.value).startswith(f"{tmp_path / f'bad.{part}'}:{line}: ")
    assert message in str(error.value)
    assert error.value.line == line


def test_missing_skels_file(tmp_path):
    with pytest.raises(FileNotFoundError, match="train.skels"):
        read_split(tmp_path, "train", OPENPOSE50)


def test_write_rejects_bad_clips_without_touching_files(realdata, tmp_path):
    shutil.copy(realdata / PHOENIX / "dev.text", tmp_path / "dev.text")
    before = (tmp_path / "dev.text").read_bytes()
    good = np.zeros((2, OPENPOSE50.frame_size), np.float32)
    with pytest.raises(ValueError, match="single lines"):
        write_split(tmp_path, "dev", [Clip("a", "two\nlines", None, good)], OPENPOSE50)
    with pytest.raises(ValueError, match=r"frames must be \(T>0"):
        write_split(tmp_path, "dev", [Clip("a", "t", None, good[:, :-1])], OPENPOSE50)
    assert (tmp_path / "dev.text").read_bytes() == before


def test_last_line_without_newline(tmp_path):
    _split(tmp_path, [_frame(), _frame()])
    for part in PARTS:
        path = tmp_path / f"bad.{part}"
        path.write_bytes(path.read_bytes()[:-1])
    clips = read_split(tmp_path, "bad", OPENPOSE50)
    assert [c.id for c in clips] == ["c0", "c1"] and clips[1].frames.shape == (1, OPENPOSE50.frame_size)
