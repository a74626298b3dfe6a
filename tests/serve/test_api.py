"""The JSON API and the page's files, on the real tiny checkpoint: what each endpoint answers, and the same
poses as ``Generator.generate`` and the API's own writers."""

import re

import numpy as np
import pytest

from pose_format import Pose

from signllm.serve.app import PAGE

from .conftest import GOOD, NAMES


def test_health(client):
    assert client.get("/health").json() == {"status": "ok", "in_progress": 0}


def test_languages_are_the_checkpoints(client):
    answer = client.get("/api/languages").json()
    assert answer["languages"] == [
        {"code": "asl", "name": NAMES["asl"], "fps": 24.0},
        {"code": "gsl", "name": NAMES["gsl"], "fps": 25.0},
    ]
    assert answer["model"] == "MLSFModule"
    assert set(answer["formats"]) == {"skels", "pose", "mp4", "gif"}


def test_page_and_its_files_come_from_the_app_alone(client):
    page = client.get("/")
    assert page.status_code == 200 and '<canvas id="stage"' in page.text
    for name in ("player.js", "page.js", "style.css"):
        assert client.get(f"/static/{name}").status_code == 200
    for path in PAGE.iterdir():  # no CDN, no font service: nothing is fetched from another host
        assert not re.search(r"(https?:)?//[a-z0-9.-]+\.[a-z]{2,}", path.read_text()), path.name


def test_generate_gives_the_apis_frames_without_the_counter(client, generator):
    answer = client.post("/api/generate", json=GOOD).json()
    frames = generator.generate(GOOD["text"], language="gsl")
    layout = answer["layout"]
    assert (answer["language"], answer["fps"], answer["num_frames"]) == ("gsl", 25.0, len(frames))
    assert (layout["name"], layout["points"], layout["dims"]) == ("openpose50", 50, 3)
    assert len(layout["names"]) == len(layout["groups"]) == len(layout["colours"]) == 50
    assert set(layout["groups"]) == {"body", "left_hand", "right_hand"}
    assert all(0 <= point < 50 for edge in layout["edges"] for point in edge) and len(layout["edges"]) >= 49
    np.testing.assert_allclose(answer["frames"], frames[:, :-1], atol=1e-5)  # all but the counter


def test_prompt_mode_with_a_language(client, generator):
    answer = client.post("/api/generate", json=GOOD | {"prompt": True}).json()
    frames = generator.generate(GOOD["text"], language="gsl", prompt=True)
    np.testing.assert_allclose(answer["frames"], frames[:, :-1], atol=1e-5)  # all but the counter


def test_prompt_mode_answers_in_the_language_the_model_chose(p2lg_checkpoint):
    from fastapi.testclient import TestClient

    import signllm
    from signllm.serve.app import create_app

    from ..generate.conftest import PROMPTS

    with TestClient(create_app(signllm.load(p2lg_checkpoint))) as client:
        answers = {
            code: client.post("/api/generate", json={"text": template.format(text="rain falls today"), "prompt": True})
            for code, template in PROMPTS.items()
        }
    assert {code: answer.json()["language"] for code, answer in answers.items()} == {"asl": "asl", "gsl": "gsl"}
    assert answers["asl"].json()["fps"] == 24.0 and answers["gsl"].json()["fps"] == 25.0


def test_prompt_mode_needs_a_language_where_the_model_cannot_choose(client):
    response = client.post("/api/generate", json={"text": "how do you sign rain", "prompt": True})
    # an MLSF checkpoint cannot tell the language from a prompt: the API's own one-line refusal
    assert response.status_code == 422 and "choose a language" in response.json()["detail"]


@pytest.mark.parametrize("suffix", ["pose", "skels", "mp4", "gif"])
def test_downloads_are_the_writers_files(client, generator, suffix):
    response = client.get(f"/api/generate.{suffix}", params=GOOD)
    assert response.status_code == 200, response.text
    assert response.headers["content-disposition"] == f'attachment; filename="signllm-gsl.{suffix}"'
    frames = generator.generate(GOOD["text"], language="gsl")
    if suffix == "pose":
        pose = Pose.read(response.content)
        world = frames[:, :-1].reshape(len(frames), 1, -1, 3) * 3.0  # gsl: stored = world / 3
        np.testing.assert_allclose(pose.body.data.filled(np.nan), world, rtol=1e-5, atol=1e-5)
        assert pose.body.fps == 25.0
    elif suffix == "skels":
        assert len(response.text.split()) == frames.size
    elif suffix == "mp4":
        assert response.content[4:8] == b"ftyp"
    else:
        assert response.content[:4] == b"GIF8"


def test_client_values_never_name_a_file(client):
    response = client.get("/api/generate.pose", params=GOOD | {"text": "../../etc/passwd now"})
    assert response.headers["content-disposition"] == 'attachment; filename="signllm-gsl.pose"'
    assert client.get("/api/generate.pose", params=GOOD | {"language": "../gsl"}).status_code == 422
