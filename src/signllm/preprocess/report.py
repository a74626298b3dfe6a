"""What preprocessing kept and what it dropped, and why: the honest account of a run.

A clip is dropped by raising ``ClipDropped(reason, message)`` anywhere on its way; the reason is one of
``DROP_REASONS`` and the message names the file (and frame) at fault. Frame-level events that do not
drop the clip (frames without a person, several people, missing hands, all-zero frames) are counted in
``FRAME_EVENTS``.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from signllm.utils import atomic_output

DROP_REASONS = {
    "unreadable_json": "a frame file is not valid OpenPose JSON (malformed, truncated, wrong array sizes)",
    "unreadable_pose": "the .pose file cannot be read or has no usable layout",
    "unreadable_dwpose": "a DWPose frame file cannot be read or does not fit inputs.dwpose.layout",
    "no_frames": "the clip folder holds no frame files",
    "no_person": "no frame of the clip shows a person",
    "too_few_valid_frames": "fewer valid frames than lift.min_valid_frames after confidence pruning",
    "non_finite": "NaN or infinite values in the input or the lifted result",
    "no_text": "the clip has no entry in the text list",
    "missing_input": "the text list names a clip that has no input",
}
FRAME_EVENTS = {
    "frames_in": "frame files read",
    "missing_files": "frame numbers with no file between a clip's first and last frame",
    "no_person": "frames without a person (dropped)",
    "all_zero": "frames whose kept joints are all zero (dropped)",
    "several_people": "frames with several people (OpenPose, .pose: the first kept; DWPose: the signer kept)",
    "people_dropped": "people not kept in frames with several (DWPose)",
    "hands_reassigned": "frames whose hands DWPose's multi-person bug had swapped between people (put back)",
    "no_body_seen": "frames kept with no body point seen (DWPose guessed on the whole image)",
    "missing_hand": "frames with a hand array absent or empty (hand kept as missing points)",
    "pruned": "frames below the body-confidence threshold (refilled by interpolation)",
}


class ClipDropped(Exception):
    """A clip cannot be used; ``reason`` is a key of DROP_REASONS, the message names the culprit."""

    def __init__(self, reason: str, message: str):
        if reason not in DROP_REASONS:
            raise ValueError(f"unknown drop reason {reason!r}")
        super().__init__(message)
        self.reason = reason


@dataclass
class Report:
    """Counts of one split: clips in, clips out, drops by reason (with clip ids and messages), and over the
    clips kept, the frame events their readers count and the mean lifting objective and weighted 2D
    reprojection error of the initial and final skeletons."""

    split: str
    clips_in: int = 0
    clips_out: int = 0
    dropped: dict[str, dict[str, str]] = field(default_factory=dict)  # reason -> {clip id: message}
    frames: Counter = field(default_factory=Counter)
    reprojection: dict[str, float] = field(default_factory=dict)  # mean weighted 2D error, initial / final
    objective: dict[str, float] = field(default_factory=dict)  # mean lifting objective, initial / final

    @classmethod
    def build(
        cls, split: str, clip_ids: Iterable[str], kept: Mapping[str, Mapping], dropped: Mapping[str, tuple[str, str]]
    ) -> Report:
        """From the manifest's clip ids, the kept clips' attributes and the dropped clips' (reason, message)."""
        report = cls(split, clips_in=len(list(clip_ids)), clips_out=len(kept))
        for clip_id, (reason, message) in sorted(dropped.items()):
            report.dropped.setdefault(reason, {})[clip_id] = message
        for event in FRAME_EVENTS:
            if any(event in attrs for attrs in kept.values()):
                report.frames[event] = sum(int(attrs.get(event, 0)) for attrs in kept.values())
        for measure, means in (("reprojection", report.reprojection), ("objective", report.objective)):
            for stage in ("initial", "final"):
                values = [float(attrs[f"{measure}_{stage}"]) for attrs in kept.values() if f"{measure}_{stage}" in attrs]
                if values:
                    means[stage] = sum(values) / len(values)
        return report

    def to_dict(self) -> dict:
        return {
            "split": self.split,
            "clips_in": self.clips_in,
            "clips_out": self.clips_out,
            "dropped": {reason: len(clips) for reason, clips in self.dropped.items()},
            "dropped_clips": self.dropped,
            "frames": dict(self.frames),
            "reprojection_error": self.reprojection,
            "objective": self.objective,
        }

    def save(self, path: Path | str) -> None:
        with atomic_output(path) as temporary:
            temporary.write_text(json.dumps(self.to_dict(), indent=2, ensure_ascii=False) + "\n", encoding="utf-8")

    def show(self) -> None:
        """Print the report as a table (rich)."""
        from rich.console import Console
        from rich.table import Table

        table = Table(title=f"preprocess {self.split}: {self.clips_in} clips in, {self.clips_out} out")
        table.add_column("count", justify="right")
        table.add_column("what")
        for reason, clips in self.dropped.items():
            names = ", ".join(list(clips)[:3]) + (" ..." if len(clips) > 3 else "")
            table.add_row(str(len(clips)), f"dropped: {reason} ({names})")
        for event, count in self.frames.items():
            table.add_row(str(count), FRAME_EVENTS[event])
        for stage, error in self.reprojection.items():
            table.add_row(f"{error:.4g}", f"mean weighted 2D reprojection error, {stage} skeleton")
        for stage, value in self.objective.items():
            table.add_row(f"{value:.4g}", f"mean lifting objective, {stage} skeleton")
        Console(stderr=True).print(table)
