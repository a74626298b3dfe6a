"""Generate sign-language poses from texts or prompts with a trained checkpoint.

    python generate.py checkpoint=model.ckpt language=asl 'text="Hello, how are you?"'
    python generate.py checkpoint=model.ckpt language=gsl input_file=sentences.txt formats=[skels,pose,gif]

Writes ``generated.skels/.text/.files`` and per input ``<id>.pose`` / ``.mp4`` / ``.gif`` into
``output_dir`` (see conf/generate.yaml). A mistake in the request (empty text, a language the checkpoint
does not produce, an unwritable folder, ...) prints one line and exits with status 2 before any file is
written; Hydra itself reports overrides it cannot parse (e.g. a language with no conf/language file).
"""

import sys
from pathlib import Path

import hydra
from omegaconf import DictConfig, OmegaConf

from signllm.config import register

register(Path(__file__).resolve().parent)


def generate(cfg: DictConfig) -> Path:
    """Run one generation request; returns the output folder."""
    from signllm.api import GenerationError, check_texts, load, read_reference, read_texts

    reference = None
    if cfg.reference.id is not None:
        reference = read_reference(cfg.reference.dir, cfg.reference.split, cfg.reference.id)
    text = cfg.text
    if text is None and cfg.input_file is None and reference is not None:
        text = reference.text
    elif OmegaConf.is_list(text):
        text = [str(item) for item in text]
    elif text is not None:
        text = str(text)  # Hydra reads text=2024 as a number
    texts = read_texts(text, cfg.input_file)
    check_texts(texts)  # before the (slow) checkpoint loading
    if cfg.checkpoint is None:
        raise GenerationError("give the checkpoint to generate with: checkpoint=PATH")
    languages = list(cfg.language or [])
    if len(languages) > 1:
        raise GenerationError(f"choose one sign language, not {', '.join(languages)}")
    generator = load(cfg.checkpoint)
    generator.generate(
        texts, languages[0] if languages else None, prompt=cfg.prompt, seed=cfg.seed, max_frames=cfg.max_frames,
        batch_size=cfg.batch_size, progress=len(texts) > cfg.batch_size, output_dir=cfg.output_dir,
        formats=list(cfg.formats), reference=None if reference is None else reference.frames,
        render_size=cfg.render_size,
    )
    print(f"{len(texts)} input(s) -> {cfg.output_dir} ({', '.join(cfg.formats)})")
    return Path(cfg.output_dir)


@hydra.main(version_base="1.3", config_path="conf", config_name="generate")
def main(cfg: DictConfig) -> None:
    from signllm.api import GenerationError

    try:
        generate(cfg)
    except GenerationError as error:
        print(f"error: {error}", file=sys.stderr)
        sys.exit(2)


if __name__ == "__main__":
    main()
