"""A small moving stick figure: the 50-joint tree with fixed bone offsets, waving its arms."""

import numpy as np
import pytest

from signllm.skeleton import COUNTER, FRAME_SIZE, NUM_COORDS, NUM_JOINTS, PARENTS, counter_values


def stick_figure(num_frames: int = 12, seed: int = 0) -> np.ndarray:
    """(T, FRAME_SIZE) float32 frames in stored-like units (about -0.5..0.5), y downwards."""
    rng = np.random.default_rng(seed)
    offsets = rng.normal(0, 0.03, (NUM_JOINTS, 3))
    offsets[[2, 3, 4]] = [[-0.15, 0, 0], [-0.05, 0.15, 0], [0, 0.15, 0]]  # right arm hangs down
    offsets[[5, 6, 7]] = [[0.15, 0, 0], [0.05, 0.15, 0], [0, 0.15, 0]]
    offsets[1] = [0, 0.2, 0]  # neck below the nose (the root)
    frames = np.zeros((num_frames, FRAME_SIZE), dtype=np.float32)
    for t in range(num_frames):
        wave = 0.1 * np.sin(t / 3)
        joints = np.zeros((NUM_JOINTS, 3))
        for joint in range(1, NUM_JOINTS):  # PARENTS[j] < j: parents are placed first
            joints[joint] = joints[PARENTS[joint]] + offsets[joint] + (joint in (4, 7)) * np.array([0, -wave, 0])
        frames[t, :NUM_COORDS] = joints.reshape(-1)
    frames[:, COUNTER] = counter_values(num_frames)
    return frames


@pytest.fixture
def frames() -> np.ndarray:
    return stick_figure()
