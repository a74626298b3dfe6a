"""The corpus on disk: layout, determinism, idempotence and the command."""

import json
import re

import pytest

from signllm.data.skels import read_split, split_paths
from signllm.data.synthetic import LANGUAGES, ensure_corpus
from signllm.data.synthetic.__main__ import main
from signllm.data.synthetic.corpus import MARKER, SPLITS

from .conftest import SIZES


def _files(folder):
    return sorted(path for path in folder.iterdir() if path.is_file())


def test_all_languages_write_readable_splits(corpus):
    assert list(corpus) == list(LANGUAGES)
    for code, folder in corpus.items():
        for split in SPLITS:
            clips = read_split(folder, split)
            assert len(clips) == SIZES[split]
            assert [clip.id for clip in clips] == [f"synthetic-{code}-{split}-{i:06d}" for i in range(1, len(clips) + 1)]
            assert all(clip.text and clip.gloss for clip in clips)
        marker = json.loads((folder / MARKER).read_text(encoding="utf-8"))
        assert marker["language"] == code and marker["seed"] == 0 and marker["sizes"] == SIZES


def test_unicode_text_of_korean_and_turkish(corpus):
    korean = " ".join(clip.text for clip in read_split(corpus["ksl"], "train"))
    turkish = " ".join(clip.text + clip.gloss for clip in read_split(corpus["tsl"], "train"))
    assert re.search("[\uac00-\ud7a3]", korean)
    assert re.search("[çğıöşüİ]", turkish, re.IGNORECASE)


def test_same_seed_gives_identical_bytes(corpus, tmp_path):
    again = ensure_corpus(tmp_path, ["asl", "ksl"], seed=0, **SIZES)
    for code, folder in again.items():
        assert [path.name for path in _files(folder)] == [path.name for path in _files(corpus[code])]
        for path in _files(folder):
            assert path.read_bytes() == (corpus[code] / path.name).read_bytes(), path.name


def test_other_seed_gives_other_clips(corpus, tmp_path):
    folder = ensure_corpus(tmp_path, ["asl"], seed=1, **SIZES)["asl"]
    assert (folder / "train.skels").read_bytes() != (corpus["asl"] / "train.skels").read_bytes()


def test_complete_language_is_not_rewritten(tmp_path):
    folder = ensure_corpus(tmp_path, ["lsa"], train=4, dev=1, test=1)["lsa"]
    stamps = {path: path.stat().st_mtime_ns for path in _files(folder)}
    ensure_corpus(tmp_path, ["lsa"], train=4, dev=1, test=1)
    assert {path: path.stat().st_mtime_ns for path in _files(folder)} == stamps


@pytest.mark.parametrize("change", ["sizes", "seed", "missing_file"])
def test_changed_or_incomplete_language_is_regenerated(tmp_path, change):
    folder = ensure_corpus(tmp_path, ["tsl"], train=4, dev=1, test=1)["tsl"]
    sizes = {"train": 4, "dev": 1, "test": 1}
    seed = 0
    if change == "sizes":
        sizes["train"] = 5
    elif change == "seed":
        seed = 3
    else:
        split_paths(folder, "dev")["gloss"].unlink()
    before = (folder / "train.skels").stat().st_mtime_ns
    ensure_corpus(tmp_path, ["tsl"], seed=seed, **sizes)
    assert len(read_split(folder, "train")) == sizes["train"]
    assert split_paths(folder, "dev")["gloss"].is_file()
    assert json.loads((folder / MARKER).read_text(encoding="utf-8"))["seed"] == seed
    assert (folder / "train.skels").stat().st_mtime_ns != before


def test_unknown_language_is_refused(tmp_path):
    with pytest.raises(ValueError, match="xyz"):
        ensure_corpus(tmp_path, ["asl", "xyz"])


def test_command_writes_requested_languages(tmp_path):
    main(["--root", str(tmp_path), "--languages", "gsl", "dsgs", "--train", "3", "--dev", "1", "--test", "1"])
    assert sorted(path.name for path in tmp_path.iterdir()) == ["dsgs", "gsl"]
    assert len(read_split(tmp_path / "dsgs", "train")) == 3
