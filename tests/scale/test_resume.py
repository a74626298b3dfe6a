"""kill -9 in the middle of training, then `name=<run> resume=true` (the README's form, none of the run's
settings repeated): the run continues with its own settings, ends where an uninterrupted one does, and its CSV
metrics go on in the same file; a change of a setting that is not safe to change is refused in one line (a resume
without a name or of a run without a checkpoint: tests/cli/test_errors.py)."""

import csv
import signal
import subprocess
import time

import torch

from .conftest import REPO, one_line_error, run_env, run_train, summary, train_command

EPOCHS = ["trainer.max_epochs=5"]
SETTINGS = ["augmentation=[fp,plc]", "loss=rl"]  # future prediction: other weight shapes than the defaults'


def test_resume_after_kill_restores_the_run_and_matches_an_uninterrupted_one(data_dir, tmp_path):
    full = run_train(data_dir, tmp_path, "name=full", "resume=allow_new", *SETTINGS, *EPOCHS)  # new: from scratch
    expected_steps = summary(tmp_path / "train/runs/full")["global_step"]
    # a run ends with its test DTW beside the mean-pose baseline's, also in summary.json
    baseline = summary(tmp_path / "train/runs/full")["baselines"]["mean pose"]["test/dtw"]
    assert f"| mean-pose baseline {baseline:.3f}" in full.stdout and baseline > 0

    run_dir = tmp_path / "train/runs/killed"
    last = run_dir / "checkpoints/last.ckpt"
    process = subprocess.Popen(train_command(data_dir, tmp_path, "name=killed", *SETTINGS, *EPOCHS), cwd=REPO,
                               env=run_env(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                               start_new_session=True)
    deadline = time.time() + 300
    while not last.exists() and process.poll() is None and time.time() < deadline:
        time.sleep(0.2)
    assert process.poll() is None, "the run ended before it could be interrupted"
    process.send_signal(signal.SIGKILL)
    process.wait()
    assert not (run_dir / "summary.json").exists()
    step_at_kill = torch.load(last, map_location="cpu", weights_only=False)["global_step"]
    assert 0 < step_at_kill < expected_steps

    refused = run_train(data_dir, tmp_path, "name=killed", "resume=true", "augmentation=gn", status=2)
    assert one_line_error(refused).startswith("error: augmentation.noise_rate=5.0: run killed was trained with")
    assert torch.load(last, map_location="cpu", weights_only=False)["global_step"] == step_at_kill

    result = run_train(data_dir, tmp_path, "name=killed", "resume=true", *EPOCHS)
    assert "resuming killed" in result.stdout + result.stderr
    assert summary(run_dir)["global_step"] == expected_steps
    resumed = torch.load(summary(run_dir)["last_checkpoint"], map_location="cpu", weights_only=False)
    hparams = resumed["hyper_parameters"]
    assert hparams["augmentation"]["future_frames"] == 5 and "plc" in hparams["augmentation"]

    (version,) = (run_dir / "csv").iterdir()  # one file of metrics, continued
    with open(version / "metrics.csv", newline="") as file:
        validated = [int(row["epoch"]) for row in csv.DictReader(file) if row["val/dtw"]]
    assert validated == [0, 1, 2, 3, 4]

