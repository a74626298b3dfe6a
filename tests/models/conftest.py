"""Fixtures of the model tests: a tiny two-language DataInfo and a mixed batch."""

import pytest
import torch

from .model_fixtures import make_batch, make_info


@pytest.fixture(scope="module", autouse=True)
def one_thread():
    """The CPU is shared: model tests use one thread."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


@pytest.fixture(scope="session")
def info():
    return make_info()


@pytest.fixture
def batch(info):
    return make_batch(info, ["asl", "gsl", "asl", "gsl"])
