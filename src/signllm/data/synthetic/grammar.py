"""Sentences of the synthetic corpus: a small grammar with different word orders for text and gloss.

A sentence is a subject, a verb, an optional object, an optional adjective on one of the nouns and
an optional time expression: 2 to 5 content words. The spoken text follows the spoken
language (SVO with the time last for English, German, French, Italian and Spanish; SOV with the time
first for Korean and Turkish; adjectives before or after the noun; articles, German case, Romance
gender agreement and Korean particles). The gloss follows one sign-language order for all languages:
time first, adjectives after their noun, verb last, no function words. Verbs keep their citation or
3rd-person form: tense is carried by the time word only.

A sentence may be a yes/no question and may be negated, each written in the spoken language's own way
(English do-support, German verb first and "nicht" last, French "est-ce que" and "ne ... pas", Italian
"non", Spanish "no" and "¿...?", Korean "-지 않아요", Turkish the verb suffix -mA- and the particle mI).
In the signed sentence both are carried only by the face and head (raised brows, head shake: see
nonmanual.py), never by the hands: the gloss, which transcribes the manual signs, is the same for a
statement, its question and their negations.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from signllm.data.synthetic.lexicon import Lexicon, Word

P_TIME, P_TRANSITIVE, P_ADJECTIVE = 0.4, 0.65, 0.5
P_QUESTION, P_NEGATION = 0.25, 0.25
SOV = ("ko", "tr")
ADJECTIVE_AFTER_NOUN = ("fr", "it", "es")
NEGATION_BEFORE_VERB = {"it": "non", "es": "no"}
VOWELS = "aeiouyàâéèêëîïôûœh"  # French elision before these (h muet)
TURKISH_BACK_VOWELS = "aıou"
TURKISH_QUESTION = {"a": "mı", "ı": "mı", "o": "mu", "u": "mu", "e": "mi", "i": "mi", "ö": "mü", "ü": "mü"}


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
    question: bool = False
    negated: bool = False

    @property
    def signs(self) -> list[Word]:
        """The content words in gloss order: time, subject, its adjective, object, its adjective, verb."""
        order = (self.time, self.subject, self.subject_adjective, self.object, self.object_adjective, self.verb)
        return [word for word in order if word is not None]

    @property
    def predicate(self) -> int:
        """Index in ``signs`` of the predicate's first sign (the object, else the verb): the scope of negation."""
        return next((i for i, word in enumerate(self.signs) if word is self.object), len(self.signs) - 1)

    @property
    def gloss(self) -> str:
        """The manual signs only: questions and negation are non-manual (see the module docstring)."""
        return " ".join(self.lexicon.gloss(word) for word in self.signs)

    @property
    def text(self) -> str:
        spoken = self.lexicon.spoken
        subject = noun_phrase(spoken, self.subject, self.subject_adjective, "subject")
        obj = self.object and noun_phrase(spoken, self.object, self.object_adjective, "object")
        time = self.time and self.time.surface
        if spoken in SOV:
            words = [time, subject, obj, _final_verb(spoken, self.verb, self.negated, self.question)]
        else:
            words = _svo(spoken, subject, self.verb, obj, time, self.negated, self.question)
        sentence = " ".join(word for word in words if word)
        if self.question and spoken == "es":
            sentence = "¿" + sentence
        first = next(i for i, char in enumerate(sentence) if char.isalpha())
        sentence = sentence[:first] + self.lexicon.upper(sentence[first]) + sentence[first + 1 :]
        if not self.question:
            return sentence + "."
        return sentence + (" ?" if spoken == "fr" else "?")


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
        question=bool(rng.random() < P_QUESTION),
        negated=bool(rng.random() < P_NEGATION),
    )


def _svo(spoken: str, subject: str, verb: Word, obj: str | None, time: str | None, negated: bool, question: bool):
    """Words of an SVO clause (time last), negated and turned into a yes/no question the language's way."""
    if spoken == "en":
        if not (negated or question):
            return [subject, verb.surface, obj, time]
        if question:
            return ["does", subject, "not" if negated else None, verb.lemma, obj, time]
        return [subject, "does not", verb.lemma, obj, time]
    if spoken == "de":
        words = [verb.surface, subject] if question else [subject, verb.surface]
        return words + [obj, time, "nicht" if negated else None]
    finite = verb.surface
    if negated and spoken == "fr":
        finite = ("n'" if finite[0] in VOWELS else "ne ") + finite + " pas"
    elif negated:
        finite = f"{NEGATION_BEFORE_VERB[spoken]} {finite}"
    lead = "est-ce que" if question and spoken == "fr" else None
    if lead and subject[0] in VOWELS:
        return [f"est-ce qu'{subject}", finite, obj, time]
    return [lead, subject, finite, obj, time]


def _final_verb(spoken: str, verb: Word, negated: bool, question: bool) -> str:
    """The clause-final verb of Korean and Turkish, negated and questioned by inflection or particle."""
    if spoken == "ko":
        return verb.lemma.removesuffix("다") + "지 않아요" if negated else verb.surface
    finite = verb.surface
    if negated:  # Turkish aorist negative: the stem + -maz/-mez
        stem = verb.lemma[:-3]  # -mak/-mek
        finite = stem + ("maz" if _last_vowel(stem) in TURKISH_BACK_VOWELS else "mez")
    if question:  # the particle mı/mi/mu/mü, written apart, in vowel harmony with the verb
        finite += " " + TURKISH_QUESTION[_last_vowel(finite)]
    return finite


def _last_vowel(word: str) -> str:
    return next(char for char in reversed(word) if char in TURKISH_QUESTION)


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
