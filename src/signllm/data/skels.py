"""Prompt2Sign split format: line-parallel ``{split}.skels/.text/.gloss/.files`` text files, in any layout.

Line i of every file is the same clip. A ``.skels`` line is T frames of the layout's stored values
(``Skeleton.skels_blocks``: coordinates and scores per component, in the layout's order), each frame ending
with its counter; ``.gloss`` is optional. A ``FrameCodec`` turns stored values into the framework's frame
(coordinates point after point, then the counter) and confidences, and back. Values keep their stored scale
and counter convention (converting units is the dataset's job), so reading and writing again reproduces
openpose50 files byte for byte; only a layout's ``aspect_ratio`` is applied (to x) on reading.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from signllm.skeleton import CONF_DIR, Skeleton, SkeletonError, Storage, counter_values, load_skeleton
from signllm.utils import atomic_output

PARTS = ("skels", "text", "gloss", "files")


class FormatError(ValueError):
    """A split file that breaks the format; the message starts with ``<path>:<line>: ``."""

    def __init__(self, path: Path | str, line: int, message: str):
        super().__init__(f"{path}:{line}: {message}")
        self.path, self.line = Path(path), line


@dataclass
class Clip:
    """One clip: id, spoken sentence, optional gloss, (T, frame_size) float32 frames (coordinates, then the
    counter, as stored) and, in layouts with scores, (T, num_points) float32 confidences as stored."""

    id: str
    text: str
    gloss: str | None
    frames: np.ndarray
    confidence: np.ndarray | None = None


class FrameCodec:
    """A layout's stored ``.skels`` frame <-> (frame, confidences), by index tables built once."""

    def __init__(self, skeleton: Skeleton, storage: Storage | None = None):
        self.skeleton, self.storage = skeleton, storage or skeleton.storage
        dims, position = skeleton.dims, 0
        coords = np.full(skeleton.num_coords, -1, dtype=np.int64)
        scores = np.full(skeleton.num_points, -1, dtype=np.int64)
        subset = np.zeros(skeleton.num_points, dtype=bool)
        local = np.zeros(skeleton.num_points, dtype=np.float32)  # a point's index within its component
        for name, values in skeleton.skels_blocks:
            points = np.arange(skeleton.num_points)[skeleton.component(name)]
            if values == "coords":
                columns = (points[:, None] * dims + np.arange(dims)).ravel()
                coords[columns] = position + np.arange(columns.size)
            else:
                scores[points] = position + np.arange(points.size)
                subset[points] = skeleton.scores[name] == "subset_index"
                local[points] = np.arange(points.size)
            position += points.size * (dims if values == "coords" else 1)
        if (coords < 0).any() or (skeleton.confidence and (scores < 0).any()):
            raise SkeletonError(f"skeleton={skeleton.name}: skels blocks must cover every coordinate and score once")
        self.size = position + 1  # values per stored frame, the counter last
        self.coords, self.scores, self.subset, self.local = coords, scores, subset, local

    def decode(self, values: np.ndarray) -> tuple[np.ndarray, np.ndarray | None]:
        """(T, size) stored values -> (T, frame_size) float32 frames, (T, num_points) float32 confidences."""
        frames = np.empty((len(values), self.skeleton.frame_size), dtype=np.float32)
        frames[:, :-1] = values[:, self.coords]
        frames[:, -1] = values[:, -1]
        if self.storage.aspect_ratio != 1:
            frames[:, 0 : self.skeleton.num_coords : self.skeleton.dims] *= np.float32(self.storage.aspect_ratio)
        if not self.skeleton.confidence:
            return frames, None
        confidence = values[:, self.scores].astype(np.float32)
        confidence[:, self.subset] = confidence[:, self.subset] >= 0  # seen: an index, missing: -1
        return frames, confidence

    def encode(self, frames: np.ndarray, confidence: np.ndarray | None) -> np.ndarray:
        """The inverse of ``decode``: (T, size) float64 stored values."""
        values = np.empty((len(frames), self.size), dtype=np.float64)
        coords = np.asarray(frames[:, :-1], dtype=np.float64)
        if self.storage.aspect_ratio != 1:
            coords = coords.copy()
            coords[:, 0 :: self.skeleton.dims] /= self.storage.aspect_ratio
        values[:, self.coords] = coords
        values[:, -1] = frames[:, -1]
        if self.skeleton.confidence:
            scores = np.ones((len(frames), self.skeleton.num_points)) if confidence is None else np.array(confidence, np.float64)
            scores[:, self.subset] = np.where(scores[:, self.subset] > 0, self.local[self.subset], -1)
            values[:, self.scores] = scores
        return values


def split_paths(folder: Path | str, split: str) -> dict[str, Path]:
    """The four files of a split, by part name."""
    return {part: Path(folder) / f"{split}.{part}" for part in PARTS}


def _read_lines(path: Path) -> list[str]:
    with open(path, encoding="utf-8", newline="\n") as file:
        return [line.removesuffix("\n") for line in file]


def _count_lines(path: Path) -> int:
    """Lines of a file without reading it whole; a last line without newline counts too."""
    count, last = 0, b"\n"
    with open(path, "rb") as file:
        for block in iter(lambda: file.read(1 << 22), b""):
            count, last = count + block.count(b"\n"), block[-1:]
    return count + (last != b"\n")


def _is_number(token: str) -> bool:
    try:
        float(token)
    except ValueError:
        return False
    return True


def _layouts_fitting(count: int, skeleton: Skeleton) -> list[str]:
    """Other known layouts whose stored frame size divides ``count`` (for the error message)."""
    names = sorted(path.stem for path in (CONF_DIR / "skeleton").glob("*.yaml") if path.stem != skeleton.name)
    return [name for name in names if count % load_skeleton(name).stored_frame_size == 0]


def parse_frames(line: str, path: Path | str, line_number: int, codec: FrameCodec) -> tuple[np.ndarray, np.ndarray | None]:
    """One ``.skels`` line -> (frames, confidences) of the codec's layout; a FormatError names file and line."""
    if not line.strip():
        raise FormatError(path, line_number, "empty clip (no frames)")
    try:
        with warnings.catch_warnings():  # numpy < 2.3 only warns about unparsable text
            warnings.simplefilter("error", DeprecationWarning)
            numbers = np.fromstring(line, dtype=np.float64, sep=" ")
    except (ValueError, DeprecationWarning):
        bad = next((token for token in line.split() if not _is_number(token)), line.strip()[:20])
        raise FormatError(path, line_number, f"not a number: {bad!r}") from None
    if numbers.size % codec.size:
        name = codec.skeleton.name
        fitting = _layouts_fitting(numbers.size, codec.skeleton)
        hint = f"; set skeleton={' or skeleton='.join(fitting)}" if fitting else ""
        raise FormatError(
            path, line_number, f"{numbers.size} numbers is not a multiple of {codec.size}, the numbers per frame "
            f"of skeleton={name}{hint}",
        )
    bad = np.flatnonzero(~np.isfinite(numbers))
    if bad.size:
        frame, column = divmod(int(bad[0]), codec.size)
        raise FormatError(path, line_number, f"non-finite value {numbers[bad[0]]} at frame {frame}, column {column}")
    return codec.decode(numbers.reshape(-1, codec.size))


def iter_split(folder: Path | str, split: str, skeleton: Skeleton, storage: Storage | None = None) -> Iterator[Clip]:
    """Clips of a split in file order, parsing ``.skels`` one line at a time (memory: one clip).

    The line counts of all files are checked before the first clip is yielded.
    """
    codec = FrameCodec(skeleton, storage)
    paths = split_paths(folder, split)
    for part in ("skels", "text", "files"):
        if not paths[part].is_file():
            raise FileNotFoundError(f"{paths[part]}: missing file of split {split!r}")
    columns = {part: _read_lines(paths[part]) for part in ("text", "gloss", "files") if paths[part].is_file()}
    count = _count_lines(paths["skels"])
    for part, lines in columns.items():
        if len(lines) != count:
            line = min(len(lines), count) + 1
            raise FormatError(
                paths[part],
                line,
                f"{len(lines)} lines, but {paths['skels'].name} has {count}: files must be line-parallel",
            )
    glosses = columns.get("gloss", [None] * count)
    with open(paths["skels"], encoding="ascii", errors="replace") as skels:  # a bad byte: "not a number"
        for index, line in enumerate(skels):
            frames, confidence = parse_frames(line, paths["skels"], index + 1, codec)
            yield Clip(columns["files"][index], columns["text"][index], glosses[index], frames, confidence)


def read_split(folder: Path | str, split: str, skeleton: Skeleton, storage: Storage | None = None) -> list[Clip]:
    """All clips of a split; FormatError (naming file and line) on unequal line counts or bad numbers."""
    return list(iter_split(folder, split, skeleton, storage))


def format_frames(values: np.ndarray, coord_decimals: int = 5, counter_decimals: int = 4) -> str:
    """(T, stored size) stored values -> one ``.skels`` line (without newline)."""
    frame_format = " ".join([f"%.{coord_decimals}f"] * (values.shape[1] - 1) + [f"%.{counter_decimals}f"])
    return " ".join(frame_format % tuple(frame) for frame in values.tolist())


def write_split(
    folder: Path | str,
    split: str,
    clips: Iterable[Clip],
    skeleton: Skeleton,
    storage: Storage | None = None,
    coord_decimals: int = 5,
    counter_decimals: int = 4,
    counter: str | None = None,
) -> None:
    """Write a split in one pass over ``clips`` (so only one clip need be in memory), each file atomically:
    nothing is replaced unless every clip is written. ``.gloss`` is kept when any clip has a gloss.

    ``counter=None`` writes the stored counter column; a convention name (see ``counter_values``)
    recomputes it from each clip's length instead.
    """
    codec = FrameCodec(skeleton, storage)
    paths, has_gloss = split_paths(folder, split), False
    with ExitStack() as stack:  # the files close, then the temporaries are renamed (or removed on error)
        temporaries = {part: stack.enter_context(atomic_output(path)) for part, path in paths.items()}
        files = {
            part: stack.enter_context(open(temporary, "w", encoding="utf-8", newline="\n"))
            for part, temporary in temporaries.items()
        }
        for clip in clips:
            frames = np.asarray(clip.frames)
            if frames.ndim != 2 or frames.shape[1] != skeleton.frame_size or len(frames) == 0:
                raise ValueError(
                    f"clip {clip.id!r}: frames must be (T>0, {skeleton.frame_size}) for skeleton={skeleton.name}, "
                    f"got {frames.shape}"
                )
            if any("\n" in (value or "") for value in (clip.id, clip.text, clip.gloss)):
                raise ValueError(f"clip {clip.id!r}: id, text and gloss must be single lines")
            # float32 values as float64, so that writing reproduces what reading parsed
            values = codec.encode(frames.astype(np.float32).astype(np.float64), clip.confidence)
            if counter is not None:
                values[:, -1] = counter_values(len(frames), counter)
            files["skels"].write(format_frames(values, coord_decimals, counter_decimals) + "\n")
            files["text"].write(clip.text + "\n")
            files["files"].write(clip.id + "\n")
            files["gloss"].write((clip.gloss or "") + "\n")
            has_gloss |= clip.gloss is not None
    if not has_gloss:
        paths["gloss"].unlink()  # no clip has a gloss: no gloss file (an older one would mislead)
