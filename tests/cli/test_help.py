"""`--help` of each entry point shows its usage examples and only its own config groups."""

import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
EXPECTED = {  # entry point: (a usage line of its docstring, its groups, groups it must not list)
    "train.py": ("python train.py name=myrun resume=true", ["model", "size", "skeleton", "augmentation"],
                 ["skeleton_part", "pose_format"]),
    "evaluate.py": ("python evaluate.py evaluator=", ["language", "skeleton", "data"],
                    ["model", "size", "skeleton_part"]),
    "generate.py": ("python generate.py checkpoint=p2lg.ckpt prompt=true", ["language"], ["model", "size", "trainer"]),
}


@pytest.fixture(scope="module")
def helps() -> dict[str, str]:
    def show(script: str) -> str:
        result = subprocess.run([sys.executable, str(REPO / script), "--help"], capture_output=True, text=True,
                                timeout=120)
        assert result.returncode == 0, result.stderr
        return result.stdout

    with ThreadPoolExecutor(3) as pool:
        return dict(zip(EXPECTED, pool.map(show, EXPECTED)))


@pytest.mark.parametrize("script", EXPECTED)
def test_help_shows_usage_and_own_groups(helps, script):
    usage, groups, others = EXPECTED[script]
    text = helps[script]
    assert usage in text
    listed = [line.split()[0] for line in text.split("Config groups")[1].splitlines()[1:] if line.startswith("  ")]
    assert set(groups) <= set(listed) and not set(others) & set(listed), listed
