"""ProductionModule: what both production modes (MLSF, Prompt2LangGloss) share.

- training: teacher forcing from a fixed start frame, augmentations (FP targets, GN input noise, JC),
  a per-sample loss reduced in one overridable place (``reduce_loss``: RL and PLC weights enter there);
- honest generation: from the start frame (the training mean pose, counter 0) until the predicted
  counter reaches 1 or ``max_frames``; ground-truth frames and lengths are never read;
- checkpoints carry their DataInfo (tokenizers included), so ``load(path)`` rebuilds the module alone.
Subclasses provide ``teacher_forward`` and ``generate``.
"""

from __future__ import annotations

from functools import partial

import torch
from lightning import LightningModule

from signllm.losses import MSELoss
from signllm.models.augmentation import Augmentation, InputNoise
from signllm.models.size import Size
from signllm.skeleton import COUNTER, FRAME_SIZE


class ProductionModule(LightningModule):
    load_overrides: dict = {}  # hyperparameters that must not be replayed when rebuilding from a checkpoint

    def __init__(
        self,
        info,
        size,
        augmentation=None,
        loss=None,
        optimizer=None,
        scheduler=None,
        max_frames: int | None = None,
    ):
        """``max_frames``: generation cap, by default twice the longest training clip."""
        super().__init__()
        self.save_hyperparameters(ignore=["info", "loss"])
        self.info = info
        self.size = Size.from_config(size)
        self.augmentation = Augmentation.from_config(augmentation)
        self.loss = loss if loss is not None else MSELoss()
        self.optimizer = optimizer if optimizer is not None else partial(torch.optim.Adam, lr=1e-3)
        self.scheduler = scheduler
        self.max_frames = max_frames or 2 * int(info.max_length)
        self.noise = InputNoise(self.augmentation.noise_rate) if self.augmentation.noise_rate else None
        start = torch.as_tensor(info.mean_pose, dtype=torch.float32).clone()
        if start.shape != (FRAME_SIZE,):
            raise ValueError(f"info.mean_pose must have shape ({FRAME_SIZE},), got {tuple(start.shape)}")
        start[COUNTER] = 0.0
        self.register_buffer("start_frame", start)

    @property
    def languages(self) -> list[str]:
        return list(self.info.languages)

    def lang_index(self, code: str) -> int:
        """Index of a language code, for building ``batch["lang"]``."""
        if code not in self.languages:
            raise ValueError(f"this model has no sign language {code!r}; it has {self.languages}")
        return self.languages.index(code)

    # --- the two things a mode provides -------------------------------------------------------------

    def teacher_forward(self, batch: dict, inputs: torch.Tensor) -> tuple[torch.Tensor, dict[str, torch.Tensor]]:
        """Predictions (B, T, future_frames * NUM_COORDS + 1) for decoder inputs (B, T, FRAME_SIZE),
        and any extra per-sample losses of the mode, by name."""
        raise NotImplementedError

    def generate(self, batch: dict, max_frames: int | None = None, use_cache: bool = True):
        """Frames (B, T, FRAME_SIZE) and lengths (B,) from text_ids, text_mask (and lang) alone."""
        raise NotImplementedError

    # --- training ----------------------------------------------------------------------------------

    def sample_losses(self, batch: dict) -> dict[str, torch.Tensor]:
        """Per-sample losses (B,) by name: ``pose`` plus the mode's extras."""
        frames, mask = batch["frames"], batch["frame_mask"]
        inputs = self.augmentation.decoder_inputs(frames, self.start_frame)
        noising = self.training and self.noise is not None
        if noising:
            inputs = self.noise(inputs)
        predictions, extra = self.teacher_forward(batch, inputs)
        targets = self.augmentation.targets(frames, batch["lengths"])
        if noising:
            self.noise.track(predictions, targets, mask)
        return {"pose": self.loss(predictions, targets, mask), **extra}

    def reduce_loss(self, per_sample: torch.Tensor, batch: dict) -> torch.Tensor:
        """The training objective from per-sample losses (B,); RL / PLC override this."""
        return per_sample.mean()

    def _step(self, batch: dict, stage: str) -> torch.Tensor:
        losses = self.sample_losses(batch)
        per_sample = torch.stack(list(losses.values())).sum(0)
        loss = self.reduce_loss(per_sample, batch) if stage == "train" else per_sample.mean()
        size = per_sample.shape[0]
        self.log(f"{stage}/loss", loss, prog_bar=True, batch_size=size, sync_dist=stage != "train")
        for name, values in losses.items():
            self.log(f"{stage}/{name}_loss", values.mean(), batch_size=size, sync_dist=stage != "train")
        return loss

    def training_step(self, batch: dict, batch_idx: int) -> torch.Tensor:
        return self._step(batch, "train")

    def validation_step(self, batch: dict, batch_idx: int) -> torch.Tensor:
        return self._step(batch, "val")

    def test_step(self, batch: dict, batch_idx: int) -> torch.Tensor:
        return self._step(batch, "test")

    def on_train_epoch_end(self) -> None:
        if self.noise is not None:
            self.noise.end_epoch()

    def configure_optimizers(self):
        optimizer = self.optimizer(params=[p for p in self.parameters() if p.requires_grad])
        if self.scheduler is None:
            return optimizer
        scheduler = {"scheduler": self.scheduler(optimizer=optimizer), "monitor": "val/loss", "strict": False}
        return {"optimizer": optimizer, "lr_scheduler": scheduler}

    # --- checkpoints -------------------------------------------------------------------------------

    def on_save_checkpoint(self, checkpoint: dict) -> None:
        checkpoint["data_info"] = self.info.to_dict()

    @classmethod
    def load(cls, path, map_location="cpu") -> ProductionModule:
        """Rebuild a module from a checkpoint alone (hyperparameters + DataInfo + weights), in eval mode."""
        from signllm.data.datamodule import DataInfo

        checkpoint = torch.load(path, map_location=map_location, weights_only=False)
        if "data_info" not in checkpoint:
            raise ValueError(f"{path}: not a signllm production checkpoint (no data_info)")
        hparams = {**checkpoint["hyper_parameters"], **cls.load_overrides}
        module = cls(info=DataInfo.from_dict(checkpoint["data_info"]), **hparams)
        module.load_state_dict(checkpoint["state_dict"])
        if isinstance(map_location, (str, torch.device)):
            module.to(map_location)
        return module.eval()
