"""DTW tracking during training: honest generation on a fixed dev subset that covers every language,
``val/dtw`` (the mean over languages) and a few clips."""

from __future__ import annotations

import logging
import math
from itertools import chain, zip_longest
from pathlib import Path

import lightning.pytorch as pl
from lightning.pytorch.utilities import move_data_to_device

from signllm.data.dataset import collate
from signllm.metrics.dtw import DTWMetric

log = logging.getLogger(__name__)


class DTWTracker(pl.Callback):
    """Every ``every_n_epochs`` validation epochs, generate for ``num_samples`` dev samples (each rank its
    share), log ``val/dtw`` and ``val/dtw_mje`` (synced over ranks) and ``val/dtw_best``.

    The samples are the first dev clips of each language in turn (stratified), so that in a multilingual run
    ``val/dtw`` -- which selects the best checkpoint -- is the mean over languages of each one's mean DTW;
    ``val/dtw/<code>`` and ``val/dtw_mje/<code>`` are logged beside it when there are several.

    The values are logged from ``on_validation_epoch_end``, so ModelCheckpoint can monitor ``val/dtw``
    (give it the same ``every_n_epochs``). Rank 0 also logs ``num_videos`` clips, generated beside
    reference, to every logger with ``log_video`` (W&B), as mp4 files under ``<default_root_dir>/clips``,
    played at ``fps`` (None: the clip language's rate from the datamodule's info).
    """

    def __init__(
        self,
        every_n_epochs: int = 1,
        num_samples: int = 16,
        max_frames: int | None = None,
        num_videos: int = 2,
        fps: float | None = None,
        video_size: int = 256,
    ):
        if every_n_epochs < 1 or num_samples < 1:
            raise ValueError(f"every_n_epochs and num_samples must be >= 1, got {every_n_epochs}, {num_samples}")
        self.every_n_epochs, self.num_samples, self.max_frames = every_n_epochs, num_samples, max_frames
        self.num_videos, self.fps, self.video_size = num_videos, fps, video_size
        self.metrics: dict[str, DTWMetric] = {}  # per language, built for the module's layout on first use
        self.best = math.inf
        self._subset: dict | None = None
        self._languages: list[str] = []  # of the whole subset (every rank), in order
        self._said_no_clips = False

    def on_validation_epoch_end(self, trainer: pl.Trainer, pl_module: pl.LightningModule) -> None:
        if trainer.sanity_checking or (trainer.current_epoch + 1) % self.every_n_epochs:
            return
        batch = move_data_to_device(self._rank_subset(trainer), pl_module.device)
        for code in self._languages:
            if code not in self.metrics:
                self.metrics[code] = DTWMetric(pl_module.skeleton.dims)
            self.metrics[code].to(pl_module.device)
        if batch:
            frames, lengths = pl_module.generate(batch, max_frames=self.max_frames)
            for code in set(batch["lang_code"]):
                rows = [i for i, lang in enumerate(batch["lang_code"]) if lang == code]
                self.metrics[code].update(frames[rows], lengths[rows], batch["frames"][rows], batch["lengths"][rows])
        scores = {code: self.metrics[code].compute() for code in self._languages}  # every rank, same order
        for metric in self.metrics.values():
            metric.reset()
        for name in ("dtw", "dtw_mje"):
            mean = sum(language[name] for language in scores.values()) / len(scores)
            pl_module.log(f"val/{name}", mean, sync_dist=True)
            for code, language in scores.items() if len(scores) > 1 else ():
                pl_module.log(f"val/{name}/{code}", language[name], sync_dist=True)
            if name == "dtw":
                self.best = min(self.best, float(mean))
        pl_module.log("val/dtw_best", self.best, sync_dist=True)
        if trainer.is_global_zero and batch and self.num_videos > 0:
            self._log_clips(trainer, pl_module.skeleton, batch, frames, lengths)

    def _rank_subset(self, trainer: pl.Trainer) -> dict:
        """This rank's share of the stratified dev sample as one batch (built once); {} if none."""
        if self._subset is None:
            dataset = trainer.datamodule.dataset("dev")
            sample = self.stratified(dataset.items, self.num_samples)
            self._languages = list(dict.fromkeys(dataset.items[index][0] for index in sample))
            if missing := sorted({code for code, _ in dataset.items} - set(self._languages)):
                log.warning("DTWTracker: num_samples=%d leaves out the dev clips of %s", self.num_samples, missing)
            indices = sample[trainer.global_rank :: trainer.world_size]
            self._subset = collate([dataset[index] for index in indices]) if indices else {}
        return self._subset

    @staticmethod
    def stratified(items, count: int) -> list[int]:
        """Indices of ``count`` samples of ``items`` ((language, clip) pairs): each language's first ones, taken
        in turn."""
        by_language: dict[str, list[int]] = {}
        for index, (code, _) in enumerate(items):
            by_language.setdefault(code, []).append(index)
        in_turn = chain.from_iterable(zip_longest(*by_language.values()))
        return [index for index in in_turn if index is not None][:count]

    def _log_clips(self, trainer: pl.Trainer, skeleton, batch: dict, frames, lengths) -> None:
        loggers = [logger for logger in trainer.loggers if hasattr(logger, "log_video")]
        try:
            from signllm.render.draw import render_clip, side_by_side
            from signllm.render.video import write_video
        except ImportError as error:
            return self._no_clips(f"rendering is unavailable ({error})")
        if not loggers:
            return self._no_clips("no logger takes videos (W&B does)")
        folder, paths = Path(trainer.default_root_dir) / "clips", []
        for i in range(min(self.num_videos, len(lengths))):
            generated = render_clip(frames[i, : lengths[i]].cpu().numpy(), skeleton, self.video_size, "generated")
            real = slice(0, int(batch["lengths"][i]))
            reference = render_clip(
                batch["frames"][i, real].cpu().numpy(), skeleton, self.video_size, "reference",
                confidence=batch["confidence"][i, real].cpu().numpy(),
            )
            images = side_by_side(generated, reference)
            fps = self.fps or trainer.datamodule.info.fps[batch["lang_code"][i]]
            paths.append(str(write_video(folder / f"epoch{trainer.current_epoch:03d}-{i}.mp4", images, fps)))
        captions = batch["text"][: len(paths)]
        for logger in loggers:
            logger.log_video("val/clips", paths, step=trainer.global_step, caption=captions)

    def _no_clips(self, reason: str) -> None:
        if not self._said_no_clips:
            log.info("DTWTracker logs no clips: %s", reason)
            self._said_no_clips = True

    def state_dict(self) -> dict:
        return {"best": self.best}

    def load_state_dict(self, state_dict: dict) -> None:
        self.best = state_dict["best"]
