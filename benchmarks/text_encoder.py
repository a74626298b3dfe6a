"""Pretrained text encoders: epoch time with the frozen-encoder memory cache vs running the LM every step, and
trainable vs frozen parameters per family and mode.

1. Epoch time. A randomly initialised XLM-R-like encoder (``--hidden``/``--layers``; computation depends on
   the architecture, not on the weights) is saved into a temporary folder with a tokenizer trained on the
   corpus, then a tiny MLSF model with that encoder frozen trains on the built-in synthetic corpus (asl, ksl)
   twice in the same run: with ``text_encoder.cache=false`` (the LM runs in every step) and with the cache
   (built once before the first epoch; its build time is printed apart). Mean seconds per training epoch.
2. Parameters. The published configurations of XLM-R base, mBART-large-50, mT5-base, NLLB-200-600M and
   Qwen3-0.6B (their numbers typed in below; nothing is downloaded) are built on the meta device and put in
   each mode with the code training uses (``apply_mode``, default LoRA settings); printed, not timed.

No GPU in this run: bf16 step time and memory on a GPU are not measured here.

    python benchmarks/text_encoder.py [--clips 200] [--epochs 3] [--hidden 384] [--layers 6] [--threads 2]
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from pathlib import Path

import torch
from lightning import Callback, Trainer
from omegaconf import OmegaConf

from signllm.data.datamodule import SignDataModule
from signllm.data.tokenizer import marker
from signllm.models import MLSFModule
from signllm.models.components.pretrained_lm import DEFAULT_LORA, MODES, apply_mode
from signllm.models.components.pretrained_text_decoder import drop_encoder_layers
from signllm.skeleton import load_skeleton

CONF = Path(__file__).resolve().parents[1] / "conf"
LANGUAGES = ("asl", "ksl")
TINY = OmegaConf.to_container(OmegaConf.load(CONF / "size" / "tiny.yaml"))
# published config.json values (Hugging Face model cards), typed in: the architectures, not the weights
PUBLISHED = {
    "XLM-R base": ("XLMRobertaConfig", dict(
        vocab_size=250002, hidden_size=768, num_hidden_layers=12, num_attention_heads=12, intermediate_size=3072,
        max_position_embeddings=514, type_vocab_size=1)),
    "mBART-large-50": ("MBartConfig", dict(
        vocab_size=250054, d_model=1024, encoder_layers=12, decoder_layers=12, encoder_attention_heads=16,
        decoder_attention_heads=16, encoder_ffn_dim=4096, decoder_ffn_dim=4096, max_position_embeddings=1024,
        scale_embedding=True)),
    "mT5-base": ("MT5Config", dict(
        vocab_size=250112, d_model=768, d_kv=64, d_ff=2048, num_layers=12, num_decoder_layers=12, num_heads=12,
        feed_forward_proj="gated-gelu", tie_word_embeddings=False)),
    "NLLB-200-600M": ("M2M100Config", dict(
        vocab_size=256206, d_model=1024, encoder_layers=12, decoder_layers=12, encoder_attention_heads=16,
        decoder_attention_heads=16, encoder_ffn_dim=4096, decoder_ffn_dim=4096, max_position_embeddings=1024,
        scale_embedding=True)),
    "Qwen3-0.6B": ("Qwen3Config", dict(
        vocab_size=151936, hidden_size=1024, intermediate_size=3072, num_hidden_layers=28, num_attention_heads=16,
        num_key_value_heads=8, head_dim=128, max_position_embeddings=40960, tie_word_embeddings=True)),
}


class EpochTimer(Callback):
    """Seconds of each training epoch, and the LM's forward calls within them."""

    def __init__(self):
        self.seconds: list[float] = []
        self.lm_calls, self._counting = 0, False

    def count(self, *args) -> None:
        self.lm_calls += self._counting

    def on_train_epoch_start(self, trainer, pl_module) -> None:
        self._counting, self.started = True, time.perf_counter()

    def on_train_epoch_end(self, trainer, pl_module) -> None:
        self.seconds.append(time.perf_counter() - self.started)
        self._counting = False


def language_specs() -> dict:
    specs = {}
    for code in LANGUAGES:
        spec = OmegaConf.to_container(OmegaConf.load(CONF / "language" / f"{code}.yaml"))[code]
        specs[code] = {key: spec[key] for key in ("fps", "prompts", "lm_codes")}
    return specs


def save_encoder(folder: Path, texts: list[str], hidden: int, layers: int) -> None:
    """An XLM-R-like model of the given width and depth, with a Unigram tokenizer of ``texts``."""
    import transformers as T
    from tokenizers import Tokenizer, models, pre_tokenizers, trainers

    unigram = Tokenizer(models.Unigram())
    unigram.pre_tokenizer = pre_tokenizers.Metaspace()
    specials = ["<s>", "<pad>", "</s>", "<unk>"]
    unigram.train_from_iterator(texts, trainers.UnigramTrainer(vocab_size=4000, special_tokens=specials, unk_token="<unk>", show_progress=False))
    tokenizer = T.XLMRobertaTokenizer(vocab=[tuple(p) for p in json.loads(unigram.to_str())["model"]["vocab"]])
    config = T.XLMRobertaConfig(
        vocab_size=len(tokenizer), hidden_size=hidden, num_hidden_layers=layers, num_attention_heads=hidden // 64,
        intermediate_size=4 * hidden, max_position_embeddings=514, type_vocab_size=1, pad_token_id=1,
    )
    torch.manual_seed(0)
    tokenizer.save_pretrained(folder)
    T.utils.logging.disable_progress_bar()
    T.XLMRobertaModel(config).save_pretrained(folder)


def epoch_seconds(datamodule, text_encoder: dict, epochs: int) -> tuple[list[float], float, int]:
    """(seconds of each training epoch, seconds outside them: cache building included, LM calls in them)."""
    torch.manual_seed(0)
    module = MLSFModule(datamodule.info, TINY, text_encoder=text_encoder)
    timer = EpochTimer()
    module.groups[LANGUAGES[0]].encoder.backbone.lm.lm.register_forward_pre_hook(timer.count)
    trainer = Trainer(
        max_epochs=epochs, logger=False, enable_checkpointing=False, enable_progress_bar=False,
        enable_model_summary=False, accelerator="cpu", limit_val_batches=0, callbacks=[timer],
    )
    started = time.perf_counter()
    trainer.fit(module, datamodule=datamodule)
    return timer.seconds, time.perf_counter() - started - sum(timer.seconds), timer.lm_calls


def cache_comparison(args) -> float:
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        sizes = {"seed": 0, "train": args.clips, "dev": 8, "test": 8}
        scratch = SignDataModule(language_specs(), load_skeleton("openpose50"), synthetic_root=str(tmp / "synthetic"),
                                 synthetic=sizes, cache_dir=str(tmp / "cache"), batch_size=16)
        scratch.setup()
        texts = [text for split in scratch.dataset("train").splits.values() for text in split.texts]
        prompts = [p for spec in language_specs().values() for p in spec["prompts"]] + [marker(c) for c in LANGUAGES]
        save_encoder(tmp / "encoder", texts + prompts, args.hidden, args.layers)
        text_encoder = {"kind": "pretrained", "path": str(tmp / "encoder"), "cache_dir": str(tmp / "memory")}
        datamodule = SignDataModule(language_specs(), load_skeleton("openpose50"), synthetic_root=str(tmp / "synthetic"),
                                    synthetic=sizes, cache_dir=str(tmp / "cache"), batch_size=16, text_encoder=text_encoder)
        datamodule.setup()
        clips = len(datamodule.dataset("train"))
        print(f"XLM-R-like encoder hidden {args.hidden} x {args.layers} layers (random weights), frozen; "
              f"tiny MLSF, {clips} training clips ({', '.join(LANGUAGES)}), {args.threads} threads, {args.epochs} epochs each")
        live, _, live_calls = epoch_seconds(datamodule, {**text_encoder, "cache": False}, args.epochs)
        cached, building, cached_calls = epoch_seconds(datamodule, text_encoder, args.epochs)
    for name, seconds, calls in (("LM every step", live, live_calls), ("memory cache", cached, cached_calls)):
        each = ", ".join(f"{s:.2f}" for s in seconds)
        print(f"{name:16} : {statistics.mean(seconds):7.2f} s/epoch ({each}); LM calls in the epochs: {calls}")
    print(f"cache build (once, all splits and inputs, before the first epoch): {building:.2f} s")
    return statistics.mean(live) / statistics.mean(cached)


def parameter_table() -> None:
    import transformers as T

    print("\nparameters by family and mode (published configs on the meta device; LoRA r=16 on query/value;"
          " a checkpoint stores the trainable LM weights only)")
    print(f"{'model':16} {'part':8} {'mode':6} {'trainable':>14} {'frozen':>14} {'trainable %':>12}")
    for name, (config_class, values) in PUBLISHED.items():
        config = getattr(T, config_class)(**values)
        parts = {"encoder": "AutoModel"} if not config.is_encoder_decoder else {
            "encoder": "AutoModel", "decoder": "AutoModelForSeq2SeqLM"}
        for part, auto_class in parts.items():
            for mode in MODES:
                with torch.device("meta"):
                    model = getattr(T, auto_class).from_config(config)
                if part == "decoder":
                    drop_encoder_layers(model)
                lm = model.get_encoder() if part == "encoder" and config.is_encoder_decoder else model
                apply_mode(lm, mode, DEFAULT_LORA)
                counts = {flag: sum(p.numel() for p in lm.parameters() if p.requires_grad == flag) for flag in (True, False)}
                share = 100 * counts[True] / (counts[True] + counts[False])
                print(f"{name:16} {part:8} {mode:6} {counts[True]:14,d} {counts[False]:14,d} {share:12.3f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clips", type=int, default=200, help="training clips per language")
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--hidden", type=int, default=384)
    parser.add_argument("--layers", type=int, default=6)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    speedup = cache_comparison(args)
    parameter_table()
    print("\nGPU (bf16 step time and memory for a ~0.5B model): not measured, no GPU in this run")
    print(f"RESULT text_encoder_cache_epoch_speedup {speedup:.1f} >=2")


if __name__ == "__main__":
    main()
