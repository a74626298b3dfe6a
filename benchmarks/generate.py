"""Generation speed at size base on CPU: the key/value cache against re-running the decoder each step.

Generates 300 frames (about 10 s of signing) for one sentence, with and without the cache, in the same
run and on the same weights; the counter head is zeroed so both run the full 300 steps. Prints the
one-sentence latency with the cache and ends with ``RESULT generate_cache_speedup <x> >=5``.

    python benchmarks/generate.py [--frames 300] [--size base] [--threads 1]
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

import numpy as np
import torch
from omegaconf import OmegaConf

from signllm.data.datamodule import DataInfo
from signllm.data.dataset import encode_inputs
from signllm.data.tokenizer import Tokenizers
from signllm.models import MLSFModule
from signllm.skeleton import load_skeleton

CONF = Path(__file__).resolve().parents[1] / "conf"
SENTENCE = "and now we are going to show you how to fold the paper in half"


def build(size: str) -> tuple[MLSFModule, dict]:
    tokenizers = Tokenizers.train([SENTENCE], [SENTENCE], ["asl"], vocab_size=8000)
    skeleton = load_skeleton("openpose50")
    mean_pose = np.zeros(skeleton.frame_size, np.float32)
    info = DataInfo(["asl"], tokenizers, mean_pose, 150.0, 300, {"asl": 30.0}, {"asl": skeleton.storage}, skeleton)
    module = MLSFModule(info, OmegaConf.to_container(OmegaConf.load(CONF / "size" / f"{size}.yaml"))).eval()
    head = module.groups["asl"].decoder.head
    torch.nn.init.zeros_(head.weight[-1])
    torch.nn.init.zeros_(head.bias[-1:])  # counter stays 0: never stops before the cap
    return module, encode_inputs(tokenizers, [SENTENCE], ["asl"], ["asl"])


def timed(module, batch, frames: int, use_cache: bool):
    start = time.perf_counter()
    result = module.generate(batch, max_frames=frames, use_cache=use_cache)
    return time.perf_counter() - start, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--frames", type=int, default=300)
    parser.add_argument("--size", default="base")
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    module, batch = build(args.size)
    print(f"size={args.size}: {sum(p.numel() for p in module.parameters()) / 1e6:.1f}M parameters, "
          f"{args.frames} frames, batch 1, {args.threads} thread(s)")
    timed(module, batch, 5, True)  # warm-up
    cached_runs = [timed(module, batch, args.frames, True) for _ in range(3)]
    cached = statistics.median(seconds for seconds, _ in cached_runs)
    uncached, (frames, lengths) = timed(module, batch, args.frames, False)
    reference_frames, reference_lengths = cached_runs[0][1]
    assert lengths.tolist() == reference_lengths.tolist() == [args.frames]
    difference = (frames - reference_frames).abs().max().item()
    print(f"cached:   {cached:.3f} s  ({1000 * cached / args.frames:.2f} ms/frame; median of 3)")
    print(f"uncached: {uncached:.3f} s  ({1000 * uncached / args.frames:.2f} ms/frame)")
    print(f"max |cached - uncached| = {difference:.2e}")
    print(f"one-sentence latency ({args.frames} frames, size {args.size}, CPU): {cached:.3f} s")
    print(f"RESULT generate_cache_speedup {uncached / cached:.1f} >=5")


if __name__ == "__main__":
    main()
