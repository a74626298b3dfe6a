"""Tiny DataInfo, batches and a training loop for the model tests (no corpus on disk needed)."""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import torch
from lightning import Trainer
from omegaconf import OmegaConf

from signllm.data.datamodule import DataInfo
from signllm.data.dataset import canonical_frames, collate
from signllm.data.tokenizer import Tokenizers
from ..layouts import OPENPOSE50

CONF = Path(__file__).resolve().parents[2] / "conf"
TINY = OmegaConf.to_container(OmegaConf.load(CONF / "size" / "tiny.yaml"))
TEXTS = {
    "asl": ["the cat sleeps", "we go home now", "rain falls today", "my friend reads"],
    "gsl": ["morgen regnet es", "der wind weht stark", "heute ist es kalt", "im norden sonne"],
}


def clip_frames(seed: int, length: int) -> np.ndarray:
    """A smooth made-up clip (length, OPENPOSE50.frame_size), stored-scale coordinates."""
    rng = np.random.default_rng(seed)
    pose = rng.normal(0, 0.3, OPENPOSE50.frame_size)
    motion = rng.normal(0, 0.1, OPENPOSE50.frame_size)
    t = np.linspace(0, np.pi, length)[:, None]
    return (pose + motion * np.sin(t)).astype(np.float32)


def make_info(languages=("asl", "gsl")) -> DataInfo:
    texts = [text for code in TEXTS for text in TEXTS[code]]
    tokenizers = Tokenizers.train(texts, texts, list(TEXTS), vocab_size=300)
    mean_pose = np.zeros(OPENPOSE50.frame_size, dtype=np.float32)
    fps, storage = {code: 25.0 for code in languages}, {code: OPENPOSE50.storage for code in languages}
    return DataInfo(list(languages), tokenizers, mean_pose, 8.0, 10, fps, storage, OPENPOSE50)


def make_batch(info, langs, lengths=None) -> dict:
    """A collated batch: sample i is the i-th text of its language, clip seeded by its text."""
    lengths = lengths or [6 + (i % 5) for i in range(len(langs))]
    counts: dict[str, int] = {}
    samples = []
    for index, (lang, length) in enumerate(zip(langs, lengths)):
        text = TEXTS[lang][counts.setdefault(lang, 0) % len(TEXTS[lang])]
        counts[lang] += 1
        samples.append({
            "text_ids": torch.tensor(info.tokenizers.encode_text(text, lang)),
            "gloss_ids": torch.tensor(info.tokenizers.encode_langgloss(text, lang)),
            "frames": canonical_frames(clip_frames(sum(map(ord, text)), length)),
            "confidence": torch.ones(length, OPENPOSE50.num_points),
            "lang": info.languages.index(lang),
            "index": index,
            "text": text,
            "id": f"{lang}{index}",
            "lang_code": lang,
        })
    return collate(samples)


def overfit(module, batch, steps: int = 150, lr: float = 3e-3) -> list[float]:
    """Train ``module`` on one batch with Adam; the loss of every step. GN epochs end every 50 steps."""
    optimizer = torch.optim.Adam([p for p in module.parameters() if p.requires_grad], lr=lr)
    module.train()
    losses = []
    for step in range(steps):
        with warnings.catch_warnings():  # self.log() outside a Trainer
            warnings.simplefilter("ignore")
            loss = module.training_step(batch, step)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
        if step % 50 == 49:
            module.on_train_epoch_end()
    module.eval()
    return losses


def save_checkpoint(module, batch, path):
    """Fit two steps with a real Trainer (so Lightning's hooks run) and save a checkpoint."""
    trainer = Trainer(max_steps=2, logger=False, enable_checkpointing=False, enable_progress_bar=False,
                      enable_model_summary=False, accelerator="cpu")
    trainer.fit(module, train_dataloaders=torch.utils.data.DataLoader([batch], batch_size=None))
    trainer.save_checkpoint(path)
    return path
