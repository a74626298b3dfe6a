"""Tiny randomly initialised models of each family, saved as a downloaded model folder would be.

Each folder holds ``config.json``, safetensors weights (of the class the real checkpoints are saved from, so
loading strips the same prefixes) and the family's own tokenizer class, built around a tiny vocabulary
trained here on the test sentences of all eight sign languages' spoken languages.
"""

from __future__ import annotations

import json
from pathlib import Path

import torch
from tokenizers import Tokenizer, models, pre_tokenizers, trainers

from ..data.corpus import SENTENCES
from ..models.model_fixtures import TEXTS

CORPUS = [text for texts in (*SENTENCES.values(), *TEXTS.values()) for text in texts]
WIDTH = dict(layers=1, hidden=32, heads=2, ff=64)


def unigram(specials: list[str], size: int = 400) -> list[tuple[str, float]]:
    """A SentencePiece-style (Unigram, metaspace) vocabulary of the corpus, ``specials`` first."""
    tokenizer = Tokenizer(models.Unigram())
    tokenizer.pre_tokenizer = pre_tokenizers.Metaspace()
    trainer = trainers.UnigramTrainer(vocab_size=size, special_tokens=specials, unk_token="<unk>", show_progress=False)
    tokenizer.train_from_iterator(CORPUS, trainer)
    return [tuple(piece) for piece in json.loads(tokenizer.to_str())["model"]["vocab"]]


def byte_bpe(size: int = 500) -> tuple[dict, list]:
    """A GPT-style byte-level BPE vocabulary and merges of the corpus."""
    tokenizer = Tokenizer(models.BPE())
    tokenizer.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    trainer = trainers.BpeTrainer(
        vocab_size=size, special_tokens=["<|endoftext|>"], initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
        show_progress=False,
    )
    tokenizer.train_from_iterator(CORPUS, trainer)
    state = json.loads(tokenizer.to_str())["model"]
    return state["vocab"], [tuple(merge) if isinstance(merge, list) else tuple(merge.split(" ")) for merge in state["merges"]]


def xlmr():
    import transformers as T

    tokenizer = T.XLMRobertaTokenizer(vocab=unigram(["<s>", "<pad>", "</s>", "<unk>"]))
    config = T.XLMRobertaConfig(
        vocab_size=len(tokenizer), hidden_size=WIDTH["hidden"], num_hidden_layers=WIDTH["layers"],
        num_attention_heads=WIDTH["heads"], intermediate_size=WIDTH["ff"], max_position_embeddings=160,
        type_vocab_size=1, pad_token_id=tokenizer.pad_token_id, bos_token_id=0, eos_token_id=2,
    )
    return tokenizer, T.XLMRobertaForMaskedLM(config)


def mbart():
    import transformers as T

    tokenizer = T.MBart50Tokenizer(vocab=unigram(["<unk>", "<s>", "</s>"]), src_lang="en_XX")
    config = T.MBartConfig(
        vocab_size=len(tokenizer), d_model=WIDTH["hidden"], encoder_layers=WIDTH["layers"],
        decoder_layers=WIDTH["layers"], encoder_attention_heads=WIDTH["heads"], decoder_attention_heads=WIDTH["heads"],
        encoder_ffn_dim=WIDTH["ff"], decoder_ffn_dim=WIDTH["ff"], max_position_embeddings=160, scale_embedding=True,
        pad_token_id=1, bos_token_id=0, eos_token_id=2, decoder_start_token_id=2,
    )
    return tokenizer, T.MBartForConditionalGeneration(config)


def mt5():
    import transformers as T

    tokenizer = T.T5Tokenizer(vocab=unigram(["<pad>", "</s>", "<unk>"]), extra_ids=0)
    config = T.MT5Config(
        vocab_size=len(tokenizer) + 4, d_model=WIDTH["hidden"], d_kv=16, d_ff=WIDTH["ff"], num_layers=WIDTH["layers"],
        num_decoder_layers=WIDTH["layers"], num_heads=WIDTH["heads"], tie_word_embeddings=False,
        decoder_start_token_id=0, pad_token_id=0, eos_token_id=1,
    )
    return tokenizer, T.MT5ForConditionalGeneration(config)


def qwen3():
    import transformers as T

    vocab, merges = byte_bpe()
    tokenizer = T.Qwen2Tokenizer(vocab=vocab, merges=merges)
    config = T.Qwen3Config(
        vocab_size=len(tokenizer) + 8, hidden_size=WIDTH["hidden"], intermediate_size=WIDTH["ff"], num_hidden_layers=2,
        num_attention_heads=WIDTH["heads"], num_key_value_heads=1, head_dim=16, max_position_embeddings=256,
        tie_word_embeddings=True,
    )
    return tokenizer, T.Qwen3ForCausalLM(config)


FAMILIES = {"xlmr": xlmr, "mbart": mbart, "mt5": mt5, "qwen3": qwen3}
LANGUAGE_CODES = {"mbart": "mbart50"}  # which lm_codes key each family's tokenizer expects (others: none)


def save_family(name: str, folder: Path) -> Path:
    """``folder`` holding family ``name``'s tiny model and tokenizer (weights seeded: the same in every run)."""
    from transformers.utils import logging

    torch.manual_seed(0)
    tokenizer, model = FAMILIES[name]()
    tokenizer.save_pretrained(folder)
    logging.disable_progress_bar()
    try:
        model.save_pretrained(folder)
    finally:
        logging.enable_progress_bar()
    return folder
