"""A family's own tokenizer as the text tokenizer: round trips in every spoken language, language codes where
the model expects them, marker tokens, checkpoint state, and one-line errors for missing or changed folders."""

import json
import shutil

import pytest

from signllm.data.tokenizer import Tokenizers
from signllm.models.components.pretrained_folder import ModelFolder, TextEncoderError
from signllm.text_encoders.tokenizer import PretrainedTextTokenizer

from ..data.corpus import SENTENCES
from .families import FAMILIES, LANGUAGE_CODES

LANGUAGES = list(SENTENCES)


def tokenizer(folders, language_specs, family) -> PretrainedTextTokenizer:
    key = LANGUAGE_CODES.get(family)
    codes = {lang: language_specs[lang]["lm_codes"][key] if key else None for lang in LANGUAGES}
    return PretrainedTextTokenizer(ModelFolder(folders[family]), LANGUAGES, codes)


@pytest.mark.parametrize("family", FAMILIES)
def test_every_spoken_language_round_trips(folders, language_specs, family):
    text = tokenizer(folders, language_specs, family)
    for lang, sentences in SENTENCES.items():
        for sentence in sentences:
            ids = text.encode(sentence, lang)
            assert text.marker_id(lang) in ids and text.hf.unk_token_id not in ids
            assert text.decode(ids) == sentence  # markers and language codes are special: dropped
            assert text.decode(text.target(sentence, lang)) == sentence
            assert text.encode(sentence, lang, marker=False) == [i for i in ids if i != text.marker_id(lang)]


def test_markers_follow_the_vocabulary_and_language_codes_frame_the_text(folders, language_specs):
    text = tokenizer(folders, language_specs, "mbart")
    assert [text.marker_id(lang) for lang in LANGUAGES] == list(range(text.base_vocab, text.base_vocab + 8))
    korean, turkish = text.encode(SENTENCES["ksl"][0], "ksl"), text.encode(SENTENCES["tsl"][0], "tsl")
    assert korean[:2] == [text.hf.convert_tokens_to_ids("ko_KR"), text.marker_id("ksl")] and korean[-1] == text.eos_id
    assert turkish[0] == text.hf.convert_tokens_to_ids("tr_TR")
    assert text.decoder_prefix("ksl") == [2, text.hf.convert_tokens_to_ids("ko_KR")]  # mBART: </s> ko_KR ...
    code_less = tokenizer(folders, language_specs, "mt5")
    assert code_less.decoder_prefix("ksl") == [0, code_less.marker_id("ksl")]  # mT5: <pad> <ksl> ...
    assert code_less.encode("a b", "asl")[0] == code_less.marker_id("asl")  # no code, no <s>: marker first


def test_state_round_trips_through_the_checkpoint_json_and_follows_a_moved_folder(folders, language_specs, tmp_path):
    text = tokenizer(folders, language_specs, "mbart")
    tokenizers = Tokenizers(text, Tokenizers.train(SENTENCES["asl"], SENTENCES["asl"], LANGUAGES, 300).gloss)
    data = tokenizers.to_json()
    assert json.loads(data)["text"]["pretrained"]["codes"]["ksl"] == "ko_KR"
    restored = Tokenizers.from_json(data)
    assert restored.encode_text(SENTENCES["tsl"][2], "tsl") == tokenizers.encode_text(SENTENCES["tsl"][2], "tsl")
    moved = shutil.copytree(folders["mbart"], tmp_path / "moved")
    assert Tokenizers.from_json(data, str(moved)).text.folder.path == moved.resolve()
    grown = restored.with_languages(LANGUAGES + ["new"])
    assert grown.extends(restored) and not restored.extends(grown) and grown.text.marker_id("new") == len(text)


def test_missing_or_changed_folders_are_refused_in_one_line(folders, language_specs, tmp_path):
    state = tokenizer(folders, language_specs, "mt5").to_state()
    with pytest.raises(TextEncoderError, match=r"text_encoder.path=.*: no such folder; the checkpoint's text encoder is mt5") as missing:
        PretrainedTextTokenizer.from_state(state, str(tmp_path / "gone"))
    changed = shutil.copytree(folders["mt5"], tmp_path / "changed")
    config = json.loads((changed / "config.json").read_text())
    (changed / "config.json").write_text(json.dumps({**config, "d_ff": 128}))
    with pytest.raises(TextEncoderError, match=r"holds changed \(mt5; config \w+.*not the mt5 .*point text_encoder.path") as other:
        PretrainedTextTokenizer.from_state(state, str(changed))
    for error in (missing, other):
        assert "\n" not in str(error.value)


def test_language_codes_need_a_tokenizer_that_takes_them(folders, language_specs):
    with pytest.raises(TextEncoderError, match="takes no language code: set text_encoder.language_codes=null"):
        PretrainedTextTokenizer(ModelFolder(folders["xlmr"]), ["asl"], {"asl": "en_XX"})
    with pytest.raises(TextEncoderError, match=r"language.asl.lm_codes: .* does not know the code 'xx_YY'"):
        PretrainedTextTokenizer(ModelFolder(folders["mbart"]), ["asl"], {"asl": "xx_YY"})


def test_language_configs_name_codes_the_real_tokenizers_know(language_specs):
    """conf/language lm_codes against the code lists transformers ships for mBART-50, NLLB and M2M100."""
    from transformers.models.m2m_100.tokenization_m2m_100 import FAIRSEQ_LANGUAGE_CODES as M2M100
    from transformers.models.mbart50.tokenization_mbart50 import FAIRSEQ_LANGUAGE_CODES as MBART50
    from transformers.models.nllb.tokenization_nllb import FAIRSEQ_LANGUAGE_CODES as NLLB

    known = {"mbart50": MBART50, "nllb": NLLB, "m2m100": M2M100["m2m100"]}
    assert set(language_specs) >= set(LANGUAGES)
    for lang in LANGUAGES:
        codes = language_specs[lang]["lm_codes"]
        assert set(codes) == set(known) and all(codes[key] in known[key] for key in known), lang
