"""Sentences: word orders of text and gloss, function words, languages' spelling, questions and negation."""

import dataclasses

import numpy as np
import pytest

from signllm.data.synthetic.grammar import Sentence, noun_phrase, sample_sentence
from signllm.data.synthetic.lexicon import LANGUAGES, LEXICONS


def _sentences(code, count=200):
    rng = np.random.default_rng(0)
    return [sample_sentence(LEXICONS[code], rng) for _ in range(count)]


def _statements(code, count=200):
    return [dataclasses.replace(s, question=False, negated=False) for s in _sentences(code, count)]


@pytest.mark.parametrize("code", LANGUAGES)
def test_two_to_five_signs_all_in_the_lexicon(code):
    lexicon = LEXICONS[code]
    glosses = {lexicon.gloss(word) for word in lexicon.words}
    for sentence in _sentences(code):
        assert 2 <= len(sentence.signs) <= 5
        assert set(sentence.gloss.split()) <= glosses


@pytest.mark.parametrize("code", ["asl", "ksl", "tsl"])
def test_text_and_gloss_orders_differ_for_some_sentences(code):
    differ = 0
    for sentence in _statements(code):
        upper = LEXICONS[code].upper
        tokens = upper(sentence.text).rstrip(".").split()
        nouns_and_words = [upper(word.surface.split()[-1]) for word in sentence.signs]
        positions = [next(i for i, token in enumerate(tokens) if token.startswith(word)) for word in nouns_and_words]
        differ += positions != sorted(positions)
    assert 0.2 < differ / 200 < 1


def test_gloss_drops_function_words_and_puts_time_first_verb_last():
    lexicon = LEXICONS["asl"]
    for sentence in _statements("asl"):
        assert "THE" not in sentence.gloss.split() and " the " not in f" {sentence.gloss} "
        assert sentence.signs[-1] == sentence.verb
        if sentence.time:
            assert sentence.signs[0] == sentence.time and sentence.text.endswith(f"{sentence.time.surface}.")
    assert len({lexicon.gloss(word) for word in lexicon.words}) >= 40


def test_languages_inflect_their_noun_phrases():
    de, fr, ko = (LEXICONS[code] for code in ("gsl", "lsf_ch", "ksl"))
    apfel, rot = de.objects[0], next(w for w in de.adjectives if w.lemma == "rot")
    assert noun_phrase("de", apfel, rot, "object") == "den roten Apfel"
    assert noun_phrase("de", apfel, rot, "subject") == "der rote Apfel"
    pomme, vert = fr.objects[0], next(w for w in fr.adjectives if w.lemma == "vert")
    assert noun_phrase("fr", pomme, vert, "object") == "la pomme verte"
    teacher, apple = ko.subjects[0], ko.objects[0]
    assert Sentence(ko, teacher, ko.transitive[0], apple).text == "선생님이 사과를 사요."


def test_swiss_german_spelling_and_turkish_gloss_case():
    assert "gross" in {word.surface for word in LEXICONS["dsgs"].adjectives}
    assert "groß" in {word.surface for word in LEXICONS["gsl"].adjectives}
    tsl = LEXICONS["tsl"]
    good = next(w for w in tsl.adjectives if w.lemma == "iyi")
    assert tsl.gloss(good) == "İYİ"
    assert Sentence(tsl, tsl.subjects[0], tsl.intransitive[0], subject_adjective=good).text == "İyi öğretmen uyur."


QUESTION_AND_NEGATION = {  # one sentence in all four forms per spoken language
    "asl": ("The dog sleeps.", "Does the dog sleep?", "The dog does not sleep.", "Does the dog not sleep?"),
    "gsl": ("Der Hund schläft.", "Schläft der Hund?", "Der Hund schläft nicht.", "Schläft der Hund nicht?"),
    "lsf_ch": (
        "Le chien dort.", "Est-ce que le chien dort ?", "Le chien ne dort pas.", "Est-ce que le chien ne dort pas ?"
    ),
    "lis_ch": ("Il cane dorme.", "Il cane dorme?", "Il cane non dorme.", "Il cane non dorme?"),
    "lsa": ("El perro duerme.", "¿El perro duerme?", "El perro no duerme.", "¿El perro no duerme?"),
    "ksl": ("개가 자요.", "개가 자요?", "개가 자지 않아요.", "개가 자지 않아요?"),
    "tsl": ("Köpek uyur.", "Köpek uyur mu?", "Köpek uyumaz.", "Köpek uyumaz mı?"),
}


@pytest.mark.parametrize("code", list(QUESTION_AND_NEGATION))
def test_questions_and_negation_in_each_language_with_the_same_gloss(code):
    lexicon = LEXICONS[code]
    dog, sleep = lexicon.subjects[6], lexicon.intransitive[0]
    forms = [Sentence(lexicon, dog, sleep, question=q, negated=n) for n in (False, True) for q in (False, True)]
    assert tuple(sentence.text for sentence in forms) == QUESTION_AND_NEGATION[code]
    assert len({sentence.gloss for sentence in forms}) == 1  # carried by the face, not by a manual sign


def test_french_elision_and_turkish_vowel_harmony():
    fr, tr = LEXICONS["lsf_ch"], LEXICONS["tsl"]
    love = next(w for w in fr.transitive if w.lemma == "aimer")
    assert Sentence(fr, fr.subjects[0], love, fr.objects[0], negated=True).text == "Le professeur n'aime pas la pomme."
    verbs = {w.lemma: w for w in tr.transitive}
    forms = (("görmek", False), ("istemek", False), ("almak", True), ("getirmek", True))
    texts = [Sentence(tr, tr.subjects[0], verbs[v], tr.objects[0], negated=n, question=True).text for v, n in forms]
    assert texts == [f"Öğretmen elma {verb}?" for verb in ("görür mü", "ister mi", "almaz mı", "getirmez mi")]


@pytest.mark.parametrize("code", LANGUAGES)
def test_questions_and_negations_are_sampled(code):
    sentences = _sentences(code, 400)
    questions = np.mean([s.question for s in sentences])
    negations = np.mean([s.negated for s in sentences])
    assert 0.18 < questions < 0.32 and 0.18 < negations < 0.32
    assert all(s.text.endswith("?") == s.question for s in sentences)
    for s in sentences:
        assert s.signs[s.predicate] is (s.object or s.verb)
