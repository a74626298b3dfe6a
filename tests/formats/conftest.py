"""Fixtures of the format tests: every layout in conf/skeleton, and the real samples they read."""

from pathlib import Path

import pytest

from signllm.skeleton import CONF_DIR, Skeleton, load_skeleton

LAYOUTS = tuple(sorted(path.stem for path in (CONF_DIR / "skeleton").glob("*.yaml")))


@pytest.fixture(scope="session")
def layouts() -> dict[str, Skeleton]:
    return {name: load_skeleton(name) for name in LAYOUTS}


@pytest.fixture(scope="session")
def dgs(realdata) -> list[Path]:
    """The 16 DGS-corpus sentences: pose-format's reduced MediaPipe Holistic (178 points, XYZC, 25 fps)."""
    return sorted((realdata / "dgs-corpus-fluent-pose-synthesis" / "train").glob("*.pose"))


@pytest.fixture(scope="session")
def dwpose_samples(realdata) -> Path:
    return realdata / "prompt2sign-dwpose-2025"
