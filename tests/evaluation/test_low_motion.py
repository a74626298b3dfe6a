"""The low-motion baseline: the nearest neighbour's motion shrunk around the mean pose."""

import numpy as np
import torch

from signllm.data.dataset import collate
from signllm.evaluation.baselines import LowMotion, MeanPose, NearestNeighbour
from signllm.evaluation.systems import clips
from signllm.metrics import motion_audit

from ..layouts import OPENPOSE50


def test_low_motion_keeps_timing_and_shrinks_motion(datamodule):
    train = clips(datamodule.dataset("train"))
    dev = collate([datamodule.dataset("dev")[i] for i in range(4)])
    low, lengths = LowMotion(train, amplitude=0.25).generate(dev)
    near, near_lengths = NearestNeighbour(train).generate(dev)
    assert torch.equal(lengths, near_lengths) and torch.equal(low[..., -1], near[..., -1])
    pose = torch.from_numpy(MeanPose(train).pose).float()
    real = low[0, : lengths[0], :-1]
    assert torch.allclose(real - pose, 0.25 * (near[0, : lengths[0], :-1] - pose), atol=1e-5)
    joints = [OPENPOSE50.to_joints(x[0, : lengths[0], :-1].numpy()) for x in (low, near)]
    ratios = motion_audit.corpus_ratios([motion_audit.pair_statistics(*joints)])
    assert np.isclose(ratios["velocity_ratio"], 0.25, atol=1e-4) and np.isclose(ratios["variance_ratio"], 0.0625, atol=1e-4)
