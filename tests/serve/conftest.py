"""The app over the tiny two-language MLSF checkpoint of tests/generate (asl: 24 fps, gsl: 25 fps), and
a generator stub whose generation waits for a signal, to fill the queue and pass the time limit at will."""

import threading

import pytest
from fastapi.testclient import TestClient

from signllm.api import Generator
from signllm.serve.app import Limits, create_app

from ..generate.conftest import checkpoint, generator, p2lg_checkpoint  # noqa: F401  (shared fixtures)

MAX_TEXT_LENGTH = 40
NAMES = {"asl": "American Sign Language", "gsl": "German Sign Language"}
GOOD = {"text": "der wind weht stark", "language": "gsl"}  # the untrained gsl group signs 9 frames


class Stub(Generator):
    """The real generator, except that ``generate_clips`` records its arguments and waits for ``release``."""

    def __init__(self, generator: Generator):
        super().__init__(generator.module)
        self.calls, self.started, self.release = [], threading.Event(), threading.Event()

    def generate_clips(self, text, language=None, **options):
        self.calls.append((text, language, options))
        self.started.set()
        if not self.release.wait(timeout=60):  # a broken test fails instead of hanging
            raise RuntimeError("the test never released the stub")
        return super().generate_clips(text, language, **options)


@pytest.fixture(scope="session")
def client(generator):
    with TestClient(create_app(generator, Limits(max_text_length=MAX_TEXT_LENGTH), NAMES)) as client:
        yield client


@pytest.fixture
def stub(generator):
    stub = Stub(generator)
    yield stub
    stub.release.set()  # let a worker still waiting finish


def good_request(client: TestClient) -> None:
    """The server still answers a good request."""
    response = client.post("/api/generate", json=GOOD)
    assert response.status_code == 200, response.text
    assert response.json()["num_frames"] > 0
