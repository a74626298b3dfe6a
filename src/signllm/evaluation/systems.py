"""What gets evaluated: production checkpoints, baselines and the ground truth, as systems
``batch -> (frames, lengths)`` with the dataset view each one reads."""

from __future__ import annotations

import torch

from signllm.cli import ConfigError
from signllm.data.dataset import SignDataset
from signllm.data.skels import Clip

GROUND_TRUTH = ("frames", "frame_mask", "lengths")


def honest(model, max_frames: int | None = None):
    """A system from anything with ``generate(batch, max_frames)``, fed batches without ground-truth
    poses or timing, so no ground truth can leak into generation."""

    def produce(batch: dict) -> tuple[torch.Tensor, torch.Tensor]:
        return model.generate({k: v for k, v in batch.items() if k not in GROUND_TRUTH}, max_frames=max_frames)

    return produce


def ground_truth(batch: dict) -> tuple[torch.Tensor, torch.Tensor]:
    """The ceiling: the reference poses themselves."""
    return batch["frames"], batch["lengths"]


def model_view(dataset: SignDataset, info) -> SignDataset:
    """The same samples encoded as a model was trained: its tokenizers and its ``lang`` indices."""
    missing = set(dataset.splits) - set(info.languages)
    if missing:
        raise ConfigError(f"the checkpoint has no sign language {sorted(missing)}; it has {info.languages}")
    if info.skeleton != dataset.skeleton:
        raise ConfigError(f"the checkpoint was trained on skeleton={info.skeleton.name}; the data is skeleton={dataset.skeleton.name}")
    return SignDataset(
        dataset.splits,
        dataset.skeleton,
        info.tokenizers,
        info.languages,
        dataset.prompts,
        input=dataset.input,
        prompt_rate=dataset.prompt_rate,
        seed=dataset.seed,
    )


def clips(dataset: SignDataset) -> list[Clip]:
    """Every clip of a dataset (frames as stored), in sample order."""
    return [dataset.splits[lang][index] for lang, index in dataset.items]
