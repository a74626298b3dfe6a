"""A tiny synthetic corpus of all eight languages, generated once per test session."""

from pathlib import Path

import pytest

from signllm.data.synthetic import LANGUAGES, ensure_corpus

SIZES = {"train": 12, "dev": 3, "test": 3}


@pytest.fixture(scope="session")
def corpus(tmp_path_factory) -> dict[str, Path]:
    """Language code -> folder of a corpus that tests only read."""
    return ensure_corpus(tmp_path_factory.mktemp("synthetic"), list(LANGUAGES), seed=0, **SIZES)
