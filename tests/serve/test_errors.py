"""Bad input and load: one-line 4xx/5xx answers (never a 500), a bounded queue, a time limit, and a
server that answers a good request after each of them."""

import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from fastapi.testclient import TestClient

from signllm.api import GenerationError
from signllm.serve.app import Limits, create_app

from .conftest import GOOD, MAX_TEXT_LENGTH, good_request

JSON = {"Content-Type": "application/json"}


@pytest.mark.parametrize(
    ("body", "status", "message"),
    [
        ({"text": ""}, 422, "empty text"),
        ({"text": " \n\t "}, 422, "empty text"),
        ({"text": "?!"}, 422, "no letter or digit"),
        ({"text": "x" * (MAX_TEXT_LENGTH + 1)}, 422, "limits.max_text_length"),
        ({"text": "hello", "language": "xyz"}, 422, "unknown language 'xyz'"),
        ({"text": "hello"}, 422, "choose a language"),  # two languages, no prompt
        ({"text": 5, "language": "gsl"}, 422, "text: Input should be a valid string"),
        ({"text": "hello", "language": 3}, 422, "language: Input should be a valid string"),
        ({"text": "hello", "language": "gsl", "prompt": "yes"}, 422, "prompt: Input should be a valid boolean"),
        ({"text": "hello", "language": "gsl", "speed": 2}, 422, "speed: Extra inputs are not permitted"),
        ({"language": "gsl"}, 422, "text: Field required"),
        (["hello"], 422, "body: Input should be a valid dictionary"),
        ('{"text": "hello", ', 400, "malformed JSON"),
        ("", 422, "body: Field required"),
    ],
)
def test_bad_requests_get_one_line_and_the_server_goes_on(client, body, status, message):
    content = body if isinstance(body, str) else None
    response = client.post("/api/generate", json=None if content is not None else body, content=content, headers=JSON)
    assert response.status_code == status, response.text
    detail = response.json()["detail"]
    assert message in detail and "\n" not in detail
    good_request(client)


@pytest.mark.parametrize(
    ("path", "params", "status", "message"),
    [
        ("/api/generate.pose", {"language": "gsl"}, 422, "text: Field required"),
        ("/api/generate.mp4", {"text": "  ", "language": "gsl"}, 422, "empty text"),
        ("/api/generate.gif", GOOD | {"prompt": "maybe"}, 422, "prompt: Input should be a valid boolean"),
        ("/api/generate.exe", GOOD, 404, "no format 'exe'"),
        ("/api/nothing", {}, 404, "Not Found"),
    ],
)
def test_bad_downloads_get_one_line(client, path, params, status, message):
    response = client.get(path, params=params)
    assert response.status_code == status and message in response.json()["detail"]
    good_request(client)


def wait_until(condition, what: str) -> None:
    """Poll ``condition`` until true (a hung server fails the test after a minute, it never passes it)."""
    deadline = time.monotonic() + 60
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting until {what}"
        time.sleep(0.01)


def test_a_full_queue_answers_503_with_retry_after(stub):
    limits = Limits(max_concurrent=1, queue_size=1, retry_after=7)
    with TestClient(create_app(stub, limits)) as client, ThreadPoolExecutor(2) as pool:
        first, second = (pool.submit(client.post, "/api/generate", json=GOOD) for _ in range(2))
        wait_until(lambda: client.get("/health").json()["in_progress"] == 2, "both requests are admitted")
        assert stub.started.is_set()
        refused = client.post("/api/generate", json=GOOD)
        assert refused.status_code == 503 and refused.headers["Retry-After"] == "7"
        assert "busy" in refused.json()["detail"]
        stub.release.set()
        assert first.result().status_code == second.result().status_code == 200
        assert len(stub.calls) == 2  # the refused request never reached the generator
        good_request(client)


def test_the_time_limit_answers_504_and_the_worker_finishes(stub):
    with TestClient(create_app(stub, Limits(time_limit=2))) as client:  # the stub waits until released
        response = client.post("/api/generate", json=GOOD)
        assert response.status_code == 504 and "time limit of 2 s" in response.json()["detail"]
        assert client.get("/health").json()["in_progress"] == 1  # still holds its worker
        stub.release.set()
        wait_until(lambda: client.get("/health").json()["in_progress"] == 0, "the worker is done")
        good_request(client)  # 9 tiny frames: far inside the limit


@pytest.mark.parametrize(
    ("setting", "message"),
    [
        ({"max_concurrent": 0}, "limits.max_concurrent must be an integer >= 1, got 0"),
        ({"queue_size": -1}, "limits.queue_size must be an integer >= 0"),
        ({"max_text_length": "long"}, "limits.max_text_length must be an integer >= 1, got 'long'"),
        ({"render_size": 101}, "limits.render_size must be even"),
        ({"max_frames": 0}, "limits.max_frames must be null or an integer >= 1"),
        ({"time_limit": 0}, "limits.time_limit must be a positive number"),
    ],
)
def test_bad_limits_name_their_key(setting, message):
    with pytest.raises(GenerationError, match="^" + message.replace(".", r"\.")):
        Limits(**setting)
