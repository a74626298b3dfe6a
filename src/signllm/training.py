"""One training run from a composed config: the body of train.py.

Seeds, builds data, model, callbacks, loggers and trainer from the config, fits (resuming a named run
when asked), tests the best checkpoint, writes `summary.json` into the run folder and returns the metric
named by `optimized_metric` for sweepers.

A run saves its composed config as `<run>/config.yaml` before fitting; `name=<run> resume=true` restores it,
and the command line may change only the settings listed in `resume_may_change` (conf/train.yaml). A run
that grows a checkpoint (`model.init_from`) takes from it the settings its module class names
(`init_settings`: size, layout, ...). Either refuses, in one line naming the key, an override that disagrees.
"""

from __future__ import annotations

import csv
import json
import logging
import math
import secrets
from pathlib import Path

import lightning.pytorch as pl
import torch
from hydra.core.hydra_config import HydraConfig
from hydra.types import RunMode
from hydra.utils import get_class, instantiate
from lightning.pytorch.utilities import rank_zero_only
from omegaconf import DictConfig, OmegaConf

from signllm.cli import ConfigError, load_checkpoint
from signllm.config import ABSENT, check_changes, command_line_changes, flatten, replace, under
from signllm.threads import CLIP_FRAMES, configure_threads
from signllm.utils import atomic_write_text

log = logging.getLogger(__name__)

WANDB_ID_FILE = "wandb_id"
RUN_CONFIG = "config.yaml"
ALWAYS_MAY_CHANGE = ("name", "resume", "resume_may_change")


def train(cfg: DictConfig) -> float | None:
    run_dir = Path(cfg.paths.output_dir)
    _refuse_ddp_in_local_multirun(cfg)
    cfg, ckpt_path = _resume(cfg, run_dir)
    _adopt_init_from(cfg)
    _check_augmentation(cfg)
    configure_threads(
        cfg.get("threads"), work=cfg.data.batch_size * cfg.size.d_model * CLIP_FRAMES, workers=cfg.data.num_workers
    )
    pl.seed_everything(cfg.seed, workers=True)

    datamodule = instantiate(cfg.data)
    datamodule.prepare_data()
    datamodule.setup("fit")
    model = instantiate(cfg.model, info=datamodule.info)
    callbacks = [instantiate(c) for c in (cfg.get("callbacks") or {}).values() if c is not None]
    loggers = _loggers(cfg, run_dir, ckpt_path)
    callbacks.append(FlushLogsOnCheckpoint())
    trainer: pl.Trainer = instantiate(cfg.trainer, callbacks=callbacks, logger=loggers or False)
    _check_batch_size(cfg, trainer.world_size)
    for logger in loggers:
        logger.log_hyperparams(OmegaConf.to_container(cfg, resolve=True))
    _save_run_config(cfg, run_dir)

    try:
        trainer.fit(model, datamodule=datamodule, ckpt_path=ckpt_path)
        metrics = _floats(trainer.callback_metrics)
        best = trainer.checkpoint_callback.best_model_path if trainer.checkpoint_callback else ""
        if cfg.test:
            for results in trainer.test(model, datamodule=datamodule, ckpt_path=best or None):
                metrics.update(_floats(results))
        _write_summary(run_dir, metrics, best, trainer, datamodule)
    finally:
        _finish_wandb(loggers)

    value = metrics.get(cfg.optimized_metric) if cfg.get("optimized_metric") else None
    log.info("run folder: %s", run_dir)
    return value


def _refuse_ddp_in_local_multirun(cfg: DictConfig) -> None:
    """Lightning's `ddp` re-executes the script per rank; inside a local multirun every rank would re-run
    the whole sweep. SLURM (one task per GPU) or `ddp_spawn` avoid that."""
    hydra_cfg = HydraConfig.get()
    local_launcher = hydra_cfg.launcher._target_.endswith("BasicLauncher")
    if hydra_cfg.mode == RunMode.MULTIRUN and local_launcher and cfg.trainer.get("strategy") == "ddp":
        raise ConfigError(
            "trainer.strategy=ddp inside a local multirun (-m) would re-run the sweep in every rank; "
            "use hydra/launcher=slurm (one task per GPU), hydra/launcher=local, or trainer.strategy=ddp_spawn"
        )


def _resume(cfg: DictConfig, run_dir: Path) -> tuple[DictConfig, str | None]:
    """(the config to run, the checkpoint to continue from): a resumed run's own saved config with the
    command line's changes of the settings in ``resume_may_change``, and its last checkpoint."""
    if cfg.resume is False:
        return cfg, None
    if cfg.resume not in (True, "allow_new"):
        raise ConfigError(f"resume={cfg.resume}: expected true, false or allow_new")
    if not cfg.name:
        raise ConfigError("resume=true needs name=<run name>: only named runs have a fixed folder to resume")
    last = run_dir / "checkpoints" / "last.ckpt"
    if not last.is_file() and cfg.resume is True:
        raise ConfigError(
            f"resume=true: run {cfg.name} has no checkpoint ({last}); resume=allow_new starts it from scratch"
        )
    saved = run_dir / RUN_CONFIG
    if saved.is_file():
        cfg = _restored(cfg, OmegaConf.load(saved))
    elif last.is_file():
        log.warning("%s has no %s (an older run): resuming it with this command's settings", run_dir, RUN_CONFIG)
    if not last.is_file():
        log.warning("resume=allow_new: %s has no checkpoint: starting %s from scratch", cfg.name, cfg.name)
        return cfg, None
    log.info("resuming %s from %s", cfg.name, last)
    return cfg, str(last)


def _restored(cfg: DictConfig, saved: DictConfig) -> DictConfig:
    """``saved`` with this command's values of the settings it may change; a change of any other refused."""
    may_change = [*ALWAYS_MAY_CHANGE, *cfg.resume_may_change]
    changes = command_line_changes(cfg)
    refused = {key: value for key, value in changes.items() if not any(under(key, p) for p in may_change)}
    check_changes(refused, flatten(saved), f"run {cfg.name} was trained")
    for prefix in may_change:
        if prefix in ALWAYS_MAY_CHANGE or any(under(key, prefix) for key in changes):
            replace(saved, prefix, OmegaConf.select(cfg, prefix, default=ABSENT))
    current = OmegaConf.to_container(cfg, resolve=False)
    for key in current.keys() - saved.keys():  # settings added to conf/ since the run started
        replace(saved, key, current[key])
    OmegaConf.set_struct(saved, True)
    return saved


@rank_zero_only
def _save_run_config(cfg: DictConfig, run_dir: Path) -> None:
    """The run's composed config (unresolved), which ``resume=true`` restores."""
    atomic_write_text(run_dir / RUN_CONFIG, OmegaConf.to_yaml(cfg))


def _adopt_init_from(cfg: DictConfig) -> None:
    """Take from ``model.init_from`` the settings its module class says a run growing it must share."""
    init_from = OmegaConf.select(cfg, "model.init_from")
    module_class = get_class(cfg.model._target_)
    if not init_from or not hasattr(module_class, "init_settings"):
        return
    checkpoint = load_checkpoint(init_from, "model.init_from")
    if "data_info" not in checkpoint or "hyper_parameters" not in checkpoint:
        raise ConfigError(f"model.init_from={init_from}: not a checkpoint of a production model (no data_info)")
    settings = module_class.init_settings(checkpoint)
    changes = {key: value for key, value in command_line_changes(cfg).items() if any(under(key, p) for p in settings)}
    check_changes(changes, flatten(settings), f"model.init_from={init_from} was trained")
    for key, value in settings.items():
        replace(cfg, key, value)
    log.info("from model.init_from=%s: %s", init_from, ", ".join(settings))


def _check_augmentation(cfg: DictConfig) -> None:
    from signllm.models.augmentation import Augmentation

    if "augmentation" in cfg:
        try:
            Augmentation.from_config(OmegaConf.to_container(cfg.augmentation, resolve=True))
        except ValueError as error:
            raise ConfigError(str(error)) from None


def _check_batch_size(cfg: DictConfig, world_size: int) -> None:
    batch_size = OmegaConf.select(cfg, "data.batch_size")
    if batch_size is not None and (not isinstance(batch_size, int) or batch_size < 1 or batch_size % world_size):
        raise ConfigError(
            f"data.batch_size={batch_size}: must be a positive multiple of the world size ({world_size}), "
            "each rank taking batch_size / world size"
        )


def _loggers(cfg: DictConfig, run_dir: Path, ckpt_path: str | None) -> list:
    loggers = []
    for key, logger_cfg in (cfg.get("logger") or {}).items():
        if logger_cfg is None:
            continue
        if logger_cfg._target_.endswith("WandbLogger"):
            loggers.append(instantiate(logger_cfg, **_wandb_run_identity(cfg, logger_cfg, run_dir)))
        elif logger_cfg._target_.endswith("CSVLogger") and ckpt_path is not None:
            loggers.append(_continued_csv(logger_cfg, ckpt_path))
        else:
            loggers.append(instantiate(logger_cfg))
    return loggers


def _continued_csv(logger_cfg: DictConfig, ckpt_path: str):
    """A resumed run's CSV logger, writing on in its latest ``version_<n>/metrics.csv``: the rows logged up to
    the checkpoint stay, those logged after it (before the crash) go, as that training is done again."""
    versions = Path(logger_cfg.save_dir, logger_cfg.name).glob("version_*")
    numbers = [int(path.name[len("version_") :]) for path in versions if path.name[len("version_") :].isdigit()]
    logger = instantiate(logger_cfg, version=max(numbers, default=None))
    _keep_rows(logger, torch.load(ckpt_path, map_location="cpu", weights_only=True, mmap=True)["global_step"])
    return logger


@rank_zero_only
def _keep_rows(logger, resumed_step: int) -> None:
    path = Path(logger.log_dir) / "metrics.csv"
    if not path.is_file():
        return
    with open(path, newline="", encoding="utf-8") as file:
        rows = [row for row in csv.DictReader(file) if float(row["step"]) < resumed_step]
    aside = path.rename(path.with_name(".metrics.csv.resumed"))  # Lightning's writer deletes a metrics.csv it
    try:  # finds: it gets the rows back instead
        logger.experiment.metrics.extend(rows)
        logger.save()
    except BaseException:
        aside.replace(path)
        raise
    aside.unlink()


class FlushLogsOnCheckpoint(pl.Callback):
    """Loggers write out what they hold whenever a checkpoint is saved, so a resumed run's CSV has every
    row up to its checkpoint."""

    def on_save_checkpoint(self, trainer: pl.Trainer, pl_module: pl.LightningModule, checkpoint: dict) -> None:
        for logger in trainer.loggers:
            logger.save()


def _wandb_run_identity(cfg: DictConfig, logger_cfg: DictConfig, run_dir: Path) -> dict:
    """Same W&B run id when resuming (kept in the run folder); one W&B group per sweep."""
    id_file = run_dir / WANDB_ID_FILE
    run_id = logger_cfg.id
    if run_id is None and cfg.resume and id_file.is_file():
        run_id = id_file.read_text().strip()
    if run_id is None:
        run_id = secrets.token_hex(4)
    _save_text(id_file, run_id)
    group = logger_cfg.group
    hydra_cfg = HydraConfig.get()
    if group is None and hydra_cfg.mode == RunMode.MULTIRUN:
        group = Path(hydra_cfg.sweep.dir).name
    return {"id": run_id, "group": group, "resume": "allow"}


@rank_zero_only
def _save_text(path: Path, text: str) -> None:
    atomic_write_text(path, text + "\n")


def _finish_wandb(loggers: list) -> None:
    """Close the W&B run even when training raised, so multirun jobs never share an open run."""
    if any(type(logger).__name__ == "WandbLogger" for logger in loggers):
        import wandb

        if wandb.run is not None:
            wandb.finish()


def _floats(metrics) -> dict[str, float]:
    return {key: float(value) for key, value in metrics.items() if math.isfinite(float(value))}


@rank_zero_only
def _write_summary(run_dir: Path, metrics: dict, best: str, trainer: pl.Trainer, datamodule) -> None:
    summary = {
        "metrics": metrics,
        "best_checkpoint": best,
        "last_checkpoint": str(run_dir / "checkpoints" / "last.ckpt"),
        "global_step": trainer.global_step,
        "epochs": trainer.current_epoch,
        "output_dir": str(run_dir),
    }
    if "test/dtw" in metrics:
        baseline = _mean_pose_test_dtw(datamodule)
        summary["baselines"] = {"mean pose": {"test/dtw": baseline}}
        print(_dtw_context(metrics["test/dtw"], baseline))
    atomic_write_text(run_dir / "summary.json", json.dumps(summary, indent=2) + "\n")
    print(f"\nsummary: {run_dir / 'summary.json'}\noutputs: {run_dir}")


def _mean_pose_test_dtw(datamodule) -> float:
    """Test DTW of the mean-pose baseline: the mean training pose held for the mean training length (built from
    the data's info, a one-clip corpus of exactly that, so the training frames are not read again)."""
    import numpy as np

    from signllm.data.dataset import collate
    from signllm.data.skels import Clip
    from signllm.evaluation.baselines import MeanPose
    from signllm.metrics.dtw import DTWMetric

    info = datamodule.info
    held = np.tile(info.mean_pose, (max(1, round(info.mean_length)), 1))
    baseline, metric = MeanPose([Clip("mean pose", "", None, held)]), DTWMetric(info.skeleton.dims)
    test = datamodule.dataset("test")
    for start in range(0, len(test), 64):
        batch = collate([test[index] for index in range(start, min(start + 64, len(test)))])
        frames, lengths = baseline.generate(batch)
        metric.update(frames, lengths, batch["frames"], batch["lengths"])
    return float(metric.compute()["dtw"])


def _dtw_context(model: float, mean_pose: float) -> str:
    """The model's test DTW beside the mean pose's, and what they mean."""
    still = "than a signer standing still in the average training pose"
    if model < mean_pose:
        verdict = f"The model's poses are {100 * (1 - model / mean_pose):.0f}% closer to the test references {still}."
    else:
        verdict = f"The model is no closer to the test references {still}: train longer, or check the data."
    return f"\ntest DTW (lower is better): model {model:.3f} | mean-pose baseline {mean_pose:.3f}\n{verdict}"
