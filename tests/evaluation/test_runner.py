"""Sharded scoring: every sample exactly once, the same numbers on one or two ranks, honest generation."""

import os
import socket

import pytest
import torch
import torch.distributed as dist
import torch.multiprocessing as mp

from signllm.data.dataset import collate
from signllm.evaluation.baselines import NearestNeighbour
from signllm.evaluation.runner import SampleResult, gather, score_samples, shard_batches, summarise
from signllm.evaluation.systems import GROUND_TRUTH, clips, ground_truth, honest
from signllm.models.backtranslator import BackTranslatorModule
from signllm.models.mlsf import MLSFModule

from ..checkpoints import save_checkpoint
from .conftest import TINY


@pytest.mark.parametrize("world_size", [1, 2, 3, 5])
def test_shards_cover_every_sample_once_in_fixed_batches(world_size):
    shards = [shard_batches(11, 3, rank, world_size) for rank in range(world_size)]
    batches = sorted(batch for shard in shards for batch in shard)
    assert batches == shard_batches(11, 3)
    assert sorted(i for batch in batches for i in batch) == list(range(11))


def test_gather_refuses_missing_samples():
    result = SampleResult("a", "x", "x", 0.0, 0.0, 1.0, 1.0)
    assert gather({1: result, 0: result}, 2) == [result, result]
    with pytest.raises(RuntimeError, match="scored 1 of 2 samples"):
        gather({0: result}, 2)


class Spy:
    """A production-like model that records what it was given."""

    def __init__(self, model):
        self.model, self.keys = model, set()

    def generate(self, batch, max_frames=None):
        self.keys |= set(batch)
        return self.model.generate(batch, max_frames)


def test_generation_never_sees_ground_truth_and_the_ceiling_does(datamodule, evaluator_path):
    evaluator = BackTranslatorModule.load(evaluator_path)
    dataset = datamodule.dataset("dev")
    spy = Spy(NearestNeighbour(clips(datamodule.dataset("train"))))
    score_samples(honest(spy), evaluator, dataset, collate, batch_size=3)
    assert spy.keys and not spy.keys & set(GROUND_TRUTH)

    ceiling = score_samples(ground_truth, evaluator, dataset, collate, batch_size=3)
    batch = collate([dataset[i] for i in range(len(dataset))])
    assert [r.hypothesis for r in ceiling] == evaluator.translate(batch["frames"], batch["lengths"], batch["lang_code"])
    assert [r.reference for r in ceiling] == batch["text"]
    for r in ceiling:
        assert (r.dtw, r.dtw_mje, r.travel_ratio, r.duration_ratio) == pytest.approx((0, 0, 1, 1), abs=1e-4)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _score(rank, world_size, port, model_path, evaluator_path, dataset, out):
    if world_size > 1:
        os.environ.update(MASTER_ADDR="127.0.0.1", MASTER_PORT=str(port))
        dist.init_process_group("gloo", rank=rank, world_size=world_size)
    torch.set_num_threads(1)
    model = MLSFModule.load(model_path)
    results = score_samples(honest(model, max_frames=12), BackTranslatorModule.load(evaluator_path), dataset, collate, batch_size=5)
    if rank == 0:
        torch.save(results, out)
    if world_size > 1:
        dist.destroy_process_group()


def test_sharded_and_single_process_scores_agree_exactly(datamodule, evaluator_path, tmp_path):
    torch.manual_seed(0)
    model = MLSFModule(datamodule.info, TINY)
    model_path = save_checkpoint(model, tmp_path / "model.ckpt")
    dataset = datamodule.dataset("train")  # 12 samples in batches of 5: the ranks get 2 and 1 batches
    _score(0, 1, 0, model_path, evaluator_path, dataset, tmp_path / "single.pt")
    mp.spawn(_score, args=(2, _free_port(), model_path, evaluator_path, dataset, tmp_path / "sharded.pt"), nprocs=2)
    single, sharded = torch.load(tmp_path / "single.pt", weights_only=False), torch.load(tmp_path / "sharded.pt", weights_only=False)
    assert len(single) == len(dataset) and sharded == single
    assert summarise(sharded) == summarise(single)

