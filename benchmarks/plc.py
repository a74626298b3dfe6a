"""Does the Priority Learning Channel train faster? Steps and seconds to reach a fixed validation DTW.

Trains `loss=rl` with and without `augmentation=plc` for several seeds on the built-in corpus (asl, size
tiny, CPU), reads each run's val/dtw and time/elapsed_s per epoch, and reports the optimizer steps and
training seconds each needs to first reach the target DTW (default: the worst of all runs' best DTW, so
every run reaches it). The paper claims PLC trains faster; the RESULT line says what this run saw.

    python benchmarks/plc.py [--seeds 1 2 3] [--epochs 20]
"""

from __future__ import annotations

import argparse
import csv
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SETTINGS = {"rl": ["loss=rl"], "rl+plc": ["loss=rl", "augmentation=plc"]}


def train(log_dir: Path, name: str, seed: int, epochs: int, overrides: list[str]) -> list[dict]:
    """Run train.py; return its per-epoch validation rows (step, val/dtw, time/elapsed_s)."""
    command = [sys.executable, str(REPO / "train.py"), "size=tiny", "trainer=cpu", f"trainer.max_epochs={epochs}",
               f"seed={seed}", f"name={name}", "test=false", "logger=csv", "~callbacks.progress_bar",
               f"paths.log_dir={log_dir}", *overrides]
    run = subprocess.run(command, cwd=REPO, capture_output=True, text=True, env={**os.environ, "OMP_NUM_THREADS": "1"})
    if run.returncode:
        sys.exit(f"{' '.join(command)} failed:\n{run.stderr[-3000:]}")
    (metrics,) = (log_dir / "train/runs" / name / "csv").rglob("metrics.csv")
    with open(metrics) as handle:
        rows = [row for row in csv.DictReader(handle) if row.get("val/dtw") and row.get("time/elapsed_s")]
    return [{"step": int(row["step"]), "dtw": float(row["val/dtw"]), "seconds": float(row["time/elapsed_s"])}
            for row in rows]


def first_reaching(history: list[dict], target: float) -> dict:
    reached = [row for row in history if row["dtw"] <= target]
    if not reached:
        sys.exit(f"a run never reached validation DTW {target} (best {min(r['dtw'] for r in history):.3f}): lower --target")
    return reached[0]


def mean_spread(values: list[float]) -> str:
    spread = statistics.stdev(values) if len(values) > 1 else 0.0
    return f"{statistics.mean(values):.1f} ± {spread:.1f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[1, 2, 3])
    parser.add_argument("--epochs", type=int, default=20)
    parser.add_argument("--target", type=float, default=None, help="validation DTW to reach")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        histories = {
            (setting, seed): train(Path(tmp), f"{setting}-{seed}", seed, args.epochs, overrides)
            for setting, overrides in SETTINGS.items() for seed in args.seeds
        }
    target = args.target or max(min(row["dtw"] for row in history) for history in histories.values())
    print(f"target validation DTW: {target:.3f}")
    seconds = {}
    for setting in SETTINGS:
        reached = [first_reaching(histories[setting, seed], target) for seed in args.seeds]
        seconds[setting] = [row["seconds"] for row in reached]
        best = [min(row["dtw"] for row in histories[setting, seed]) for seed in args.seeds]
        print(f"{setting:7s} steps {mean_spread([row['step'] for row in reached])}  "
              f"seconds {mean_spread(seconds[setting])}  best DTW {mean_spread(best)}")
    ratio = statistics.mean(seconds["rl+plc"]) / statistics.mean(seconds["rl"])
    print(f"RESULT plc_time_to_target_dtw_ratio {ratio:.2f} <1")


if __name__ == "__main__":
    main()
