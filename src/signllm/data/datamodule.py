"""SignDataModule: one or several sign languages (from ``conf/language``) as Lightning dataloaders.

Each language's folder holds Prompt2Sign splits in the run's pose layout (``skeleton``), either on disk
(``source=prompt2sign``: the language's ``root``, stored as the layout's ``storage`` says, with the language's
``storage.<layout>`` overrides) or generated once by the built-in synthetic corpus (``source=synthetic``).
Splits are packed into HDF5 caches, tokenizers are trained once on all languages' training text and saved
next to the caches, and ``info`` tells the model what it needs. ``batch_size`` is global: each of the trainer's
ranks gets ``batch_size / world_size`` (the trainer runs with ``use_distributed_sampler=False``).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import torch
from lightning.pytorch import LightningDataModule
from omegaconf import DictConfig, OmegaConf
from torch.utils.data import DataLoader

from signllm.cli import ConfigError
from signllm.data.cache import PackedSplit, ensure_packed
from signllm.data.dataset import SignDataset, collate
from signllm.data.sampler import LengthBucketBatchSampler
from signllm.data.tokenizer import Tokenizers
from signllm.skeleton import Skeleton, Storage

SPLITS = ("train", "dev", "test")
SOURCES = ("synthetic", "prompt2sign")


@dataclass
class DataInfo:
    """What the data tells the model; ``languages`` order is the ``lang`` index of batches."""

    languages: list[str]
    tokenizers: Tokenizers
    mean_pose: np.ndarray  # (frame_size,) mean training frame, counter 0
    mean_length: float
    max_length: int
    fps: dict[str, float]
    storage: dict[str, Storage]  # how each language's files store the layout (world = stored x scale)
    skeleton: Skeleton

    def to_dict(self) -> dict:
        """JSON-safe form (checkpoints, hyperparameters)."""
        return {
            "languages": list(self.languages),
            "tokenizers": self.tokenizers.to_json(),
            "mean_pose": [float(value) for value in self.mean_pose],
            "mean_length": float(self.mean_length),
            "max_length": int(self.max_length),
            "fps": {code: float(fps) for code, fps in self.fps.items()},
            "storage": {code: asdict(storage) for code, storage in self.storage.items()},
            "skeleton": self.skeleton.to_dict(),
        }

    @classmethod
    def from_dict(cls, data: Mapping, text_encoder_path: str | None = None) -> DataInfo:
        """``text_encoder_path``: where a pretrained text encoder's folder (its tokenizer) moved, if it did."""
        return cls(
            languages=list(data["languages"]),
            tokenizers=Tokenizers.from_json(data["tokenizers"], text_encoder_path),
            mean_pose=np.asarray(data["mean_pose"], dtype=np.float32),
            mean_length=float(data["mean_length"]),
            max_length=int(data["max_length"]),
            fps=dict(data["fps"]),
            storage={code: Storage(**storage) for code, storage in data["storage"].items()},
            skeleton=Skeleton.from_dict(data["skeleton"]),
        )


class SignDataModule(LightningDataModule):
    """Train/dev/test dataloaders over ``languages`` (code -> spec of ``conf/language/<code>.yaml``)."""

    # a replacement for the train batch sampler, called like LengthBucketBatchSampler (set by the PLC)
    train_batch_sampler = None

    def __init__(
        self,
        languages: Mapping[str, Mapping],
        skeleton: Skeleton | Mapping,
        source: str = "synthetic",
        synthetic_root: str | None = None,
        synthetic: Mapping | None = None,
        cache_dir: str = "data/cache",
        batch_size: int = 16,
        num_workers: int = 0,
        input: str = "text",
        prompt_rate: float = 0.5,
        max_frames: int | None = None,
        vocab_size: int = 2000,
        tokenizers: str | None = None,
        seed: int = 0,
        text_encoder: Mapping | None = None,
    ):
        super().__init__()
        if isinstance(languages, DictConfig):
            languages = OmegaConf.to_container(languages, resolve=True)
        if not languages:
            raise ConfigError("data.languages: select at least one language, e.g. language=asl")
        if source not in SOURCES:
            raise ConfigError(f"data.source must be one of {SOURCES}, got {source!r}")
        if source == "synthetic" and not synthetic_root:
            raise ConfigError("data.synthetic_root: required with source=synthetic")
        self.specs = {code: dict(spec) for code, spec in languages.items()}
        self.skeleton = skeleton if isinstance(skeleton, Skeleton) else Skeleton(skeleton)
        self.source, self.synthetic_root = source, synthetic_root
        self.synthetic = dict(synthetic or {})
        self.cache_dir, self.tokenizers_path = Path(cache_dir), tokenizers
        self.batch_size, self.num_workers = batch_size, num_workers
        self.input, self.prompt_rate, self.max_frames = input, prompt_rate, max_frames
        self.vocab_size, self.seed = vocab_size, seed
        self.text_encoder = text_encoder  # the model's text_encoder config: which tokenizer reads the text
        self._datasets: dict[str, SignDataset] = {}
        self._caches: dict[str, dict[str, Path]] | None = None  # once per process: hashing sources and caches costs
        self._info: DataInfo | None = None

    @property
    def languages(self) -> list[str]:
        return list(self.specs)

    def storage_of(self, code: str) -> Storage:
        """How language ``code``'s files store the layout (the synthetic corpus: the layout's defaults)."""
        if self.source == "synthetic":
            return self.skeleton.storage
        return self.skeleton.storage_for((self.specs[code].get("storage") or {}).get(self.skeleton.name))

    def folders(self) -> dict[str, Path]:
        """Each language's folder of Prompt2Sign splits (generating the synthetic corpus if needed)."""
        if self.source == "synthetic":
            from signllm.data.synthetic import corpus_folder, ensure_corpus

            # one folder per layout and corpus setting: runs with other settings never rewrite these files
            root = corpus_folder(self.synthetic_root, self.skeleton.name, **self.synthetic)
            folders = ensure_corpus(root, self.languages, self.skeleton, **self.synthetic)
            return {code: Path(folders[code]) for code in self.languages}
        for code, spec in self.specs.items():
            if not spec.get("root"):
                raise ConfigError(f"language.{code}.root: required with data.source=prompt2sign")
        return {code: Path(spec["root"]) for code, spec in self.specs.items()}

    def _packed(self) -> dict[str, dict[str, Path]]:
        """split -> language -> packed cache path (packing what is missing or stale), checked once per process
        (``prepare_data`` and ``setup`` both need them)."""
        if self._caches is None:
            folders = self.folders()
            self._caches = {
                split: {
                    code: ensure_packed(
                        folder, split, self.cache_dir, f"{self.source}-{code}", self.skeleton, self.storage_of(code)
                    )
                    for code, folder in folders.items()
                }
                for split in SPLITS
            }
        return self._caches

    def prepare_data(self) -> None:
        """Generate/pack/train once (Lightning calls this on one process per node)."""
        self._tokenizers(self._packed()["train"])

    def _tokenizers(self, train: Mapping[str, Path]) -> Tokenizers:
        """Ours, with the text side that ``text_encoder`` selects (a pretrained model's own tokenizer)."""
        from signllm.text_encoders.kinds import text_model

        return text_model(self.text_encoder).tokenizers(self._own_tokenizers(train), self.specs)

    def _own_tokenizers(self, train: Mapping[str, Path]) -> Tokenizers:
        """The given tokenizers (``data.tokenizers``: a JSON file, or a checkpoint whose tokenizers to reuse)
        with markers added for the data's languages they lack; else those trained on these caches, once."""
        if self.tokenizers_path:
            path = Path(self.tokenizers_path)
            if path.suffix == ".ckpt":  # memory-mapped: the weights are not read
                checkpoint = torch.load(path, map_location="cpu", weights_only=True, mmap=True)
                given = DataInfo.from_dict(checkpoint["data_info"], (self.text_encoder or {}).get("path")).tokenizers
            else:
                given = Tokenizers.load(path)
            return given.with_languages(self.languages)
        key = json.dumps([self.vocab_size, {c: (p.name, self.specs[c].get("prompts")) for c, p in train.items()}])
        path = self.cache_dir / f"tokenizers.{hashlib.sha1(key.encode()).hexdigest()[:16]}.json"
        if not path.is_file():
            texts, glosses = [], []
            for code, cache in train.items():
                split, prompts = PackedSplit(cache), self.specs[code].get("prompts") or ["{text}"]
                texts += split.texts
                texts += [prompts[i % len(prompts)].replace("{text}", text) for i, text in enumerate(split.texts)]
                glosses += split.glosses or split.texts
            Tokenizers.train(texts, glosses, self.languages, self.vocab_size).save(path)
        return Tokenizers.load(path)

    def setup(self, stage: str | None = None) -> None:
        if self._info is not None:
            return
        packed = self._packed()
        tokenizers = self._tokenizers(packed["train"])
        prompts = {code: spec.get("prompts") or [] for code, spec in self.specs.items()}
        for split, caches in packed.items():
            self._datasets[split] = SignDataset(
                {code: PackedSplit(path) for code, path in caches.items()},
                self.skeleton,
                tokenizers,
                self.languages,
                prompts,
                input=self.input,
                prompt_rate=self.prompt_rate,
                seed=self.seed,
                max_frames=self.max_frames if split == "train" else None,
            )
        train = self._datasets["train"]
        if len(train) == 0:
            raise ConfigError(f"no training clips (data.max_frames={self.max_frames}, languages {self.languages})")
        splits = train.splits.values()
        mean_pose = sum(split.frame_sum for split in splits) / sum(int(split.lengths.sum()) for split in splits)
        mean_pose[-1] = 0.0  # the counter
        self._info = DataInfo(
            languages=self.languages,
            tokenizers=tokenizers,
            mean_pose=mean_pose.astype(np.float32),
            mean_length=float(train.lengths.mean()),
            max_length=int(train.lengths.max()),
            fps={code: float(spec["fps"]) for code, spec in self.specs.items()},
            storage={code: self.storage_of(code) for code in self.specs},
            skeleton=self.skeleton,
        )

    @property
    def info(self) -> DataInfo:
        if self._info is None:
            raise RuntimeError("SignDataModule.info is available after setup()")
        return self._info

    def dataset(self, split: str) -> SignDataset:
        """The dataset of ``split`` (train, dev or test), e.g. for evaluation code to iterate."""
        if split not in SPLITS:
            raise ValueError(f"unknown split {split!r}; expected one of {SPLITS}")
        self.setup()
        return self._datasets[split]

    def _replicas(self) -> tuple[int, int]:
        """(world size, global rank) of the attached trainer, or (1, 0) standalone."""
        return (self.trainer.world_size, self.trainer.global_rank) if self.trainer is not None else (1, 0)

    def _loader(self, split: str, shuffle: bool) -> DataLoader:
        world_size, rank = self._replicas()
        if self.batch_size % world_size:
            raise ConfigError(f"data.batch_size={self.batch_size} (global) is not divisible by world size {world_size}")
        dataset = self.dataset(split)
        per_rank = self.batch_size // world_size
        common = dict(num_replicas=world_size, rank=rank, seed=self.seed, on_epoch=dataset.set_epoch if shuffle else None)
        if shuffle and self.train_batch_sampler is not None:
            sampler = self.train_batch_sampler(dataset.lengths, per_rank, **common)
        else:
            sampler = LengthBucketBatchSampler(dataset.lengths, per_rank, shuffle=shuffle, **common)
        return DataLoader(dataset, batch_sampler=sampler, collate_fn=collate, num_workers=self.num_workers)

    def train_dataloader(self) -> DataLoader:
        return self._loader("train", shuffle=True)

    def val_dataloader(self) -> DataLoader:
        return self._loader("dev", shuffle=False)

    def test_dataloader(self) -> DataLoader:
        return self._loader("test", shuffle=False)
