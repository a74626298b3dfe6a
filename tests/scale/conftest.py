"""Run train.py in a subprocess on a small synthetic corpus, the way users launch it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SMALL_RUN = [
    "size=tiny",
    "trainer=cpu",
    "trainer.max_epochs=2",
    "data.batch_size=8",
    "data.synthetic.train=32",
    "data.synthetic.dev=8",
    "data.synthetic.test=8",
    "callbacks.dtw_tracker.num_samples=8",
    "~callbacks.progress_bar",
]


@pytest.fixture(scope="session")
def data_dir(tmp_path_factory) -> Path:
    """One small synthetic corpus (and cache) shared by every run of the session."""
    return tmp_path_factory.mktemp("data")


def train_command(data_dir: Path, log_dir: Path, *overrides: str, without: tuple[str, ...] = ()) -> list[str]:
    """Flags (e.g. -m) go first: Hydra's parser takes no flag after the overrides. ``without``: keys of
    SMALL_RUN to leave out (e.g. "size", for a run that must take its size from elsewhere)."""
    flags = [arg for arg in overrides if arg.startswith("-")]
    overrides = [arg for arg in overrides if not arg.startswith("-")]
    small = [arg for arg in SMALL_RUN if arg.split("=")[0] not in without]
    return [sys.executable, str(REPO / "train.py"), *flags, *small, f"paths.data_dir={data_dir}",
            f"paths.log_dir={log_dir}", *overrides]


def run_env(**extra: str) -> dict:
    return {**os.environ, "WANDB_MODE": "offline", "OMP_NUM_THREADS": "1", "PYTHONUNBUFFERED": "1", **extra}


def run_train(data_dir: Path, log_dir: Path, *overrides: str, timeout: int = 600, without: tuple[str, ...] = (),
              status: int = 0) -> subprocess.CompletedProcess:
    result = subprocess.run(train_command(data_dir, log_dir, *overrides, without=without), cwd=REPO, env=run_env(),
                            capture_output=True, text=True, timeout=timeout)
    assert result.returncode == status, result.stdout[-3000:] + result.stderr[-3000:]
    return result


def one_line_error(result: subprocess.CompletedProcess) -> str:
    """The message of a run refused with one line (exit 2, no traceback)."""
    assert result.returncode == 2 and "Traceback" not in result.stderr, result.stderr[-3000:]
    (line,) = [line for line in result.stderr.splitlines() if line.startswith("error: ")]
    return line


def summary(run_dir: Path) -> dict:
    return json.loads((run_dir / "summary.json").read_text())
