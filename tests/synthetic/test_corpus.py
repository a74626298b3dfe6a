"""The corpus on disk: every layout, determinism, idempotence, the folder and the command."""

import json
import re

import numpy as np
import pytest
import yaml

from signllm.data.skels import read_split, split_paths
from signllm.data.synthetic import LANGUAGES, corpus_folder, ensure_corpus
from signllm.data.synthetic.__main__ import DATA_CONFIG, main
from signllm.data.synthetic.corpus import DEFAULT_SIZES, MARKER, SPLITS
from signllm.skeleton import counter_values, load_skeleton

from .conftest import LAYOUT_SIZES, SIZES


def _files(folder):
    return sorted(path for path in folder.iterdir() if path.is_file())


def test_all_languages_write_readable_splits(corpus):
    skeleton = load_skeleton("openpose50")
    assert list(corpus) == list(LANGUAGES)
    for code, folder in corpus.items():
        for split in SPLITS:
            clips = read_split(folder, split, skeleton)
            assert len(clips) == SIZES[split]
            ids = [f"synthetic-{code}-{split}-{i:06d}" for i in range(1, SIZES[split] + 1)]
            assert [clip.id for clip in clips] == ids
            assert all(clip.text and clip.gloss for clip in clips)
        marker = json.loads((folder / MARKER).read_text(encoding="utf-8"))
        assert marker["language"] == code and marker["seed"] == 0 and marker["sizes"] == SIZES
        assert marker["skeleton"] == "openpose50"


def test_every_layout_reads_back_with_its_shapes_and_storage(layout_corpus):
    skeleton, folders = layout_corpus
    storage = skeleton.storage
    for folder in folders.values():
        for split in SPLITS:
            clips = read_split(folder, split, skeleton, storage)
            assert len(clips) == LAYOUT_SIZES[split]
            for clip in clips:
                assert clip.frames.shape == (len(clip.frames), skeleton.frame_size) and len(clip.frames) > 10
                counter = counter_values(len(clip.frames), storage.counter)
                np.testing.assert_allclose(clip.frames[:, -1], counter, atol=5e-5)
                assert np.isfinite(clip.frames).all()
                if skeleton.confidence:
                    assert clip.confidence.shape == (len(clip.frames), skeleton.num_points)
                    assert ((clip.confidence >= 0) & (clip.confidence <= 1)).all()
                else:
                    assert clip.confidence is None


def test_every_layout_holds_the_same_sentences(corpus, layout_corpus):
    """Draws never depend on the layout (nor on the other splits' sizes): the first clips of the larger
    openpose50 corpus are the clips of each layout's smaller one."""
    skeleton, folders = layout_corpus
    openpose = load_skeleton("openpose50")
    for code, folder in folders.items():
        for split in SPLITS:
            ours = [(c.id, c.text, c.gloss, len(c.frames)) for c in read_split(folder, split, skeleton)]
            reference = [(c.id, c.text, c.gloss, len(c.frames)) for c in read_split(corpus[code], split, openpose)]
            assert ours == reference[: len(ours)]


def test_unicode_text_of_korean_and_turkish(corpus):
    skeleton = load_skeleton("openpose50")
    korean = " ".join(clip.text for clip in read_split(corpus["ksl"], "train", skeleton))
    turkish = " ".join(clip.text + clip.gloss for clip in read_split(corpus["tsl"], "train", skeleton))
    assert re.search("[\uac00-\ud7a3]", korean)
    assert re.search("[çğıöşüİ]", turkish, re.IGNORECASE)


@pytest.mark.parametrize("layout", ["openpose50", "dwpose"])
def test_same_seed_gives_identical_bytes(tmp_path, layout):
    first, again = (ensure_corpus(tmp_path / name, ["asl", "ksl"], layout, seed=0, **SIZES) for name in ("a", "b"))
    for code, folder in again.items():
        assert [path.name for path in _files(folder)] == [path.name for path in _files(first[code])]
        for path in _files(folder):
            assert path.read_bytes() == (first[code] / path.name).read_bytes(), path.name


def test_other_seed_gives_other_clips(corpus, tmp_path):
    folder = ensure_corpus(tmp_path, ["asl"], "openpose50", seed=1, **SIZES)["asl"]
    assert (folder / "train.skels").read_bytes() != (corpus["asl"] / "train.skels").read_bytes()


def test_complete_language_is_not_rewritten(tmp_path):
    folder = ensure_corpus(tmp_path, ["lsa"], "openpose50", train=4, dev=1, test=1)["lsa"]
    stamps = {path: path.stat().st_mtime_ns for path in _files(folder)}
    ensure_corpus(tmp_path, ["lsa"], "openpose50", train=4, dev=1, test=1)
    assert {path: path.stat().st_mtime_ns for path in _files(folder)} == stamps


@pytest.mark.parametrize("change", ["sizes", "seed", "missing_file", "layout"])
def test_changed_or_incomplete_language_is_regenerated(tmp_path, change):
    folder = ensure_corpus(tmp_path, ["tsl"], "openpose50", train=4, dev=1, test=1)["tsl"]
    sizes, seed, layout = {"train": 4, "dev": 1, "test": 1}, 0, "openpose50"
    if change == "sizes":
        sizes["train"] = 5
    elif change == "seed":
        seed = 3
    elif change == "layout":
        layout = "slrtp178"
    else:
        split_paths(folder, "dev")["gloss"].unlink()
    before = (folder / "train.skels").stat().st_mtime_ns
    ensure_corpus(tmp_path, ["tsl"], layout, seed=seed, **sizes)
    assert len(read_split(folder, "train", load_skeleton(layout))) == sizes["train"]
    assert split_paths(folder, "dev")["gloss"].is_file()
    marker = json.loads((folder / MARKER).read_text(encoding="utf-8"))
    assert marker["seed"] == seed and marker["skeleton"] == layout
    assert (folder / "train.skels").stat().st_mtime_ns != before


def test_unknown_language_is_refused(tmp_path):
    with pytest.raises(ValueError, match="xyz"):
        ensure_corpus(tmp_path, ["asl", "xyz"], "openpose50")


def test_command_writes_the_folder_training_reads(tmp_path, capsys):
    sizes = ["--train", "3", "--dev", "1", "--test", "1"]
    main(["--root", str(tmp_path), "--skeleton", "dwpose", "--languages", "gsl", "dsgs", *sizes])
    folder = corpus_folder(tmp_path, "dwpose", seed=0, train=3, dev=1, test=1)
    assert sorted(path.name for path in folder.iterdir()) == ["dsgs", "gsl"]
    assert len(read_split(folder / "dsgs", "train", load_skeleton("dwpose"))) == 3
    assert str(folder) in capsys.readouterr().out


def test_command_defaults_are_the_training_config():
    """With no sizes given, the command writes the folder a default training run (conf/data/synthetic.yaml) reads."""
    settings = yaml.safe_load(DATA_CONFIG.read_text(encoding="utf-8"))["synthetic"]
    assert settings == {"seed": 0, **DEFAULT_SIZES}  # ensure_corpus's defaults too


def test_command_refuses_an_unknown_layout(tmp_path, capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["--root", str(tmp_path), "--skeleton", "nosuch"])
    assert exit_info.value.code == 2 and "skeleton=nosuch" in capsys.readouterr().err


def test_folders_differ_per_layout_and_setting():
    folders = {corpus_folder("root", layout, 0, 1000, 100, 100) for layout in ("openpose50", "dwpose")}
    folders |= {corpus_folder("root", "openpose50", seed, 1000, 100, 100) for seed in (1, 2)}
    folders |= {corpus_folder("root", "openpose50", 0, *sizes) for sizes in ((1000, 100, 101), (1000, 101, 100))}
    assert len(folders) == 6 and all(folder.parts[0] == "root" for folder in folders)
