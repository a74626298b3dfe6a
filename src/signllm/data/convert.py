"""Frames of one pose layout -> another, by global point name (``body.l_wrist``, ``left_hand.wrist``, ``face.mp61``).

A target point comes from the source point of the same name; else from the target's ``derive`` rule (the mean
of the named source points or components, with the lowest of their confidences) when the source has everything
the rule names; else it is missing: coordinates 0, confidence 0. Only a target with a confidence channel can
mark a point missing, so a conversion into a layout without one that would leave points missing is refused
(``ConversionError`` naming them) before any frame is read. Source points the target lacks are dropped;
3D -> 2D drops z, and 2D -> 3D is refused (that needs lifting). The counter is carried unchanged.

Confidences: the source's where it has them, 1 where it has none. Into a layout without confidences they are
dropped, and the report counts the values that were unseen (confidence 0) but are now plain coordinates.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from signllm.skeleton import Skeleton

LISTED = 6  # point names shown in a message before "... and N more"


class ConversionError(ValueError):
    """Two layouts that cannot be converted into each other, or frames that do not fit the source layout."""


def _listing(names) -> str:
    names = list(names)
    more = f" ... and {len(names) - LISTED} more" if len(names) > LISTED else ""
    return ", ".join(names[:LISTED]) + more


@dataclass(frozen=True)
class ConversionReport:
    """What a conversion did: target points made by ``derive`` rules or left missing, source points dropped,
    whether depth was dropped, and how many unseen (frame, point) values lost their mark."""

    source: str
    target: str
    derived: tuple[str, ...] = ()
    missing: tuple[str, ...] = ()
    dropped: tuple[str, ...] = ()
    depth_dropped: bool = False
    unseen: int = 0

    def summary(self) -> str:
        lines = [f"{self.source} -> {self.target}"]
        for label, names in (
            ("derived", self.derived),
            ("missing (confidence 0)", self.missing),
            ("dropped", self.dropped),
        ):
            if names:
                lines.append(f"  {label}: {len(names)} points: {_listing(names)}")
        if self.depth_dropped:
            lines.append("  depth (z) dropped")
        if self.unseen:
            lines.append(
                f"  {self.unseen} unseen (frame, point) values kept as plain coordinates (no confidence channel)"
            )
        return "\n".join(lines)


class Conversion:
    """The index tables of one (source, target) pair, built once; call it on frames."""

    def __init__(self, source: Skeleton, target: Skeleton):
        if source.dims < target.dims:
            raise ConversionError(
                f"layout {source.name} is {source.dims}D and {target.name} is {target.dims}D: converting needs "
                "lifting (python -m signllm.preprocess), not a conversion"
            )
        self.source, self.target = source, target
        have = set(source.points)
        pairs = [(index, source.index(name)) for index, name in enumerate(target.points) if name in have]
        pairs = np.array(pairs, dtype=np.int64).reshape(-1, 2)
        self.copy_target, self.copy_source = pairs[:, 0], pairs[:, 1]
        self.derived, missing = [], []
        for index, name in enumerate(target.points):
            if name in have:
                continue
            sources = self._rule_sources(name)
            if sources is None:
                missing.append(name)
            else:
                self.derived.append((index, sources))
        if missing and not target.confidence:
            raise ConversionError(
                f"layout {target.name} has no confidence channel to mark points missing, and {source.name} has "
                f"neither these {len(missing)} points nor a derive rule for them: {_listing(missing)}"
            )
        wanted = set(target.points)
        self.report = ConversionReport(
            source.name,
            target.name,
            derived=tuple(target.points[index] for index, _ in self.derived),
            missing=tuple(missing),
            dropped=tuple(name for name in source.points if name not in wanted),
            depth_dropped=source.dims > target.dims,
        )

    def _rule_sources(self, name: str) -> np.ndarray | None:
        """Source point indices whose mean makes the target point ``name``; None without a usable rule."""
        indices = []
        for entry in self.target.derive.get(name, ()):
            if "." in entry and entry in self.source.points:
                indices.append(self.source.index(entry))
            elif "." not in entry and self.source.has(entry):
                indices.extend(np.arange(self.source.num_points)[self.source.component(entry)])
            else:
                return None
        return np.array(indices, dtype=np.int64) if indices else None

    def __call__(
        self, frames: np.ndarray, confidence: np.ndarray | None = None
    ) -> tuple[np.ndarray, np.ndarray | None, ConversionReport]:
        """(T, source frame_size) frames and (T, source points) confidences or None -> the target's, and the report."""
        source, target = self.source, self.target
        frames = np.asarray(frames)
        if frames.ndim != 2 or frames.shape[1] != source.frame_size:
            raise ConversionError(f"layout {source.name}: frames must be (T, {source.frame_size}), got {frames.shape}")
        if confidence is not None and np.shape(confidence) != (len(frames), source.num_points):
            raise ConversionError(
                f"layout {source.name}: confidence must be ({len(frames)}, {source.num_points}), "
                f"got {np.shape(confidence)}"
            )
        count = len(frames)
        joints = source.to_joints(frames[:, : source.num_coords])[..., : target.dims]
        scores = (
            np.ones((count, source.num_points), np.float32)
            if confidence is None
            else np.asarray(confidence, np.float32)
        )
        out = np.zeros((count, target.num_points, target.dims), dtype=frames.dtype)
        out_scores = np.zeros((count, target.num_points), dtype=np.float32)
        out[:, self.copy_target] = joints[:, self.copy_source]
        out_scores[:, self.copy_target] = scores[:, self.copy_source]
        for index, sources in self.derived:
            out[:, index] = joints[:, sources].astype(np.float64).mean(axis=1)
            out_scores[:, index] = scores[:, sources].min(axis=1)
        result = np.empty((count, target.frame_size), dtype=frames.dtype)
        result[:, : target.num_coords] = out.reshape(count, -1)
        result[:, target.counter_index] = frames[:, source.counter_index]
        if target.confidence:
            return result, out_scores, self.report
        unseen = int((out_scores <= 0).sum()) if confidence is not None else 0
        return result, None, replace(self.report, unseen=unseen)


def convert(
    frames: np.ndarray, confidence: np.ndarray | None, source: Skeleton, target: Skeleton
) -> tuple[np.ndarray, np.ndarray | None, ConversionReport]:
    """Frames (and confidences) of layout ``source`` as layout ``target``; see the module docstring."""
    return Conversion(source, target)(frames, confidence)
