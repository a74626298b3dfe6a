"""DTW tracking during training: honest generation on a fixed dev subset, ``val/dtw`` and a few clips."""

from __future__ import annotations

import logging
import math
from pathlib import Path

import lightning.pytorch as pl
from lightning.pytorch.utilities import move_data_to_device

from signllm.data.dataset import collate
from signllm.metrics.dtw import DTWMetric

log = logging.getLogger(__name__)


class DTWTracker(pl.Callback):
    """Every ``every_n_epochs`` validation epochs, generate for the first ``num_samples`` dev samples (each
    rank its share), log ``val/dtw`` and ``val/dtw_mje`` (synced over ranks) and ``val/dtw_best``.

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
        self.metric = DTWMetric()
        self.best = math.inf
        self._subset: dict | None = None
        self._said_no_clips = False

    def on_validation_epoch_end(self, trainer: pl.Trainer, pl_module: pl.LightningModule) -> None:
        if trainer.sanity_checking or (trainer.current_epoch + 1) % self.every_n_epochs:
            return
        batch = move_data_to_device(self._rank_subset(trainer), pl_module.device)
        metric = self.metric.to(pl_module.device)
        if batch:
            frames, lengths = pl_module.generate(batch, max_frames=self.max_frames)
            metric.update(frames, lengths, batch["frames"], batch["lengths"])
        scores = metric.compute()
        metric.reset()
        self.best = min(self.best, float(scores["dtw"]))
        pl_module.log("val/dtw", scores["dtw"], sync_dist=True)
        pl_module.log("val/dtw_mje", scores["dtw_mje"], sync_dist=True)
        pl_module.log("val/dtw_best", self.best, sync_dist=True)
        if trainer.is_global_zero and batch and self.num_videos > 0:
            self._log_clips(trainer, batch, frames, lengths)

    def _rank_subset(self, trainer: pl.Trainer) -> dict:
        """This rank's share of the first ``num_samples`` dev samples as one batch (built once); {} if none."""
        if self._subset is None:
            dataset = trainer.datamodule.dataset("dev")
            indices = range(trainer.global_rank, min(self.num_samples, len(dataset)), trainer.world_size)
            self._subset = collate([dataset[index] for index in indices]) if indices else {}
        return self._subset

    def _log_clips(self, trainer: pl.Trainer, batch: dict, frames, lengths) -> None:
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
            generated = render_clip(frames[i, : lengths[i]].cpu().numpy(), self.video_size, "generated")
            reference = batch["frames"][i, : batch["lengths"][i]].cpu().numpy()
            images = side_by_side(generated, render_clip(reference, self.video_size, "reference"))
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
