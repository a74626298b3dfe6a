"""Thread policy (signllm.threads) vs one thread vs all threads, on an idle machine and beside a busy process.

Three workloads of this project, each timed in a fresh process the way an entry point starts: a few training
steps of a tiny transformer (conf/size/tiny.yaml's widths, batch 16 of 150 frames), a lifting batch (16 real
How2Sign windows of 150 frames, 100 steps) and a DTW batch (256 pairs of 150-frame openpose50 sequences).
Each runs with the policy's choice (``threads=null``), with 1 thread and with one per allowed CPU (torch's
default), first alone, then while ``--busy`` processes each burn a CPU in a Python loop. Prints the seconds
(median of ``--repeats``), the ratios, and ``RESULT`` lines:

    python benchmarks/threads.py [--busy 1] [--repeats 3]

Other processes on the machine are part of "alone": the CPUs they kept busy are printed beside each row.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

WORKLOADS = ("train", "lift", "dtw")
BUSY_LOOP = "while True: pass"


def train_workload():
    """Five steps of a tiny encoder-decoder transformer; its work estimate as train.py makes it."""
    import torch
    from omegaconf import OmegaConf

    from signllm.threads import CLIP_FRAMES

    size = OmegaConf.load(Path(__file__).resolve().parents[1] / "conf" / "size" / "tiny.yaml")
    batch, frames = 16, CLIP_FRAMES
    model = torch.nn.Transformer(size.d_model, size.heads, size.encoder_layers, size.decoder_layers, size.ff, 0.0)
    optimizer = torch.optim.AdamW(model.parameters())
    source, target = torch.randn(30, batch, size.d_model), torch.randn(frames, batch, size.d_model)

    def run():
        for _ in range(5):
            optimizer.zero_grad()
            model(source, target).square().mean().backward()
            optimizer.step()

    return run, batch * size.d_model * CLIP_FRAMES


def lift_workload():
    """A batch of 16 real windows, 100 steps; its work estimate as the preprocess command makes it."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from lift import OPENPOSE50, windows

    from signllm.preprocess.lift import LiftConfig, lift_clips
    from signllm.threads import CLIP_FRAMES

    clips, config = windows(16, 150), LiftConfig(steps=100)
    return (lambda: lift_clips(clips, OPENPOSE50, config)), 16 * CLIP_FRAMES * OPENPOSE50.num_points * 3


def dtw_workload():
    """256 pairs of 150-frame sequences; no work estimate (evaluate.py gives none)."""
    import torch

    from signllm.metrics.dtw import batched_dtw
    from signllm.skeleton import load_skeleton

    skeleton = load_skeleton("openpose50")
    generator = torch.Generator().manual_seed(0)
    hyp, ref = (torch.randn(256, 150, skeleton.frame_size, generator=generator) for _ in range(2))
    lengths = torch.full((256,), 150)
    return (lambda: batched_dtw(hyp, lengths, ref, lengths, skeleton.dims)), None


def worker(workload: str, threads: int | None, repeats: int) -> None:
    """Child process: set threads like an entry point, time the workload, print 'seconds threads busy'."""
    import torch

    from signllm import threads as policy

    run, work = globals()[f"{workload}_workload"]()
    busy = policy.busy_cpus(os.sched_getaffinity(0))
    chosen = policy.configure_threads(threads, work=work)
    run()  # warm-up (DTW compiles once)
    seconds = []
    for _ in range(repeats):
        start = time.perf_counter()
        run()
        seconds.append(time.perf_counter() - start)
    print(f"{statistics.median(seconds)} {chosen} {busy:.2f} {torch.get_num_threads()}")


def measure(workload: str, threads: int | None, repeats: int) -> tuple[float, int, float]:
    environment = {name: value for name, value in os.environ.items() if name != "OMP_NUM_THREADS"}
    command = [sys.executable, __file__, "--worker", workload, "--repeats", str(repeats)]
    command += ["--threads", str(threads)] if threads else []
    output = subprocess.run(command, env=environment, check=True, capture_output=True, text=True).stdout.split()
    return float(output[0]), int(output[1]), float(output[2])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--busy", type=int, default=1, help="processes each burning one CPU in the loaded runs")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--worker", choices=WORKLOADS, help=argparse.SUPPRESS)
    parser.add_argument("--threads", type=int, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        return worker(args.worker, args.threads, args.repeats)
    cpus = len(os.sched_getaffinity(0))
    policies = {"policy": None, "1 thread": 1, f"all ({cpus})": cpus}
    times: dict[tuple[str, str, str], float] = {}
    print(f"{cpus} CPUs allowed; loaded = {args.busy} busy-loop process(es); median of {args.repeats} runs")
    print(f"{'load':>6} {'workload':>8} {'threads':>9} {'chosen':>6} {'busy CPUs':>9} {'seconds':>8}")
    for load in ("alone", "loaded"):
        burners = [subprocess.Popen([sys.executable, "-c", BUSY_LOOP]) for _ in range(args.busy if load == "loaded" else 0)]
        try:
            time.sleep(1.0 if burners else 0)  # let the burners get going
            for workload in WORKLOADS:
                for name, threads in policies.items():
                    seconds, chosen, busy = measure(workload, threads, args.repeats)
                    times[load, workload, name] = seconds
                    print(f"{load:>6} {workload:>8} {name:>9} {chosen:>6} {busy:>9.2f} {seconds:>8.3f}")
        finally:
            for burner in burners:
                burner.kill()
                burner.wait()
    fixed = [name for name in policies if name != "policy"]
    ratios = {}
    for load in ("alone", "loaded"):
        total = {name: sum(times[load, workload, name] for workload in WORKLOADS) for name in policies}
        best, worst = min(total[name] for name in fixed), max(total[name] for name in fixed)
        ratios[load] = (total["policy"] / best, worst / total["policy"], total[fixed[1]] / total["policy"])
        print(
            f"{load}: all workloads {total['policy']:.2f} s with the policy; policy / best fixed "
            f"{ratios[load][0]:.2f}, worst fixed / policy {ratios[load][1]:.2f}, all threads / policy "
            f"{ratios[load][2]:.2f}"
        )
    print(f"RESULT threads_loaded_worst_over_policy {ratios['loaded'][1]:.2f} >=2")
    print(f"RESULT threads_loaded_policy_over_best {ratios['loaded'][0]:.2f} <=1.25")
    print(f"RESULT threads_alone_policy_over_best {ratios['alone'][0]:.2f} <=1.25")


if __name__ == "__main__":
    main()
