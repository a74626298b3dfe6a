"""Prompt2Sign split format: line-parallel ``{split}.skels/.text/.gloss/.files`` text files.

Line i of every file is the same clip. A ``.skels`` line is T frames of ``FRAME_SIZE`` space-separated
numbers (coordinates, then the counter); ``.gloss`` is optional. Frames are kept exactly as stored
(scale and counter convention included): converting units is the dataset's job, so that reading and
writing again reproduces the files byte for byte.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from signllm.skeleton import COUNTER, FRAME_SIZE, counter_values
from signllm.utils import atomic_output

PARTS = ("skels", "text", "gloss", "files")


class FormatError(ValueError):
    """A split file that breaks the format; the message starts with ``<path>:<line>: ``."""

    def __init__(self, path: Path | str, line: int, message: str):
        super().__init__(f"{path}:{line}: {message}")
        self.path, self.line = Path(path), line


@dataclass
class Clip:
    """One clip: its id, spoken sentence, optional gloss and (T, FRAME_SIZE) float32 frames as stored."""

    id: str
    text: str
    gloss: str | None
    frames: np.ndarray


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


def parse_frames(line: str, path: Path | str, line_number: int) -> np.ndarray:
    """One ``.skels`` line -> (T, FRAME_SIZE) float32; a FormatError names the file and line."""
    if not line.strip():
        raise FormatError(path, line_number, "empty clip (no frames)")
    try:
        with warnings.catch_warnings():  # numpy < 2.3 only warns about unparsable text
            warnings.simplefilter("error", DeprecationWarning)
            numbers = np.fromstring(line, dtype=np.float32, sep=" ")
    except (ValueError, DeprecationWarning):
        bad = next((token for token in line.split() if not _is_number(token)), line.strip()[:20])
        raise FormatError(path, line_number, f"not a number: {bad!r}") from None
    if numbers.size % FRAME_SIZE:
        raise FormatError(
            path, line_number, f"{numbers.size} numbers is not a multiple of {FRAME_SIZE} (numbers per frame)"
        )
    bad = np.flatnonzero(~np.isfinite(numbers))
    if bad.size:
        frame, column = divmod(int(bad[0]), FRAME_SIZE)
        raise FormatError(path, line_number, f"non-finite value {numbers[bad[0]]} at frame {frame}, column {column}")
    return numbers.reshape(-1, FRAME_SIZE)


def iter_split(folder: Path | str, split: str) -> Iterator[Clip]:
    """Clips of a split in file order, parsing ``.skels`` one line at a time (memory: one clip).

    The line counts of all files are checked before the first clip is yielded.
    """
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
            frames = parse_frames(line, paths["skels"], index + 1)
            yield Clip(columns["files"][index], columns["text"][index], glosses[index], frames)


def read_split(folder: Path | str, split: str) -> list[Clip]:
    """All clips of a split; FormatError (naming file and line) on unequal line counts or bad numbers."""
    return list(iter_split(folder, split))


def format_frames(frames: np.ndarray, coord_decimals: int = 5, counter_decimals: int = 4) -> str:
    """(T, FRAME_SIZE) frames -> one ``.skels`` line (without newline)."""
    frame_format = " ".join([f"%.{coord_decimals}f"] * COUNTER + [f"%.{counter_decimals}f"])
    values = np.asarray(frames, dtype=np.float32).astype(np.float64)
    return " ".join(frame_format % tuple(frame) for frame in values.tolist())


def write_split(
    folder: Path | str,
    split: str,
    clips: Iterable[Clip],
    coord_decimals: int = 5,
    counter_decimals: int = 4,
    counter: str | None = None,
) -> None:
    """Write a split in one pass over ``clips`` (so only one clip need be in memory), each file atomically:
    nothing is replaced unless every clip is written. ``.gloss`` is kept when any clip has a gloss.

    ``counter=None`` writes the stored counter column; a convention name (``prompt2sign`` or
    ``progressive_transformers``) recomputes it from each clip's length instead.
    """
    paths, has_gloss = split_paths(folder, split), False
    with ExitStack() as stack:  # the files close, then the temporaries are renamed (or removed on error)
        temporaries = {part: stack.enter_context(atomic_output(path)) for part, path in paths.items()}
        files = {
            part: stack.enter_context(open(temporary, "w", encoding="utf-8", newline="\n"))
            for part, temporary in temporaries.items()
        }
        for clip in clips:
            frames = np.asarray(clip.frames)
            if frames.ndim != 2 or frames.shape[1] != FRAME_SIZE or len(frames) == 0:
                raise ValueError(f"clip {clip.id!r}: frames must be (T>0, {FRAME_SIZE}), got {frames.shape}")
            if any("\n" in (value or "") for value in (clip.id, clip.text, clip.gloss)):
                raise ValueError(f"clip {clip.id!r}: id, text and gloss must be single lines")
            if counter is not None:
                frames = np.array(frames, dtype=np.float32)
                frames[:, COUNTER] = counter_values(len(frames), counter)
            files["skels"].write(format_frames(frames, coord_decimals, counter_decimals) + "\n")
            files["text"].write(clip.text + "\n")
            files["files"].write(clip.id + "\n")
            files["gloss"].write((clip.gloss or "") + "\n")
            has_gloss |= clip.gloss is not None
    if not has_gloss:
        paths["gloss"].unlink()  # no clip has a gloss: no gloss file (an older one would mislead)
