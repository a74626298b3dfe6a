"""Back-translator: pose -> text, the frozen evaluator behind every back-translation score.

Trained by train.py (``model=backtranslator``) on the same batches as the production models, reading
the ground-truth ``frames`` and translating them into the raw ``text`` of each clip. The batch's
``text_ids`` are the production model's *input* (possibly a prompt), so the target is re-encoded here
from ``text`` as ``<bos> <lang> sentence <eos>`` with the checkpoint's own text tokenizer: the language
marker is given to the decoder as a prefix (never predicted), which is what makes one model serve many
languages. The tokenizers travel in the checkpoint, so ``load(path)`` needs nothing else.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial

import torch
import torch.nn.functional as F
from lightning import LightningModule
from omegaconf import DictConfig, OmegaConf
from torchmetrics.text import SacreBLEUScore

from signllm.data.datamodule import DataInfo
from signllm.data.tokenizer import BOS, EOS, PAD
from signllm.models.components.pose_encoder import PoseEncoder
from signllm.models.components.text_decoder import TextDecoder
from signllm.models.production import plain
from signllm.models.size import Size


class BackTranslatorModule(LightningModule):
    def __init__(
        self,
        info,
        size,
        optimizer=None,
        scheduler=None,
        stride: int = 2,
        label_smoothing: float = 0.1,
        max_tokens: int = 64,
    ):
        """``info``: the training DataInfo; ``size``: widths and depths (the pose encoder has
        ``encoder_layers``, the text decoder ``decoder_layers``); ``stride`` frames make one encoder
        position; ``max_tokens`` bounds both training targets and decoded sentences."""
        super().__init__()
        # plain data only (weights-only checkpoint loading); the DataInfo goes to checkpoint["data_info"]
        self.save_hyperparameters(ignore=["info", "optimizer", "scheduler"])
        self.hparams.update({key: plain(value) for key, value in self.hparams.items()})
        if isinstance(info, DictConfig):  # hydra's instantiate turns the DataInfo dataclass into a DictConfig
            info = OmegaConf.to_object(info)
        self.info, self.tokenizers = info, info.tokenizers
        self.size = Size.from_config(size)
        self.optimizer = optimizer if optimizer is not None else partial(torch.optim.Adam, lr=3e-4)
        self.scheduler = scheduler
        self.encoder = PoseEncoder(info.mean_pose, **self.size.block(self.size.encoder_layers), stride=stride)
        self.decoder = TextDecoder(len(self.tokenizers.text), **self.size.block(self.size.decoder_layers))
        self.bleu = SacreBLEUScore(n_gram=4, tokenize="13a")

    def on_save_checkpoint(self, checkpoint: dict) -> None:
        checkpoint["data_info"] = self.info.to_dict()
        checkpoint["module_class"] = f"{type(self).__module__}.{type(self).__qualname__}"

    @classmethod
    def load(cls, path, map_location="cpu") -> BackTranslatorModule:
        """A trained evaluator from its checkpoint alone (hyperparameters + DataInfo + weights), in eval mode."""
        checkpoint = torch.load(path, map_location=map_location, weights_only=True)
        if checkpoint.get("module_class") != f"{cls.__module__}.{cls.__qualname__}":
            raise ValueError(f"{path}: not a signllm back-translator checkpoint ({checkpoint.get('module_class')})")
        module = cls(info=DataInfo.from_dict(checkpoint["data_info"]), **checkpoint["hyper_parameters"])
        module.load_state_dict(checkpoint["state_dict"])
        return module.to(map_location).eval()

    def _targets(self, texts: Sequence[str], langs: Sequence[str]) -> torch.Tensor:
        """(B, L) ``<bos> <lang> sentence <eos>`` ids, zero padded, the sentence cut at ``max_tokens``."""
        rows = [self.tokenizers.encode_text(text, lang) for text, lang in zip(texts, langs)]
        limit = self.hparams.max_tokens + 3
        rows = [row if len(row) <= limit else row[: limit - 1] + [EOS] for row in rows]
        tokens = torch.full((len(rows), max(map(len, rows))), PAD, dtype=torch.long)
        for i, row in enumerate(rows):
            tokens[i, : len(row)] = torch.tensor(row)
        return tokens.to(self.device)

    def _loss(self, batch: dict) -> torch.Tensor:
        memory, memory_mask = self.encoder(batch["frames"], batch["frame_mask"])
        tokens = self._targets(batch["text"], batch["lang_code"])
        logits = self.decoder(tokens[:, :-1], memory, memory_mask)
        target = tokens[:, 1:].clone()
        target[:, 0] = PAD  # the language marker is a given prefix, not a prediction
        return F.cross_entropy(
            logits.flatten(0, 1), target.flatten(), ignore_index=PAD, label_smoothing=self.hparams.label_smoothing
        )

    @torch.no_grad()
    def translate(self, frames: torch.Tensor, lengths: torch.Tensor, lang: Sequence[str]) -> list[str]:
        """Greedy translation of (B, T, FRAME_SIZE) frames with (B,) lengths, given each clip's language code."""
        frames, lengths = frames.to(self.device), lengths.to(self.device)
        mask = torch.arange(frames.shape[1], device=self.device) < lengths[:, None]
        memory, memory_mask = self.encoder(frames, mask)
        prefix = torch.tensor([[BOS, self.tokenizers.text.marker_id(code)] for code in lang], device=self.device)
        rows = self.decoder.greedy(prefix, memory, memory_mask, EOS, self.hparams.max_tokens)
        return [self.tokenizers.decode_text(row) for row in rows]

    def training_step(self, batch: dict, batch_idx: int) -> torch.Tensor:
        loss = self._loss(batch)
        self.log("train/loss", loss, prog_bar=True, batch_size=len(batch["text"]))
        return loss

    def _scored_step(self, batch: dict, stage: str) -> None:
        """Loss, and greedy translations into the corpus BLEU logged at the end of the epoch."""
        self.log(f"{stage}/loss", self._loss(batch), prog_bar=True, sync_dist=True, batch_size=len(batch["text"]))
        hypotheses = self.translate(batch["frames"], batch["lengths"], batch["lang_code"])
        self.bleu.update(hypotheses, [[text] for text in batch["text"]])

    def _log_bleu(self, stage: str) -> None:
        self.log(f"{stage}/bleu4", 100 * self.bleu.compute(), prog_bar=True)  # synced n-gram counts, 0-100
        self.bleu.reset()

    def validation_step(self, batch: dict, batch_idx: int) -> None:
        self._scored_step(batch, "val")

    def on_validation_epoch_end(self) -> None:
        self._log_bleu("val")

    def test_step(self, batch: dict, batch_idx: int) -> None:
        self._scored_step(batch, "test")

    def on_test_epoch_end(self) -> None:
        self._log_bleu("test")

    def configure_optimizers(self):
        optimizer = self.optimizer(params=self.parameters())
        if self.scheduler is None:
            return optimizer
        scheduler = {"scheduler": self.scheduler(optimizer=optimizer), "monitor": "val/loss", "strict": False}
        return {"optimizer": optimizer, "lr_scheduler": scheduler}
