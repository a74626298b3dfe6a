"""Which clips a run covers, in which order, with which text: the manifest every stage and shard shares.

Inputs are the entries of ``input_dir``: OpenPose clip folders (clip id = folder name) and ``.pose``
files (clip id = the first group of ``id_pattern`` matched against the file stem). Texts come from one of
- a TSV with a header row (``texts.path`` ending in ``.tsv``; columns ``texts.id_column``,
  ``texts.text_column``, optional ``texts.gloss_column``),
- a Prompt2Sign ``.files``/``.text`` pair (``texts.path`` = the ``.files`` file; a ``.gloss`` beside it
  is read too; a directory prefix such as ``dev/`` in ``.files`` is ignored),
- a JSON sidecar per ``.pose`` file (``texts.sidecar`` = a name pattern with ``{id}``, fields given as
  dotted paths ``texts.text_field`` / ``texts.gloss_field``; a list gloss is joined with spaces),
- nothing (``texts.path`` and ``texts.sidecar`` null): every clip gets an empty text.
With a text list, its order is the manifest order and inputs it does not name come last (they are
dropped as ``no_text``); without one, inputs are sorted by id. Shard i of n takes manifest entries i::n.
"""

from __future__ import annotations

import csv
import json
import re

from signllm.cli import ConfigError
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path


@dataclass
class ClipSource:
    """One manifest entry. ``path`` None: the text list names a clip with no input; ``text`` None: no text."""

    id: str
    text: str | None
    gloss: str | None
    path: Path | None
    order: int = 0


def _read_tsv(path: Path, id_column: str, text_column: str, gloss_column: str | None) -> dict:
    with open(path, encoding="utf-8", newline="") as file:
        rows = csv.DictReader(file, delimiter="\t", quoting=csv.QUOTE_NONE)
        missing = {id_column, text_column, gloss_column or id_column} - set(rows.fieldnames or ())
        if missing:
            raise ConfigError(f"{path}:1: missing column(s) {sorted(missing)}; header is {rows.fieldnames}")
        return {row[id_column]: (row[text_column], row[gloss_column] if gloss_column else None) for row in rows}


def _read_lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines()


def _read_files_pair(path: Path) -> dict:
    ids = [Path(line).name for line in _read_lines(path)]
    texts = _read_lines(path.with_suffix(".text"))
    gloss_path = path.with_suffix(".gloss")
    glosses = _read_lines(gloss_path) if gloss_path.is_file() else [None] * len(ids)
    for other, lines in ((path.with_suffix(".text"), texts), (gloss_path, glosses)):
        if len(lines) != len(ids):
            raise ConfigError(f"{other}:{min(len(lines), len(ids)) + 1}: {len(lines)} lines, but {path} has {len(ids)}")
    return {clip_id: (text, gloss) for clip_id, text, gloss in zip(ids, texts, glosses)}


def read_texts(texts: Mapping) -> dict[str, tuple[str, str | None]] | None:
    """clip id -> (text, gloss) from ``texts.path`` (TSV or ``.files``), or None when no list is given."""
    if not texts.get("path"):
        return None
    path = Path(texts["path"])
    if path.suffix == ".files":
        return _read_files_pair(path)
    return _read_tsv(path, texts.get("id_column", "id"), texts.get("text_column", "text"), texts.get("gloss_column"))


def _field(document, dotted: str):
    """The value at a dotted path of a JSON document (None where absent); a list is joined with spaces."""
    for key in dotted.split("."):
        document = document.get(key) if isinstance(document, dict) else None
    return " ".join(document) if isinstance(document, list) else document


def _read_sidecar(path: Path, texts: Mapping) -> tuple[str | None, str | None]:
    if not texts.get("text_field"):
        raise ConfigError("texts.text_field: required with texts.sidecar (a dotted path, e.g. sentence.english)")
    if not path.is_file():
        return None, None
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ConfigError(f"{path}: unreadable sidecar: {error}") from None
    gloss = _field(document, texts["gloss_field"]) if texts.get("gloss_field") else None
    return _field(document, texts["text_field"]), gloss


def list_inputs(input_dir: Path | str, id_pattern: str = "(.*)") -> dict[str, Path]:
    """clip id -> input: each sub-folder (an OpenPose clip, id = its name) and ``*.pose`` file of ``input_dir``."""
    folder = Path(input_dir)
    if not folder.is_dir():
        raise FileNotFoundError(f"{folder}: input_dir is not a folder")
    pattern, inputs = re.compile(id_pattern), {}
    for path in sorted(folder.iterdir()):
        if path.is_dir():
            inputs[path.name] = path
        elif path.suffix == ".pose":
            match = pattern.fullmatch(path.stem)
            inputs[match.group(1) if match else path.stem] = path
    return inputs


def build_manifest(input_dir: Path | str, texts: Mapping) -> list[ClipSource]:
    """The ordered clips of a run (see the module docstring)."""
    inputs = list_inputs(input_dir, texts.get("id_pattern", "(.*)"))
    listed = read_texts(texts)
    if listed is None:
        sidecar = texts.get("sidecar")
        sources = [
            ClipSource(clip_id, *_read_sidecar(path.parent / sidecar.format(id=clip_id), texts), path)
            if sidecar
            else ClipSource(clip_id, "", None, path)
            for clip_id, path in inputs.items()
        ]
    else:
        sources = [ClipSource(clip_id, text, gloss, inputs.get(clip_id)) for clip_id, (text, gloss) in listed.items()]
        sources += [ClipSource(clip_id, None, None, path) for clip_id, path in inputs.items() if clip_id not in listed]
    labelled = listed is not None or bool(texts.get("sidecar"))
    for order, source in enumerate(sources):
        source.order = order
        if labelled and not (source.text or "").strip():
            source.text = None  # an empty sentence is no text
    return sources


def shard_of(sources: list[ClipSource], shard: int, num_shards: int) -> list[ClipSource]:
    """Shard ``shard`` of ``num_shards``: manifest entries shard::num_shards."""
    if not 0 <= shard < num_shards:
        raise ConfigError(f"shard={shard} must lie in [0, num_shards={num_shards})")
    return sources[shard::num_shards]
