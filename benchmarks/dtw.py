"""Batched DTW vs a per-cell Python DP and dtaidistance's C `dtw_ndim`, on 1,000 pairs of 100-200 frames.

Run: python benchmarks/dtw.py [--pairs 1000] [--python-sample 8] [--skeleton openpose50]. The Python DP is timed on a sample of
pairs (and checked against ours there). All three run on one thread and are timed in CPU seconds per
pair, in this one run, so other work on a shared machine does not bend the comparison. The first call of
the compiled kernel (compilation, or loading it from numba's cache) is timed apart.
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import torch
from dtaidistance import dtw_ndim

from signllm.metrics.dtw import batched_dtw, cut_lengths
from signllm.skeleton import Skeleton, counter_values, load_skeleton


def random_clips(count: int, skeleton: Skeleton, rng: np.random.Generator) -> tuple[torch.Tensor, torch.Tensor]:
    """Zero-padded (count, 200, frame_size) random-walk clips of 100-200 frames, with counters."""
    lengths = rng.integers(100, 201, size=count)
    frames = np.zeros((count, lengths.max(), skeleton.frame_size), dtype=np.float32)
    for clip, length in zip(frames, lengths):
        clip[:length, :-1] = np.cumsum(rng.normal(scale=0.01, size=(length, skeleton.num_coords)), axis=0)
        clip[:length, -1] = counter_values(length)
    return torch.from_numpy(frames), torch.from_numpy(lengths)


def python_dp(hyp: np.ndarray, ref: np.ndarray) -> float:
    """The straightforward per-cell DP on cut coordinates: PT's DTW, without any vectorisation."""
    accumulated = np.full((len(ref) + 1, len(hyp) + 1), np.inf)
    accumulated[0, 0] = 0.0
    for i in range(len(ref)):
        for j in range(len(hyp)):
            step = min(accumulated[i, j], accumulated[i, j + 1], accumulated[i + 1, j])
            accumulated[i + 1, j + 1] = np.abs(ref[i] - hyp[j]).sum() + step
    return accumulated[-1, -1] / len(ref)


def seconds_per_pair(run, count: int) -> float:
    start = time.process_time()
    run()
    return (time.process_time() - start) / count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--pairs", type=int, default=1000)
    parser.add_argument("--python-sample", type=int, default=8)
    parser.add_argument("--skeleton", default="openpose50", help="the pose layout (conf/skeleton)")
    args = parser.parse_args()
    torch.set_num_threads(1)
    skeleton, rng = load_skeleton(args.skeleton), np.random.default_rng(0)
    (hyp, hyp_len), (ref, ref_len) = (random_clips(args.pairs, skeleton, rng) for _ in range(2))
    cut_hyp = [clip[:length, :-1].double().numpy() for clip, length in zip(hyp, cut_lengths(hyp, hyp_len))]
    cut_ref = [clip[:length, :-1].double().numpy() for clip, length in zip(ref, cut_lengths(ref, ref_len))]

    warm_up = time.perf_counter()
    batched_dtw(hyp[:2], hyp_len[:2], ref[:2], ref_len[:2], skeleton.dims)  # compiles the kernel or loads it
    warm_up = time.perf_counter() - warm_up
    scores = {}
    ours = seconds_per_pair(lambda: scores.update(batched_dtw(hyp, hyp_len, ref, ref_len, skeleton.dims)), args.pairs)
    sample = range(args.python_sample)
    python_scores = []
    python = seconds_per_pair(
        lambda: python_scores.extend(python_dp(cut_hyp[i], cut_ref[i]) for i in sample), len(sample)
    )
    assert np.allclose(python_scores, scores["dtw"][: len(sample)].numpy(), rtol=1e-4), "batched DTW disagrees"
    dtai = seconds_per_pair(
        lambda: [dtw_ndim.distance(h, r, use_c=True) for h, r in zip(cut_hyp, cut_ref)], args.pairs
    )

    print(f"{skeleton}: CPU time per pair, one thread; {args.pairs} pairs, Python DP on {len(sample)} of them")
    print(f"(first call, to compile or load the DTW kernel: {warm_up:.2f} s, not counted)")
    print(f"batched DTW (+ DTW-MJE): {ours * 1e3:8.3f} ms/pair")
    print(f"per-cell Python DP:      {python * 1e3:8.3f} ms/pair")
    print(f"dtaidistance dtw_ndim C: {dtai * 1e3:8.3f} ms/pair")
    print(f"RESULT dtw_speedup_vs_python_dp {python / ours:.1f} >=50")
    print(f"RESULT dtw_speedup_vs_dtaidistance {dtai / ours:.2f} >=1")


if __name__ == "__main__":
    main()
