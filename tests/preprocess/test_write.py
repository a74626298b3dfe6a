"""Lifted (or 2D) points -> stored frames: scale, missing-value and counter rules, in any layout."""

from __future__ import annotations

import numpy as np
import pytest

from signllm.data.skels import read_split
from signllm.preprocess.write import stored_frames, write_lifted_split
from signllm.skeleton import load_skeleton

OPENPOSE50, DWPOSE = load_skeleton("openpose50"), load_skeleton("dwpose")


def test_scale_missing_value_and_counter():
    points = np.full((4, OPENPOSE50.num_points, 4), 4.5)
    points[1, 3, 0], points[2, 5, 2] = 0.0, np.nan
    frames, confidence = stored_frames(points, OPENPOSE50, OPENPOSE50.storage, missing_value=0.016)
    assert frames.shape == (4, OPENPOSE50.frame_size) and confidence is None
    assert frames[0, 0] == pytest.approx(0.5)  # openpose50 stores world / 9
    assert frames[1, 9] == pytest.approx(0.016) and frames[2, 17] == pytest.approx(0.016)
    np.testing.assert_allclose(frames[:, OPENPOSE50.counter_index], [0.25, 0.5, 0.75, 1.0])


@pytest.mark.parametrize("counter, first", [("prompt2sign", 0.25), ("progressive_transformers", 0.0)])
def test_split_files_follow_the_storage(tmp_path, counter, first):
    storage = OPENPOSE50.storage_for({"scale": 3, "counter": counter})
    points = np.ones((4, OPENPOSE50.num_points, 4))
    write_lifted_split(tmp_path, "dev", [("clip", "a sentence", None, points)], OPENPOSE50, storage, 0.016)
    (clip,) = read_split(tmp_path, "dev", OPENPOSE50)
    assert (clip.id, clip.text, clip.gloss) == ("clip", "a sentence", None)
    assert clip.frames[0, -1] == pytest.approx(first) and clip.frames[0, 0] == pytest.approx(1 / 3, abs=1e-5)


def test_a_layout_with_confidences_keeps_them(tmp_path):
    points = np.random.default_rng(0).uniform(0.1, 0.9, (3, DWPOSE.num_points, 3))
    points[:, DWPOSE.component("body"), 2] = 1.0  # body scores are seen / not seen
    points[1, 0, 2] = 0.0
    write_lifted_split(tmp_path, "dev", [("clip", "text", "GLOSS", points)], DWPOSE, DWPOSE.storage, 0.016)
    (clip,) = read_split(tmp_path, "dev", DWPOSE)
    np.testing.assert_allclose(clip.frames[:, : DWPOSE.num_coords], points[..., :2].reshape(3, -1), atol=1e-5)
    np.testing.assert_allclose(clip.confidence, points[..., 2], atol=1e-5)
    np.testing.assert_allclose(clip.frames[:, -1], [0.0, 0.5, 1.0])  # dwpose's counter: i / (T - 1)
