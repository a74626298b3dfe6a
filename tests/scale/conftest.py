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


def train_command(data_dir: Path, log_dir: Path, *overrides: str) -> list[str]:
    """Flags (e.g. -m) go first: Hydra's parser takes no flag after the overrides."""
    flags = [arg for arg in overrides if arg.startswith("-")]
    overrides = [arg for arg in overrides if not arg.startswith("-")]
    return [sys.executable, str(REPO / "train.py"), *flags, *SMALL_RUN, f"paths.data_dir={data_dir}",
            f"paths.log_dir={log_dir}", *overrides]


def run_env(**extra: str) -> dict:
    return {**os.environ, "WANDB_MODE": "offline", "OMP_NUM_THREADS": "1", "PYTHONUNBUFFERED": "1", **extra}


def run_train(data_dir: Path, log_dir: Path, *overrides: str, timeout: int = 600) -> subprocess.CompletedProcess:
    result = subprocess.run(train_command(data_dir, log_dir, *overrides), cwd=REPO, env=run_env(),
                            capture_output=True, text=True, timeout=timeout)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return result


def summary(run_dir: Path) -> dict:
    return json.loads((run_dir / "summary.json").read_text())
