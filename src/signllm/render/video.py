"""Write rendered clips as MP4 (H.264, yuv420p, through imageio-ffmpeg's bundled ffmpeg) or GIF."""

from __future__ import annotations

from pathlib import Path

import imageio_ffmpeg
import numpy as np
from PIL import Image

from signllm.utils import atomic_output

VIDEO_SUFFIXES = (".mp4", ".gif")
GIF_COLOURS = 128


def even_size(images: np.ndarray) -> np.ndarray:
    """Pad (T, H, W, 3) images with white to even height and width (H.264 with yuv420p needs both)."""
    height, width = images.shape[1:3]
    return np.pad(images, ((0, 0), (0, height % 2), (0, width % 2), (0, 0)), constant_values=255)


def _write_mp4(path: Path, images: np.ndarray, fps: float) -> None:
    height, width = images.shape[1:3]
    writer = imageio_ffmpeg.write_frames(
        str(path), (width, height), fps=fps, codec="libx264", pix_fmt_out="yuv420p", macro_block_size=1,
        quality=None, output_params=["-crf", "20", "-preset", "veryfast", "-f", "mp4"], ffmpeg_log_level="error",
    )
    writer.send(None)  # start ffmpeg
    for image in images:
        writer.send(np.ascontiguousarray(image))
    writer.close()


def _write_gif(path: Path, images: np.ndarray, fps: float) -> None:
    # a fast per-frame palette: drawings have few colours, so it looks like the default and is 4x faster
    frames = [
        Image.fromarray(image).quantize(GIF_COLOURS, Image.Quantize.FASTOCTREE, dither=Image.Dither.NONE)
        for image in images
    ]
    frames[0].save(path, format="GIF", save_all=True, append_images=frames[1:], duration=1000 / fps, loop=0)


def write_video(path: Path | str, images: np.ndarray, fps: float) -> Path:
    """Write uint8 (T, H, W, 3) images to ``path`` (format by suffix: .mp4 or .gif), atomically.

    MP4 frames are padded to even sizes; the file plays at ``fps``. Returns the path written.
    """
    path = Path(path)
    images = np.asarray(images)
    if path.suffix.lower() not in VIDEO_SUFFIXES:
        raise ValueError(f"{path}: unknown video format {path.suffix!r}; expected one of {VIDEO_SUFFIXES}")
    if images.ndim != 4 or images.shape[-1] != 3 or images.dtype != np.uint8 or len(images) == 0:
        raise ValueError(f"images must be uint8 (T>0, H, W, 3), got {images.dtype} {images.shape}")
    if not fps > 0:
        raise ValueError(f"fps must be positive, got {fps}")
    with atomic_output(path) as temporary:
        if path.suffix.lower() == ".mp4":
            _write_mp4(temporary, even_size(images), fps)
        else:
            _write_gif(temporary, images, fps)
    return path
