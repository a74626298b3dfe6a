"""Two CPU processes (gloo) validate exactly like one, and only rank 0 creates the W&B run."""

from .conftest import run_train, summary

FROZEN = ["model.optimizer.lr=0", "trainer.max_epochs=1", "test=false"]


def test_ddp_validation_dtw_equals_single_process(data_dir, tmp_path):
    run_train(data_dir, tmp_path, "name=single", *FROZEN)
    result = run_train(data_dir, tmp_path, "name=ddp", "trainer=ddp_cpu", "logger=wandb", *FROZEN)
    assert "Starting with 2 processes" in result.stdout + result.stderr
    single = summary(tmp_path / "train/runs/single")["metrics"]
    ddp = summary(tmp_path / "train/runs/ddp")["metrics"]
    assert abs(single["val/dtw"] - ddp["val/dtw"]) <= 1e-4 * abs(single["val/dtw"])
    assert abs(single["val/dtw_mje"] - ddp["val/dtw_mje"]) <= 1e-4 * abs(single["val/dtw_mje"])

    wandb_runs = list((tmp_path / "train/runs/ddp/wandb").glob("offline-run-*"))
    assert len(wandb_runs) == 1, wandb_runs
    assert (tmp_path / "train/runs/ddp/wandb_id").read_text().strip() in wandb_runs[0].name
