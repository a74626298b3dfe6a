"""Lifted joints -> stored frames: scale, missing-value and counter rules."""

from __future__ import annotations

import numpy as np
import pytest

from signllm.data.skels import read_split
from signllm.preprocess.write import stored_frames, write_lifted_split
from signllm.skeleton import COUNTER, FRAME_SIZE, NUM_JOINTS


def test_scale_missing_value_and_counter():
    joints = np.full((4, NUM_JOINTS, 3), 4.5)
    joints[1, 3, 0], joints[2, 5, 2] = 0.0, np.nan
    frames = stored_frames(joints, scale=9, missing_value=0.016)
    assert frames.shape == (4, FRAME_SIZE)
    assert frames[0, 0] == pytest.approx(0.5)
    assert frames[1, 9] == pytest.approx(0.016) and frames[2, 17] == pytest.approx(0.016)
    np.testing.assert_allclose(frames[:, COUNTER], [0.25, 0.5, 0.75, 1.0])


@pytest.mark.parametrize("counter, first", [("prompt2sign", 0.25), ("progressive_transformers", 0.0)])
def test_split_files_follow_the_counter_convention(tmp_path, counter, first):
    joints = np.ones((4, NUM_JOINTS, 3))
    write_lifted_split(tmp_path, "dev", [("clip", "a sentence", None, joints)], 3, 0.016, counter)
    (clip,) = read_split(tmp_path, "dev")
    assert (clip.id, clip.text, clip.gloss) == ("clip", "a sentence", None)
    assert clip.frames[0, COUNTER] == pytest.approx(first) and clip.frames[0, 0] == pytest.approx(1 / 3, abs=1e-5)
