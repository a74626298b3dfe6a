"""Layouts as data cost nothing on openpose50: data loading, DTW and generation against the code before.

Extracts the benchmarks and package of a baseline commit (default: the last commit with the fixed 50-joint
layout) into a temporary folder with ``git archive`` (no change to this checkout), then runs, in this one
run and alternately, the baseline's and this tree's ``data_loading.py``, ``dtw.py`` and ``generate.py``
with the same arguments and one thread each, and compares their absolute timings (median of ``--repeats``).
Also reports DTW on the 178-point layouts (slrtp178), which the baseline could not run.

    python benchmarks/layout_overhead.py [--baseline ee4e4d4] [--repeats 3]
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import tarfile
import tempfile
from io import BytesIO
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
BASELINE = "ee4e4d4"  # the fixed 50-joint layout, before skeletons became data
# benchmark script, its arguments, and the printed timing it is compared by (seconds or ms, lower is better)
CASES = {
    "data_loading": (["--clips", "2000"], r"packed cache\s*:\s*([\d.]+) s"),
    "dtw": (["--pairs", "300", "--python-sample", "2"], r"batched DTW \(\+ DTW-MJE\):\s*([\d.]+) ms/pair"),
    "generate": (["--size", "base", "--frames", "120", "--threads", "1"], r"cached:\s*([\d.]+) s"),
}


def extract(commit: str, folder: Path) -> Path:
    """The baseline commit's ``src`` and ``benchmarks`` under ``folder``."""
    archive = subprocess.run(
        ["git", "-C", str(REPO), "archive", "--format=tar", commit, "src", "benchmarks", "conf"],
        check=True, capture_output=True,
    ).stdout
    with tarfile.open(fileobj=BytesIO(archive)) as tar:
        tar.extractall(folder, filter="data")
    return folder


def timing(root: Path, script: str, extra: list[str] = ()) -> float:
    """Run ``root/benchmarks/<script>.py`` with ``root/src`` first on the path; its compared timing."""
    arguments, pattern = CASES[script]
    environment = {**os.environ, "PYTHONPATH": str(root / "src"), "OMP_NUM_THREADS": "1", "SIGNLLM_ROOT": str(root)}
    result = subprocess.run(
        [sys.executable, str(root / "benchmarks" / f"{script}.py"), *arguments, *extra],
        capture_output=True, text=True, env=environment, cwd=root,
    )
    if result.returncode:
        raise SystemExit(f"{root / 'benchmarks' / script}.py failed:\n{result.stderr[-2000:]}")
    match = re.search(pattern, result.stdout)
    if match is None:
        raise SystemExit(f"{script}.py printed no timing matching {pattern!r}:\n{result.stdout[-2000:]}")
    return float(match.group(1))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baseline", default=BASELINE, help="the commit to compare with")
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        old = extract(args.baseline, Path(folder))
        print(f"baseline {args.baseline} vs this tree, openpose50, one thread, median of {args.repeats}")
        ratios = {}
        for script in CASES:
            runs = {"old": [], "new": []}
            for _ in range(args.repeats):  # alternate, so load on the machine hits both alike
                runs["old"].append(timing(old, script))
                runs["new"].append(timing(REPO, script))
            before, after = statistics.median(runs["old"]), statistics.median(runs["new"])
            ratios[script] = after / before
            print(f"{script:13s} baseline {before:9.4f}  now {after:9.4f}  (now / baseline {ratios[script]:.3f})")
        slrtp = statistics.median(timing(REPO, "dtw", ["--skeleton", "slrtp178"]) for _ in range(args.repeats))
        print(f"dtw on slrtp178 (178 points, 3D): {slrtp:.4f} ms/pair")
    for script, ratio in ratios.items():
        print(f"RESULT openpose50_{script}_time_vs_baseline {ratio:.3f} <=1.10")


if __name__ == "__main__":
    main()
