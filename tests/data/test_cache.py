"""Packed HDF5 cache: same clips as the text, rebuilt when the source changes, safe in workers."""

import pickle

import numpy as np
import torch
from torch.utils.data import DataLoader

from signllm.data.cache import PackedSplit, ensure_packed
from signllm.data.skels import read_split, write_split

from ..layouts import OPENPOSE50
from .corpus import make_clips

PHOENIX = "phoenix14t-progressive-transformers"


def test_packed_clips_equal_text_clips(realdata, tmp_path):
    path = ensure_packed(realdata / PHOENIX, "dev", tmp_path, "gsl", OPENPOSE50)
    packed, clips = PackedSplit(path), read_split(realdata / PHOENIX, "dev", OPENPOSE50)
    assert len(packed) == len(clips) and packed.lengths.tolist() == [len(c.frames) for c in clips]
    for index, clip in enumerate(clips):
        assert packed[index].id == clip.id and packed[index].text == clip.text and packed[index].gloss == clip.gloss
        np.testing.assert_array_equal(packed.frames(index), clip.frames)
    total = np.concatenate([c.frames for c in clips]).sum(0, dtype=np.float64)
    np.testing.assert_allclose(packed.frame_sum, total)


def test_rebuilds_when_source_changes(tmp_path):
    rng = np.random.default_rng(0)
    write_split(tmp_path / "src", "train", make_clips("ksl", 3, rng, gloss=False), OPENPOSE50)
    first = ensure_packed(tmp_path / "src", "train", tmp_path / "cache", "ksl", OPENPOSE50)
    assert ensure_packed(tmp_path / "src", "train", tmp_path / "cache", "ksl", OPENPOSE50) == first
    clips = make_clips("ksl", 3, rng, gloss=False)
    clips[1].text = "바뀐 문장"
    write_split(tmp_path / "src", "train", clips, OPENPOSE50)
    second = ensure_packed(tmp_path / "src", "train", tmp_path / "cache", "ksl", OPENPOSE50)
    assert second != first and first.exists()  # the old cache stays for runs still reading it
    assert sorted(p.name for p in (tmp_path / "cache").iterdir()) == sorted([first.name, second.name])  # no temporaries
    packed = PackedSplit(second)
    assert packed.texts[1] == "바뀐 문장" and packed.glosses is None and packed[0].gloss is None


class _Frames(torch.utils.data.Dataset):
    def __init__(self, packed):
        self.packed = packed

    def __len__(self):
        return len(self.packed)

    def __getitem__(self, index):
        return torch.from_numpy(self.packed.frames(index)).sum()


def test_workers_open_their_own_handle(tmp_path):
    clips = make_clips("tsl", 8, np.random.default_rng(1))
    write_split(tmp_path / "src", "train", clips, OPENPOSE50)
    packed = PackedSplit(ensure_packed(tmp_path / "src", "train", tmp_path / "cache", "tsl", OPENPOSE50))
    packed.frames(0)  # the parent has a handle open now; it must not travel
    assert pickle.loads(pickle.dumps(packed))._arrays == {}
    loader = DataLoader(_Frames(packed), batch_size=None, num_workers=2, multiprocessing_context="fork")
    sums = [float(s) for s in loader]
    np.testing.assert_allclose(sums, [c.frames.sum() for c in clips], rtol=1e-4, atol=1e-3)
