"""write_video: MP4 (H.264, yuv420p, even size, the given fps) or GIF, written atomically."""

import imageio_ffmpeg
import numpy as np
import pytest
from PIL import Image

from signllm.render import video
from signllm.render.draw import render_clip
from signllm.render.video import write_video


@pytest.fixture
def images(frames, openpose50) -> np.ndarray:
    return render_clip(frames, openpose50, size=64)[:, :63, :61]  # odd height and width


def test_mp4_opens_with_frame_count_size_and_fps(tmp_path, images):
    path = write_video(tmp_path / "clip.mp4", images, fps=25)
    reader = imageio_ffmpeg.read_frames(str(path))
    meta = next(reader)
    decoded = list(reader)
    assert meta["codec"] == "h264" and meta["pix_fmt"].startswith("yuv420p")
    assert meta["size"] == (62, 64) and meta["fps"] == 25
    assert len(decoded) == len(images)
    first = np.frombuffer(decoded[0], dtype=np.uint8).reshape(64, 62, 3)
    assert np.abs(first[:63, :61].astype(int) - images[0]).mean() < 8  # the picture survives encoding
    assert list(tmp_path.iterdir()) == [path]


def test_gif_opens_with_frame_count_size_and_timing(tmp_path, images):
    path = write_video(tmp_path / "clip.gif", images, fps=20)
    with Image.open(path) as gif:
        assert gif.n_frames == len(images) and gif.size == (61, 63)
        assert gif.info["duration"] == 50


def test_failure_leaves_no_file(tmp_path, images, monkeypatch):
    def broken(path, images, fps):
        path.write_bytes(b"half a video")
        raise RuntimeError("disk full")

    monkeypatch.setattr(video, "_write_mp4", broken)
    with pytest.raises(RuntimeError):
        write_video(tmp_path / "clip.mp4", images, fps=25)
    assert list(tmp_path.iterdir()) == []


def test_bad_requests_are_refused(tmp_path, images):
    with pytest.raises(ValueError, match="format"):
        write_video(tmp_path / "clip.avi", images, fps=25)
    with pytest.raises(ValueError, match="uint8"):
        write_video(tmp_path / "clip.gif", images.astype(float), fps=25)
    with pytest.raises(ValueError, match="fps"):
        write_video(tmp_path / "clip.gif", images, fps=0)
    assert list(tmp_path.iterdir()) == []


def test_output_timing_reports_every_step(frames, openpose50):
    from signllm.render.timing import time_outputs

    seconds = time_outputs(frames, openpose50, fps=25, size=64, repeats=1)
    assert set(seconds) == {"draw", "mp4", "gif", "pose", "skels"} and all(value > 0 for value in seconds.values())
