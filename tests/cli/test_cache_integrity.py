"""A damaged packed cache is never read silently: a truncated file, altered texts or a damaged frame chunk
anywhere in the file fail the check when the cache is reused, and it is rebuilt with a warning."""

import logging

import h5py
import numpy as np
import pytest

from signllm.data.cache import CHUNK_FRAMES, PackedSplit, ensure_packed
from signllm.data.skels import read_split, write_split

from ..data.corpus import make_clips
from ..layouts import OPENPOSE50


@pytest.fixture
def packed(tmp_path):
    """(source folder, cache path, clips as read from the text) of an 80-clip split spanning several chunks."""
    write_split(tmp_path / "src", "train", make_clips("asl", 80, np.random.default_rng(0)), OPENPOSE50)
    path = ensure_packed(tmp_path / "src", "train", tmp_path / "cache", "asl", OPENPOSE50)
    return tmp_path / "src", path, read_split(tmp_path / "src", "train", OPENPOSE50)


def reuse(source, caplog):
    with caplog.at_level(logging.WARNING, logger="signllm.data.cache"):
        return ensure_packed(source, "train", source.parent / "cache", "asl", OPENPOSE50)


def assert_intact(path, clips):
    split = PackedSplit(path)
    assert split.ids == [clip.id for clip in clips]
    for index, clip in enumerate(clips):
        np.testing.assert_array_equal(split.frames(index), clip.frames)


def flip_byte(path, offset):
    with open(path, "r+b") as file:
        file.seek(offset)
        byte = file.read(1)
        file.seek(offset)
        file.write(bytes([byte[0] ^ 0xFF]))


def test_a_truncated_cache_is_rebuilt_with_a_warning(packed, caplog):
    source, path, clips = packed
    size = path.stat().st_size
    with open(path, "r+b") as file:
        file.truncate(size // 2)
    assert reuse(source, caplog) == path
    assert "damaged cache" in caplog.text and str(path) in caplog.text
    assert_intact(path, clips)


def test_altered_texts_fail_the_checksum_and_are_rebuilt(packed, caplog):
    source, path, clips = packed
    with h5py.File(path, "r+") as h5:
        texts = h5["text"].asstr()[:].tolist()
        h5["text"][3] = texts[3].upper()
    assert reuse(source, caplog) == path
    assert "checksum mismatch" in caplog.text
    assert_intact(path, clips)


def test_a_damaged_frame_chunk_fails_the_checksum_and_is_rebuilt(packed, caplog):
    source, path, clips = packed
    with h5py.File(path, "r") as h5:
        assert h5["frames"].shape[0] > 4 * CHUNK_FRAMES
        chunk = h5["frames"].id.get_chunk_info(2)  # neither the first nor the last chunk
    flip_byte(path, chunk.byte_offset + chunk.size // 2)
    assert reuse(source, caplog) == path
    assert "checksum mismatch" in caplog.text and str(path) in caplog.text
    assert_intact(path, clips)
