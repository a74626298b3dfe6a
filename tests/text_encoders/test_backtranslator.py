"""The back-translator with an encoder-decoder's own text decoder: trains, searches like TextDecoder, reloads."""

from functools import partial

import pytest
import torch

from signllm.models.backtranslator import BackTranslatorModule
from signllm.models.components.pretrained_text_decoder import PretrainedTextDecoder

from ..models.model_fixtures import TINY, make_batch, save_checkpoint
from .conftest import pretrained_info, settings


@pytest.mark.parametrize("family, mode", [("mbart", "lora"), ("mt5", "frozen")])
def test_trains_translates_and_reloads_identically(folders, language_specs, tmp_path, family, mode):
    torch.manual_seed(0)
    info = pretrained_info(folders, language_specs, family)
    module = BackTranslatorModule(
        info, TINY, optimizer=partial(torch.optim.Adam, lr=1e-2), text_encoder=settings(folders, family, mode=mode), max_tokens=6
    )
    assert isinstance(module.decoder, PretrainedTextDecoder)
    batch = make_batch(info, ["asl", "gsl", "asl"])
    text = info.tokenizers.text
    targets = module._targets(batch["text"], batch["lang_code"])
    assert targets[:, :2].tolist() == [text.decoder_prefix(lang) for lang in batch["lang_code"]]
    before = module.eval()._loss(batch).item()
    path = save_checkpoint(module.train(), batch, tmp_path / "bt.ckpt")
    assert module.eval()._loss(batch).item() < before
    args = batch["frames"], batch["lengths"], batch["lang_code"]
    greedy = module.translate(*args)
    assert len(greedy) == 3 and all(isinstance(sentence, str) for sentence in greedy)
    memory, memory_mask = module.encoder(batch["frames"], batch["frame_mask"])
    prefix = torch.tensor([text.decoder_prefix(lang) for lang in batch["lang_code"]])
    assert module.decoder.beam(prefix, memory, memory_mask, text.eos_id, 6, beam_size=1) == module.decoder.greedy(
        prefix, memory, memory_mask, text.eos_id, 6
    )  # the cache and its reordering behave as TextDecoder's
    assert len(module.decoder.beam(prefix, memory, memory_mask, text.eos_id, 6, beam_size=3)) == 3
    state = torch.load(path, weights_only=True)["state_dict"]
    assert not [key for key in state if ".lm.lm." in key and "lora_" not in key]
    assert BackTranslatorModule.load(path).translate(*args) == greedy
