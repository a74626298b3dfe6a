"""Sign-language production from Python, without Hydra.

    import signllm
    generator = signllm.load("model.ckpt")
    frames = generator.generate("Hello, how are you?", language="asl")        # (T, FRAME_SIZE) numpy
    generator.generate(["one", "two"], language="asl", output_dir="out", formats=["skels", "pose", "mp4"])

Frames are in stored units (as in ``.skels`` files; ``.pose`` and renders apply the language's scale).
Every input is checked before anything is generated or written; a user mistake raises
``GenerationError`` with a one-line message. A text counts as signable when it has at least one letter
or digit (any script): the byte-level tokenizer encodes every string, so "unknown" means a text made
only of spaces, punctuation or symbols.
"""

from __future__ import annotations

import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import torch
from rich.progress import track

from signllm.data.dataset import encode_inputs
from signllm.data.skels import Clip, FormatError, iter_split
from signllm.render import export

if TYPE_CHECKING:
    from signllm.models.production import ProductionModule


class GenerationError(ValueError):
    """A mistake in what the user asked for; ``str(error)`` is one line meant for the user."""


def check_texts(texts: Sequence[str]) -> None:
    """Refuse an empty input list, empty texts and texts without any letter or digit."""
    if not texts:
        raise GenerationError("no input text given")
    for number, text in enumerate(texts, start=1):
        if not text.strip():
            raise GenerationError(f"input {number}: empty text")
        if not any(character.isalnum() for character in text):
            raise GenerationError(f"input {number}: {text!r} has no letter or digit to sign")


def check_outputs(output_dir: Path | str, formats: Sequence[str], render_size: int) -> Path:
    """Refuse unknown formats and odd render sizes; create ``output_dir`` if needed and prove it writable."""
    try:
        export.check_formats(formats)
    except ValueError as error:
        raise GenerationError(str(error)) from None
    if render_size < 16 or render_size % 2:
        raise GenerationError(f"render_size must be an even number of pixels >= 16, got {render_size}")
    output_dir = Path(output_dir)
    try:
        output_dir.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=output_dir):
            pass
    except OSError as error:
        raise GenerationError(f"cannot write to output folder {output_dir}: {error.strerror or error}") from None
    return output_dir


def read_texts(text: str | Sequence[str] | None = None, input_file: Path | str | None = None) -> list[str]:
    """The inputs: ``text`` (one or a list) or ``input_file`` (UTF-8, input k = line k), not both."""
    if text is None and input_file is None:
        raise GenerationError("give a text, or an input file with one input per line")
    if text is not None and input_file is not None:
        raise GenerationError("give a text or an input file, not both")
    if input_file is None:
        return [text] if isinstance(text, str) else list(text)
    try:
        return Path(input_file).read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as error:
        reason = getattr(error, "strerror", None) or error
        raise GenerationError(f"cannot read input file {input_file}: {reason}") from None


def read_reference(folder: Path | str, split: str, clip_id: str) -> Clip:
    """Clip ``clip_id`` of a Prompt2Sign split (e.g. a dev split), to render beside the generated one."""
    try:
        for clip in iter_split(folder, split):
            if clip.id == clip_id:
                return clip
    except (OSError, FormatError) as error:
        raise GenerationError(f"cannot read reference split: {error}") from None
    raise GenerationError(f"no clip {clip_id!r} in split {split!r} of {folder}")


class Generator:
    """A trained production model ready to turn texts (or prompts) into pose sequences."""

    def __init__(self, module: ProductionModule):
        self.module = module.eval()
        self.info = module.info

    @property
    def languages(self) -> list[str]:
        """Codes of the sign languages this checkpoint produces."""
        return list(self.info.languages)

    def resolve_language(self, language: str | None) -> str:
        """The language code to use; the only one of a one-language checkpoint when ``None``."""
        known = ", ".join(self.languages)
        if language is None:
            if len(self.languages) == 1:
                return self.languages[0]
            raise GenerationError(f"choose a language: this checkpoint produces {known}")
        if language not in self.languages:
            raise GenerationError(f"unknown language {language!r} for this checkpoint; it produces {known}")
        return language

    def generate(
        self,
        text: str | Sequence[str],
        language: str | None = None,
        *,
        prompt: bool = False,
        seed: int | None = 0,
        max_frames: int | None = None,
        batch_size: int = 16,
        progress: bool = False,
        output_dir: Path | str | None = None,
        formats: Sequence[str] = ("skels", "pose"),
        reference: np.ndarray | None = None,
        render_size: int = 256,
    ) -> np.ndarray | list[np.ndarray]:
        """Frames for one text ((T, FRAME_SIZE) float32) or a list of frames for a list of texts.

        ``prompt``: the inputs are question-style prompts rather than plain text. ``seed`` makes the run
        repeatable (None: leave torch's random state alone). With ``output_dir``, also writes
        ``formats`` (see ``signllm.render.export``), MP4/GIF beside ``reference`` frames when given.
        """
        texts = [text] if isinstance(text, str) else list(text)
        check_texts(texts)
        language = self.resolve_language(language)
        if max_frames is not None and max_frames < 1:
            raise GenerationError(f"max_frames must be at least 1, got {max_frames}")
        if batch_size < 1:
            raise GenerationError(f"batch_size must be at least 1, got {batch_size}")
        if output_dir is not None:
            check_outputs(output_dir, formats, render_size)
        if seed is not None:
            torch.manual_seed(seed)
        poses = self._generate(texts, language, prompt, max_frames, batch_size, progress)
        if output_dir is not None:
            self.write(output_dir, texts, poses, language, formats, reference, render_size, progress)
        return poses[0] if isinstance(text, str) else poses

    def _generate(self, texts, language, prompt, max_frames, batch_size, progress) -> list[np.ndarray]:
        starts = range(0, len(texts), batch_size)
        poses = []
        with torch.inference_mode():
            for start in track(starts, description="generating", disable=not progress or len(starts) < 2):
                chunk = texts[start : start + batch_size]
                langs = [language] * len(chunk)
                batch = encode_inputs(self.info.tokenizers, chunk, langs, self.languages, prompt=prompt)
                frames, lengths = self.module.generate(batch, max_frames=max_frames)
                poses += [clip[:length].float().cpu().numpy() for clip, length in zip(frames, lengths.tolist())]
        return poses

    def write(
        self,
        output_dir: Path | str,
        texts: Sequence[str],
        poses: Sequence[np.ndarray],
        language: str,
        formats: Sequence[str] = ("skels", "pose"),
        reference: np.ndarray | None = None,
        render_size: int = 256,
        progress: bool = False,
    ) -> list[Path]:
        """Write generated ``poses`` of ``texts`` in ``formats`` with the language's fps and scale."""
        output_dir = check_outputs(output_dir, formats, render_size)
        language = self.resolve_language(language)
        ids = export.clip_ids(len(texts))
        clips = [Clip(clip_id, text, None, frames) for clip_id, text, frames in zip(ids, texts, poses, strict=True)]
        fps, scale = self.info.fps[language], self.info.scale[language]
        return export.write_outputs(output_dir, clips, fps, scale, formats, reference, render_size, progress)


def load(checkpoint: Path | str, map_location: str | torch.device = "cpu") -> Generator:
    """A ``Generator`` for a production-model checkpoint (MLSF or Prompt2LangGloss)."""
    from signllm.models.production import ProductionModule

    path = Path(checkpoint)
    if not path.is_file():
        raise GenerationError(f"checkpoint not found: {path}")
    try:
        module = ProductionModule.load(path, map_location=map_location)
    except Exception as error:  # a file that is not one of our checkpoints: say so in one line
        reason = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        raise GenerationError(f"cannot load checkpoint {path}: {reason}") from error
    return Generator(module)
