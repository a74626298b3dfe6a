"""Sentences of the synthetic corpus: a small grammar with different word orders for text and gloss.

A sentence is a subject, a verb, an optional object, an optional adjective on one of the nouns and
an optional time expression: 2 to 5 content words. The spoken text follows the spoken
language (SVO with the time last for English, German, French, Italian and Spanish; SOV with the time
first for Korean and Turkish; adjectives before or after the noun; articles, German case, Romance
gender agreement and Korean particles). The gloss follows one sign-language order for all languages:
time first, adjectives after their noun, verb last, no function words. Verbs keep their citation or
3rd-person form: tense is carried by the time word only.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from signllm.data.synthetic.lexicon import Lexicon, Word

P_TIME, P_TRANSITIVE, P_ADJECTIVE = 0.4, 0.65, 0.5
SOV = ("ko", "tr")
ADJECTIVE_AFTER_NOUN = ("fr", "it", "es")


@dataclass(frozen=True)
class Sentence:
    """One sentence as words by role; ``text`` and ``gloss`` write it out in their orders."""

    lexicon: Lexicon
    subject: Word
    verb: Word
    object: Word | None = None
    time: Word | None = None
    subject_adjective: Word | None = None
    object_adjective: Word | None = None

    @property
    def signs(self) -> list[Word]:
        """The content words in gloss order: time, subject, its adjective, object, its adjective, verb."""
        order = (self.time, self.subject, self.subject_adjective, self.object, self.object_adjective, self.verb)
        return [word for word in order if word is not None]

    @property
    def gloss(self) -> str:
        return " ".join(self.lexicon.gloss(word) for word in self.signs)

    @property
    def text(self) -> str:
        spoken = self.lexicon.spoken
        subject = noun_phrase(spoken, self.subject, self.subject_adjective, "subject")
        obj = self.object and noun_phrase(spoken, self.object, self.object_adjective, "object")
        time = self.time and self.time.surface
        if spoken in SOV:
            words = (time, subject, obj, self.verb.surface)
        else:
            words = (subject, self.verb.surface, obj, time)
        sentence = " ".join(word for word in words if word)
        return self.lexicon.upper(sentence[0]) + sentence[1:] + "."


def sample_sentence(lexicon: Lexicon, rng: np.random.Generator) -> Sentence:
    """One random sentence of the grammar."""

    def pick(words: tuple[Word, ...], probability: float = 1.0) -> Word | None:
        return words[rng.integers(len(words))] if rng.random() < probability else None

    transitive = rng.random() < P_TRANSITIVE
    adjective = pick(lexicon.adjectives, P_ADJECTIVE)
    on_subject = not transitive or rng.random() < 0.5
    return Sentence(
        lexicon,
        subject=pick(lexicon.subjects),
        verb=pick(lexicon.transitive if transitive else lexicon.intransitive),
        object=pick(lexicon.objects) if transitive else None,
        time=pick(lexicon.times, P_TIME),
        subject_adjective=adjective if on_subject else None,
        object_adjective=None if on_subject else adjective,
    )


def noun_phrase(spoken: str, noun: Word, adjective: Word | None, role: str) -> str:
    """The written noun phrase: article, noun and adjective in the language's order and agreement."""
    *article, rest = noun.surface.rsplit(" ", 1)
    if spoken == "de" and role == "object" and article == ["der"]:
        article = ["den"]  # masculine accusative
    if spoken == "ko":
        rest += _korean_particle(rest, role)
    if adjective is None:
        return " ".join(article + [rest])
    attribute = _agree(spoken, adjective.surface, article, role)
    if spoken in ADJECTIVE_AFTER_NOUN:
        return " ".join(article + [rest, attribute])
    return " ".join(article + [attribute, rest])


def _agree(spoken: str, adjective: str, article: list[str], role: str) -> str:
    """The adjective inflected for its noun: German weak ending, Romance feminine; others unchanged."""
    if spoken == "de":
        stem = adjective.removesuffix("e")
        return stem + ("en" if article == ["den"] else "e")
    if spoken in ADJECTIVE_AFTER_NOUN and article == ["la"]:
        if spoken == "fr":
            return adjective if adjective.endswith("e") else adjective + "e"
        return adjective.removesuffix("o") + "a" if adjective.endswith("o") else adjective
    return adjective


def _korean_particle(noun: str, role: str) -> str:
    """Subject 이/가 or object 을/를, chosen by whether the last syllable ends in a consonant (batchim)."""
    closed = (ord(noun[-1]) - 0xAC00) % 28 != 0
    if role == "subject":
        return "이" if closed else "가"
    return "을" if closed else "를"
