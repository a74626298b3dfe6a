"""A pretrained model's own tokenizer as the text tokenizer: same interface as ``signllm.data.tokenizer.TextTokenizer``.

Each sign language reads its text with the spoken-language code the model expects (``codes``: sign language
-> code, e.g. ``asl -> en_XX`` for mBART-50, taken from ``conf/language/*.yaml``'s ``lm_codes``), placed where
the tokenizer itself places it: the frame (prefix, suffix) of every language is read once from the tokenizer
with its ``src_lang`` / ``tgt_lang`` set, so no family is special-cased here. A marker token per sign language
(``<asl>`` ...) is appended to the vocabulary; the input of a sign language is ``prefix <asl> text suffix``.
The back-translator's decoder starts from ``decoder_prefix``: the decoder start token, then the target
language code (or the marker, for models without codes).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from signllm.data.tokenizer import marker
from signllm.models.components.pretrained_folder import ModelFolder, TextEncoderError

PROBE = "a"  # any text: its tokens show where the tokenizer puts its special tokens


def _frame(with_specials: list[int], without: list[int]) -> tuple[list[int], list[int]]:
    """(prefix, suffix) the tokenizer puts around ``without`` to make ``with_specials``."""
    for start in range(len(with_specials) - len(without) + 1):
        if with_specials[start : start + len(without)] == without:
            return with_specials[:start], with_specials[start + len(without) :]
    raise TextEncoderError(f"cannot find the text inside the tokenizer's framed ids {with_specials}")


class PretrainedTextTokenizer:
    def __init__(self, folder: ModelFolder, languages: Sequence[str], codes: Mapping[str, str | None]):
        self.folder, self.languages = folder, list(languages)
        self.codes = {lang: codes.get(lang) for lang in self.languages}
        self.hf = folder.tokenizer()
        self.base_vocab = len(self.hf)
        self._frames, self._targets = self._read_frames()
        from tokenizers import AddedToken

        self.hf.add_tokens([AddedToken(marker(lang), special=True, normalized=False) for lang in self.languages], special_tokens=True)
        if len(self.hf) != self.base_vocab + len(self.languages):
            raise TextEncoderError(f"text_encoder.path={folder.path}: its tokenizer already has a marker token {self.languages}")
        start = folder.config.get("decoder_start_token_id")
        self.decoder_start = next((i for i in (start, self.hf.bos_token_id, self.hf.eos_token_id) if i is not None), 0)
        self.pad_id = self.hf.pad_token_id if self.hf.pad_token_id is not None else 0
        self.eos_id = self.hf.eos_token_id

    @property
    def identity(self):
        return self.folder.identity

    def _read_frames(self) -> tuple[dict, dict]:
        """Per language: the (prefix, suffix) of its text, and the code tokens that open its decoder targets."""
        plain = self.hf(PROBE, add_special_tokens=False)["input_ids"]
        default = _frame(self.hf(PROBE)["input_ids"], plain)
        frames, targets = {None: default}, {}
        used = {lang: code for lang, code in self.codes.items() if code is not None}
        if used and not hasattr(self.hf, "src_lang"):
            raise TextEncoderError(
                f"text_encoder.language_codes is set, but the tokenizer at text_encoder.path={self.folder.path} "
                f"({type(self.hf).__name__}) takes no language code: set text_encoder.language_codes=null"
            )
        source = getattr(self.hf, "src_lang", None)
        for lang, code in used.items():
            try:
                self.hf.src_lang, self.hf.tgt_lang = code, code
                frames[lang] = _frame(self.hf(PROBE)["input_ids"], plain)
                targets[lang] = _frame(self.hf(text_target=PROBE)["input_ids"], plain)[0]
                known = self.hf.unk_token_id not in [*frames[lang][0], *frames[lang][1], *targets[lang]]
            except (KeyError, ValueError, TypeError):
                known = False
            if not known:
                raise TextEncoderError(
                    f"language.{lang}.lm_codes: the tokenizer at text_encoder.path={self.folder.path} does not know "
                    f"the code {code!r}"
                )
        if used:
            self.hf.src_lang = source
        return frames, targets

    def __len__(self) -> int:
        return len(self.hf)

    def marker_id(self, lang: str) -> int:
        if lang not in self.languages:
            raise KeyError(f"no marker token for language {lang!r} in the text tokenizer")
        return self.base_vocab + self.languages.index(lang)

    def _body(self, text: str) -> list[int]:
        return self.hf(text, add_special_tokens=False, split_special_tokens=True)["input_ids"]

    def encode(self, text: str, lang: str | None = None, marker: bool = True) -> list[int]:
        """``prefix [<lang>] tokens suffix``: the frame of ``lang``'s spoken language; the marker when asked."""
        prefix, suffix = self._frames.get(lang, self._frames[None])
        return prefix + ([self.marker_id(lang)] if lang is not None and marker else []) + self._body(text) + suffix

    def decode(self, ids: Iterable[int]) -> str:
        return self.hf.decode([int(i) for i in ids], skip_special_tokens=True)

    def decoder_prefix(self, lang: str) -> list[int]:
        """The given start of a decoded sentence: the decoder start token, then the language code (or marker)."""
        return [self.decoder_start] + self._targets.get(lang, [self.marker_id(lang)])

    def target(self, text: str, lang: str) -> list[int]:
        """``decoder_prefix(lang) tokens <eos>``: a back-translation target."""
        return self.decoder_prefix(lang) + self._body(text) + [self.eos_id]

    def with_markers(self, languages: Sequence[str]) -> PretrainedTextTokenizer:
        """This tokenizer with markers for ``languages`` appended (no code for them until the data gives one)."""
        return PretrainedTextTokenizer(self.folder, self.languages + list(languages), self.codes)

    def extends(self, other) -> bool:
        return (
            isinstance(other, PretrainedTextTokenizer)
            and other.identity == self.identity
            and self.languages[: len(other.languages)] == other.languages
        )

    def to_state(self) -> dict:
        return {
            "pretrained": {
                "path": str(self.folder.path),
                "identity": self.identity.to_dict(),
                "languages": self.languages,
                "codes": self.codes,
            }
        }

    @classmethod
    def from_state(cls, state: Mapping, path: str | None = None) -> PretrainedTextTokenizer:
        """The tokenizer of ``to_state``, from its folder (or ``path``, where the folder moved)."""
        state = state["pretrained"]
        folder = ModelFolder(path or state["path"], expected=state["identity"])
        return cls(folder, state["languages"], state["codes"])
