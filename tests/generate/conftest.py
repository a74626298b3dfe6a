"""A tiny untrained two-language MLSF checkpoint in openpose50 (asl: 24 fps, scale 9; gsl: 25 fps, scale 3)."""

from pathlib import Path

import numpy as np
import pytest
import torch
from omegaconf import OmegaConf

import signllm
from signllm.data.datamodule import DataInfo
from signllm.data.skels import Clip, write_split
from signllm.data.tokenizer import Tokenizers
from signllm.data.dataset import canonical_frames, collate
from signllm.models.mlsf import MLSFModule
from signllm.models.prompt2langgloss import Prompt2LangGlossModule
from signllm.skeleton import counter_values

from ..checkpoints import save_checkpoint
from ..layouts import OPENPOSE50

REPO = Path(__file__).resolve().parents[2]
TEXTS = ["the cat sleeps", "we go home now", "morgen regnet es", "der wind weht stark"]
MAX_FRAMES = 9  # an untrained model rarely stops by itself: keep clips short


@pytest.fixture(scope="session")
def checkpoint(tmp_path_factory) -> Path:
    torch.manual_seed(0)
    tokenizers = Tokenizers.train(TEXTS, TEXTS, ["asl", "gsl"], vocab_size=300)
    mean_pose = np.random.default_rng(0).normal(0, 0.2, OPENPOSE50.frame_size).astype(np.float32)
    fps = {"asl": 24.0, "gsl": 25.0}
    storage = {"asl": OPENPOSE50.storage, "gsl": OPENPOSE50.storage_for({"scale": 3})}
    info = DataInfo(["asl", "gsl"], tokenizers, mean_pose, 6.0, 8, fps, storage, OPENPOSE50)
    size = OmegaConf.to_container(OmegaConf.load(REPO / "conf" / "size" / "tiny.yaml")) | {"dropout": 0.1}
    module = MLSFModule(info, size=size, max_frames=MAX_FRAMES)  # with dropout: generation must switch it off
    return save_checkpoint(module, tmp_path_factory.mktemp("checkpoint") / "tiny.ckpt")


PROMPTS = {"asl": 'How do you sign "{text}" in American Sign Language?',
           "gsl": 'How do you sign "{text}" in German Sign Language?'}
SENTENCES = ["the cat sleeps", "we go home now", "rain falls today", "my friend reads"]


@pytest.fixture(scope="session")
def p2lg_checkpoint(tmp_path_factory) -> Path:
    """A tiny Prompt2LangGloss trained (150 steps) on the same English sentences in prompts naming American or
    German Sign Language, each language with its own clips: only the prompt's language name tells them apart."""
    torch.manual_seed(0)
    prompts = {code: [template.replace("{text}", text) for text in SENTENCES] for code, template in PROMPTS.items()}
    every = [prompt for code in prompts for prompt in prompts[code]]
    tokenizers = Tokenizers.train(every, SENTENCES, ["asl", "gsl"], vocab_size=300)
    storage = {"asl": OPENPOSE50.storage, "gsl": OPENPOSE50.storage_for({"scale": 3})}
    info = DataInfo(["asl", "gsl"], tokenizers, np.zeros(OPENPOSE50.frame_size, np.float32), 6.0, 8,
                    {"asl": 24.0, "gsl": 25.0}, storage, OPENPOSE50)
    size = OmegaConf.to_container(OmegaConf.load(REPO / "conf" / "size" / "tiny.yaml"))
    module = Prompt2LangGlossModule(info, size=size, max_frames=MAX_FRAMES)
    rng = np.random.default_rng(0)
    samples = []
    for lang_index, (code, texts) in enumerate(prompts.items()):
        for index, (prompt, sentence) in enumerate(zip(texts, SENTENCES)):
            frames = np.full((6, OPENPOSE50.frame_size), 0.3 * (2 * lang_index - 1), np.float32)
            frames += rng.normal(0, 0.01, frames.shape).astype(np.float32)
            samples.append({"text_ids": torch.tensor(tokenizers.encode_text(prompt)),
                            "gloss_ids": torch.tensor(tokenizers.encode_langgloss(sentence, code)),
                            "frames": canonical_frames(frames), "confidence": torch.ones(6, OPENPOSE50.num_points),
                            "lang": lang_index, "index": len(samples), "text": prompt, "id": f"{code}{index}",
                            "lang_code": code})
    batch = collate(samples)
    optimizer = torch.optim.Adam(module.parameters(), lr=1e-2)
    module.train()
    for _ in range(150):
        loss = sum(losses.mean() for losses in module.sample_losses(batch).values())
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    return save_checkpoint(module.eval(), tmp_path_factory.mktemp("p2lg") / "p2lg.ckpt")


@pytest.fixture(scope="session")
def generator(checkpoint):
    return signllm.load(checkpoint)


@pytest.fixture(scope="session")
def reference_split(tmp_path_factory) -> Path:
    """A one-clip dev split (made-up frames) to render beside generated clips."""
    folder = tmp_path_factory.mktemp("reference")
    frames = np.random.default_rng(1).normal(0, 0.2, (14, OPENPOSE50.frame_size)).astype(np.float32)
    frames[:, OPENPOSE50.counter_index] = counter_values(len(frames))
    write_split(folder, "dev", [Clip("dev/clip-1", "we go home now", None, frames)], OPENPOSE50)
    return folder
