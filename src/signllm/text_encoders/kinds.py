"""The two kinds of text side a ``text_encoder`` config selects; modules and the data ask them, never branch.

Each kind gives the data its text tokenizer (``tokenizers``), the modules new text encoders (``encoders``: one
per call, TextEncoder's interface, sharing what the settings share), the back-translator its text decoder
(``decoder``: TextDecoder's interface), the callbacks a run needs and the settings to record (``record``).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping

from torch import nn

from signllm.data.tokenizer import TextTokenizer, Tokenizers
from signllm.models.components.pretrained_folder import ModelFolder, TextEncoderError
from signllm.models.components.pretrained_lm import PretrainedLM
from signllm.models.components.pretrained_text_decoder import PretrainedTextDecoder, drop_encoder_layers
from signllm.models.components.pretrained_text_encoder import PretrainedTextEncoder, TextBackbone
from signllm.models.components.text_decoder import TextDecoder
from signllm.models.components.text_encoder import TextEncoder
from signllm.models.size import Size
from signllm.text_encoders.spec import TextEncoderSpec
from signllm.text_encoders.tokenizer import PretrainedTextTokenizer

DATA_WIRING = "the data config passes the same text_encoder (conf/data: text_encoder: ${text_encoder})"


class ScratchText:
    """Our byte-level BPE tokenizer; encoders and decoders trained from scratch."""

    def __init__(self, spec: TextEncoderSpec):
        self.spec = spec

    @property
    def record(self) -> dict:
        return self.spec.to_dict()

    def tokenizers(self, tokenizers: Tokenizers, languages: Mapping[str, Mapping]) -> Tokenizers:
        return tokenizers

    def _check(self, tokenizer) -> None:
        if not isinstance(tokenizer, TextTokenizer):
            raise TextEncoderError(f"text_encoder=scratch, but the data's text tokenizer is a pretrained model's: {DATA_WIRING}")

    def encoders(self, tokenizer, size: Size) -> Callable[[], nn.Module]:
        self._check(tokenizer)
        return lambda: TextEncoder(len(tokenizer), **size.block(size.encoder_layers))

    def decoder(self, tokenizer, size: Size) -> nn.Module:
        self._check(tokenizer)
        return TextDecoder(len(tokenizer), **size.block(size.decoder_layers))

    def callbacks(self) -> list:
        return []


class PretrainedText:
    """A pretrained LM from a local folder: its tokenizer, its encoder (half) or hidden states, its decoder."""

    def __init__(self, spec: TextEncoderSpec):
        self.folder = ModelFolder(spec.path, expected=spec.identity)
        self.spec = dataclasses.replace(spec, identity=self.folder.identity.to_dict())

    @property
    def record(self) -> dict:
        return self.spec.to_dict()

    def tokenizers(self, tokenizers: Tokenizers, languages: Mapping[str, Mapping]) -> Tokenizers:
        """The gloss vocabulary of ``tokenizers`` with this model's tokenizer for the text; the spoken-language
        codes from each language's ``lm_codes`` (those of a given checkpoint's tokenizer kept)."""
        key = self.spec.language_codes
        codes = dict(tokenizers.text.codes) if isinstance(tokenizers.text, PretrainedTextTokenizer) else {}
        for code, spec in languages.items():
            if key is not None and key not in (spec.get("lm_codes") or {}):
                raise TextEncoderError(f"language.{code}.lm_codes.{key}: missing (text_encoder.language_codes={key})")
            codes[code] = (spec.get("lm_codes") or {}).get(key) if key is not None else None
        return Tokenizers(PretrainedTextTokenizer(self.folder, tokenizers.languages, codes), tokenizers.gloss)

    def _check(self, tokenizer) -> None:
        if not isinstance(tokenizer, PretrainedTextTokenizer) or tokenizer.identity != self.folder.identity:
            source = tokenizer.identity if isinstance(tokenizer, PretrainedTextTokenizer) else "ours (scratch)"
            raise TextEncoderError(
                f"text_encoder.path={self.spec.path} holds {self.folder.identity}, but the data's text tokenizer is "
                f"{source}: {DATA_WIRING}"
            )

    def _lm(self, lm: nn.Module, embed: nn.Module, tokenizer: PretrainedTextTokenizer) -> PretrainedLM:
        spec = self.spec
        return PretrainedLM(
            lm, embed, tokenizer.base_vocab, len(tokenizer.languages), spec.mode, spec.lora, spec.gradient_checkpointing
        )

    def _backbone(self, tokenizer: PretrainedTextTokenizer) -> TextBackbone:
        model = self.folder.model("AutoModel", self.spec.torch_dtype)
        lm = model.get_encoder() if self.folder.is_encoder_decoder else model
        return TextBackbone(self._lm(lm, lm.get_input_embeddings(), tokenizer), self.spec.layer)

    def encoders(self, tokenizer, size: Size) -> Callable[[], nn.Module]:
        """Encoders sharing one backbone (``share``, or a frozen LM, whose copies would be identical) or each
        with its own."""
        self._check(tokenizer)
        shared = self._backbone(tokenizer) if self.spec.share or self.spec.mode == "frozen" else None
        return lambda: PretrainedTextEncoder(shared if shared is not None else self._backbone(tokenizer), size.d_model)

    def decoder(self, tokenizer, size: Size) -> nn.Module:
        self._check(tokenizer)
        if not self.folder.is_encoder_decoder:
            raise TextEncoderError(
                f"text_encoder.path={self.spec.path} holds a {self.folder.identity.model_type} model without a decoder: "
                "the back-translator needs an encoder-decoder model (mBART, mT5, NLLB) or text_encoder=scratch"
            )
        model = self.folder.model("AutoModelForSeq2SeqLM", self.spec.torch_dtype)
        drop_encoder_layers(model)
        return PretrainedTextDecoder(self._lm(model, model.get_decoder().get_input_embeddings(), tokenizer), size.d_model)

    def callbacks(self) -> list:
        if self.spec.mode != "frozen" or not self.spec.cache:
            return []
        from signllm.text_encoders.memory_cache import FrozenMemoryCache

        return [FrozenMemoryCache(self.spec.cache_dir, self.folder.identity, self.spec.cache_batch_size)]


KINDS = {"scratch": ScratchText, "pretrained": PretrainedText}


def text_model(config: Mapping | None) -> ScratchText | PretrainedText:
    """The kind of text side ``config`` (a ``text_encoder`` config, or None for scratch) selects."""
    spec = TextEncoderSpec.from_config(config)
    return KINDS[spec.kind](spec)


def relocated(config: Mapping | None, path: str | None) -> Mapping | None:
    """A checkpoint's ``text_encoder`` settings with the model folder moved to ``path`` (None: unchanged)."""
    if path is None:
        return config
    if TextEncoderSpec.from_config(config).kind != "pretrained":
        raise TextEncoderError(f"text_encoder.path={path}: this checkpoint's text encoder was trained from scratch")
    return {**config, "path": str(path)}
