"""Dynamic time warping between pose sequences, batched on torch.

Follows Progressive Transformers (PT): each sequence is cut before its highest-counter frame (keeping at
least one frame) and loses its counter; the frame cost is the L1 distance of the coordinates; the DTW score
is the accumulated cost of the best path divided by the (cut) reference length. DTW-MJE is the mean
per-joint Euclidean error of the frame pairs on that same path; ties prefer the diagonal step, then
advancing the reference only, as PT's traceback does.
"""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F
from torch import Tensor
from torchmetrics import Metric

from signllm.skeleton import split_frames, to_joints

CELLS_PER_CHUNK = 1 << 23  # cost-matrix cells of one chunk of pairs (bounds memory to a few hundred MB)
PAIRS_PER_BLOCK = 8  # pairs whose cost matrices are computed together (small enough to stay in cache)


def cut_lengths(frames: Tensor, lengths: Tensor) -> Tensor:
    """PT cut: frames kept = index of the highest counter among the real frames, at least 1."""
    _, counter = split_frames(frames)
    padding = torch.arange(frames.shape[1], device=frames.device) >= lengths[:, None]
    return counter.masked_fill(padding, -math.inf).argmax(dim=1).clamp(min=1)


def _l1_block(hyp: Tensor, ref: Tensor) -> Tensor:
    """(B, N, C) and (B, M, C) coordinates -> (B, N, M) L1 distances, as sum(a + b) - 2 sum(min(a, b)).

    Two passes per coordinate instead of torch.cdist's slower generic loop; centring on the reference
    mean (L1 is shift-invariant) keeps the sums small, so the float error stays that of the distances.
    """
    centre = ref.mean(dim=1, keepdim=True)
    hyp, ref = hyp - centre, ref - centre
    cost = hyp.sum(dim=-1)[:, :, None] + ref.sum(dim=-1)[:, None, :]
    smaller = torch.empty_like(cost)
    for hyp_coord, ref_coord in zip(hyp.permute(2, 0, 1).contiguous(), ref.permute(2, 0, 1).contiguous()):
        cost.sub_(torch.minimum(hyp_coord[:, :, None], ref_coord[:, None, :], out=smaller), alpha=2)
    return cost.clamp_(min=0)


def _l1_costs(hyp: Tensor, hyp_len: Tensor, ref: Tensor, ref_len: Tensor) -> Tensor:
    """(B, N, M) L1 frame costs of coordinate batches, inf on padding, in cache-sized blocks of pairs."""
    cost = hyp.new_full((hyp.shape[0], hyp.shape[1], ref.shape[1]), math.inf)
    for block in torch.arange(hyp.shape[0], device=hyp.device).split(PAIRS_PER_BLOCK):
        rows, cols = int(hyp_len[block].max()), int(ref_len[block].max())
        cost[block, :rows, :cols] = _l1_block(hyp[block, :rows], ref[block, :cols])
    rows, cols = torch.arange(hyp.shape[1], device=hyp.device), torch.arange(ref.shape[1], device=hyp.device)
    padding = (rows >= hyp_len[:, None])[:, :, None] | (cols >= ref_len[:, None])[:, None, :]
    return cost.masked_fill_(padding, math.inf)


def _warp(cost: Tensor) -> Tensor:
    """Accumulated cost of every cell, by an anti-diagonal wavefront over the whole batch.

    (B, N, M) -> (N + M + 1, N + 1, B), pairs innermost so each diagonal is a contiguous block: cell (i, j)
    at [i + j + 2, i + 1]. The two leading virtual diagonals and the leading row of infs are the boundary,
    with 0 as the origin's diagonal predecessor.
    """
    batch, rows, cols = cost.shape
    # diagonals[k, i] = cost[:, i, k - i]: each row padded with `rows` infs, read with a row stride one short
    padded = F.pad(cost.permute(1, 2, 0), (0, 0, 0, rows), value=math.inf).contiguous()
    diagonals = padded.as_strided((rows + cols - 1, rows, batch), (batch, (rows + cols - 1) * batch, 1))
    accumulated = cost.new_full((rows + cols + 1, rows + 1, batch), math.inf)
    accumulated[0, 0] = 0.0
    for k in range(rows + cols - 1):
        diagonal, next_ref, next_hyp = accumulated[k, :-1], accumulated[k + 1, 1:], accumulated[k + 1, :-1]
        best = torch.minimum(diagonal, torch.minimum(next_ref, next_hyp))
        torch.add(best, diagonals[k], out=accumulated[k + 2, 1:])
    return accumulated


def _joint_error(hyp: Tensor, ref: Tensor) -> Tensor:
    """Mean per-joint Euclidean distance of (..., NUM_COORDS) coordinates (x, y, z summed by hand: faster)."""
    return sum(to_joints((hyp - ref).square()).unbind(dim=-1)).sqrt().mean(dim=-1)


def _path_error(accumulated: Tensor, hyp: Tensor, hyp_len: Tensor, ref: Tensor, ref_len: Tensor) -> Tensor:
    """Mean joint error along each pair's best path, walked back from its end cell.

    Each step goes to the cheapest predecessor, preferring the diagonal, then the previous reference frame.
    """
    batch, hyp_frames, ref_frames = hyp.shape[0], hyp.shape[1], ref.shape[1]
    pairs = torch.arange(batch, device=hyp.device)
    hyp, ref = hyp.reshape(batch * hyp_frames, -1), ref.reshape(batch * ref_frames, -1)
    at = lambda diagonal, row: accumulated.take((diagonal * accumulated.shape[1] + row) * batch + pairs)  # noqa: E731
    hyp_row, ref_row = hyp_len - 1, ref_len - 1
    error_sum, path_length = hyp.new_zeros(batch), hyp.new_zeros(batch)
    on_path = torch.ones_like(pairs, dtype=torch.bool)
    for _ in range(int((hyp_len + ref_len).max()) - 1):
        hyp_frame, ref_frame = hyp.index_select(0, pairs * hyp_frames + hyp_row), ref.index_select(0, pairs * ref_frames + ref_row)
        error_sum += on_path * _joint_error(hyp_frame, ref_frame)
        path_length += on_path
        on_path &= (hyp_row > 0) | (ref_row > 0)
        before = hyp_row + ref_row  # the diagonal two before this cell's, in accumulated's indexing
        diagonal, next_ref, next_hyp = at(before, hyp_row), at(before + 1, hyp_row + 1), at(before + 1, hyp_row)
        step_diagonal = diagonal <= torch.minimum(next_ref, next_hyp)
        step_hyp = next_hyp < next_ref
        hyp_row = hyp_row - (on_path & (step_diagonal | step_hyp)).long()
        ref_row = ref_row - (on_path & (step_diagonal | ~step_hyp)).long()
    return error_sum / path_length


def batched_dtw(hyp: Tensor, hyp_len: Tensor, ref: Tensor, ref_len: Tensor) -> dict[str, Tensor]:
    """Per-pair PT DTW and DTW-MJE of (B, T, FRAME_SIZE) frame batches with their real lengths, (B,) each."""
    hyp_len, ref_len = cut_lengths(hyp, hyp_len), cut_lengths(ref, ref_len)
    hyp, ref = split_frames(hyp)[0], split_frames(ref)[0]
    total, error = hyp.new_empty(hyp.shape[0]), hyp.new_empty(hyp.shape[0])
    pairs_per_chunk = max(1, CELLS_PER_CHUNK // (hyp.shape[1] * ref.shape[1]))
    for chunk in torch.argsort(hyp_len).split(pairs_per_chunk):  # similar lengths waste less padding
        rows, cols = int(hyp_len[chunk].max()), int(ref_len[chunk].max())
        chunk_hyp, chunk_hyp_len, chunk_ref, chunk_ref_len = hyp[chunk, :rows], hyp_len[chunk], ref[chunk, :cols], ref_len[chunk]
        accumulated = _warp(_l1_costs(chunk_hyp, chunk_hyp_len, chunk_ref, chunk_ref_len))
        total[chunk] = accumulated[chunk_hyp_len + chunk_ref_len, chunk_hyp_len, torch.arange(len(chunk))]  # end cells
        error[chunk] = _path_error(accumulated, chunk_hyp, chunk_hyp_len, chunk_ref, chunk_ref_len)
    return {"dtw": total / ref_len, "dtw_mje": error}


def dtw(hyp, ref) -> dict[str, float]:
    """PT DTW and DTW-MJE of one pair of (T, FRAME_SIZE) sequences (tensors or arrays)."""
    hyp, ref = torch.as_tensor(hyp)[None], torch.as_tensor(ref)[None]
    hyp_len, ref_len = (torch.tensor([frames.shape[1]], device=frames.device) for frames in (hyp, ref))
    return {name: float(value) for name, value in batched_dtw(hyp, hyp_len, ref, ref_len).items()}


class DTWMetric(Metric):
    """Mean PT DTW and DTW-MJE over all pairs seen, kept as sums and a count so that DDP sync is exact."""

    is_differentiable = False
    higher_is_better = False
    full_state_update = False

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.add_state("dtw_sum", torch.tensor(0.0), dist_reduce_fx="sum")
        self.add_state("dtw_mje_sum", torch.tensor(0.0), dist_reduce_fx="sum")
        self.add_state("pairs", torch.tensor(0), dist_reduce_fx="sum")

    def update(self, hyp_frames: Tensor, hyp_lengths: Tensor, ref_frames: Tensor, ref_lengths: Tensor) -> None:
        scores = batched_dtw(hyp_frames.float(), hyp_lengths, ref_frames.float(), ref_lengths)
        self.dtw_sum += scores["dtw"].sum()
        self.dtw_mje_sum += scores["dtw_mje"].sum()
        self.pairs += hyp_frames.shape[0]

    def compute(self) -> dict[str, Tensor]:
        return {"dtw": self.dtw_sum / self.pairs, "dtw_mje": self.dtw_mje_sum / self.pairs}
