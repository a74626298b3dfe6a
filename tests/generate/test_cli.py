"""generate.py: the same poses as the API for the same seed; user mistakes exit 2 with one line."""

import importlib.util
import os
import subprocess
import sys

import numpy as np
import pytest
from hydra import compose, initialize_config_dir

from signllm.data.skels import read_split

from ..layouts import OPENPOSE50
from .conftest import REPO


def load_entry_point():
    spec = importlib.util.spec_from_file_location("generate_entry", REPO / "generate.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


ENTRY = load_entry_point()


def run(overrides: list[str]):
    with initialize_config_dir(version_base="1.3", config_dir=str(REPO / "conf")):
        return ENTRY.generate(compose("generate", overrides=overrides))


def test_cli_and_api_give_identical_poses(generator, checkpoint, tmp_path):
    texts = ["the cat sleeps", "der wind weht stark", "we go home"]
    (tmp_path / "inputs.txt").write_text("\n".join(texts) + "\n", encoding="utf-8")
    inputs, output = f"input_file={tmp_path / 'inputs.txt'}", f"output_dir={tmp_path / 'out'}"
    output_dir = run([f"checkpoint={checkpoint}", "language=gsl", inputs, output, "formats=[skels,pose]", "seed=7",
                      "batch_size=2"])
    clips = read_split(output_dir, "generated", OPENPOSE50)
    poses = generator.generate(texts, language="gsl", seed=7, batch_size=2)
    assert [clip.text for clip in clips] == texts
    for clip, frames in zip(clips, poses):
        np.testing.assert_allclose(clip.frames, frames, atol=5e-5 + 1e-7)
    suffixes = sorted(path.suffix for path in output_dir.iterdir())
    assert suffixes == [".files", ".pose", ".pose", ".pose", ".skels", ".text"]


def test_reference_clip_gives_the_text_and_the_side_by_side(checkpoint, reference_split, tmp_path):
    output_dir = run([f"checkpoint={checkpoint}", "language=asl", f"reference.dir={reference_split}",
                      "reference.id=dev/clip-1", f"output_dir={tmp_path}", "formats=[skels,mp4]", "render_size=64"])
    assert [clip.text for clip in read_split(output_dir, "generated", OPENPOSE50)] == ["we go home now"]
    assert (output_dir / "0000.mp4").stat().st_size > 0


def test_prompt_mode_prints_the_language_the_model_chose(p2lg_checkpoint, tmp_path, capsys):
    prompt = 'How do you sign "my friend reads" in German Sign Language?'
    output_dir = run([f"checkpoint={p2lg_checkpoint}", "prompt=true", f"text='{prompt}'", f"output_dir={tmp_path}",
                      "formats=[skels]"])
    assert capsys.readouterr().out.strip().endswith("sign language: gsl (chosen by the model from the prompt)")
    assert [clip.text for clip in read_split(output_dir, "generated", OPENPOSE50)] == [prompt]


def cli(*overrides: str) -> subprocess.CompletedProcess:
    environment = os.environ | {"HYDRA_FULL_ERROR": "0"}
    command = [sys.executable, str(REPO / "generate.py"), *overrides]
    return subprocess.run(command, capture_output=True, text=True, env=environment, timeout=120)


@pytest.mark.parametrize(
    "overrides, message",
    [
        (["language=ksl", "text=hello"], "error: unknown language 'ksl' for this checkpoint; it produces asl, gsl"),
        (["language=asl", "text=''"], "error: input 1: empty text"),
    ],
)
def test_mistakes_exit_2_with_one_line_and_no_files(checkpoint, tmp_path, overrides, message):
    output_dir = tmp_path / "out"
    result = cli(f"checkpoint={checkpoint}", f"output_dir={output_dir}", *overrides)
    assert result.returncode == 2, result.stderr
    assert result.stderr.strip() == message
    assert not output_dir.exists()
