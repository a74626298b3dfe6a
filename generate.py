"""Generate sign-language poses from texts or prompts with a trained checkpoint.

    python generate.py checkpoint=model.ckpt language=asl 'text="Hello, how are you?"'
    python generate.py checkpoint=model.ckpt language=gsl input_file=sentences.txt formats=[skels,pose,gif]
    python generate.py checkpoint=p2lg.ckpt prompt=true 'text="Wie gebärdet man „Hallo“ in Deutscher Gebärdensprache?"'

With a Prompt2LangGloss checkpoint in prompt mode the language may be left out: the model's LangGloss tags
choose it, and the printed line says which.

Writes ``generated.skels/.text/.files`` and per input ``<id>.pose`` / ``.mp4`` / ``.gif`` into
``output_dir`` (see conf/generate.yaml). A mistake in the request (empty text, a language the checkpoint
does not produce, an unwritable folder, ...) prints one line and exits with status 2 before any file is
written (HYDRA_FULL_ERROR=1 or +debug=true: the traceback); Hydra itself reports overrides it cannot parse
(e.g. a language with no conf/language file).
"""

from pathlib import Path

import hydra
from omegaconf import DictConfig, OmegaConf

from signllm.cli import entry_point
from signllm.config import register

register(Path(__file__).resolve().parent)


def generate(cfg: DictConfig) -> Path:
    """Run one generation request; returns the output folder."""
    from signllm.api import GenerationError, check_texts, load, read_reference, read_texts
    from signllm.threads import configure_threads

    configure_threads(cfg.get("threads"))

    text = cfg.text
    if OmegaConf.is_list(text):
        text = [str(item) for item in text]
    elif text is not None:
        text = str(text)  # Hydra reads text=2024 as a number
    with_reference = cfg.reference.id is not None
    texts = None
    if text is not None or cfg.input_file is not None or not with_reference:
        texts = read_texts(text, cfg.input_file)
        check_texts(texts)  # before the (slow) checkpoint loading
    if cfg.checkpoint is None:
        raise GenerationError("give the checkpoint to generate with: checkpoint=PATH")
    languages = list(cfg.language or [])
    if len(languages) > 1:
        raise GenerationError(f"choose one sign language, not {', '.join(languages)}")
    generator = load(cfg.checkpoint, text_encoder_path=cfg.text_encoder.path)
    language = generator.resolve_language(languages[0] if languages else None, cfg.prompt)
    reference = None
    if with_reference:  # read in the checkpoint's layout, stored like the language's corpus
        if language is None:
            raise GenerationError("reference.id: give the language of the reference clip (language=...)")
        info = generator.info
        reference = read_reference(
            cfg.reference.dir, cfg.reference.split, cfg.reference.id, info.skeleton, info.storage[language]
        )
        texts = texts or [reference.text]
    clips = generator.generate_clips(
        texts, language, prompt=cfg.prompt, seed=cfg.seed, max_frames=cfg.max_frames,
        batch_size=cfg.batch_size, progress=len(texts) > cfg.batch_size, output_dir=cfg.output_dir,
        formats=list(cfg.formats), reference=reference, render_size=cfg.render_size,
    )
    written = generator.output_language(clips, language)
    chosen = " (chosen by the model from the prompt)" if language is None else ""
    print(f"{len(texts)} input(s) -> {cfg.output_dir} ({', '.join(cfg.formats)}); sign language: {written}{chosen}")
    return Path(cfg.output_dir)


@hydra.main(version_base="1.3", config_path="conf", config_name="generate")
@entry_point
def main(cfg: DictConfig) -> None:
    generate(cfg)


if __name__ == "__main__":
    main()
