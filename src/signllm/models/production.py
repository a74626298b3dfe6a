"""ProductionModule: what both production modes (MLSF, Prompt2LangGloss) share.

- training: teacher forcing from a fixed start frame, augmentations (FP targets, GN input noise, JC),
  a per-sample loss reduced in one overridable place (``reduce_loss``): the Priority Learning Channel
  (``augmentation.plc``) records rewards and may skip the batch there, and the loss's ``reduce``
  combines the samples (the RL loss with importance weights of the PLC's sampling probabilities);
- honest generation: from the start frame (the training mean pose, counter 0) until the predicted
  counter reaches 1 or ``max_frames``; ground-truth frames and lengths are never read;
- checkpoints carry their DataInfo (tokenizers included), so ``load(path)`` rebuilds the module alone;
- the text side is what the ``text_encoder`` config selects (``signllm.text_encoders``): subclasses get new
  text encoders from ``text_encoders()``; a pretrained model's folder is needed again at load time
  (``load(path, text_encoder_path=...)`` where it moved), its frozen weights are not in the checkpoint.
Subclasses provide ``teacher_forward`` and ``generate``.
"""

from __future__ import annotations

import importlib
from functools import partial

import torch
from lightning import LightningModule
from omegaconf import Container, DictConfig, OmegaConf

from signllm.callbacks.plc import PriorityLearningChannel
from signllm.data.datamodule import DataInfo
from signllm.losses import MSELoss
from signllm.metrics.dtw import DTWMetric
from signllm.models.augmentation import Augmentation, InputNoise
from signllm.models.size import Size
from signllm.text_encoders import kinds as text_encoders  # a module: it imports signllm.models (circular)


def plain(value):
    """A config value as plain Python containers."""
    return OmegaConf.to_container(value, resolve=True) if isinstance(value, Container) else value


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
        text_encoder=None,
    ):
        """``max_frames``: generation cap, by default twice the longest training clip; ``text_encoder``:
        a ``conf/text_encoder`` config (None: scratch)."""
        super().__init__()
        # plain data only, so Lightning's weights-only checkpoint loading accepts them; the DataInfo goes
        # to checkpoint["data_info"], the loss and optimizer are training-time objects built from the config
        self.save_hyperparameters(ignore=["info", "loss", "optimizer", "scheduler"])
        self.hparams.update({key: plain(value) for key, value in self.hparams.items()})
        if isinstance(info, DictConfig):  # hydra's instantiate turns the DataInfo dataclass into a DictConfig
            info = OmegaConf.to_object(info)
        self.info, self.skeleton = info, info.skeleton
        self.size = Size.from_config(size)
        self.augmentation = Augmentation.from_config(augmentation)
        self.loss = loss if loss is not None else MSELoss()
        self.optimizer = optimizer if optimizer is not None else partial(torch.optim.Adam, lr=1e-3)
        self.scheduler = scheduler
        self.max_frames = max_frames or 2 * int(info.max_length)
        rate = self.augmentation.noise_rate
        self.noise = InputNoise(rate, self.skeleton.num_coords) if rate else None
        plc = self.augmentation.plc
        self.plc = PriorityLearningChannel(**plc) if plc is not None else None
        start = torch.as_tensor(info.mean_pose, dtype=torch.float32).clone()
        if start.shape != (self.skeleton.frame_size,):
            raise ValueError(
                f"info.mean_pose must have shape ({self.skeleton.frame_size},) for skeleton={self.skeleton.name}, "
                f"got {tuple(start.shape)}"
            )
        start[-1] = 0.0  # the counter
        self.register_buffer("start_frame", start)
        self.test_dtw = DTWMetric(self.skeleton.dims)
        self.text_model = text_encoders.text_model(text_encoder)
        self.hparams["text_encoder"] = self.text_model.record  # with the model folder's identity

    def text_encoders(self):
        """A factory of text encoders (ids, mask -> memory of size.d_model) for ``self.info``'s text tokenizer."""
        return self.text_model.encoders(self.info.tokenizers.text, self.size)

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
        """Predictions (B, T, future_frames * num_coords + 1) for decoder inputs (B, T, frame_size),
        and any extra per-sample losses of the mode, by name."""
        raise NotImplementedError

    def generate(self, batch: dict, max_frames: int | None = None, use_cache: bool = True):
        """Frames (B, T, frame_size) and lengths (B,) from text_ids, text_mask (and lang) alone."""
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
        weights = None
        if self.skeleton.confidence:  # a point the detector missed is not a target
            weights = self.augmentation.target_weights(batch["confidence"], batch["lengths"], self.skeleton.dims)
        return {"pose": self.loss(predictions, targets, mask, weights), **extra}

    def reduce_loss(self, per_sample: torch.Tensor, batch: dict) -> torch.Tensor | None:
        """The training objective from per-sample losses (B,), by the loss's ``reduce`` (RL: importance
        weights of the PLC's sampling probabilities); None when the PLC skips the batch."""
        probabilities = None
        if self.plc is not None:
            if self.plc.skip(per_sample, batch["index"]):
                return None
            probabilities = self.plc.probabilities(batch["index"])
        return self.loss.reduce(per_sample, probabilities)

    def _step(self, batch: dict, stage: str) -> torch.Tensor | None:
        losses = self.sample_losses(batch)
        per_sample = torch.stack(list(losses.values())).sum(0)
        size, sync = per_sample.shape[0], stage != "train"
        for name, values in losses.items():
            self.log(f"{stage}/{name}_loss", values.mean(), batch_size=size, sync_dist=sync)
        loss = self.reduce_loss(per_sample, batch) if stage == "train" else per_sample.mean()
        if loss is not None:
            self.log(f"{stage}/loss", loss, prog_bar=True, batch_size=size, sync_dist=sync)
        return loss

    def training_step(self, batch: dict, batch_idx: int) -> torch.Tensor:
        return self._step(batch, "train")

    def validation_step(self, batch: dict, batch_idx: int) -> torch.Tensor:
        return self._step(batch, "val")

    def test_step(self, batch: dict, batch_idx: int) -> torch.Tensor:
        """Teacher-forced test loss, and honest generation scored by DTW against the reference."""
        frames, lengths = self.generate(batch)
        self.test_dtw.update(frames, lengths, batch["frames"], batch["lengths"])
        return self._step(batch, "test")

    def on_test_epoch_end(self) -> None:
        scores = self.test_dtw.compute()
        self.test_dtw.reset()
        self.log_dict({f"test/{name}": value for name, value in scores.items()})

    def configure_callbacks(self):
        return ([self.plc] if self.plc is not None else []) + self.text_model.callbacks()

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
        checkpoint["module_class"] = f"{type(self).__module__}.{type(self).__qualname__}"

    @classmethod
    def load(cls, path, map_location="cpu", text_encoder_path: str | None = None) -> ProductionModule:
        """Rebuild a module from a checkpoint alone (hyperparameters + DataInfo + weights), in eval mode;
        a pretrained text encoder's folder from where it was, or ``text_encoder_path``.

        ``ProductionModule.load`` returns whichever mode the checkpoint holds."""
        checkpoint = torch.load(path, map_location=map_location, weights_only=True)
        if "data_info" not in checkpoint or "module_class" not in checkpoint:
            raise ValueError(f"{path}: not a signllm production checkpoint (no data_info / module_class)")
        module_path, _, name = checkpoint["module_class"].rpartition(".")
        module_class = getattr(importlib.import_module(module_path), name)
        if not issubclass(module_class, cls):
            raise ValueError(f"{path} holds a {name}, not a {cls.__name__}")
        hparams = {**checkpoint["hyper_parameters"], **module_class.load_overrides}
        hparams["text_encoder"] = text_encoders.relocated(hparams.get("text_encoder"), text_encoder_path)
        info = DataInfo.from_dict(checkpoint["data_info"], text_encoder_path)
        module = module_class(info=info, **hparams)
        module.load_state_dict(checkpoint["state_dict"])
        if isinstance(map_location, (str, torch.device)):
            module.to(map_location)
        return module.eval()
