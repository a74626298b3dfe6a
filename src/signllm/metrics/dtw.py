"""Dynamic time warping between pose sequences, a compiled (numba) kernel over many pairs at once.

Follows Progressive Transformers (PT): each sequence is cut before its highest-counter frame (keeping at
least one frame) and loses its counter; the frame cost is the L1 distance of the coordinates; the DTW score
is the accumulated cost of the best path divided by the (cut) reference length. DTW-MJE is the mean
per-joint Euclidean error of the frame pairs on that same path; ties prefer the diagonal step, then
advancing the reference only, as PT's traceback does.

Pairs are warped on the CPU, in as many threads as torch uses (the compiled kernel releases the GIL),
each by the plain DP of PT with the frame costs computed in its inner loop (vectorised), so no cost
matrix is stored; tensors on another device come to the CPU and their scores go back.
"""

from __future__ import annotations

import math
from concurrent.futures import ThreadPoolExecutor

import numba
import numpy as np
import torch
from torch import Tensor
from torchmetrics import Metric

VECTORISE = {"reassoc", "contract"}  # let the cost sums be reordered into SIMD lanes; infs stay exact
LANES = 8  # coordinates are zero-padded to a multiple of this (zeros add no cost; no scalar loop tail)


def cut_lengths(frames: Tensor, lengths: Tensor) -> Tensor:
    """PT cut: frames kept = index of the highest counter (the last value of a frame) among the real frames,
    at least 1."""
    counter = frames[..., -1]
    padding = torch.arange(frames.shape[1], device=frames.device) >= lengths[:, None]
    return counter.masked_fill(padding, -math.inf).argmax(dim=1).clamp(min=1)


@numba.njit(fastmath=VECTORISE, cache=True)
def _joint_error(hyp_frame: np.ndarray, ref_frame: np.ndarray, joints: int, dims: int) -> float:
    """Mean per-joint Euclidean distance of two coordinate frames (``dims`` coordinates per joint)."""
    error = 0.0
    for joint in range(joints):
        squared = 0.0
        for axis in range(joint * dims, (joint + 1) * dims):
            squared += (hyp_frame[axis] - ref_frame[axis]) ** 2
        error += math.sqrt(squared)
    return error / joints


@numba.njit(cache=True)
def previous_cell(accumulated: np.ndarray, i: int, j: int) -> tuple[int, int]:
    """The cell before (i, j) on the traceback of an accumulated-cost matrix with a leading row and column of
    infs (rows = reference): the diagonal on ties, then advancing the reference only, as PT's traceback."""
    diagonal, previous_ref, previous_hyp = accumulated[i - 1, j - 1], accumulated[i - 1, j], accumulated[i, j - 1]
    if diagonal <= previous_ref and diagonal <= previous_hyp:
        return i - 1, j - 1
    if previous_ref <= previous_hyp:
        return i - 1, j
    return i, j - 1


@numba.njit(fastmath=VECTORISE, cache=True)
def _warp(hyp: np.ndarray, ref: np.ndarray, joints: int, dims: int) -> tuple[float, float]:
    """(accumulated L1 cost of the best path, mean joint error along it) of (N, C) and (M, C) coordinates.

    Rows are reference frames, as in PT; ``accumulated`` has a leading row and column of infs.
    """
    rows, cols = len(ref), len(hyp)
    accumulated = np.full((rows + 1, cols + 1), np.inf)
    accumulated[0, 0] = 0.0
    for i in range(rows):
        for j in range(cols):
            cost = abs(ref[i, 0] - hyp[j, 0])  # in the coordinates' precision
            for axis in range(1, ref.shape[1]):
                cost += abs(ref[i, axis] - hyp[j, axis])
            best = min(accumulated[i, j], accumulated[i, j + 1], accumulated[i + 1, j])
            accumulated[i + 1, j + 1] = cost + best
    i, j, error, steps = rows, cols, 0.0, 0
    while i > 0 and j > 0:
        error += _joint_error(hyp[j - 1], ref[i - 1], joints, dims)
        steps += 1
        i, j = previous_cell(accumulated, i, j)
    return accumulated[rows, cols], error / steps


@numba.njit(nogil=True, cache=True)
def _warp_pairs(hyp, hyp_len, ref, ref_len, total, error, joints, dims) -> None:
    """Fill ``total`` and ``error`` (B,) for (B, N, C) and (B, M, C) padded coordinates with their lengths."""
    for pair in range(len(hyp)):
        total[pair], error[pair] = _warp(hyp[pair, : hyp_len[pair]], ref[pair, : ref_len[pair]], joints, dims)


def _coordinates(frames: Tensor) -> np.ndarray:
    """(B, T, coordinates + counter) frames -> float32/float64 (B, T, coordinates + zero padding) on the CPU."""
    dtype = frames.dtype if frames.dtype in (torch.float32, torch.float64) else torch.float32
    padding = -(frames.shape[-1] - 1) % LANES
    return torch.nn.functional.pad(frames.detach()[..., :-1].to("cpu", dtype), (0, padding)).numpy()


def batched_dtw(hyp: Tensor, hyp_len: Tensor, ref: Tensor, ref_len: Tensor, dims: int) -> dict[str, Tensor]:
    """Per-pair PT DTW and DTW-MJE (float64, on hyp's device) of (B, T, frame_size) frame batches with
    their real lengths, (B,) each; ``dims`` coordinates per point (the layout's)."""
    joints, remainder = divmod(hyp.shape[-1] - 1, dims)
    if remainder or hyp.shape[-1] != ref.shape[-1]:
        raise ValueError(f"frames of {hyp.shape[-1]} and {ref.shape[-1]} values do not hold {dims}D points + a counter")
    hyp_len, ref_len = (cut_lengths(*pair).cpu().numpy() for pair in ((hyp, hyp_len), (ref, ref_len)))
    arrays = (_coordinates(hyp), hyp_len, _coordinates(ref), ref_len, np.empty(len(hyp)), np.empty(len(hyp)))
    threads = max(1, min(torch.get_num_threads(), len(hyp)))
    bounds = np.linspace(0, len(hyp), threads + 1).astype(int)

    def warp(start: int, stop: int) -> None:
        _warp_pairs(*(array[start:stop] for array in arrays), joints, dims)

    with ThreadPoolExecutor(threads) as pool:  # the kernel releases the GIL: each thread warps a slice of pairs
        list(pool.map(warp, bounds[:-1], bounds[1:]))
    total, error = arrays[-2:]
    return {name: torch.from_numpy(value).to(hyp.device) for name, value in (("dtw", total / ref_len), ("dtw_mje", error))}


def dtw(hyp, ref, dims: int) -> dict[str, float]:
    """PT DTW and DTW-MJE of one pair of (T, frame_size) sequences (tensors or arrays) of ``dims``-D points."""
    hyp, ref = torch.as_tensor(hyp)[None], torch.as_tensor(ref)[None]
    hyp_len, ref_len = (torch.tensor([frames.shape[1]], device=frames.device) for frames in (hyp, ref))
    return {name: float(value) for name, value in batched_dtw(hyp, hyp_len, ref, ref_len, dims).items()}


class DTWMetric(Metric):
    """Mean PT DTW and DTW-MJE over all pairs seen, kept as sums and a count so that DDP sync is exact."""

    is_differentiable = False
    higher_is_better = False
    full_state_update = False

    def __init__(self, dims: int, **kwargs):
        super().__init__(**kwargs)
        self.dims = dims
        self.add_state("dtw_sum", torch.tensor(0.0), dist_reduce_fx="sum")
        self.add_state("dtw_mje_sum", torch.tensor(0.0), dist_reduce_fx="sum")
        self.add_state("pairs", torch.tensor(0), dist_reduce_fx="sum")

    def update(self, hyp_frames: Tensor, hyp_lengths: Tensor, ref_frames: Tensor, ref_lengths: Tensor) -> None:
        scores = batched_dtw(hyp_frames.float(), hyp_lengths, ref_frames.float(), ref_lengths, self.dims)
        self.dtw_sum += scores["dtw"].sum()
        self.dtw_mje_sum += scores["dtw_mje"].sum()
        self.pairs += hyp_frames.shape[0]

    def compute(self) -> dict[str, Tensor]:
        return {"dtw": self.dtw_sum / self.pairs, "dtw_mje": self.dtw_mje_sum / self.pairs}
