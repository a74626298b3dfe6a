"""The lifting on every real clip of ../shared/realdata with a 2D source (the clips of
tests/preprocess/test_robustness.py, whole): objective and reprojection error of the initial skeleton, after
the original tools' unguarded gradient descent (lr 0.1), and after our safeguarded refinement, same steps.

    python benchmarks/lift_real.py [--steps 1000] [--threads 1]

Prints one row per clip and ``RESULT`` lines: the clips whose result is worse than their start (objective or
reprojection error above it), ours (goal 0) and the unguarded descent's, and the mean final/initial objective.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import torch

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from signllm.preprocess.lift import LiftConfig, lift_clips, problem  # noqa: E402
from tests.conftest import REALDATA  # noqa: E402
from tests.preprocess.test_refine import plain_descent  # noqa: E402
from tests.preprocess.test_robustness import real_clips  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=1000)
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    config, rows = LiftConfig(steps=args.steps), []
    for name, (layout, clip) in real_clips(REALDATA).items():  # one clip at a time: nothing shared
        ours = lift_clips([clip], layout, config)[0]
        objective, error = plain_descent(problem([clip], layout, config), args.steps)[-1]
        rows.append((name, len(clip), ours, float(objective[0]), float(error[0])))
    print(f"{args.steps} steps; reprojection error and objective: initial -> unguarded descent | safeguarded")
    print(f"{'clip':<44} {'frames':>6} {'reprojection':>30}   {'objective':>30}")
    for name, frames, ours, plain_objective, plain_error in rows:
        errors = f"{ours.reprojection_initial:.5f} -> {plain_error:.5f} | {ours.reprojection_final:.5f}"
        objectives = f"{ours.objective_initial:.5f} -> {plain_objective:.5f} | {ours.objective_final:.5f}"
        print(f"{name:<44} {frames:>6} {errors:>30}   {objectives:>30}")

    def worse(initial_objective, final_objective, initial_error, final_error) -> bool:
        return not (final_objective <= initial_objective and final_error <= initial_error)

    ours_worse = sum(
        worse(r.objective_initial, r.objective_final, r.reprojection_initial, r.reprojection_final)
        for _, _, r, _, _ in rows
    )
    plain_worse = sum(worse(r.objective_initial, o, r.reprojection_initial, e) for _, _, r, o, e in rows)
    mean_ratio = sum(r.objective_final / r.objective_initial for _, _, r, _, _ in rows) / len(rows)
    plain_ratio = sum(o / r.objective_initial for _, _, r, o, _ in rows) / len(rows)
    print(f"{len(rows)} clips; unguarded descent: {plain_worse} worse, mean final/initial objective {plain_ratio:.3f}")
    print(f"RESULT lift_real_clips_worse {ours_worse} ==0")
    print(f"RESULT lift_real_objective_ratio {mean_ratio:.3f} <1")


if __name__ == "__main__":
    main()
