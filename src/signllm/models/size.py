"""Model size (the ``size`` config group): widths and depths shared by every component of a mode."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields

from signllm.cli import ConfigError

REFERENCE_VOCAB = 8000  # text tokens at which conf/size/*.yaml hit their named parameter counts


@dataclass(frozen=True)
class Size:
    d_model: int
    heads: int
    ff: int
    encoder_layers: int
    decoder_layers: int
    gloss_layers: int = 1  # Prompt2LangGloss: LangGloss head and LangGloss encoder depth
    dropout: float = 0.1
    name: str = "custom"

    @classmethod
    def from_config(cls, config: Mapping | None) -> Size:
        config = dict(config or {})
        names = [f.name for f in fields(cls)]
        if unknown := sorted(set(config) - set(names)):
            raise ConfigError(f"unknown size key(s) {unknown}; expected some of {names}")
        if missing := [name for name in names[:5] if name not in config]:
            raise ConfigError(f"size.{missing[0]} is missing (choose size=tiny|base|large|super or set {missing})")
        return cls(**config)

    def block(self, layers: int) -> dict:
        """Keyword arguments of one transformer stack of this size with ``layers`` layers."""
        return dict(d_model=self.d_model, heads=self.heads, ff=self.ff, layers=layers, dropout=self.dropout)
