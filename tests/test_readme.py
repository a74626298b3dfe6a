"""The README's commands, checked fast: each entry-point command composes with its config (every group, key and
value it names exists), each module and script it runs exists, each make target exists and each Python block
compiles. `python tests/readme_walk.py` runs them all (minutes); this keeps the README from drifting between."""

import importlib.util
import re
import shlex
import subprocess
from pathlib import Path

import pytest
from hydra import compose, initialize_config_dir

from signllm.config import register

from .readme_walk import ENTRY_POINTS, REPO, extract, first_of_sweep, unique

register(REPO)
COMMANDS = unique(extract((REPO / "README.md").read_text(encoding="utf-8")))
CONFIG_OF = {"train.py": "train", "evaluate.py": "evaluate", "generate.py": "generate", "serve.py": "serve"}


def overrides(words: list[str]) -> list[str]:
    """Command-line overrides as one job would get them: no flags, the first value of a sweep, placeholders
    (``<ckpt>``) as plain strings."""
    return [re.sub(r"<[^>]+>", "x", first_of_sweep(word)) for word in words if not word.startswith("-")]


def entry_words(command) -> list[str] | None:
    words = shlex.split(command.text)
    if words[0] == "docker":
        words = ["python", *words[words.index("train.py") :]] if "train.py" in words else words
    if words[0] == "torchrun":
        return None  # `evaluate.py ...`: the arguments of the evaluate command before it
    return words if len(words) > 1 and words[0] == "python" and words[1] in ENTRY_POINTS else None


def test_the_readme_has_commands_of_every_entry_point():
    scripts = {words[1] for command in COMMANDS if (words := entry_words(command))}
    assert scripts == set(ENTRY_POINTS)
    assert any(command.text.startswith("make quickstart") for command in COMMANDS)


@pytest.mark.parametrize("command", [c for c in COMMANDS if entry_words(c)], ids=lambda c: f"line{c.line}")
def test_entry_point_commands_compose(command):
    words = entry_words(command)
    with initialize_config_dir(version_base="1.3", config_dir=str(REPO / "conf")):
        cfg = compose(CONFIG_OF[words[1]], overrides=overrides(words[2:]))
    assert cfg.task_name == CONFIG_OF[words[1]]


def test_modules_scripts_and_make_targets_exist():
    for command in COMMANDS:
        words = command.text.split()
        if command.kind == "python":
            compile(command.text, f"README.md:{command.line}", "exec")
        elif words[:2] == ["python", "-m"]:
            assert importlib.util.find_spec(words[2]) is not None, command.text
        elif words[0] == "python" and words[1].startswith("benchmarks/") and "<" not in words[1]:
            assert (REPO / words[1]).is_file(), command.text
        elif words[0] == "make":
            dry = subprocess.run(["make", "-n", *words[1:]], cwd=REPO, capture_output=True, text=True, timeout=60)
            assert dry.returncode == 0, dry.stderr
