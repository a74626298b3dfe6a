"""One training run from a composed config: the body of train.py.

Seeds, builds data, model, callbacks, loggers and trainer from the config, fits (resuming a named run
when asked), tests the best checkpoint, writes `summary.json` into the run folder and returns the metric
named by `optimized_metric` for sweepers.
"""

from __future__ import annotations

import json
import logging
import math
import secrets
from pathlib import Path

import lightning.pytorch as pl
from hydra.core.hydra_config import HydraConfig
from hydra.types import RunMode
from hydra.utils import instantiate
from lightning.pytorch.utilities import rank_zero_only
from omegaconf import DictConfig, OmegaConf

from signllm.utils import atomic_write_text

log = logging.getLogger(__name__)

WANDB_ID_FILE = "wandb_id"


class ConfigError(ValueError):
    """A configuration that cannot run; the message names the config keys involved."""


def train(cfg: DictConfig) -> float | None:
    run_dir = Path(cfg.paths.output_dir)
    _refuse_ddp_in_local_multirun(cfg)
    pl.seed_everything(cfg.seed, workers=True)
    ckpt_path = _resume_checkpoint(cfg, run_dir)

    datamodule = instantiate(cfg.data)
    datamodule.prepare_data()
    datamodule.setup("fit")
    model = instantiate(cfg.model, info=datamodule.info)
    callbacks = [instantiate(c) for c in (cfg.get("callbacks") or {}).values() if c is not None]
    loggers = _loggers(cfg, run_dir)
    trainer: pl.Trainer = instantiate(cfg.trainer, callbacks=callbacks, logger=loggers or False)
    for logger in loggers:
        logger.log_hyperparams(OmegaConf.to_container(cfg, resolve=True))

    try:
        trainer.fit(model, datamodule=datamodule, ckpt_path=ckpt_path)
        metrics = _floats(trainer.callback_metrics)
        best = trainer.checkpoint_callback.best_model_path if trainer.checkpoint_callback else ""
        if cfg.test:
            for results in trainer.test(model, datamodule=datamodule, ckpt_path=best or None):
                metrics.update(_floats(results))
        _write_summary(run_dir, metrics, best, trainer)
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


def _resume_checkpoint(cfg: DictConfig, run_dir: Path) -> str | None:
    if not cfg.resume:
        return None
    if not cfg.name:
        raise ConfigError("resume=true needs name=<run name>: only named runs have a fixed folder to resume")
    last = run_dir / "checkpoints" / "last.ckpt"
    if last.is_file():
        log.info("resuming %s from %s", cfg.name, last)
        return str(last)
    log.warning("resume=true but %s does not exist: starting %s from scratch", last, cfg.name)
    return None


def _loggers(cfg: DictConfig, run_dir: Path) -> list:
    loggers = []
    for key, logger_cfg in (cfg.get("logger") or {}).items():
        if logger_cfg is None:
            continue
        if logger_cfg._target_.endswith("WandbLogger"):
            loggers.append(instantiate(logger_cfg, **_wandb_run_identity(cfg, logger_cfg, run_dir)))
        else:
            loggers.append(instantiate(logger_cfg))
    return loggers


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
def _write_summary(run_dir: Path, metrics: dict, best: str, trainer: pl.Trainer) -> None:
    summary = {
        "metrics": metrics,
        "best_checkpoint": best,
        "last_checkpoint": str(run_dir / "checkpoints" / "last.ckpt"),
        "global_step": trainer.global_step,
        "epochs": trainer.current_epoch,
        "output_dir": str(run_dir),
    }
    atomic_write_text(run_dir / "summary.json", json.dumps(summary, indent=2) + "\n")
    print(f"\nsummary: {run_dir / 'summary.json'}\noutputs: {run_dir}")
