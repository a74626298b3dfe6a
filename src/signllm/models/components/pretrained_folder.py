"""A local Hugging Face model folder (config, weights, tokenizer): what it holds, and loading from it offline.

Nothing is ever downloaded: every load passes ``local_files_only=True``. A folder's :class:`Identity` (the
model's name and type, hashes of its config and tokenizer files, and a sampled hash of its weight files)
travels in checkpoints instead of frozen weights, so a reload can refuse a missing or different folder in one
line instead of silently reading other weights.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from functools import cached_property
from pathlib import Path

from signllm.cli import UserError

WEIGHT_SUFFIXES = (".safetensors", ".bin", ".pt", ".pth", ".index.json")
TOKENIZER_FILES = (
    "tokenizer.json", "tokenizer_config.json", "special_tokens_map.json", "added_tokens.json", "vocab.json",
    "merges.txt", "sentencepiece.bpe.model", "spiece.model", "chat_template.jinja",
)
CONFIG_NOISE = ("_name_or_path", "transformers_version", "torch_dtype", "dtype")  # keys a re-save may change
SAMPLES, SAMPLE_BYTES = 8, 1 << 16  # weights: bytes read per file (whole files of big models would take minutes)
HOWTO = "fetch the model once and point text_encoder.path at its folder (README: Pretrained text encoders)"


class TextEncoderError(UserError):
    """A text-encoder folder or setting that cannot be used; ``str(error)`` is one line naming the config key."""


@dataclass(frozen=True)
class Identity:
    """What a model folder holds, by content; equal identities read the same weights and tokens (the folder's
    name only describes it)."""

    name: str = field(compare=False)
    model_type: str
    config: str
    tokenizer: str
    weights: str

    def __str__(self) -> str:
        return f"{self.name} ({self.model_type}; config {self.config}, tokenizer {self.tokenizer}, weights {self.weights})"

    def to_dict(self) -> dict:
        return asdict(self)

    @property
    def content(self) -> dict:
        """The compared part: what a cache of this model's outputs depends on."""
        return {key: value for key, value in asdict(self).items() if key != "name"}


def _sha(chunks) -> str:
    digest = hashlib.sha1()
    for chunk in chunks:
        digest.update(chunk)
    return digest.hexdigest()[:12]


def _weight_samples(path: Path) -> Iterator[bytes]:
    """Name, size and ``SAMPLES`` evenly spaced blocks of a weight file."""
    size = path.stat().st_size
    yield f"{path.name}\0{size}\0".encode()
    with open(path, "rb") as file:
        for k in range(SAMPLES):
            file.seek(k * max(size - SAMPLE_BYTES, 0) // max(SAMPLES - 1, 1))
            yield file.read(SAMPLE_BYTES)


@contextmanager
def _quiet() -> Iterator[None]:
    """transformers without its load reports and progress bars (the unused half of a model is expected)."""
    from transformers.utils import logging

    verbosity = logging.get_verbosity()
    logging.set_verbosity_error()
    logging.disable_progress_bar()
    try:
        yield
    finally:
        logging.set_verbosity(verbosity)
        logging.enable_progress_bar()


class ModelFolder:
    """A local model folder; ``expected``: the identity a checkpoint recorded, checked here."""

    def __init__(self, path: Path | str, expected: Mapping | None = None):
        self.path = Path(path).expanduser().resolve()
        wanted = f"; the checkpoint's text encoder is {Identity(**expected)}" if expected else ""
        if not (self.path / "config.json").is_file():
            reason = "no such folder" if not self.path.exists() else "no config.json there"
            raise TextEncoderError(f"text_encoder.path={path}: {reason}{wanted}; {HOWTO}")
        self.config = json.loads((self.path / "config.json").read_text(encoding="utf-8"))
        if expected and Identity(**expected) != self.identity:
            raise TextEncoderError(
                f"text_encoder.path={path} holds {self.identity}, not the {Identity(**expected)} this checkpoint "
                "was trained with: point text_encoder.path at that model's folder"
            )

    @cached_property
    def identity(self) -> Identity:
        config = {key: value for key, value in self.config.items() if key not in CONFIG_NOISE}
        files = sorted(self.path.iterdir())
        weights = [path for path in files if path.name.endswith(WEIGHT_SUFFIXES)]
        if not weights:
            raise TextEncoderError(f"text_encoder.path={self.path}: no weight files ({', '.join(WEIGHT_SUFFIXES)}); {HOWTO}")
        tokenizer = [path for path in files if path.name in TOKENIZER_FILES]
        return Identity(
            name=self.path.name,
            model_type=str(self.config.get("model_type", "unknown")),
            config=_sha([json.dumps(config, sort_keys=True).encode()]),
            tokenizer=_sha(path.name.encode() + path.read_bytes() for path in tokenizer),
            weights=_sha(block for path in weights for block in _weight_samples(path)),
        )

    @property
    def is_encoder_decoder(self) -> bool:
        return bool(self.config.get("is_encoder_decoder"))

    def tokenizer(self):
        """The folder's own tokenizer (a transformers fast tokenizer)."""
        from transformers import AutoTokenizer

        with _quiet():
            return AutoTokenizer.from_pretrained(self.path, local_files_only=True)

    def model(self, auto_class: str, dtype):
        """The folder's model through ``transformers.<auto_class>`` (AutoModel, AutoModelForSeq2SeqLM)."""
        import transformers

        with _quiet():
            return getattr(transformers, auto_class).from_pretrained(self.path, local_files_only=True, dtype=dtype)
