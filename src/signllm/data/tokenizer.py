"""Tokenizers for every spoken language and the LangGloss vocabulary, saved with data and checkpoints.

Text uses byte-level BPE trained on the corpus text and prompts: every byte is in the vocabulary, so no
sentence (Korean, Turkish, emoji ...) ever becomes ``<unk>`` and decoding gives the sentence back.
Glosses use a word vocabulary plus one marker per sign language (``<asl>`` ...), which LangGloss writes
before every gloss word. Both share the special ids ``<pad>``=0, ``<bos>``, ``<eos>``, ``<unk>``. With a pretrained text encoder
(``text_encoder=pretrained``) the model's own tokenizer stands in for the text one
(``signllm.text_encoders.tokenizer.PretrainedTextTokenizer``, same interface, its own special ids).
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path

from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers

from signllm.utils import atomic_output

SPECIALS = ("<pad>", "<bos>", "<eos>", "<unk>")
PAD, BOS, EOS, UNK = range(len(SPECIALS))


def marker(lang: str) -> str:
    """The marker token of a sign language, e.g. ``<asl>``."""
    return f"<{lang}>"


class TextTokenizer:
    """Byte-level BPE over spoken-language text, with a marker token per sign language."""

    def __init__(self, tokenizer: Tokenizer):
        tokenizer.encode_special_tokens = True  # a literal "<asl>" in a sentence stays text
        self.tokenizer = tokenizer

    @classmethod
    def train(cls, texts: Iterable[str], languages: Sequence[str], vocab_size: int) -> TextTokenizer:
        tokenizer = Tokenizer(models.BPE())
        tokenizer.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
        tokenizer.decoder = decoders.ByteLevel()
        trainer = trainers.BpeTrainer(
            vocab_size=vocab_size,
            special_tokens=list(SPECIALS) + [marker(lang) for lang in languages],
            initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
            show_progress=False,
        )
        tokenizer.train_from_iterator(texts, trainer)
        return cls(tokenizer)

    def __len__(self) -> int:
        return self.tokenizer.get_vocab_size()

    def marker_id(self, lang: str) -> int:
        token = self.tokenizer.token_to_id(marker(lang))
        if token is None:
            raise KeyError(f"no marker token for language {lang!r} in the text tokenizer")
        return token

    def encode(self, text: str, lang: str | None = None, marker: bool = True) -> list[int]:
        """``<bos> [<lang>] tokens <eos>``; the marker is added when ``lang`` is given and ``marker`` is true."""
        prefix = [BOS] + ([self.marker_id(lang)] if lang is not None and marker else [])
        return prefix + self.tokenizer.encode(text, add_special_tokens=False).ids + [EOS]

    def decode(self, ids: Iterable[int]) -> str:
        """The text of ``ids``, dropping special and marker tokens."""
        return self.tokenizer.decode(list(ids), skip_special_tokens=True)

    # what the back-translator's decoder needs of any text tokenizer (see signllm.text_encoders.tokenizer)
    pad_id, eos_id = PAD, EOS

    def decoder_prefix(self, lang: str) -> list[int]:
        """The given start of a decoded sentence: ``<bos> <lang>``."""
        return [BOS, self.marker_id(lang)]

    def target(self, text: str, lang: str) -> list[int]:
        """``<bos> <lang> tokens <eos>``: a back-translation target."""
        return self.encode(text, lang)

    def with_markers(self, languages: Sequence[str]) -> TextTokenizer:
        """This tokenizer with a marker for each of ``languages`` appended (every existing id kept)."""
        tokenizer = Tokenizer.from_str(self.tokenizer.to_str())
        tokenizer.add_special_tokens([marker(lang) for lang in languages])
        return TextTokenizer(tokenizer)

    def extends(self, other) -> bool:
        """Whether every token of ``other`` has the same id here."""
        vocab = self.tokenizer.get_vocab()
        return isinstance(other, TextTokenizer) and all(
            vocab.get(token) == index for token, index in other.tokenizer.get_vocab().items()
        )

    def to_state(self) -> str:
        return self.tokenizer.to_str()


class GlossVocab:
    """Word vocabulary of glosses (or text words where a corpus has no gloss) plus language markers."""

    def __init__(self, tokens: Sequence[str], languages: Sequence[str]):
        self.tokens = list(tokens)
        self.ids = {token: index for index, token in enumerate(self.tokens)}
        if tuple(self.tokens[: len(SPECIALS)]) != SPECIALS:
            raise ValueError(f"gloss vocabulary must start with {SPECIALS}")
        self.markers = {self.ids[marker(lang)]: lang for lang in languages}  # marker id -> language

    @classmethod
    def build(cls, glosses: Iterable[str], languages: Sequence[str]) -> GlossVocab:
        counts = Counter(word for gloss in glosses for word in gloss.split())
        words = sorted(counts, key=lambda word: (-counts[word], word))
        markers = [marker(lang) for lang in languages]
        return cls(list(SPECIALS) + markers + [word for word in words if word not in markers], languages)

    def __len__(self) -> int:
        return len(self.tokens)

    def marker_id(self, lang: str) -> int:
        return self.ids[marker(lang)]

    def encode(self, gloss: str, lang: str) -> list[int]:
        """LangGloss ``<bos> <lang> W1 <lang> W2 ... <eos>`` of a gloss (or text) string."""
        tag = self.marker_id(lang)
        ids = [BOS]
        for word in gloss.split():
            ids += [tag, self.ids.get(word, UNK)]
        return ids + [EOS]

    def decode(self, ids: Iterable[int]) -> tuple[str | None, list[str]]:
        """(most frequent language marker or None, the gloss words), stopping at ``<eos>``."""
        langs: Counter[str] = Counter()
        words = []
        for token in ids:
            if token == EOS:
                break
            if token in self.markers:
                langs[self.markers[token]] += 1
            elif token not in (PAD, BOS):
                words.append(self.tokens[token])
        return (langs.most_common(1)[0][0] if langs else None), words


class Tokenizers:
    """The text tokenizer and the gloss vocabulary, trained together and saved together."""

    def __init__(self, text: TextTokenizer, gloss: GlossVocab):
        self.text, self.gloss = text, gloss

    @property
    def languages(self) -> list[str]:
        """Sign languages with a marker token, in marker order."""
        return list(self.gloss.markers.values())

    @classmethod
    def train(
        cls, texts: Iterable[str], glosses: Iterable[str], languages: Sequence[str], vocab_size: int = 8000
    ) -> Tokenizers:
        """Train on all languages' texts (prompt-wrapped ones included) and their glosses."""
        return cls(TextTokenizer.train(texts, languages, vocab_size), GlossVocab.build(glosses, languages))

    def with_languages(self, languages: Sequence[str]) -> Tokenizers:
        """These tokenizers plus a marker for each language they lack, appended, so that every existing id
        keeps its meaning (a checkpoint's language groups still read their inputs the same way)."""
        added = [lang for lang in languages if lang not in self.languages]
        if not added:
            return self
        gloss = GlossVocab(self.gloss.tokens + [marker(lang) for lang in added], self.languages + added)
        return Tokenizers(self.text.with_markers(added), gloss)

    def extends(self, other: Tokenizers) -> bool:
        """Whether every token of ``other`` has the same id here."""
        return self.text.extends(other.text) and self.gloss.tokens[: len(other.gloss)] == other.gloss.tokens

    def encode_text(self, text: str, lang: str | None = None, marker: bool = True) -> list[int]:
        return self.text.encode(text, lang, marker)

    def decode_text(self, ids: Iterable[int]) -> str:
        return self.text.decode(ids)

    def encode_langgloss(self, gloss_or_text: str, lang: str) -> list[int]:
        return self.gloss.encode(gloss_or_text, lang)

    def decode_langgloss(self, ids: Iterable[int]) -> tuple[str | None, list[str]]:
        return self.gloss.decode(ids)

    def to_json(self) -> str:
        return json.dumps(
            {"languages": self.languages, "text": self.text.to_state(), "gloss": self.gloss.tokens},
            ensure_ascii=False,
        )

    @classmethod
    def from_json(cls, data: str, text_encoder_path: str | None = None) -> Tokenizers:
        """Tokenizers from ``to_json``; a pretrained model's text tokenizer is read from its folder (or from
        ``text_encoder_path``, where the folder moved)."""
        state = json.loads(data)
        if isinstance(state["text"], str):
            text = TextTokenizer(Tokenizer.from_str(state["text"]))
        else:
            from signllm.text_encoders.tokenizer import PretrainedTextTokenizer

            text = PretrainedTextTokenizer.from_state(state["text"], text_encoder_path)
        return cls(text, GlossVocab(state["gloss"], state["languages"]))

    def save(self, path: Path | str) -> None:
        with atomic_output(path) as temporary:
            temporary.write_text(self.to_json(), encoding="utf-8")

    @classmethod
    def load(cls, path: Path | str) -> Tokenizers:
        return cls.from_json(Path(path).read_text(encoding="utf-8"))
