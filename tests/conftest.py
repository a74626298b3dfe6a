"""Shared test fixtures: where the real samples live, and no network for W&B."""

import os
from pathlib import Path

import pytest

os.environ.setdefault("WANDB_MODE", "disabled")

REPO = Path(__file__).resolve().parents[1]
REALDATA = REPO.parent / "shared" / "realdata"


@pytest.fixture(scope="session")
def realdata() -> Path:
    """The read-only folder of real samples (../shared/realdata); tests that need it skip without it."""
    if not REALDATA.is_dir():
        pytest.skip(f"real samples not found at {REALDATA}")
    return REALDATA
