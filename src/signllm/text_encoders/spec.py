"""The ``text_encoder`` config group (``conf/text_encoder/*.yaml``) as a checked value.

Modules keep it (with the model folder's identity added) in their hyperparameters, so a checkpoint knows
which model its text side needs.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, fields

import torch
from omegaconf import Container, OmegaConf

from signllm.models.components.pretrained_folder import TextEncoderError
from signllm.models.components.pretrained_lm import DEFAULT_LORA, MODES

KINDS = ("scratch", "pretrained")
DTYPES = ("auto", "float32", "bfloat16")


@dataclass(frozen=True)
class TextEncoderSpec:
    kind: str = "scratch"
    path: str | None = None  # a local Hugging Face model folder
    mode: str = "frozen"  # frozen | lora | full
    language_codes: str | None = None  # which key of each language's lm_codes the tokenizer expects
    layer: int | None = None  # hidden layer read as memory; None: the final hidden states
    share: bool = True  # MLSF: one LM for all language groups (frozen LMs are always shared)
    lora: dict = field(default_factory=lambda: dict(DEFAULT_LORA))
    dtype: str = "auto"  # auto: bfloat16 on a CUDA machine unless the LM trains in full, else float32
    gradient_checkpointing: bool = False
    cache: bool = True  # frozen LMs: their memory of the corpus computed once, kept on disk
    cache_dir: str = "data/cache/text_memory"
    cache_batch_size: int = 32
    identity: dict | None = None  # the folder's identity, recorded when a module is built

    @classmethod
    def from_config(cls, config: Mapping | None) -> TextEncoderSpec:
        if isinstance(config, Container):
            config = OmegaConf.to_container(config, resolve=True)
        config = dict(config or {})
        names = [f.name for f in fields(cls)]
        if unknown := sorted(set(config) - set(names)):
            raise TextEncoderError(f"unknown text_encoder key(s) {unknown}; expected some of {names}")
        spec = cls(**config)
        for key, value, allowed in (("kind", spec.kind, KINDS), ("mode", spec.mode, MODES), ("dtype", spec.dtype, DTYPES)):
            if value not in allowed:
                raise TextEncoderError(f"text_encoder.{key} must be one of {allowed}, got {value!r}")
        if spec.kind == "pretrained" and not spec.path:
            raise TextEncoderError("text_encoder.path: required with text_encoder=pretrained (a local model folder)")
        return spec

    def to_dict(self) -> dict:
        """Plain data for hyperparameters; only the kind for ``scratch``."""
        return asdict(self) if self.kind != "scratch" else {"kind": self.kind}

    @property
    def torch_dtype(self) -> torch.dtype:
        bf16 = self.dtype == "bfloat16" or (self.dtype == "auto" and self.mode != "full" and torch.cuda.is_available())
        return torch.bfloat16 if bf16 else torch.float32

