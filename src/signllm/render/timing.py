"""How long the output steps take for one clip, reported apart from generation (benchmarks/generate.py)."""

from __future__ import annotations

import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

from signllm.data.skels import Clip, write_split
from signllm.render.draw import render_clip
from signllm.render.pose_file import write_pose
from signllm.render.video import write_video
from signllm.skeleton import Skeleton


def _best(step: Callable[[], object], repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        step()
        times.append(time.perf_counter() - start)
    return min(times)


def time_outputs(
    frames: np.ndarray, skeleton: Skeleton, fps: float, scale: float = 1.0, size: int = 256, repeats: int = 3
) -> dict[str, float]:
    """Best-of-``repeats`` seconds of each output step for one clip in ``skeleton``'s layout: draw, mp4, gif,
    pose, skels.

    ``mp4`` and ``gif`` are the encoding of already drawn images; a render is ``draw`` + one of them.
    """
    images = render_clip(frames, skeleton, size)
    clip = Clip("clip", "", None, frames)
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        return {
            "draw": _best(lambda: render_clip(frames, skeleton, size), repeats),
            "mp4": _best(lambda: write_video(folder / "clip.mp4", images, fps), repeats),
            "gif": _best(lambda: write_video(folder / "clip.gif", images, fps), repeats),
            "pose": _best(lambda: write_pose(folder / "clip.pose", frames, skeleton, fps, scale), repeats),
            "skels": _best(lambda: write_split(folder, "clip", [clip], skeleton), repeats),
        }
