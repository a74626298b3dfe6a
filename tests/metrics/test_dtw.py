"""DTW: a simple reference DP on random pairs, the Progressive Transformers values on real PHOENIX clips, the
PT cut, and the metric's sums and DDP reduction."""

import numpy as np
import pytest
import torch

from signllm.data.skels import read_split
from signllm.metrics.dtw import DTWMetric, batched_dtw, cut_lengths, dtw
from signllm.skeleton import counter_values
from ..layouts import OPENPOSE50


def reference_dtw(hyp: np.ndarray, ref: np.ndarray) -> tuple[float, float]:
    """Plain DP over cut coordinates (rows = reference, as PT), then PT's traceback for the joint error."""
    n, m = len(ref), len(hyp)
    acc = np.full((n + 1, m + 1), np.inf)
    acc[0, 0] = 0.0
    for i in range(n):
        for j in range(m):
            acc[i + 1, j + 1] = np.abs(ref[i] - hyp[j]).sum() + min(acc[i, j], acc[i, j + 1], acc[i + 1, j])
    i, j, errors = n, m, []
    while (i, j) != (0, 0):
        errors.append(np.linalg.norm(OPENPOSE50.to_joints(ref[i - 1] - hyp[j - 1]), axis=-1).mean())
        step = np.argmin([acc[i - 1, j - 1], acc[i - 1, j], acc[i, j - 1]])
        i, j = (i - 1, j - 1) if step == 0 else (i - 1, j) if step == 1 else (i, j - 1)
    return acc[n, m] / n, float(np.mean(errors))


def random_clip(rng: np.random.Generator, length: int) -> np.ndarray:
    """A random-walk clip with the framework's counter (i/T)."""
    frames = np.zeros((length, OPENPOSE50.frame_size))
    frames[:, :OPENPOSE50.num_coords] = np.cumsum(rng.normal(scale=0.05, size=(length, OPENPOSE50.num_coords)), axis=0)
    frames[:, OPENPOSE50.counter_index] = counter_values(length)
    return frames


def padded(clips: list[np.ndarray]) -> tuple[torch.Tensor, torch.Tensor]:
    frames = torch.zeros(len(clips), max(map(len, clips)), OPENPOSE50.frame_size, dtype=torch.float64)
    for row, clip in zip(frames, clips):
        row[: len(clip)] = torch.from_numpy(clip)
    return frames, torch.tensor([len(clip) for clip in clips])


def cut(clip: np.ndarray) -> np.ndarray:
    return clip[: max(int(np.argmax(clip[:, OPENPOSE50.counter_index])), 1), :OPENPOSE50.num_coords]


@pytest.fixture
def pairs() -> tuple[list[np.ndarray], list[np.ndarray]]:
    rng = np.random.default_rng(7)
    lengths = [(2, 2), (2, 9), (9, 2), (3, 3), (17, 11), (12, 25), (30, 30), (8, 40)]
    return [random_clip(rng, h) for h, _ in lengths], [random_clip(rng, r) for _, r in lengths]


def test_batched_dtw_equals_reference_dp_on_random_pairs(pairs):
    hyps, refs = pairs
    scores = batched_dtw(*padded(hyps), *padded(refs), OPENPOSE50.dims)
    expected = np.array([reference_dtw(cut(hyp), cut(ref)) for hyp, ref in zip(hyps, refs)])
    np.testing.assert_allclose(scores["dtw"].numpy(), expected[:, 0], rtol=1e-9)
    np.testing.assert_allclose(scores["dtw_mje"].numpy(), expected[:, 1], rtol=1e-9)


def test_scores_do_not_depend_on_the_batch_or_the_thread_count(pairs):
    hyps, refs = pairs
    whole = batched_dtw(*padded(hyps), *padded(refs), OPENPOSE50.dims)
    threads = torch.get_num_threads()
    try:
        torch.set_num_threads(1)
        alone = [batched_dtw(*padded([hyp]), *padded([ref]), OPENPOSE50.dims) for hyp, ref in zip(hyps, refs)]
    finally:
        torch.set_num_threads(threads)
    for name in ("dtw", "dtw_mje"):
        torch.testing.assert_close(torch.cat([scores[name] for scores in alone]), whole[name])


def test_single_pair_float32_matches_and_identity_is_zero(pairs):
    hyp, ref = pairs[0][4], pairs[1][4]
    expected = reference_dtw(cut(hyp), cut(ref))
    scores = dtw(torch.from_numpy(hyp).float(), torch.from_numpy(ref).float(), OPENPOSE50.dims)
    assert scores["dtw"] == pytest.approx(expected[0], rel=1e-5)
    assert scores["dtw_mje"] == pytest.approx(expected[1], rel=1e-5)
    assert dtw(ref, ref, OPENPOSE50.dims) == pytest.approx({"dtw": 0.0, "dtw_mje": 0.0}, abs=1e-9)


def test_cut_keeps_frames_before_the_highest_counter_and_at_least_one():
    frames = torch.zeros(3, 5, OPENPOSE50.frame_size)
    frames[0, :, OPENPOSE50.counter_index] = torch.tensor([0.2, 0.4, 0.6, 0.8, 1.0])  # framework counter: drop the last frame
    frames[1, :, OPENPOSE50.counter_index] = torch.tensor([0.9, 0.1, 0.2, 0.0, 0.0])  # argmax at 0: PT keeps one frame
    frames[2, :, OPENPOSE50.counter_index] = torch.tensor([0.1, 0.5, 0.3, 9.0, 9.0])  # padding beyond length 3 is ignored
    assert cut_lengths(frames, torch.tensor([5, 3, 3])).tolist() == [4, 1, 1]


def test_progressive_transformers_values_on_phoenix(realdata):
    folder = realdata / "phoenix14t-progressive-transformers"
    train, dev, test = (read_split(folder, split, OPENPOSE50) for split in ("train", "dev", "test"))
    assert dtw(test[0].frames, dev[0].frames, OPENPOSE50.dims)["dtw"] == pytest.approx(54.9566, abs=5e-5)
    assert dtw(dev[1].frames, train[0].frames, OPENPOSE50.dims)["dtw"] == pytest.approx(15.3307, abs=5e-5)
    # the framework's counter (i/T) cuts the same frames as the file's (i-1)/T
    canonical = [clip.frames.copy() for clip in (test[0], dev[0])]
    for frames in canonical:
        frames[:, OPENPOSE50.counter_index] = counter_values(len(frames))
    assert dtw(*canonical, OPENPOSE50.dims)["dtw"] == pytest.approx(54.9566, abs=5e-5)


def test_metric_averages_pairs_over_updates(pairs):
    hyps, refs = pairs
    per_pair = batched_dtw(*padded(hyps), *padded(refs), OPENPOSE50.dims)
    metric = DTWMetric(OPENPOSE50.dims)
    metric.update(*padded(hyps[:3]), *padded(refs[:3]))
    metric.update(*padded(hyps[3:]), *padded(refs[3:]))
    result = metric.compute()
    for name in ("dtw", "dtw_mje"):
        assert float(result[name]) == pytest.approx(float(per_pair[name].mean()), rel=1e-5)


def test_metric_sync_sums_states_across_ranks(pairs):
    """Two ranks with different numbers of pairs: the synced mean is the mean over all pairs."""
    hyps, refs = pairs
    ranks = [DTWMetric(OPENPOSE50.dims), DTWMetric(OPENPOSE50.dims)]
    ranks[0].update(*padded(hyps[:2]), *padded(refs[:2]))
    ranks[1].update(*padded(hyps[2:]), *padded(refs[2:]))
    other_state = {name: getattr(ranks[1], name).clone() for name in ranks[1]._defaults}

    def all_gather(tensor, group=None):  # what rank 0 would receive: its own state and rank 1's
        name = next(name for name in other_state if getattr(ranks[0], name) is tensor)
        return [tensor, other_state[name]]

    ranks[0].sync(dist_sync_fn=all_gather, distributed_available=lambda: True)
    expected = batched_dtw(*padded(hyps), *padded(refs), OPENPOSE50.dims)
    assert float(ranks[0].dtw_sum / ranks[0].pairs) == pytest.approx(float(expected["dtw"].mean()), rel=1e-5)
    assert int(ranks[0].pairs) == len(hyps)
