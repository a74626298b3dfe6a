"""DTWTracker in real (tiny) fits: val/dtw reaches ModelCheckpoint, the best is tracked and saved, clips
reach loggers that take videos, and each rank generates its own share of the fixed dev subset."""

import logging
import math
from pathlib import Path
from types import SimpleNamespace

import lightning.pytorch as pl
import pytest
import torch
from hydra.utils import instantiate
from lightning.pytorch.loggers import CSVLogger
from omegaconf import OmegaConf
from torch.utils.data import DataLoader

from signllm.callbacks import DTWTracker
from signllm.data.dataset import collate
from signllm.skeleton import COUNTER, FRAME_SIZE, NUM_COORDS, counter_values

CALLBACKS_CONFIG = Path(__file__).resolve().parents[2] / "conf" / "callbacks" / "default.yaml"


def dev_sample(index: int) -> dict:
    """A still clip (every frame alike), so a constant offset c costs exactly NUM_COORDS * c per frame."""
    length = 5 + index
    frames = torch.full((length, FRAME_SIZE), 0.1 * index)
    frames[:, COUNTER] = torch.from_numpy(counter_values(length)).float()
    return {
        "text_ids": torch.tensor([1, 4 + index, 2]),
        "gloss_ids": torch.tensor([1, 2]),
        "frames": frames,
        "lang": 0,
        "index": index,
        "text": f"sentence {index}",
        "id": f"dev/{index}",
        "lang_code": "asl",
    }


class TinyData(pl.LightningDataModule):
    info = SimpleNamespace(fps={"asl": 12.0})

    def __init__(self):
        super().__init__()
        self.samples = [dev_sample(index) for index in range(6)]

    def dataset(self, split: str) -> list[dict]:
        assert split == "dev"
        return self.samples

    def train_dataloader(self):
        return DataLoader(self.samples, batch_size=2, collate_fn=collate)

    val_dataloader = train_dataloader


class ScriptedGenerator(pl.LightningModule):
    """Generates the reference shifted by a per-epoch offset: val/dtw = NUM_COORDS * offset."""

    def __init__(self, offsets: list[float]):
        super().__init__()
        self.weight = torch.nn.Parameter(torch.zeros(()))
        self.offsets = offsets
        self.generated_at: list[int] = []

    def training_step(self, batch, batch_idx):
        return (self.weight - 1) ** 2

    def validation_step(self, batch, batch_idx):
        self.log("val/loss", (self.weight - 1) ** 2, batch_size=len(batch["lengths"]))

    def configure_optimizers(self):
        return torch.optim.SGD(self.parameters(), lr=0.1)

    def generate(self, batch, max_frames=None):
        self.generated_at.append(self.current_epoch)
        frames = batch["frames"].clone()
        frames[..., :NUM_COORDS] += self.offsets[self.current_epoch]
        return frames, batch["lengths"]


class VideoLogger(CSVLogger):
    """A CSV logger that also takes videos, like WandbLogger.log_video."""

    def __init__(self, save_dir):
        super().__init__(save_dir)
        self.videos: list[tuple] = []

    def log_video(self, key, videos, step=None, **kwargs):
        self.videos.append((key, videos, step, kwargs))


def fit(tmp_path, offsets, tracker: DTWTracker, logger=None) -> tuple[pl.Trainer, ScriptedGenerator]:
    """Fit with the callbacks of conf/callbacks/default.yaml (tracker replaced, no progress bar)."""
    config = OmegaConf.create({"paths": {"output_dir": str(tmp_path)}, "callbacks": OmegaConf.load(CALLBACKS_CONFIG)})
    config.callbacks.dtw_tracker.every_n_epochs = tracker.every_n_epochs
    callbacks = [tracker] + [instantiate(config.callbacks[name]) for name in ("model_checkpoint", "lr_monitor")]
    trainer = pl.Trainer(
        accelerator="cpu",
        max_epochs=len(offsets),
        limit_train_batches=1,
        limit_val_batches=1,
        num_sanity_val_steps=1,
        log_every_n_steps=1,
        callbacks=callbacks,
        logger=logger or CSVLogger(tmp_path),
        default_root_dir=tmp_path,
        enable_progress_bar=False,
        enable_model_summary=False,
    )
    module = ScriptedGenerator(offsets)
    trainer.fit(module, datamodule=TinyData())
    return trainer, module


def test_val_dtw_drives_the_best_and_last_checkpoints(tmp_path):
    trainer, module = fit(tmp_path, [0.3, 0.1, 0.2], DTWTracker(num_samples=4, num_videos=0))
    metrics = trainer.callback_metrics
    assert float(metrics["val/dtw"]) == pytest.approx(NUM_COORDS * 0.2, rel=1e-5)
    assert float(metrics["val/dtw_mje"]) == pytest.approx(0.2 * math.sqrt(3), rel=1e-5)
    assert float(metrics["val/dtw_best"]) == pytest.approx(NUM_COORDS * 0.1, rel=1e-5)
    assert module.generated_at == [0, 1, 2]  # never during the sanity check
    checkpoint = trainer.checkpoint_callback
    assert Path(checkpoint.best_model_path).name == "epoch001-dtw15.0000.ckpt"
    assert float(checkpoint.best_model_score) == pytest.approx(15.0, rel=1e-5)
    last = tmp_path / "checkpoints" / "last.ckpt"
    saved = torch.load(last, weights_only=False)["callbacks"]
    assert saved["DTWTracker"]["best"] == pytest.approx(15.0, rel=1e-5)


def test_every_n_epochs_generates_and_checkpoints_on_the_same_epochs(tmp_path):
    trainer, module = fit(tmp_path, [0.4, 0.3, 0.2, 0.1], DTWTracker(every_n_epochs=2, num_samples=2, num_videos=0))
    assert module.generated_at == [1, 3]
    assert Path(trainer.checkpoint_callback.best_model_path).name == "epoch003-dtw15.0000.ckpt"


def test_clips_go_to_loggers_that_take_videos(tmp_path):
    logger = VideoLogger(tmp_path)
    fit(tmp_path, [0.3, 0.1], DTWTracker(num_samples=3, num_videos=2, video_size=32), logger)
    assert len(logger.videos) == 2
    key, paths, step, kwargs = logger.videos[-1]
    assert key == "val/clips" and kwargs == {"caption": ["sentence 0", "sentence 1"]}
    assert [Path(path).name for path in paths] == ["epoch001-0.mp4", "epoch001-1.mp4"]
    assert all(Path(path).stat().st_size > 0 for path in paths)


def test_without_a_video_logger_it_says_so_once(tmp_path, caplog):
    with caplog.at_level(logging.INFO, logger="signllm.callbacks.dtw_tracker"):
        fit(tmp_path, [0.3, 0.1], DTWTracker(num_samples=2, num_videos=1))
    assert [record.getMessage() for record in caplog.records].count(
        "DTWTracker logs no clips: no logger takes videos (W&B does)"
    ) == 1
    assert not (tmp_path / "clips").exists()


def test_each_rank_generates_its_share_of_the_fixed_subset():
    shares = []
    for rank in range(2):
        trainer = SimpleNamespace(global_rank=rank, world_size=2, datamodule=TinyData())
        shares.append(DTWTracker(num_samples=5)._rank_subset(trainer)["id"])
    assert shares == [["dev/0", "dev/2", "dev/4"], ["dev/1", "dev/3"]]
