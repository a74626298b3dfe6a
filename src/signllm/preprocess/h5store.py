"""Resumable per-clip storage of one stage's results: a folder of HDF5 part files, each written atomically.

A part holds one dataset per finished clip (named by clip id, the clip's text, gloss, manifest order and
frame counts as attributes) and, in its ``dropped`` attribute, the clips the stage gave up on as JSON
``{id: [reason, message]}``. A clip is finished once a part naming it exists, so a re-run (or another
shard) skips it; a crash loses at most the part being written. ``merge`` assembles one HDF5 per split;
HDF5 lists datasets by name, so clip order lives in the ``order`` attribute.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import h5py
import numpy as np

from signllm.utils import atomic_output

_PART_GLOB = "part-*.h5"


@dataclass
class StoredClip:
    """A clip's array and its attributes (text, gloss, order, frame events, ...)."""

    id: str
    array: np.ndarray
    attrs: dict = field(default_factory=dict)


def _attrs(node) -> dict:
    return {key: value.item() if isinstance(value, np.generic) else value for key, value in node.attrs.items()}


def _write(path: Path, clips: Iterable[StoredClip], dropped: dict[str, tuple[str, str]] | None = None) -> None:
    with atomic_output(path) as temporary, h5py.File(temporary, "w") as file:
        file.attrs["dropped"] = json.dumps(dropped or {}, ensure_ascii=False)
        for clip in clips:
            dataset = file.create_dataset(clip.id, data=clip.array, compression="gzip", compression_opts=1)
            for key, value in clip.attrs.items():
                if value is not None:
                    dataset.attrs[key] = value


class ClipStore:
    """The parts folder of one stage of one split."""

    def __init__(self, folder: Path | str):
        self.folder = Path(folder)
        self._locations: dict[str, Path] = {}  # kept clip id -> part, as of the last index()

    def parts(self) -> list[Path]:
        return sorted(self.folder.glob(_PART_GLOB)) if self.folder.is_dir() else []

    def index(self) -> tuple[dict[str, dict], dict[str, tuple[str, str]]]:
        """(kept clip id -> attributes, dropped clip id -> (reason, message)) over all parts."""
        kept, dropped, self._locations = {}, {}, {}
        for path in self.parts():
            with h5py.File(path, "r") as file:
                dropped.update({clip_id: tuple(entry) for clip_id, entry in json.loads(file.attrs["dropped"]).items()})
                for clip_id, dataset in file.items():
                    kept[clip_id], self._locations[clip_id] = _attrs(dataset), path
        return kept, dropped

    def finished(self) -> set[str]:
        kept, dropped = self.index()
        return set(kept) | set(dropped)

    def write_part(self, shard: int, clips: list[StoredClip], dropped: dict[str, tuple[str, str]]) -> None:
        """Record a batch of finished clips of ``shard`` as a new part (atomic)."""
        if not clips and not dropped:
            return
        prefix = f"part-{shard:05d}-"
        numbers = [int(path.stem[len(prefix) :]) for path in self.folder.glob(f"{prefix}*.h5")]
        _write(self.folder / f"{prefix}{max(numbers, default=-1) + 1:06d}.h5", clips, dropped)

    def location(self, clip_id: str) -> Path:
        """The part file holding a kept clip (as of the last ``index()`` or ``read()``)."""
        return self._locations[clip_id]

    def read(self, ids: Iterable[str]) -> list[StoredClip]:
        """The kept clips named by ``ids``, in that order (locations from the last ``index()``)."""
        ids = list(ids)
        if not self._locations.keys() >= set(ids):
            self.index()
        clips = {}
        for path in sorted({self._locations[clip_id] for clip_id in ids}):
            with h5py.File(path, "r") as file:
                clips.update(
                    {
                        clip_id: StoredClip(clip_id, file[clip_id][()], _attrs(file[clip_id]))
                        for clip_id in ids
                        if clip_id in file
                    }
                )
        return [clips[clip_id] for clip_id in ids]

    def merge(self, path: Path | str) -> None:
        """Copy all kept clips into one HDF5 file, one dataset per clip (streamed, atomic)."""
        with atomic_output(path) as temporary, h5py.File(temporary, "w") as merged:
            for part in self.parts():
                with h5py.File(part, "r") as file:
                    for clip_id in file:
                        if clip_id in merged:
                            del merged[clip_id]  # a clip finished twice (racing shards): keep the later part's
                        file.copy(file[clip_id], merged, name=clip_id)
