"""serve.py: the app built from conf/serve.yaml; settings mistakes exit 2 with one line, before loading."""

import os
import subprocess
import sys

import pytest
from fastapi.testclient import TestClient
from hydra import compose, initialize_config_dir

import serve  # the entry point (pytest puts the repository root, above the tests package, on sys.path)
from signllm.api import GenerationError

from ..generate.conftest import REPO


def build(overrides: list[str]):
    with initialize_config_dir(version_base="1.3", config_dir=str(REPO / "conf")):
        return serve.build(compose("serve", overrides=overrides))


def test_the_app_names_the_checkpoints_languages(checkpoint):
    with TestClient(build([f"checkpoint={checkpoint}", "limits.max_text_length=12"])) as client:
        languages = client.get("/api/languages").json()
        assert [language["name"] for language in languages["languages"]] == [
            "American Sign Language", "German Sign Language"
        ]
        assert languages["max_text_length"] == 12


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ([], "give the checkpoint to serve: checkpoint=PATH"),
        (["checkpoint=missing.ckpt"], "checkpoint not found: missing.ckpt"),
        (["checkpoint=missing.ckpt", "limits.max_concurrent=0"], "limits.max_concurrent must be an integer >= 1"),
    ],
)
def test_settings_mistakes_are_refused(overrides, message):
    with pytest.raises(GenerationError, match=message):
        build(overrides)


def test_a_mistake_exits_2_with_one_line():
    environment = os.environ | {"HYDRA_FULL_ERROR": "0"}
    command = [sys.executable, str(REPO / "serve.py"), "limits.queue_size=-1"]
    result = subprocess.run(command, capture_output=True, text=True, env=environment, timeout=120)
    assert result.returncode == 2
    assert result.stderr.strip() == "error: limits.queue_size must be an integer >= 0, got -1"
