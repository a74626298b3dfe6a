"""The preprocessing stages, each runnable alone, resumable, and shardable (shard i of n: manifest i::n).

Everything is in the run's layout (``skeleton=``). Folder layout under ``output_dir``:
  work/{split}/pose2d/part-*.h5   ingest results: (T, points * 3) x, y, confidence per clip
  work/{split}/pose3d/part-*.h5   lifting results: (T, points, dims + 1) coordinates and confidence per clip
  {split}.h5                      all 2D clips of the split in one file (written once ingest is complete)
  {split}.skels/.text/.files(/.gloss), {split}.report.json   the split the DataModule reads, the report

Stages: ``json2h5`` (alias ``import``) reads each manifest input by its kind (``inputs``: an OpenPose or
DWPose clip folder, a ``.pose`` file) into the layout's 2D form; ``lift`` lifts the ingested clips to 3D
in padded batches (a 2D layout keeps its 2D frames: nothing to lift); ``write`` checks that every clip
of the manifest is finished, writes the split and the report. A clip already finished by a stage (kept
or dropped) is skipped when the stage runs again; each stored clip names its layout, and a stage refuses
clips of another layout (an ``output_dir`` begun with another ``skeleton=``).
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Iterable, Iterator
from pathlib import Path

import numpy as np
import torch
from rich.progress import track

from signllm.cli import ConfigError
from signllm.preprocess.h5store import ClipStore, StoredClip
from signllm.preprocess.inputs import InputReader
from signllm.preprocess.lift import LiftConfig, lift_clips, valid_frames
from signllm.preprocess.manifest import ClipSource, shard_of
from signllm.preprocess.report import ClipDropped, Report
from signllm.preprocess.write import write_lifted_split
from signllm.skeleton import Skeleton, Storage

log = logging.getLogger(__name__)
STAGES = ("json2h5", "import", "lift", "write")
WRITE_CHUNK_CLIPS = 256  # the write stage reads this many lifted clips at a time


def stores(output_dir: Path | str, split: str) -> tuple[ClipStore, ClipStore]:
    """The 2D (ingest) and 3D (lift) stores of a split."""
    work = Path(output_dir) / "work" / split
    return ClipStore(work / "pose2d"), ClipStore(work / "pose3d")


def _batches(items: list, size: int) -> Iterator[list]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _log_summary(stage: str, shard: int, skipped: int, kept: int, dropped: Counter) -> None:
    reasons = ", ".join(f"{count} {reason}" for reason, count in dropped.items()) or "none"
    log.info(f"{stage} shard {shard}: {skipped} already finished, {kept} kept, dropped: {reasons}")


def ingest(
    sources: list[ClipSource], store: ClipStore, read: InputReader, shard: int, num_shards: int, chunk_clips: int,
    progress=True,
):
    """Stage json2h5 / import: read this shard's inputs into the 2D store, a part per ``chunk_clips`` clips."""
    finished = store.finished()
    mine = shard_of(sources, shard, num_shards)
    todo = [source for source in mine if source.id not in finished]
    reasons = Counter()
    for chunk in track(list(_batches(todo, chunk_clips)), "json2h5", disable=not progress):
        kept, dropped = [], {}
        for source in chunk:
            try:
                frames, events = read(source)
            except ClipDropped as drop:
                dropped[source.id] = (drop.reason, str(drop))
                reasons[drop.reason] += 1
                continue
            attrs = dict(events, text=source.text, gloss=source.gloss, order=source.order, frames=len(frames))
            kept.append(StoredClip(source.id, frames, dict(attrs, skeleton=read.skeleton.name)))
        store.write_part(shard, kept, dropped)
    _log_summary("json2h5", shard, len(mine) - len(todo), len(todo) - sum(reasons.values()), reasons)


def _checked(store: ClipStore, ids: list[str], skeleton: Skeleton, values: int) -> list[StoredClip]:
    """The stored clips, each of ``skeleton`` with ``values`` per frame; a ConfigError names the part file."""
    clips = store.read(ids)
    for clip in clips:
        found, layout = int(np.prod(clip.array.shape[1:])), clip.attrs.get("skeleton", "?")
        if layout != skeleton.name or found != values:
            raise ConfigError(
                f"{store.location(clip.id)}: clip {clip.id!r} holds {found} values per frame of skeleton={layout}, "
                f"but skeleton={skeleton.name} needs {values}: run with skeleton={layout} or another output_dir"
            )
    return clips


def _lift_batch(clips: list[StoredClip], skeleton: Skeleton, config: LiftConfig, min_valid_frames: int, device: str):
    """(kept clips of (T, points, dims + 1) coordinates and confidence, dropped) of one batch of 2D clips."""
    kept, dropped, ready = [], {}, []
    for clip in clips:
        poses = clip.array.reshape(len(clip.array), skeleton.num_points, 3)
        valid = int(valid_frames(poses, skeleton, config.confidence_threshold).sum())
        if valid < min_valid_frames:
            message = (
                f"{clip.id}: {valid} of {len(poses)} frames reach mean body confidence {config.confidence_threshold}"
            )
            dropped[clip.id] = ("too_few_valid_frames", message)
        else:
            ready.append((clip, poses))
    if skeleton.dims == 2:  # nothing to lift: the 2D frames and confidences as read
        kept += [StoredClip(clip.id, poses, clip.attrs) for clip, poses in ready]
        return kept, dropped
    results = lift_clips([poses for _, poses in ready], skeleton, config, device) if ready else []
    for (clip, poses), lifted in zip(ready, results):
        if not np.isfinite(lifted.joints).all():
            dropped[clip.id] = ("non_finite", f"{clip.id}: lifting produced NaN or infinite joints")
            continue
        measures = {
            f"{measure}_{stage}": getattr(lifted, f"{measure}_{stage}")
            for measure in ("objective", "reprojection")
            for stage in ("initial", "final")
        }
        points = np.concatenate([lifted.joints, poses[..., 2:]], -1)
        kept.append(StoredClip(clip.id, points, dict(clip.attrs, pruned=lifted.pruned, **measures)))
    return kept, dropped


def lift_config(settings: dict) -> LiftConfig:
    """The LiftConfig fields of the ``lift`` config section."""
    return LiftConfig(**{name: settings[name] for name in LiftConfig.__dataclass_fields__ if name in settings})


def resolve_device(device: str) -> str:
    if device == "auto":
        return "cuda" if torch.cuda.is_available() else "cpu"
    return device


def lift(
    source: ClipStore, target: ClipStore, skeleton: Skeleton, shard: int, num_shards: int, settings: dict,
    progress=True,
) -> None:
    """Stage lift: this shard's ingested clips (manifest order i::n) -> 3D store, one part per batch.

    ``settings`` is the ``lift`` config section. Clips are batched by length so that padding stays small.
    """
    config, device = lift_config(settings), resolve_device(settings["device"])
    kept2d, _ = source.index()
    finished = target.finished()
    mine = [clip_id for clip_id, attrs in kept2d.items() if attrs["order"] % num_shards == shard]
    todo = sorted(
        (clip_id for clip_id in mine if clip_id not in finished), key=lambda clip_id: kept2d[clip_id]["frames"]
    )
    reasons, kept_count = Counter(), 0
    for batch in track(list(_batches(todo, settings["batch_clips"])), f"lift ({device})", disable=not progress):
        clips = _checked(source, batch, skeleton, skeleton.num_points * 3)
        kept, dropped = _lift_batch(clips, skeleton, config, settings["min_valid_frames"], device)
        target.write_part(shard, kept, dropped)
        reasons.update(reason for reason, _ in dropped.values())
        kept_count += len(kept)
    _log_summary("lift", shard, len(mine) - len(todo), kept_count, reasons)


def write(
    sources: list[ClipSource],
    source: ClipStore,
    lifted: ClipStore,
    output_dir: Path | str,
    split: str,
    skeleton: Skeleton,
    storage: Storage,
    cfg,
) -> Report:
    """Stage write: every manifest clip must be finished; write the split in ``skeleton`` as ``storage`` says
    (scale, counter) and its report (JSON). ``cfg`` gives ``missing_value`` and ``coord_decimals``."""
    _, dropped2d = source.index()
    kept3d, dropped3d = lifted.index()
    dropped = {**dropped2d, **dropped3d}
    unfinished = [s.id for s in sources if s.id not in kept3d and s.id not in dropped]
    if unfinished:
        raise RuntimeError(
            f"{output_dir}: {len(unfinished)} of {len(sources)} clips of split {split!r} are not finished "
            f"(first: {unfinished[:3]}); run json2h5 and lift for every shard first"
        )
    order = [s.id for s in sources if s.id in kept3d]
    values = skeleton.num_points * (skeleton.dims + 1)

    def clips() -> Iterable:  # a chunk of clips in memory at a time
        for chunk in _batches(order, WRITE_CHUNK_CLIPS):
            for clip in _checked(lifted, chunk, skeleton, values):
                yield clip.id, clip.attrs["text"], clip.attrs.get("gloss"), clip.array

    write_lifted_split(output_dir, split, clips(), skeleton, storage, cfg.missing_value, cfg.coord_decimals)
    report = Report.build(split, [s.id for s in sources], {clip_id: kept3d[clip_id] for clip_id in order}, dropped)
    report.save(Path(output_dir) / f"{split}.report.json")
    return report


def merge_if_complete(sources: list[ClipSource], store: ClipStore, path: Path) -> bool:
    """Write the split's single 2D HDF5 file once every manifest clip has been ingested (by any shard)."""
    if not {s.id for s in sources} <= store.finished():
        return False
    parts = store.parts()
    if not path.is_file() or (parts and path.stat().st_mtime < max(part.stat().st_mtime for part in parts)):
        store.merge(path)
    return True
