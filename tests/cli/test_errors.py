"""User mistakes at every entry point end in one line (`error: ...`), exit status 2 and no traceback, and leave
no run folder behind; debug=true shows the traceback. The commands run side by side, as users launch them."""

import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pytest
import torch

from signllm.data.skels import write_split

from ..data.corpus import make_clips
from ..layouts import OPENPOSE50

REPO = Path(__file__).resolve().parents[2]
TRAIN = ["train.py", "size=tiny", "trainer=cpu", "trainer.max_epochs=1"]


def corpus(folder: Path) -> Path:
    for split in ("train", "dev", "test"):
        write_split(folder, split, make_clips("asl", 4, np.random.default_rng(0)), OPENPOSE50)
    return folder


@pytest.fixture(scope="module")
def inputs(tmp_path_factory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("inputs")
    bad = corpus(root / "bad")
    lines = (bad / "train.skels").read_text().splitlines()
    lines[1] = "oops " + lines[1].split(" ", 1)[1]
    (bad / "train.skels").write_text("\n".join(lines) + "\n")
    torch.save({"state_dict": {"w": torch.zeros(1000)}}, root / "whole.ckpt")
    (root / "truncated.ckpt").write_bytes((root / "whole.ckpt").read_bytes()[:600])
    (root / "empty").mkdir()
    return {"bad": bad, "good": corpus(root / "good"), "truncated": root / "truncated.ckpt", "empty": root / "empty",
            "missing": root / "missing.ckpt", "whole": root / "whole.ckpt"}


CASES = {  # name: (command, what the one line says)
    "bad split file": (TRAIN + ["data=prompt2sign", "language.asl.root={bad}"], "{bad}/train.skels:2: not a number"),
    "missing split": (TRAIN + ["data=prompt2sign", "language.asl.root={empty}"], "missing file of split"),
    "missing init_from": (TRAIN + ["model.init_from={missing}"], "model.init_from={missing}: no such checkpoint file"),
    "truncated init_from": (TRAIN + ["model.init_from={truncated}"], "model.init_from={truncated}: not a readable"),
    "batch size 0": (TRAIN + ["data=prompt2sign", "language.asl.root={good}", "data.batch_size=0"],
                     "data.batch_size=0: must be a positive multiple of the world size (1)"),
    "jc with gn": (TRAIN + ["augmentation=[jc,gn]"], "augmentation.just_counter=true cannot be combined"),
    "resume without a name": (TRAIN + ["resume=true"], "resume=true needs name=<run name>"),
    "resume without a checkpoint": (TRAIN + ["name=new", "resume=true"], "resume=true: run new has no checkpoint"),
    "no evaluator": (["evaluate.py"], "evaluator: no value given"),
    "truncated evaluator": (["evaluate.py", "evaluator={truncated}"], "evaluator={truncated}: not a readable"),
    "not an evaluator": (["evaluate.py", "evaluator={whole}"], "evaluator={whole}: not a back-translator"),
    "missing input_dir": (["-m", "signllm.preprocess", "input_dir={empty}/nothing", "output_dir={log}/out"],
                          "input_dir is not a folder"),
}


def run(command: list[str], log_dir: Path, **env: str) -> subprocess.CompletedProcess:
    script = [str(REPO / command[0])] if command[0].endswith(".py") else command[:2]
    rest = command[1:] if command[0].endswith(".py") else command[2:]
    logs = [f"paths.log_dir={log_dir}", f"paths.data_dir={log_dir}/data"] if command[0].endswith(".py") else []
    environment = os.environ | {"HYDRA_FULL_ERROR": "0", "OMP_NUM_THREADS": "1", "WANDB_MODE": "disabled", **env}
    return subprocess.run([sys.executable, *script, *rest, *logs], cwd=REPO, env=environment, capture_output=True,
                          text=True, timeout=300)


@pytest.fixture(scope="module")
def results(inputs, tmp_path_factory) -> dict[str, tuple[subprocess.CompletedProcess, Path, str]]:
    """Every case run once, three at a time."""
    jobs = {}
    for name, (command, message) in CASES.items():
        log_dir = tmp_path_factory.mktemp("logs")
        jobs[name] = ([part.format(**inputs, log=log_dir) for part in command], log_dir, message.format(**inputs))
    with ThreadPoolExecutor(3) as pool:
        done = {name: pool.submit(run, command, log_dir) for name, (command, log_dir, _) in jobs.items()}
        return {name: (done[name].result(), log_dir, message) for name, (_, log_dir, message) in jobs.items()}


@pytest.mark.parametrize("case", CASES)
def test_a_user_mistake_is_one_line_and_exit_2(results, case):
    result, log_dir, message = results[case]
    assert result.returncode == 2 and "Traceback" not in result.stderr, result.stderr[-3000:]
    errors = [line for line in result.stderr.splitlines() if line.startswith("error: ")]
    assert len(errors) == 1 and message in errors[0], result.stderr[-3000:]
    runs = list(log_dir.glob("*/runs/*")) + list(log_dir.glob("out/logs/*"))
    assert runs == [], f"run folders left behind: {runs}"


def test_debug_shows_the_traceback(inputs, tmp_path):
    result = run(TRAIN + [f"model.init_from={inputs['missing']}", "debug=true"], tmp_path)
    assert result.returncode == 1 and "Traceback" in result.stderr and "ConfigError: model.init_from=" in result.stderr


def test_lightning_log_lines_show_once(results):
    result, _, _ = results["batch size 0"]  # gets as far as building the trainer
    output = result.stdout + result.stderr
    assert output.count("GPU available:") == 1 and output.count("Seed set to") == 1, output[-3000:]
