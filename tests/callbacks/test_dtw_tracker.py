"""DTWTracker in real (tiny) fits: val/dtw reaches ModelCheckpoint, the best is tracked and saved, clips
reach loggers that take videos, each rank generates its own share of the fixed dev subset, and in a
multilingual run the subset covers every language and val/dtw is the mean over languages."""

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
from signllm.skeleton import counter_values
from ..layouts import OPENPOSE50

CALLBACKS_CONFIG = Path(__file__).resolve().parents[2] / "conf" / "callbacks" / "default.yaml"


def dev_sample(index: int, lang: str = "asl") -> dict:
    """A still clip (every frame alike), so a constant offset c costs exactly OPENPOSE50.num_coords * c per frame."""
    length = 5 + index % 6
    frames = torch.full((length, OPENPOSE50.frame_size), 0.1 * index)
    frames[:, OPENPOSE50.counter_index] = torch.from_numpy(counter_values(length)).float()
    return {
        "text_ids": torch.tensor([1, 4 + index, 2]),
        "gloss_ids": torch.tensor([1, 2]),
        "frames": frames,
        "confidence": torch.ones(length, OPENPOSE50.num_points),
        "lang": LANGUAGES.index(lang),
        "index": index,
        "text": f"sentence {index}",
        "id": f"dev/{index}",
        "lang_code": lang,
    }


LANGUAGES = ["asl", "gsl"]


class DevSplit(list):
    """Samples with SignDataset's ``items``: (language, clip) of each, in language order."""

    def __init__(self, samples, items):
        super().__init__(samples)
        self.items = items


class TinyData(pl.LightningDataModule):
    """Dev samples like SignDataset's: ``items`` (language, clip) in language order."""

    info = SimpleNamespace(fps={"asl": 12.0, "gsl": 25.0})

    def __init__(self, languages=("asl",)):
        super().__init__()
        items = [(lang, clip) for lang in languages for clip in range(6)]
        self.samples = DevSplit([dev_sample(index, lang) for index, (lang, _) in enumerate(items)], items)

    def dataset(self, split: str) -> list[dict]:
        assert split == "dev"
        return self.samples

    def train_dataloader(self):
        return DataLoader(self.samples, batch_size=2, collate_fn=collate)

    val_dataloader = train_dataloader


class ScriptedGenerator(pl.LightningModule):
    """Generates the reference shifted by a per-epoch offset: val/dtw = OPENPOSE50.num_coords * offset."""

    def __init__(self, offsets: list[float], per_language: dict[str, float] | None = None):
        """``per_language``: a factor on the offset for each language's clips (default 1)."""
        super().__init__()
        self.weight = torch.nn.Parameter(torch.zeros(()))
        self.offsets, self.skeleton = offsets, OPENPOSE50
        self.per_language = per_language or {}
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
        factors = torch.tensor([self.per_language.get(code, 1.0) for code in batch["lang_code"]])
        frames[..., :OPENPOSE50.num_coords] += self.offsets[self.current_epoch] * factors[:, None, None]
        return frames, batch["lengths"]


class VideoLogger(CSVLogger):
    """A CSV logger that also takes videos, like WandbLogger.log_video."""

    def __init__(self, save_dir):
        super().__init__(save_dir)
        self.videos: list[tuple] = []

    def log_video(self, key, videos, step=None, **kwargs):
        self.videos.append((key, videos, step, kwargs))


def fit(
    tmp_path, offsets, tracker: DTWTracker, logger=None, module=None, data=None
) -> tuple[pl.Trainer, ScriptedGenerator]:
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
    module = module or ScriptedGenerator(offsets)
    trainer.fit(module, datamodule=data or TinyData())
    return trainer, module


def test_val_dtw_drives_the_best_and_last_checkpoints(tmp_path):
    trainer, module = fit(tmp_path, [0.3, 0.1, 0.2], DTWTracker(num_samples=4, num_videos=0))
    metrics = trainer.callback_metrics
    assert float(metrics["val/dtw"]) == pytest.approx(OPENPOSE50.num_coords * 0.2, rel=1e-5)
    assert float(metrics["val/dtw_mje"]) == pytest.approx(0.2 * math.sqrt(3), rel=1e-5)
    assert float(metrics["val/dtw_best"]) == pytest.approx(OPENPOSE50.num_coords * 0.1, rel=1e-5)
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


def test_a_multilingual_run_tracks_every_language_and_their_mean(tmp_path):
    tracker = DTWTracker(num_samples=4, num_videos=0)
    module = ScriptedGenerator([0.1], per_language={"asl": 1.0, "gsl": 3.0})
    trainer, _ = fit(tmp_path, [0.1], tracker, module=module, data=TinyData(LANGUAGES))
    assert tracker._subset["lang_code"] == ["asl", "gsl", "asl", "gsl"]
    metrics = trainer.callback_metrics
    assert float(metrics["val/dtw/asl"]) == pytest.approx(OPENPOSE50.num_coords * 0.1, rel=1e-5)
    assert float(metrics["val/dtw/gsl"]) == pytest.approx(OPENPOSE50.num_coords * 0.3, rel=1e-5)
    assert float(metrics["val/dtw"]) == pytest.approx(OPENPOSE50.num_coords * 0.2, rel=1e-5)  # their mean
    assert float(metrics["val/dtw_mje/gsl"]) == pytest.approx(0.3 * math.sqrt(3), rel=1e-5)


def test_the_sample_takes_each_language_in_turn():
    items = [("asl", 0), ("asl", 1), ("asl", 2), ("gsl", 0), ("ksl", 0), ("ksl", 1)]
    assert DTWTracker.stratified(items, 5) == [0, 3, 4, 1, 5]
    assert DTWTracker.stratified(items, 10) == [0, 3, 4, 1, 5, 2]
