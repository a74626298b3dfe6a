"""Packed cache: a split's clips in one HDF5 file, so training never parses ``.skels`` text again.

Layout: ``frames`` (total frames, FRAME_SIZE) float32 as stored, ``offsets`` (clips + 1,) int64 (clip i is
``frames[offsets[i]:offsets[i + 1]]``), ``ids`` / ``text`` / ``gloss`` utf-8 strings and ``frame_sum``
(FRAME_SIZE,) float64 (for the mean pose). The file name carries a hash of the source files' contents,
so a changed source builds a new cache; building streams the text one clip at a time into a temporary
file that is renamed when complete.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import h5py
import numpy as np

from signllm.data.skels import Clip, iter_split, split_paths
from signllm.utils import atomic_output
from signllm.skeleton import FRAME_SIZE

FORMAT_VERSION = 1
CHUNK_FRAMES = 128
_STRINGS = h5py.string_dtype("utf-8")


def fingerprint(folder: Path | str, split: str) -> str:
    """Hash of the contents of a split's files (and of this cache format's version)."""
    digest = hashlib.sha1(f"signllm-cache-v{FORMAT_VERSION}".encode())
    for part, path in split_paths(folder, split).items():
        digest.update(f"\0{part}\0".encode())
        if path.is_file():
            with open(path, "rb") as file:
                for block in iter(lambda: file.read(1 << 22), b""):
                    digest.update(block)
    return digest.hexdigest()[:16]


def pack_split(folder: Path | str, split: str, path: Path | str) -> None:
    """Stream a split's clips into a packed HDF5 file at ``path`` (atomic)."""
    ids, texts, glosses, lengths = [], [], [], []
    frame_sum = np.zeros(FRAME_SIZE)
    with atomic_output(path) as temporary, h5py.File(temporary, "w") as h5:
        frames = h5.create_dataset(
            "frames", (0, FRAME_SIZE), np.float32, maxshape=(None, FRAME_SIZE), chunks=(CHUNK_FRAMES, FRAME_SIZE)
        )
        pending: list[np.ndarray] = []

        def flush() -> None:
            block = np.concatenate(pending)
            start = frames.shape[0]
            frames.resize(start + len(block), axis=0)
            frames[start:] = block
            pending.clear()

        for clip in iter_split(folder, split):
            ids.append(clip.id)
            texts.append(clip.text)
            glosses.append(clip.gloss)
            lengths.append(len(clip.frames))
            pending.append(clip.frames)
            frame_sum += clip.frames.sum(0, dtype=np.float64)
            if sum(map(len, pending)) >= 64 * CHUNK_FRAMES:
                flush()
        if pending:
            flush()
        h5["offsets"] = np.concatenate([[0], np.cumsum(lengths, dtype=np.int64)])
        h5["frame_sum"] = frame_sum
        h5.create_dataset("ids", data=ids, dtype=_STRINGS)
        h5.create_dataset("text", data=texts, dtype=_STRINGS)
        if glosses and glosses[0] is not None:
            h5.create_dataset("gloss", data=glosses, dtype=_STRINGS)
        h5.attrs.update(format_version=FORMAT_VERSION, source=str(Path(folder).resolve()), split=split)


def ensure_packed(folder: Path | str, split: str, cache_dir: Path | str, name: str) -> Path:
    """Path of the up-to-date cache of ``folder``'s split, packing it first if needed.

    The cache is ``cache_dir/<name>.<split>.<fingerprint>.h5``. Caches of older versions of the files
    are left alone (another run may still read them); ``cache_dir`` can be emptied at any time.
    """
    cache_dir = Path(cache_dir)
    path = cache_dir / f"{name}.{split}.{fingerprint(folder, split)}.h5"
    if not path.is_file():
        pack_split(folder, split, path)
    return path


class PackedSplit:
    """Random access to a packed split's clips.

    Ids, texts, glosses and lengths are loaded once (small); frames are read per clip through an HDF5
    handle opened lazily in each process, so DataLoader workers share nothing but the file.
    """

    def __init__(self, path: Path | str):
        self.path = Path(path)
        with h5py.File(self.path, "r") as h5:
            self.offsets = h5["offsets"][:]
            self.ids = h5["ids"].asstr()[:].tolist()
            self.texts = h5["text"].asstr()[:].tolist()
            self.glosses = h5["gloss"].asstr()[:].tolist() if "gloss" in h5 else None
            self.frame_sum = h5["frame_sum"][:]
        self.lengths = np.diff(self.offsets)
        self._frames: h5py.Dataset | None = None
        self._pid: int | None = None

    def __len__(self) -> int:
        return len(self.lengths)

    def __getstate__(self) -> dict:
        return {**self.__dict__, "_frames": None, "_pid": None}

    def frames(self, index: int) -> np.ndarray:
        """(T, FRAME_SIZE) float32 frames of clip ``index``, as stored."""
        if self._pid != os.getpid():  # first use in this process (e.g. a forked worker)
            # no chunk cache: clips are read once each per epoch, in random order (less memory, faster)
            self._frames, self._pid = h5py.File(self.path, "r", rdcc_nbytes=0)["frames"], os.getpid()
        return self._frames[self.offsets[index] : self.offsets[index + 1]]

    def __getitem__(self, index: int) -> Clip:
        gloss = self.glosses[index] if self.glosses is not None else None
        return Clip(self.ids[index], self.texts[index], gloss, self.frames(index))
