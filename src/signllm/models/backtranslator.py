"""Back-translator: pose -> text, the frozen evaluator behind every back-translation score.

Trained by train.py (``model=backtranslator``) on the same batches as the production models, reading
the ground-truth ``frames`` and translating them into the raw ``text`` of each clip. The batch's
``text_ids`` are the production model's *input* (possibly a prompt), so the target is re-encoded here
from ``text`` as ``<bos> <lang> sentence <eos>`` with the checkpoint's own text tokenizer: the language
marker is given to the decoder as a prefix (never predicted), which is what makes one model serve many
languages. The tokenizers travel in the checkpoint, so ``load(path)`` needs nothing else. With
``text_encoder=pretrained`` the text decoder is an encoder-decoder LM's own (mBART, mT5, NLLB), its start token
and language code the given prefix; then ``load`` needs that model's folder too.
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
from signllm.models.components.pose_encoder import PoseEncoder
from signllm.models.production import plain
from signllm.models.size import Size
from signllm.text_encoders import kinds as text_encoders  # a module: it imports signllm.models (circular)


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
        beam_size: int = 1,
        length_penalty: float = 0.0,
        text_encoder=None,
    ):
        """``info``: the training DataInfo; ``size``: widths and depths (the pose encoder has
        ``encoder_layers``, the text decoder ``decoder_layers``); ``stride`` frames make one encoder
        position; ``max_tokens`` bounds both training targets and decoded sentences; ``beam_size`` (1: greedy)
        and ``length_penalty`` (GNMT alpha) decode translations (see ``TextDecoder.beam``); ``text_encoder``: a
        ``conf/text_encoder`` config: scratch (None) or a pretrained encoder-decoder whose own decoder is used."""
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
        self.text_model = text_encoders.text_model(text_encoder)
        self.decoder = self.text_model.decoder(self.tokenizers.text, self.size)
        self.hparams["text_encoder"] = self.text_model.record  # with the model folder's identity
        self.bleu = SacreBLEUScore(n_gram=4, tokenize="13a")

    def on_save_checkpoint(self, checkpoint: dict) -> None:
        checkpoint["data_info"] = self.info.to_dict()
        checkpoint["module_class"] = f"{type(self).__module__}.{type(self).__qualname__}"

    @classmethod
    def load(cls, path, map_location="cpu", text_encoder_path: str | None = None) -> BackTranslatorModule:
        """A trained evaluator from its checkpoint alone (hyperparameters + DataInfo + weights), in eval mode;
        a pretrained decoder's folder from where it was, or ``text_encoder_path``."""
        checkpoint = torch.load(path, map_location=map_location, weights_only=True)
        if checkpoint.get("module_class") != f"{cls.__module__}.{cls.__qualname__}":
            raise ValueError(f"{path}: not a signllm back-translator checkpoint ({checkpoint.get('module_class')})")
        hparams = dict(checkpoint["hyper_parameters"])
        hparams["text_encoder"] = text_encoders.relocated(hparams.get("text_encoder"), text_encoder_path)
        module = cls(info=DataInfo.from_dict(checkpoint["data_info"], text_encoder_path), **hparams)
        module.load_state_dict(checkpoint["state_dict"])
        return module.to(map_location).eval()

    def _targets(self, texts: Sequence[str], langs: Sequence[str]) -> torch.Tensor:
        """(B, L) ``<bos> <lang> sentence <eos>`` ids (the text tokenizer's ``target``: a pretrained decoder's
        start token and language code in place of ``<bos> <lang>``), padded, the sentence cut at ``max_tokens``."""
        text = self.tokenizers.text
        rows = [text.target(sentence, lang) for sentence, lang in zip(texts, langs)]
        limit = self.hparams.max_tokens + 3
        rows = [row if len(row) <= limit else row[: limit - 1] + [text.eos_id] for row in rows]
        tokens = torch.full((len(rows), max(map(len, rows))), text.pad_id, dtype=torch.long)
        for i, row in enumerate(rows):
            tokens[i, : len(row)] = torch.tensor(row)
        return tokens.to(self.device)

    def _loss(self, batch: dict) -> torch.Tensor:
        memory, memory_mask = self.encoder(batch["frames"], batch["frame_mask"])
        tokens = self._targets(batch["text"], batch["lang_code"])
        logits = self.decoder(tokens[:, :-1], memory, memory_mask)
        target = tokens[:, 1:].clone()
        pad = self.tokenizers.text.pad_id
        target[:, 0] = pad  # the language marker is a given prefix, not a prediction
        return F.cross_entropy(
            logits.flatten(0, 1), target.flatten(), ignore_index=pad, label_smoothing=self.hparams.label_smoothing
        )

    @torch.no_grad()
    def translate(self, frames: torch.Tensor, lengths: torch.Tensor, lang: Sequence[str]) -> list[str]:
        """Translation of (B, T, frame_size) frames with (B,) lengths, given each clip's language code: greedy, or
        beam search when ``beam_size`` > 1 (hyperparameters, which evaluate.py may override)."""
        frames, lengths = frames.to(self.device), lengths.to(self.device)
        mask = torch.arange(frames.shape[1], device=self.device) < lengths[:, None]
        memory, memory_mask = self.encoder(frames, mask)
        text = self.tokenizers.text
        prefix = torch.tensor([text.decoder_prefix(code) for code in lang], device=self.device)
        if self.hparams.beam_size > 1:
            rows = self.decoder.beam(
                prefix, memory, memory_mask, text.eos_id, self.hparams.max_tokens, self.hparams.beam_size,
                self.hparams.length_penalty,
            )
        else:
            rows = self.decoder.greedy(prefix, memory, memory_mask, text.eos_id, self.hparams.max_tokens)
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
