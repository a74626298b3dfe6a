"""Sweeps: each point of a submitit-local multirun has its own folder; DDP inside a local multirun is refused."""

import subprocess

from .conftest import REPO, run_env, run_train, summary, train_command


def test_two_point_sweep_through_submitit_local(data_dir, tmp_path):
    run_train(data_dir, tmp_path, "-m", "hydra/launcher=local", "seed=1,2", "trainer.max_epochs=1", "test=false")
    (sweep,) = (tmp_path / "train/multirun").iterdir()
    points = sorted(p for p in sweep.iterdir() if p.is_dir() and not p.name.startswith("."))
    assert [p.name for p in points] == ["0", "1"]
    steps = [summary(p)["global_step"] for p in points]
    assert all(step > 0 for step in steps)


def test_ddp_inside_local_multirun_is_refused(data_dir, tmp_path):
    command = train_command(data_dir, tmp_path, "-m", "trainer=ddp_cpu", "seed=1,2")
    result = subprocess.run(command, cwd=REPO, env=run_env(), capture_output=True, text=True, timeout=300)
    assert "would re-run the sweep in every rank" in result.stdout + result.stderr


def test_an_optuna_sweep_prints_no_plugin_noise(data_dir, tmp_path):
    result = run_train(data_dir, tmp_path, "hparams_search=optuna", "hydra.sweeper.n_trials=1", "trainer.max_epochs=1",
                       "test=false")
    output = result.stdout + result.stderr
    assert "Study name:" in output and "Best value:" in output  # the sweeper's own lines stay
    assert "setup plugin" not in output and "A new study created" not in output, output[:3000]
