"""Sentences: word orders of text and gloss, function words, languages' spelling."""

import numpy as np
import pytest

from signllm.data.synthetic.grammar import Sentence, noun_phrase, sample_sentence
from signllm.data.synthetic.lexicon import LANGUAGES, LEXICONS


def _sentences(code, count=200):
    rng = np.random.default_rng(0)
    return [sample_sentence(LEXICONS[code], rng) for _ in range(count)]


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
    for sentence in _sentences(code):
        upper = LEXICONS[code].upper
        tokens = upper(sentence.text).rstrip(".").split()
        nouns_and_words = [upper(word.surface.split()[-1]) for word in sentence.signs]
        positions = [next(i for i, token in enumerate(tokens) if token.startswith(word)) for word in nouns_and_words]
        differ += positions != sorted(positions)
    assert 0.2 < differ / 200 < 1


def test_gloss_drops_function_words_and_puts_time_first_verb_last():
    lexicon = LEXICONS["asl"]
    for sentence in _sentences("asl"):
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
