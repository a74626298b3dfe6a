"""Dynamic time warping between pose sequences, batched on torch.

Follows Progressive Transformers (PT): each sequence is cut before its highest-counter frame (keeping at
least one frame) and loses its counter; the frame cost is the L1 distance of the coordinates; the DTW score
is the accumulated cost of the best path divided by the (cut) reference length. DTW-MJE is the mean
per-joint Euclidean error of the frame pairs on that same path; ties prefer the diagonal step, then
advancing the reference only, as PT's traceback does.

All pairs of a batch are warped at once: their cost matrices are laid out by anti-diagonal, a wavefront
fills the accumulated costs one diagonal at a time, and a vectorised walk back from the end cells finds
the paths, so only their cells need the joint error (a norm per joint).
"""

from __future__ import annotations

import math

import torch
from torch import Tensor
from torchmetrics import Metric

from signllm.skeleton import split_frames, to_joints

CELLS_PER_CHUNK = 1 << 23  # cost-matrix cells of one chunk of pairs (bounds memory to a few hundred MB)
PAIRS_PER_BLOCK = 32  # pairs whose cost matrices are computed together
ROWS_PER_TILE = 2  # hypothesis frames compared with all reference frames at once (keeps the tile in cache)


def cut_lengths(frames: Tensor, lengths: Tensor) -> Tensor:
    """PT cut: frames kept = index of the highest counter among the real frames, at least 1."""
    _, counter = split_frames(frames)
    padding = torch.arange(frames.shape[1], device=frames.device) >= lengths[:, None]
    return counter.masked_fill(padding, -math.inf).argmax(dim=1).clamp(min=1)


def _l1_block(hyp: Tensor, ref: Tensor) -> Tensor:
    """(B, N, C) and (B, M, C) coordinates -> (B, N, M) L1 distances, as sum(a + b) - 2 sum(min(a, b)).

    A few hypothesis frames at a time against all reference frames: one minimum and one sum over the
    coordinates (about twice as fast as torch.cdist). Centring on the reference mean (L1 is shift-invariant)
    keeps the sums small, so the float error stays that of the distances.
    """
    centre = ref.mean(dim=1, keepdim=True)
    hyp, ref = hyp - centre, ref - centre
    tiles = hyp[:, :, None].split(ROWS_PER_TILE, dim=1)
    smaller = torch.cat([torch.minimum(tile, ref[:, None]).sum(dim=-1) for tile in tiles], dim=1)
    return (hyp.sum(dim=-1)[:, :, None] + ref.sum(dim=-1)[:, None, :] - 2 * smaller).clamp_(min=0)


def _diagonal_costs(hyp: Tensor, hyp_len: Tensor, ref: Tensor, ref_len: Tensor) -> Tensor:
    """L1 frame costs laid out for the wavefront: (N + M - 1, N, B), [k, i, b] = cost of cell (i, k - i).

    Cells left of the matrix are inf (the wavefront's boundary). Cells past a pair's lengths hold
    whatever: they never precede a cell within both lengths. Each block of pairs is computed up to its
    longest pair, so pairs of similar lengths should be neighbours.
    """
    batch, rows, cols = hyp.shape[0], hyp.shape[1], ref.shape[1]
    padded = hyp.new_full((rows, cols + rows, batch), math.inf)  # pairs innermost; `rows` infs after each row
    for first in range(0, batch, PAIRS_PER_BLOCK):
        block = slice(first, first + PAIRS_PER_BLOCK)
        block_rows, block_cols = int(hyp_len[block].max()), int(ref_len[block].max())
        costs = _l1_block(hyp[block, :block_rows], ref[block, :block_cols])
        padded[:block_rows, :block_cols, block] = costs.permute(1, 2, 0)
    # read with a row stride one element (of B) short, row i starts i cells later: a diagonal per k
    return padded.as_strided((rows + cols - 1, rows, batch), (batch, (rows + cols - 1) * batch, 1))


def _warp(diagonals: Tensor) -> Tensor:
    """Accumulated cost of every cell, by an anti-diagonal wavefront over the whole batch.

    (K, N, B) diagonal costs -> (K + 2, N + 1, B), so that each diagonal is one contiguous block: cell
    (i, j) at [i + j + 2, i + 1]. The two leading virtual diagonals and the leading row of infs are the
    boundary, with 0 as the origin's diagonal predecessor.
    """
    count, rows, batch = diagonals.shape
    accumulated = diagonals.new_full((count + 2, rows + 1, batch), math.inf)
    accumulated[0, 0] = 0.0
    for k in range(count):
        diagonal, next_ref, next_hyp = accumulated[k, :-1], accumulated[k + 1, 1:], accumulated[k + 1, :-1]
        best = torch.minimum(diagonal, torch.minimum(next_ref, next_hyp))
        torch.add(best, diagonals[k], out=accumulated[k + 2, 1:])
    return accumulated


def _joint_error(difference: Tensor) -> Tensor:
    """Mean per-joint Euclidean norm of (..., NUM_COORDS) coordinate differences (squared in place)."""
    return sum(to_joints(difference.square_()).unbind(dim=-1)).sqrt_().mean(dim=-1)


def _path_error(accumulated: Tensor, hyp: Tensor, hyp_len: Tensor, ref: Tensor, ref_len: Tensor) -> Tensor:
    """Mean joint error along each pair's best path, walked back from its end cell.

    The walk holds each pair's position as its diagonal predecessor's flat index into ``accumulated`` and
    steps to the cheapest of the three predecessors, the first of equals in PT's order: diagonal, previous
    reference frame, previous hypothesis frame. The origin's diagonal predecessor is the only index < B.
    """
    batch, diagonal_size = hyp.shape[0], accumulated[0].numel()
    row_size, device = accumulated.shape[1], hyp.device
    pairs = torch.arange(batch, device=device)
    # predecessors of the cell whose diagonal predecessor is at 0: (i-1, j-1), (i, j-1), (i-1, j)
    predecessors = torch.tensor([0, diagonal_size + batch, diagonal_size], device=device)[:, None]
    # flat index change of each step: two diagonals and a row back; one diagonal; one diagonal and a row
    moves = torch.tensor([2 * diagonal_size + batch, diagonal_size, diagonal_size + batch], device=device)
    position = ((hyp_len + ref_len - 2) * row_size + hyp_len - 1) * batch + pairs
    path = torch.empty((int((hyp_len + ref_len).max()) - 1, batch), dtype=torch.long, device=device)
    for step in range(len(path)):
        path[step] = position
        nearest = accumulated.take(position + predecessors).argmin(dim=0)
        position = position - (position >= batch) * moves.take(nearest)
    # the cells visited: each position once (the walk rests at the origin); cell (i, j) sits on diagonal i + j
    on_path = torch.cat([torch.ones_like(path[:1], dtype=torch.bool), path[1:] != path[:-1]])
    cell_sum, hyp_row = (path // batch).div(row_size, rounding_mode="floor"), (path // batch) % row_size
    pair = pairs.expand_as(path)[on_path]
    hyp_frames = hyp.flatten(0, 1).index_select(0, pair * hyp.shape[1] + hyp_row[on_path])
    ref_frames = ref.flatten(0, 1).index_select(0, pair * ref.shape[1] + (cell_sum - hyp_row)[on_path])
    error_sum = hyp.new_zeros(batch).index_add_(0, pair, _joint_error(hyp_frames.sub_(ref_frames)))
    return error_sum / on_path.sum(dim=0)


def _chunk_scores(hyp: Tensor, hyp_len: Tensor, ref: Tensor, ref_len: Tensor) -> tuple[Tensor, Tensor]:
    """Best-path L1 cost and mean joint error of (B, N, NUM_COORDS) and (B, M, NUM_COORDS) cut coordinates."""
    accumulated = _warp(_diagonal_costs(hyp, hyp_len, ref, ref_len))
    pairs = torch.arange(hyp.shape[0], device=hyp.device)
    total = accumulated[hyp_len + ref_len, hyp_len, pairs]  # end cell (n - 1, m - 1)
    return total, _path_error(accumulated, hyp, hyp_len, ref, ref_len)


def batched_dtw(hyp: Tensor, hyp_len: Tensor, ref: Tensor, ref_len: Tensor) -> dict[str, Tensor]:
    """Per-pair PT DTW and DTW-MJE of (B, T, FRAME_SIZE) frame batches with their real lengths, (B,) each.

    Pairs go in chunks of similar lengths (sorted by hypothesis, then reference length) to bound memory
    and waste little work on padding.
    """
    hyp_len, ref_len = cut_lengths(hyp, hyp_len), cut_lengths(ref, ref_len)
    hyp, ref = split_frames(hyp)[0], split_frames(ref)[0]
    total, error = hyp.new_empty(hyp.shape[0]), hyp.new_empty(hyp.shape[0])
    pairs_per_chunk = max(1, CELLS_PER_CHUNK // (hyp.shape[1] * ref.shape[1]))
    for chunk in torch.argsort(hyp_len).split(pairs_per_chunk):
        chunk = chunk[torch.argsort(ref_len[chunk])]
        rows, cols = int(hyp_len[chunk].max()), int(ref_len[chunk].max())
        total[chunk], error[chunk] = _chunk_scores(hyp[chunk, :rows], hyp_len[chunk], ref[chunk, :cols], ref_len[chunk])
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
