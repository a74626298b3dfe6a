"""Fixtures of the preprocessing tests: the real How2Sign OpenPose sample and a way to run the pipeline."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import torch
from hydra import compose, initialize_config_dir

from signllm.preprocess.__main__ import CONFIG_DIR, run
from signllm.threads import configure_threads

CLIPS = 5  # clips in the How2Sign sample
STEPS = 20  # lifting steps in tests (the default is 1000)


@pytest.fixture(scope="package", autouse=True)
def threads():
    """The threads the entry points would take (one on a busy machine, where more are many times slower)."""
    previous = torch.get_num_threads()
    yield configure_threads()
    torch.set_num_threads(previous)


@pytest.fixture(scope="session")
def how2sign(realdata) -> Path:
    return realdata / "how2sign-openpose-prompt2sign"


def compose_config(overrides: list[str]):
    with initialize_config_dir(config_dir=CONFIG_DIR, version_base="1.3"):
        return compose("preprocess", overrides=overrides)


def how2sign_overrides(input_dir: Path, output_dir: Path, how2sign: Path) -> list[str]:
    return [
        f"input_dir={input_dir}",
        f"output_dir={output_dir}",
        f"texts.path={how2sign / 'clips.tsv'}",
        "texts.id_column=clip_id",
        "texts.text_column=english",
        f"lift.steps={STEPS}",
        "progress=false",
    ]


def run_pipeline(input_dir: Path, output_dir: Path, how2sign: Path, *extra: str):
    return run(compose_config(how2sign_overrides(input_dir, output_dir, how2sign) + list(extra)))


def copy_clips(how2sign: Path, folder: Path) -> Path:
    """A writable copy of the sample's clip folders (for corrupting one)."""
    shutil.copytree(how2sign / "json", folder)
    return folder


@pytest.fixture(scope="session")
def lifted_split(how2sign, tmp_path_factory) -> Path:
    """The pipeline's output folder for the real sample (split dev), run once per session."""
    output = tmp_path_factory.mktemp("how2sign_out")
    run_pipeline(how2sign / "json", output, how2sign)
    return output
