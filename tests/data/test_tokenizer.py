"""Tokenizers: every spoken language round-trips with no unknown tokens; LangGloss markers."""

import pytest

from signllm.data.tokenizer import BOS, EOS, PAD, UNK, Tokenizers

from .corpus import LANGUAGES, SENTENCES

UNSEEN = {  # sentences the tokenizer was not trained on, incl. characters absent from the corpus
    "asl": "Zebras jump quickly over 42 boxes!",
    "gsl": "Größere Übungen fördern Äpfel",
    "dsgs": "Chuchichäschtli",
    "lsf_ch": "Œuvre d'art à Neuchâtel, naïve façon",
    "lis_ch": "Perché è già lì?",
    "lsa": "Pingüino señala ¡ñandú!",
    "ksl": "훈민정음은 세종대왕이 만들었습니다 🙂",
    "tsl": "IĞDIR ılık, ŞİŞLİ güzel; Çağrı öğün",
}


@pytest.fixture(scope="module")
def tokenizers():
    texts = [s for lang in LANGUAGES for s in SENTENCES[lang]]
    return Tokenizers.train(texts, [s.upper() for s in texts], LANGUAGES, vocab_size=1000)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_text_round_trips_without_unknowns(tokenizers, lang):
    for sentence in SENTENCES[lang] + [UNSEEN[lang], "  spaced  <asl> out "]:
        ids = tokenizers.encode_text(sentence, lang)
        assert ids[0] == BOS and ids[1] == tokenizers.text.marker_id(lang) and ids[-1] == EOS
        assert UNK not in ids and PAD not in ids
        assert tokenizers.decode_text(ids) == sentence


def test_training_merges_frequent_text(tokenizers):
    sentence = SENTENCES["ksl"][0]
    assert len(tokenizers.encode_text(sentence)) < len(sentence.encode()) // 2


def test_langgloss_marks_every_word(tokenizers):
    ids = tokenizers.encode_langgloss("MORGEN REGNET UNBEKANNT", "gsl")
    marker = tokenizers.gloss.marker_id("gsl")
    assert ids[0] == BOS and ids[-1] == EOS and ids[1:-1:2] == [marker] * 3
    assert ids[-2] == UNK and ids[2] != UNK
    assert tokenizers.decode_langgloss(ids + [PAD, PAD]) == ("gsl", ["MORGEN", "REGNET", "<unk>"])
    assert len({tokenizers.gloss.marker_id(lang) for lang in LANGUAGES}) == len(LANGUAGES)


def test_save_and_load_give_the_same_ids(tokenizers, tmp_path):
    tokenizers.save(tmp_path / "tok.json")
    loaded = Tokenizers.load(tmp_path / "tok.json")
    assert loaded.languages == list(LANGUAGES)
    for lang in LANGUAGES:
        sentence = UNSEEN[lang]
        assert loaded.encode_text(sentence, lang) == tokenizers.encode_text(sentence, lang)
        assert loaded.encode_langgloss(sentence, lang) == tokenizers.encode_langgloss(sentence, lang)
    assert len(loaded.text) == len(tokenizers.text) and len(loaded.gloss) == len(tokenizers.gloss)


def test_new_language_markers_keep_every_existing_id():
    texts = SENTENCES["asl"]
    old = Tokenizers.train(texts, [s.upper() for s in texts], ["asl"], vocab_size=300)
    grown = Tokenizers.from_json(old.with_languages(["asl", "gsl"]).to_json())
    assert grown.languages == ["asl", "gsl"] and grown.extends(old) and not old.extends(grown)
    assert old.with_languages(["asl"]) is old
    sentence = SENTENCES["asl"][0]
    assert grown.encode_text(sentence, "asl") == old.encode_text(sentence, "asl")
    assert grown.text.marker_id("gsl") == len(old.text)
    assert grown.encode_langgloss("HAUS", "gsl")[1] == grown.gloss.marker_id("gsl") == len(old.gloss)
    assert grown.decode_text(grown.encode_text(SENTENCES["gsl"][0], "gsl")) == SENTENCES["gsl"][0]
