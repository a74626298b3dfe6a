"""Generation and scoring of one split, sharded across ranks with nothing duplicated or dropped.

The split is cut into batches of consecutive indices and rank r takes batches r, r + world, ...; every
sample therefore lands in the same batch whatever the number of ranks, so sharded and single-process
runs compute bit-identical per-sample numbers (given the same intra-op threads per process, e.g.
``OMP_NUM_THREADS=1`` as torchrun sets it: float32 sums change in the 7th digit with the thread count). Each rank scores its samples, the records are gathered
keyed by index (``all_gather_object``), and corpus scores are computed from all of them in index order.

A system is a callable ``batch -> (frames, lengths)`` (see ``signllm.evaluation.systems``).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field

import torch
import torch.distributed as dist
from torch.utils.data import Dataset

from signllm.evaluation.field_scores import corpus_scores, sample_statistics
from signllm.metrics.dtw import batched_dtw
from signllm.metrics.motion import motion_ratios
from signllm.metrics.text import text_scores

System = Callable[[dict], tuple[torch.Tensor, torch.Tensor]]
POSE_METRICS = ("dtw", "dtw_mje", "travel_ratio", "duration_ratio")


@dataclass
class SampleResult:
    """Everything measured on one sample."""

    id: str
    hypothesis: str
    reference: str
    dtw: float
    dtw_mje: float
    travel_ratio: float
    duration_ratio: float
    stats: dict[str, float] = field(default_factory=dict)  # behind the SLRTP, audit and recommended scores


def shard_batches(num_samples: int, batch_size: int, rank: int = 0, world_size: int = 1) -> list[list[int]]:
    """This rank's batches of sample indices."""
    starts = range(0, num_samples, batch_size)
    return [list(range(start, min(start + batch_size, num_samples))) for start in starts][rank::world_size]


def distributed() -> tuple[int, int]:
    """(rank, world size) of the initialised process group, or (0, 1)."""
    if dist.is_available() and dist.is_initialized():
        return dist.get_rank(), dist.get_world_size()
    return 0, 1


def gather(results: dict[int, SampleResult], num_samples: int) -> list[SampleResult]:
    """All ranks' results in index order; fails if any index is missing or scored twice."""
    parts = [results]
    if distributed()[1] > 1:
        parts = [None] * dist.get_world_size()
        dist.all_gather_object(parts, results)
    merged = {}
    for part in parts:
        if merged.keys() & part.keys():
            raise RuntimeError(f"samples scored twice: {sorted(merged.keys() & part.keys())[:5]}")
        merged.update(part)
    if sorted(merged) != list(range(num_samples)):
        raise RuntimeError(f"scored {len(merged)} of {num_samples} samples")
    return [merged[index] for index in range(num_samples)]


def _to(batch: dict, device: torch.device) -> dict:
    return {k: v.to(device) if isinstance(v, torch.Tensor) else v for k, v in batch.items()}


@torch.no_grad()
def score_samples(
    system: System,
    evaluator,
    dataset: Dataset,
    collate: Callable[[list], dict],
    batch_size: int,
    device: torch.device | str = "cpu",
    advance: Callable[[], None] = lambda: None,
    timings: dict[str, float] | None = None,
) -> list[SampleResult]:
    """Generate every sample of ``dataset`` (a SignDataset: sharded over ranks), back-translate and score it against
    its reference; returns the results of all samples in index order, on every rank. ``timings["field_scores_s"]``
    accumulates the seconds spent on the field scores (``signllm.evaluation.field_scores``)."""
    rank, world_size = distributed()
    results, dims = {}, dataset.skeleton.dims
    for indices in shard_batches(len(dataset), batch_size, rank, world_size):
        batch = _to(collate([dataset[i] for i in indices]), device)
        frames, lengths = system(batch)
        frames, lengths = frames.to(device).float(), lengths.to(device)
        hypotheses = evaluator.translate(frames, lengths, batch["lang_code"])
        reference = (batch["frames"], batch["lengths"])
        pose = {**batched_dtw(frames, lengths, *reference, dims), **motion_ratios(frames, lengths, *reference, dims)}
        started = time.perf_counter()
        extra = _field_statistics(frames, lengths, batch, dataset.skeleton)
        if timings is not None:
            timings["field_scores_s"] = timings.get("field_scores_s", 0.0) + time.perf_counter() - started
        for row, index in enumerate(indices):
            values = {name: float(pose[name][row]) for name in POSE_METRICS}
            results[index] = SampleResult(batch["id"][row], hypotheses[row], batch["text"][row], **values, stats=extra[row])
        advance()
    return gather(results, len(dataset))


def _field_statistics(frames: torch.Tensor, lengths: torch.Tensor, batch: dict, skeleton) -> list[dict[str, float]]:
    """Per-row field-score statistics of generated frames against the batch's references (real frames only)."""
    hyp, ref = frames.cpu().numpy(), batch["frames"].cpu().numpy()
    seen = batch["confidence"].cpu().numpy() > 0
    hyp_len, ref_len = lengths.tolist(), batch["lengths"].tolist()
    return [
        sample_statistics(hyp[i, : hyp_len[i]], ref[i, : ref_len[i]], skeleton, seen[i, : ref_len[i]])
        for i in range(len(hyp))
    ]


def summarise(results: Sequence[SampleResult]) -> dict[str, float]:
    """Corpus BLEU-1..4 and ROUGE-L of the back-translations, the mean of each pose metric, and the field scores."""
    hypotheses, references = [r.hypothesis for r in results], [r.reference for r in results]
    scores = text_scores(hypotheses, references)
    for name in POSE_METRICS:
        scores[name] = sum(getattr(r, name) for r in results) / len(results)
    return scores | corpus_scores(hypotheses, references, [r.stats for r in results])


def evaluate_split(system: System, evaluator, dataset: Dataset, collate, batch_size: int, **kwargs) -> tuple[dict[str, float], list[dict]]:
    """(corpus scores, per-sample records) of one system on one split."""
    results = score_samples(system, evaluator, dataset, collate, batch_size, **kwargs)
    return summarise(results), [asdict(r) for r in results]
