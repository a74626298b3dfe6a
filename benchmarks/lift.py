"""Lifting throughput: batches of clips vs one clip at a time, same steps, same run.

Clips are 150-frame windows of the real How2Sign OpenPose sample (../shared/realdata). The baseline
lifts ``--single`` of them one at a time (as the original tools did, one clip per call); ours lifts
``--batch`` of them in one padded batch. Prints clips per minute of each, their ratio, and seconds per
clip in the batch, then one ``RESULT <name> <value> <goal>`` line per target.

    python benchmarks/lift.py [--steps 1000] [--batch 64] [--single 4] [--frames 150] [--threads 2]

Both run with ``--threads`` torch threads, by default 2, the cores of the target machine (on an idle
machine the batch runs about 1.5x faster with 2 than with 1; on a busy one use 1, see signllm/threads.py).
The refinement is the safeguarded one (``refine``): its divergence checks are part of the time.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np
import torch

from signllm.preprocess.lift import LiftConfig, lift_clips
from signllm.preprocess.openpose import read_openpose_clip
from signllm.skeleton import load_skeleton

SAMPLE = Path(__file__).resolve().parents[1].parent / "shared" / "realdata" / "how2sign-openpose-prompt2sign" / "json"
OPENPOSE50 = load_skeleton("openpose50")


def windows(count: int, frames: int) -> list[np.ndarray]:
    """``count`` windows of ``frames`` frames, at spread-out offsets of the sample's clips joined end to end."""
    joined = np.concatenate([read_openpose_clip(folder, OPENPOSE50)[0] for folder in sorted(SAMPLE.iterdir())])
    offsets = np.linspace(0, len(joined) - frames, count).astype(int)
    return [joined[offset : offset + frames].reshape(frames, OPENPOSE50.num_points, 3) for offset in offsets]


def timed(clips: list[np.ndarray], config: LiftConfig, batch: bool) -> tuple[float, float]:
    """(wall seconds, process CPU seconds) to lift ``clips`` together or one at a time."""
    wall, cpu = time.perf_counter(), time.process_time()
    if batch:
        lift_clips(clips, OPENPOSE50, config)
    else:
        for clip in clips:
            lift_clips([clip], OPENPOSE50, config)
    return time.perf_counter() - wall, time.process_time() - cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=1000)
    parser.add_argument("--batch", type=int, default=64)
    parser.add_argument("--single", type=int, default=4, help="clips lifted one at a time for the baseline")
    parser.add_argument("--frames", type=int, default=150)
    parser.add_argument("--threads", type=int, default=2, help="torch threads (the pipeline's lift.threads)")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    clips = windows(args.batch, args.frames)
    config = LiftConfig(steps=args.steps)
    lift_clips(clips[:2], OPENPOSE50, LiftConfig(steps=2))  # warm-up
    single_wall, single_cpu = timed(clips[: args.single], config, batch=False)
    batch_wall, batch_cpu = timed(clips, config, batch=True)
    single_rate, batch_rate = 60 * args.single / single_wall, 60 * args.batch / batch_wall
    print(f"{args.steps} steps, {args.frames}-frame clips, {args.threads} threads")
    for name, rate, wall, cpu, count in (
        ("one at a time", single_rate, single_wall, single_cpu, args.single),
        (f"batch of {args.batch}", batch_rate, batch_wall, batch_cpu, args.batch),
    ):
        print(f"{name:>13}: {rate:8.1f} clips/min ({wall / count:.3f} s/clip wall, {cpu / count:.3f} s/clip cpu)")
    print(f"RESULT lift_batch_speedup {batch_rate / single_rate:.2f} >=10")
    print(f"RESULT lift_seconds_per_clip {batch_wall / args.batch:.3f} <=3")


if __name__ == "__main__":
    main()
