"""Packed cache: a split's clips in one HDF5 file, so training never parses ``.skels`` text again.

Layout: ``frames`` (total frames, frame_size) float32 in the layout's frame (coordinates, then the counter, as
stored), ``confidence`` (total frames, points) float32 where the layout has scores, ``offsets`` (clips + 1,)
int64 (clip i is ``frames[offsets[i]:offsets[i + 1]]``), ``ids`` / ``text`` / ``gloss`` utf-8 strings and
``frame_sum`` (frame_size,) float64 (for the mean pose). The file name carries a hash of the source files'
contents and of the layout and storage they are read with, so a change of either builds a new cache; building
streams the text one clip at a time into a temporary file that is renamed when complete.

Integrity: the file's ``checksum`` attribute is a SHA-1 of everything it holds (the frame arrays, streamed as
they are written, and the offsets, frame sums, ids, texts and glosses). A cache is verified when a run reuses it
-- the same order of work as hashing the source files, which every run does for the fingerprint -- and a
truncated or damaged one is rebuilt with a warning, so reading clips needs no per-chunk checks and stays fast.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from dataclasses import asdict
from pathlib import Path

import h5py
import numpy as np

from signllm.cli import UserError
from signllm.data.skels import Clip, iter_split, split_paths
from signllm.skeleton import Skeleton, Storage
from signllm.utils import atomic_output

FORMAT_VERSION = 4
CHUNK_FRAMES = 128
BLOCK_FRAMES = 64 * CHUNK_FRAMES  # frames buffered before a write, and read at a time when verifying
_STRINGS = h5py.string_dtype("utf-8")
_FRAME_ARRAYS = ("frames", "confidence")

log = logging.getLogger(__name__)


class CacheError(UserError):
    """A packed cache that cannot be read as written (damaged since); the message names the file."""


def fingerprint(folder: Path | str, split: str, skeleton: Skeleton, storage: Storage) -> str:
    """Hash of the contents of a split's files, the layout and storage they are read with, and this cache
    format's version."""
    digest = hashlib.sha1(f"signllm-cache-v{FORMAT_VERSION}".encode())
    digest.update(json.dumps([skeleton.to_dict(), asdict(storage)], sort_keys=True).encode())
    for part, path in split_paths(folder, split).items():
        digest.update(f"\0{part}\0".encode())
        if path.is_file():
            with open(path, "rb") as file:
                for block in iter(lambda: file.read(1 << 22), b""):
                    digest.update(block)
    return digest.hexdigest()[:16]


def _growing(h5: h5py.File, name: str, width: int) -> h5py.Dataset:
    return h5.create_dataset(name, (0, width), np.float32, maxshape=(None, width), chunks=(CHUNK_FRAMES, width))


def _checksum(h5: h5py.File, frame_digests: dict) -> str:
    """SHA-1 over the frame arrays' digests (``frame_digests``: name -> SHA-1 of its bytes in order) and the
    small arrays (offsets, frame sums, ids, texts, glosses)."""
    digest = hashlib.sha1()
    for name in _FRAME_ARRAYS:
        if name in frame_digests:
            digest.update(f"{name}{h5[name].shape}{frame_digests[name].hexdigest()}".encode())
    for name in ("offsets", "frame_sum"):
        digest.update(np.ascontiguousarray(h5[name][:]).tobytes())
    for name in ("ids", "text", "gloss"):
        if name in h5:
            digest.update("\0".join(h5[name].asstr()[:].tolist()).encode() + b"\1")
    return digest.hexdigest()


def damage(path: Path | str) -> str | None:
    """Why the packed cache at ``path`` cannot be trusted (truncated, unreadable, shape or checksum mismatch),
    or None when it verifies."""
    try:
        with h5py.File(path, "r") as h5:
            if h5.attrs.get("format_version") != FORMAT_VERSION or "checksum" not in h5.attrs:
                return "written by another version, or never completed"
            total, digests = int(h5["offsets"][-1]), {}
            for name in _FRAME_ARRAYS:
                if name in h5:
                    if h5[name].shape[0] != total:
                        return f"{name} holds {h5[name].shape[0]} frames, the offsets {total}"
                    digests[name] = hashlib.sha1()
                    for start in range(0, total, BLOCK_FRAMES):
                        digests[name].update(h5[name][start : start + BLOCK_FRAMES].tobytes())
            if h5.attrs["checksum"] != _checksum(h5, digests):
                return "checksum mismatch"
    except (OSError, KeyError, ValueError) as error:
        return str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
    return None


def pack_split(folder: Path | str, split: str, path: Path | str, skeleton: Skeleton, storage: Storage) -> None:
    """Stream a split's clips into a packed HDF5 file at ``path`` (atomic)."""
    ids, texts, glosses, lengths = [], [], [], []
    frame_sum = np.zeros(skeleton.frame_size)
    with atomic_output(path) as temporary, h5py.File(temporary, "w") as h5:
        arrays = {"frames": _growing(h5, "frames", skeleton.frame_size)}
        if skeleton.confidence:
            arrays["confidence"] = _growing(h5, "confidence", skeleton.num_points)
        pending: dict[str, list[np.ndarray]] = {name: [] for name in arrays}
        digests = {name: hashlib.sha1() for name in arrays}

        def flush() -> None:
            for name, dataset in arrays.items():
                block = np.concatenate(pending[name]).astype(np.float32, copy=False)
                start = dataset.shape[0]
                dataset.resize(start + len(block), axis=0)
                dataset[start:] = block
                digests[name].update(block.tobytes())
                pending[name].clear()

        for clip in iter_split(folder, split, skeleton, storage):
            ids.append(clip.id)
            texts.append(clip.text)
            glosses.append(clip.gloss)
            lengths.append(len(clip.frames))
            pending["frames"].append(clip.frames)
            if skeleton.confidence:
                pending["confidence"].append(clip.confidence)
            frame_sum += clip.frames.sum(0, dtype=np.float64)
            if sum(map(len, pending["frames"])) >= BLOCK_FRAMES:
                flush()
        if pending["frames"]:
            flush()
        h5["offsets"] = np.concatenate([[0], np.cumsum(lengths, dtype=np.int64)])
        h5["frame_sum"] = frame_sum
        h5.create_dataset("ids", data=ids, dtype=_STRINGS)
        h5.create_dataset("text", data=texts, dtype=_STRINGS)
        if glosses and glosses[0] is not None:
            h5.create_dataset("gloss", data=glosses, dtype=_STRINGS)
        h5.attrs.update(format_version=FORMAT_VERSION, source=str(Path(folder).resolve()), split=split)
        h5.attrs["checksum"] = _checksum(h5, digests)


def ensure_packed(
    folder: Path | str, split: str, cache_dir: Path | str, name: str, skeleton: Skeleton, storage: Storage | None = None
) -> Path:
    """Path of the up-to-date cache of ``folder``'s split read in ``skeleton``, packing it first if needed.

    The cache is ``cache_dir/<name>.<split>.<fingerprint>.h5``. Caches of older versions of the files
    are left alone (another run may still read them); ``cache_dir`` can be emptied at any time. A cache that
    does not verify (``damage``) is rebuilt, with a warning.
    """
    storage = storage or skeleton.storage
    cache_dir = Path(cache_dir)
    path = cache_dir / f"{name}.{split}.{fingerprint(folder, split, skeleton, storage)}.h5"
    if path.is_file() and (reason := damage(path)) is not None:
        log.warning("%s: damaged cache (%s): rebuilding it from %s", path, reason, folder)
    elif path.is_file():
        return path
    pack_split(folder, split, path, skeleton, storage)
    return path


class PackedSplit:
    """Random access to a packed split's clips.

    Ids, texts, glosses and lengths are loaded once (small); frames are read per clip through an HDF5
    handle opened lazily in each process, so DataLoader workers share nothing but the file.
    """

    def __init__(self, path: Path | str):
        self.path = Path(path)
        with self._opened() as h5:
            self.offsets = h5["offsets"][:]
            self.ids = h5["ids"].asstr()[:].tolist()
            self.texts = h5["text"].asstr()[:].tolist()
            self.glosses = h5["gloss"].asstr()[:].tolist() if "gloss" in h5 else None
            self.frame_sum = h5["frame_sum"][:]
            self.has_confidence = "confidence" in h5
        self.lengths = np.diff(self.offsets)
        self._arrays: dict[str, h5py.Dataset] = {}
        self._pid: int | None = None

    def __len__(self) -> int:
        return len(self.lengths)

    def __getstate__(self) -> dict:
        return {**self.__dict__, "_arrays": {}, "_pid": None}

    def _opened(self, **options) -> h5py.File:
        try:
            return h5py.File(self.path, "r", **options)
        except OSError as error:
            raise CacheError(f"{self.path}: unreadable cache ({error}); delete it and it is rebuilt") from None

    def _read(self, name: str, index: int) -> np.ndarray:
        if self._pid != os.getpid():  # first use in this process (e.g. a forked worker)
            # no chunk cache: clips are read once each per epoch, in random order (less memory, faster)
            h5 = self._opened(rdcc_nbytes=0)
            self._arrays, self._pid = {key: h5[key] for key in _FRAME_ARRAYS if key in h5}, os.getpid()
        try:
            return self._arrays[name][self.offsets[index] : self.offsets[index + 1]]
        except OSError as error:  # e.g. a file damaged while a run reads it
            reason = str(error).strip().splitlines()[0]
            raise CacheError(
                f"{self.path}: damaged cache at clip {self.ids[index]!r} ({reason}); delete it and it is rebuilt"
            ) from None

    def frames(self, index: int) -> np.ndarray:
        """(T, frame_size) float32 frames of clip ``index``, as stored."""
        return self._read("frames", index)

    def confidence(self, index: int) -> np.ndarray | None:
        """(T, points) float32 stored scores of clip ``index``; None in layouts without scores."""
        return self._read("confidence", index) if self.has_confidence else None

    def __getitem__(self, index: int) -> Clip:
        gloss = self.glosses[index] if self.glosses is not None else None
        return Clip(self.ids[index], self.texts[index], gloss, self.frames(index), self.confidence(index))
