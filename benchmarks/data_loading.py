"""Packed HDF5 cache vs parsing ``.skels`` text: clips/second and the memory that iterating needs.

Writes a split of random clips, then in the same run times one pass over it by parsing the text
(``iter_split``, what every epoch would cost without the cache) and one pass over the packed cache in
shuffled order (what training does). Peak memory of iterating is measured in a fresh process as the
growth of its peak resident set while it reads every clip, and compared with the split's frame bytes.

    python benchmarks/data_loading.py [--clips 5000] [--skeleton openpose50]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from pathlib import Path

import numpy as np

from signllm.data.cache import PackedSplit, ensure_packed
from signllm.data.skels import Clip, iter_split, write_split
from signllm.skeleton import Skeleton, counter_values, load_skeleton


def make_clips(count: int, skeleton: Skeleton, rng: np.random.Generator) -> list[Clip]:
    clips = []
    for index in range(count):
        frames = rng.normal(0, 0.1, (int(rng.integers(16, 65)), skeleton.frame_size)).astype(np.float32)
        frames[:, -1] = counter_values(len(frames))
        confidence = rng.uniform(0, 1, (len(frames), skeleton.num_points)).astype(np.float32) if skeleton.confidence else None
        clips.append(Clip(f"clip{index}", f"sentence number {index}", f"GLOSS{index % 50}", frames, confidence))
    return clips


def _memory(key: str) -> int:
    """A process memory figure from /proc/self/status (VmRSS, VmHWM), in bytes."""
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) * 1024 for line in status if line.startswith(key + ":"))


def peak_rss_growth(path: str) -> tuple[int, float]:
    """(peak RSS growth in bytes, checksum) while reading every clip of the packed split in shuffled order."""
    split = PackedSplit(path)
    order = np.random.default_rng(0).permutation(len(split))
    split.frames(0)  # open the file before the baseline
    with open("/proc/self/clear_refs", "w") as clear_refs:
        clear_refs.write("5")  # reset the peak (VmHWM) to the current resident set
    before = _memory("VmRSS")
    checksum = sum(float(split.frames(int(index))[0, 0]) for index in order)
    return _memory("VmHWM") - before, checksum


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clips", type=int, default=5000)
    parser.add_argument("--skeleton", default="openpose50", help="the pose layout (conf/skeleton)")
    args = parser.parse_args()
    skeleton = load_skeleton(args.skeleton)
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        clips = make_clips(args.clips, skeleton, np.random.default_rng(0))
        frames_bytes = sum(clip.frames.nbytes for clip in clips)
        write_split(folder / "src", "train", clips, skeleton)
        del clips
        text_bytes = (folder / "src" / "train.skels").stat().st_size
        print(
            f"{skeleton}: {args.clips} clips, {frames_bytes / 2**20:.1f} MiB of float32 frames, {text_bytes / 2**20:.1f} MiB .skels"
        )

        start = time.perf_counter()
        parsed = sum(len(clip.frames) for clip in iter_split(folder / "src", "train", skeleton))
        text_seconds = time.perf_counter() - start

        start = time.perf_counter()
        path = ensure_packed(folder / "src", "train", folder / "cache", "bench", skeleton)
        pack_seconds = time.perf_counter() - start

        split = PackedSplit(path)
        order = np.random.default_rng(1).permutation(len(split))
        start = time.perf_counter()
        read = sum(len(split.frames(int(index))) for index in order)
        cache_seconds = time.perf_counter() - start
        assert read == parsed == int(split.lengths.sum())

        with ProcessPoolExecutor(1, mp_context=get_context("spawn")) as pool:
            growth, _ = pool.submit(peak_rss_growth, str(path)).result()

    speedup = text_seconds / cache_seconds
    fraction = growth / frames_bytes
    print(f"parse .skels text : {text_seconds:8.3f} s  ({args.clips / text_seconds:10.0f} clips/s)")
    print(f"packed cache      : {cache_seconds:8.3f} s  ({args.clips / cache_seconds:10.0f} clips/s, shuffled order)")
    print(f"packing (once)    : {pack_seconds:8.3f} s  (hash + parse + write)")
    print(f"iterating peak RSS growth {growth / 2**20:.1f} MiB vs split frames {frames_bytes / 2**20:.1f} MiB")
    print(f"RESULT cache_vs_text_parse_speedup {speedup:.1f} >=20")
    print(f"RESULT cache_iter_peak_mem_fraction_of_split {fraction:.3f} <=0.1")


if __name__ == "__main__":
    main()
