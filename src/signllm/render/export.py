"""Generated clips -> files: one Prompt2Sign split, and per clip a ``.pose`` file and MP4/GIF renders.

In ``output_dir``: ``generated.skels/.text/.files`` (line i = clip i, stored units, the model's counter),
``<id>.pose`` (world units), ``<id>.mp4`` / ``<id>.gif`` (the clip's fps; beside the reference clip when
one is given). Every file is written atomically.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
from rich.progress import track

from signllm.data.skels import Clip, write_split
from signllm.render.draw import render_clip, side_by_side
from signllm.render.pose_file import write_pose
from signllm.render.video import write_video
from signllm.skeleton import Skeleton, Storage

FORMATS = ("skels", "pose", "mp4", "gif")
SPLIT = "generated"


def check_formats(formats: Sequence[str]) -> None:
    """Refuse an output format not in ``FORMATS`` (ValueError naming it)."""
    unknown = [name for name in formats if name not in FORMATS]
    if unknown:
        raise ValueError(f"unknown output format {unknown[0]!r}; choose from {', '.join(FORMATS)}")


def clip_ids(count: int) -> list[str]:
    """Zero-padded ids in input order: 0000, 0001, ..."""
    width = max(4, len(str(count - 1)))
    return [f"{index:0{width}d}" for index in range(count)]


def render(clip: Clip, skeleton: Skeleton, size: int, reference_images: np.ndarray | None = None) -> np.ndarray:
    """The clip's images titled with its text; beside the reference clip's images when given."""
    images = render_clip(clip.frames, skeleton, size, title=clip.text, confidence=clip.confidence)
    return images if reference_images is None else side_by_side(images, reference_images)


def write_outputs(
    output_dir: Path | str,
    clips: Sequence[Clip],
    skeleton: Skeleton,
    storage: Storage,
    fps: float,
    formats: Sequence[str] = ("skels", "pose"),
    reference: Clip | None = None,
    size: int = 256,
    progress: bool = False,
) -> list[Path]:
    """Write ``clips`` (frames in ``skeleton``'s layout, stored as ``storage`` says) in the chosen ``formats``;
    returns the paths written."""
    check_formats(formats)
    output_dir = Path(output_dir)
    written = []
    if "skels" in formats:
        write_split(output_dir, SPLIT, clips, skeleton, storage)
        written += [output_dir / f"{SPLIT}.{part}" for part in ("skels", "text", "files")]
    videos = [suffix for suffix in ("mp4", "gif") if suffix in formats]
    reference_images = None
    if reference is not None and videos:
        reference_images = render_clip(reference.frames, skeleton, size, title="reference", confidence=reference.confidence)
    for clip in track(clips, description="writing", disable=not progress or len(clips) < 2):
        if "pose" in formats:
            path = output_dir / f"{clip.id}.pose"
            written.append(write_pose(path, clip.frames, skeleton, fps, storage.scale, clip.confidence))
        if videos:
            images = render(clip, skeleton, size, reference_images)
            written += [write_video(output_dir / f"{clip.id}.{suffix}", images, fps) for suffix in videos]
    return written
