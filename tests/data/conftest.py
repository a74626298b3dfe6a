"""Fixtures of the data tests."""

from pathlib import Path

import pytest

from .corpus import write_corpus


@pytest.fixture
def corpus(tmp_path) -> dict[str, Path]:
    return write_corpus(tmp_path / "corpus")
