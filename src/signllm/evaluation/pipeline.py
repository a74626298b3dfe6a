"""One evaluation run from a composed config: the body of evaluate.py.

Every production checkpoint, the ground truth (the ceiling) and the baselines are generated on each
split, back-translated by the one frozen evaluator and scored; rank 0 prints the tables and writes
``results.{md,csv,json}`` to the run folder (the JSON names the evaluator by its SHA-256). Under
``torchrun`` the ranks share the samples (see ``runner``) and all get the same report. ``beam_size`` /
``length_penalty`` override the evaluator's decoding; the seconds spent on the field scores (SLRTP, motion
audit, recommended metric) are noted beside the total. A checkpoint of layout ``slrtp178`` also gets an SLRTP
challenge submission per split, ``submission_<name>_<split>.pt`` (``signllm.evaluation.submission``).
"""

from __future__ import annotations

import hashlib
import os
import time
from pathlib import Path

import torch
import torch.distributed as dist
from hydra.utils import instantiate
from omegaconf import DictConfig
from rich.console import Console
from rich.progress import Progress

from signllm.cli import ConfigError
from signllm.data.dataset import collate
from signllm.evaluation import submission, tables
from signllm.evaluation.baselines import build_baselines
from signllm.evaluation.field_scores import RECOMMENDED_NOTE
from signllm.evaluation.runner import distributed, evaluate_split, shard_batches
from signllm.evaluation.systems import clips, ground_truth, honest, model_view
from signllm.models.backtranslator import BackTranslatorModule
from signllm.models.production import ProductionModule
from signllm.threads import configure_threads

CEILING = "ground truth (ceiling)"


def file_hash(path: Path | str) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as file:
        for block in iter(lambda: file.read(1 << 22), b""):
            digest.update(block)
    return digest.hexdigest()


def checkpoint_names(checkpoints) -> dict[str, str]:
    """name -> path from a mapping, or from a list (``<run>/<stem>`` for files under ``checkpoints/``)."""
    if checkpoints is None:
        return {}
    if isinstance(checkpoints, (dict, DictConfig)):
        return {str(name): str(path) for name, path in checkpoints.items()}
    names = {}
    for path in map(Path, checkpoints):
        name = f"{path.parent.parent.name}/{path.stem}" if path.parent.name == "checkpoints" else path.stem
        names[name if name not in names else str(path)] = str(path)
    return names


def _device(choice: str) -> torch.device:
    if choice != "auto":
        return torch.device(choice)
    if torch.cuda.is_available():
        return torch.device("cuda", int(os.environ.get("LOCAL_RANK", 0)))
    return torch.device("cpu")


def _init_distributed(device: torch.device) -> None:
    """Join the process group when launched by torchrun with several ranks."""
    if int(os.environ.get("WORLD_SIZE", 1)) > 1 and not dist.is_initialized():
        if device.type == "cuda":
            torch.cuda.set_device(device)  # all_gather_object over NCCL uses the current device
        dist.init_process_group("nccl" if device.type == "cuda" else "gloo")


def _barrier() -> None:
    if distributed()[1] > 1:
        dist.barrier()


def _systems(cfg: DictConfig, datamodule, device: torch.device) -> tuple[dict, list[str], dict]:
    """name -> (system, dataset view) in table order, notes on what could not be evaluated, and the
    checkpoints of the SLRTP layout (name -> module) that get a submission file."""
    systems, challenge = {CEILING: (ground_truth, lambda dataset: dataset)}, {}
    for name, path in checkpoint_names(cfg.checkpoints).items():
        module = ProductionModule.load(path, map_location=device, text_encoder_path=cfg.text_encoder.path)
        systems[name] = (honest(module, cfg.max_frames), lambda dataset, info=module.info: model_view(dataset, info))
        if module.info.skeleton.name == submission.LAYOUT:
            challenge[name] = module
    notes = []
    if cfg.baselines:
        baselines = build_baselines(clips(datamodule.dataset("train")), datamodule.info.tokenizers)
        if "gloss lexicon" not in baselines:
            notes.append("gloss lexicon: not available (the training split has no glosses)")
        for name, baseline in baselines.items():
            systems[name] = (honest(baseline, cfg.max_frames), lambda dataset: dataset)
    return systems, notes, challenge


def _configure_decoding(cfg: DictConfig, evaluator: BackTranslatorModule) -> str:
    """Apply the config's decoding overrides to the evaluator; a note saying how it decodes."""
    for key in ("beam_size", "length_penalty"):
        if cfg.get(key) is not None:
            evaluator.hparams[key] = cfg[key]
    beam, penalty = evaluator.hparams.beam_size, evaluator.hparams.length_penalty
    return "evaluator decoding: greedy" if beam <= 1 else f"evaluator decoding: beam {beam}, length penalty {penalty}"


def evaluate(cfg: DictConfig) -> dict:
    """Score every system on every split; the report (also written by rank 0) as a dict."""
    configure_threads(cfg.get("threads"), workers=cfg.data.get("num_workers", 0))
    device = _device(cfg.device)
    _init_distributed(device)
    rank, world_size = distributed()
    datamodule = instantiate(cfg.data)
    if rank == 0:
        datamodule.prepare_data()  # generates / packs / trains tokenizers once
    _barrier()
    datamodule.setup()
    if len(datamodule.languages) != 1:
        raise ConfigError(f"evaluate one sign language at a time (language=asl), got {datamodule.languages}")
    language = datamodule.languages[0]
    evaluator = BackTranslatorModule.load(
        cfg.evaluator, map_location=device, text_encoder_path=cfg.text_encoder.evaluator_path
    )
    if language not in evaluator.info.languages:
        raise ConfigError(f"evaluator {cfg.evaluator} translates {evaluator.info.languages}, not {language!r}")
    evaluator_hash = file_hash(cfg.evaluator)
    decoding = _configure_decoding(cfg, evaluator)
    systems, notes, challenge = _systems(cfg, datamodule, device)

    scores, samples, timings, started = {}, {}, {"field_scores_s": 0.0}, time.perf_counter()
    with Progress(disable=rank != 0) as progress:
        for name, (system, view) in systems.items():
            for split in cfg.splits:
                dataset = view(datamodule.dataset(split))
                total = len(shard_batches(len(dataset), cfg.batch_size, rank, world_size))
                task = progress.add_task(f"{name} · {split}", total=total)
                torch.manual_seed(cfg.seed)
                scores.setdefault(name, {})[split], samples.setdefault(name, {})[split] = evaluate_split(
                    system, evaluator, dataset, collate, cfg.batch_size, device=device, advance=lambda: progress.advance(task), timings=timings
                )
    timings["total_s"] = time.perf_counter() - started
    share = 100 * timings["field_scores_s"] / timings["total_s"]
    notes = notes + [RECOMMENDED_NOTE, decoding, f"field scores (SLRTP, motion audit, nDTW): {timings['field_scores_s']:.1f} s of {timings['total_s']:.1f} s ({share:.1f}%)"]
    if rank == 0:
        for name, module in challenge.items():
            notes += _write_submissions(cfg, datamodule, name, module, device)

    report = {
        "language": language,
        "evaluator": {"path": str(cfg.evaluator), "sha256": evaluator_hash},
        "checkpoints": {name: {"path": path, "sha256": file_hash(path)} for name, path in checkpoint_names(cfg.checkpoints).items()},
        "splits": list(cfg.splits),
        "max_frames": cfg.max_frames,
        "world_size": world_size,
        "timings": timings,
        "scores": scores,
        "notes": notes + [f"evaluator: {cfg.evaluator} (sha256 {evaluator_hash[:16]})"],
        "samples": samples,
    }
    if rank == 0:
        _publish(cfg, report)
    return report


def _write_submissions(cfg: DictConfig, datamodule, name: str, module, device: torch.device) -> list[str]:
    """One SLRTP submission per split for a slrtp178 checkpoint (generated again, same seed); notes naming them."""
    notes, language = [], datamodule.languages[0]
    for split in cfg.splits:
        dataset = model_view(datamodule.dataset(split), module.info)
        torch.manual_seed(cfg.seed)
        clips = submission.generated_clips(honest(module, cfg.max_frames), dataset, collate, cfg.batch_size, device)
        path = Path(cfg.output_dir) / f"submission_{name.replace('/', '_')}_{split}.pt"
        submission.write_slrtp(path, clips, module.info.skeleton, scale=datamodule.info.storage[language].scale)
        notes.append(f"SLRTP submission ({name}, {split}, {int(datamodule.info.fps[language])} fps): {path}")
    return notes


def _publish(cfg: DictConfig, report: dict) -> None:
    """Print the tables, write the files, send the table to the configured loggers."""
    title = f"{report['language']} back-translation"
    console = Console()
    names = max(map(len, report["scores"]), default=0) + 4
    console.width = max(console.width, 200, tables.console_width(report["splits"], names))  # whole tables, never squeezed
    for table in tables.console_tables(report["scores"], report["splits"], title, report["notes"]):
        console.print(table)
    paths = tables.write_reports(cfg.output_dir, report, title)
    console.print(f"results: {paths['md']} {paths['csv']} {paths['json']}")
    loggers = [instantiate(c) for c in (cfg.get("logger") or {}).values() if c is not None]
    for logger in loggers:
        tables.log_table(logger, report["scores"], report["splits"], key=f"evaluation/{report['language']}")
    if any(type(logger).__name__ == "WandbLogger" for logger in loggers):
        import wandb

        wandb.finish()
