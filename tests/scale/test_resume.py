"""kill -9 in the middle of training, then resume=true: the run ends where an uninterrupted one does."""

import signal
import subprocess
import time

import torch

from .conftest import REPO, run_env, run_train, summary, train_command

EPOCHS = ["trainer.max_epochs=5"]


def test_resume_after_kill_matches_uninterrupted_run(data_dir, tmp_path):
    run_train(data_dir, tmp_path, "name=full", *EPOCHS)
    expected_steps = summary(tmp_path / "train/runs/full")["global_step"]

    run_dir = tmp_path / "train/runs/killed"
    last = run_dir / "checkpoints/last.ckpt"
    process = subprocess.Popen(train_command(data_dir, tmp_path, "name=killed", *EPOCHS), cwd=REPO, env=run_env(),
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    deadline = time.time() + 300
    while not last.exists() and process.poll() is None and time.time() < deadline:
        time.sleep(0.2)
    assert process.poll() is None, "the run ended before it could be interrupted"
    process.send_signal(signal.SIGKILL)
    process.wait()
    assert not (run_dir / "summary.json").exists()
    step_at_kill = torch.load(last, map_location="cpu", weights_only=False)["global_step"]
    assert 0 < step_at_kill < expected_steps

    result = run_train(data_dir, tmp_path, "name=killed", "resume=true", *EPOCHS)
    assert "resuming killed" in result.stdout + result.stderr
    assert summary(run_dir)["global_step"] == expected_steps


def test_resume_needs_a_named_run(data_dir, tmp_path):
    result = subprocess.run(train_command(data_dir, tmp_path, "resume=true"), cwd=REPO, env=run_env(),
                            capture_output=True, text=True, timeout=300)
    assert result.returncode != 0
    assert "resume=true needs name=" in result.stderr
