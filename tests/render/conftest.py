"""Render fixtures: the default layout and a short clip of the test signer in it."""

import numpy as np
import pytest

from signllm.skeleton import Skeleton, load_skeleton
from tests.render.signer import signer


@pytest.fixture(scope="session")
def openpose50() -> Skeleton:
    return load_skeleton("openpose50")


@pytest.fixture
def frames(openpose50) -> np.ndarray:
    return signer(openpose50)[0]
