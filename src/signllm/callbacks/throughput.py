"""Training speed for dashboards: pose frames per second and elapsed training time."""

from __future__ import annotations

import time

import lightning.pytorch as pl


class Throughput(pl.Callback):
    """Logs ``train/frames_per_s`` (real target frames of all ranks per second, every ``log_every_n_steps``
    batches) and ``time/elapsed_s`` (seconds of fitting, resumed runs included) at each validation."""

    def __init__(self):
        self.elapsed = 0.0
        self._started = None
        self._window_start = None
        self._window_frames = 0

    def on_train_start(self, trainer, pl_module) -> None:
        self._started = time.perf_counter() - self.elapsed
        self._window_start, self._window_frames = time.perf_counter(), 0

    def on_train_batch_end(self, trainer, pl_module, outputs, batch, batch_idx) -> None:
        self._window_frames += int(batch["lengths"].sum()) * trainer.world_size
        if (batch_idx + 1) % trainer.log_every_n_steps == 0:
            now = time.perf_counter()
            pl_module.log("train/frames_per_s", self._window_frames / (now - self._window_start))
            self._window_start, self._window_frames = now, 0

    def on_validation_epoch_end(self, trainer, pl_module) -> None:
        if self._started is not None and not trainer.sanity_checking:
            self.elapsed = time.perf_counter() - self._started
            pl_module.log("time/elapsed_s", self.elapsed)

    def state_dict(self) -> dict:
        return {"elapsed": self.elapsed}

    def load_state_dict(self, state_dict: dict) -> None:
        self.elapsed = state_dict["elapsed"]
