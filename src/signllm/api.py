"""Sign-language production from Python, without Hydra.

    import signllm
    generator = signllm.load("model.ckpt")
    frames = generator.generate("Hello, how are you?", language="asl")        # (T, frame_size) numpy
    generator.generate(["one", "two"], language="asl", output_dir="out", formats=["skels", "pose", "mp4"])
    (clip,) = generator.generate_clips("Wie gebärdet man „Hallo“ in Deutscher Gebärdensprache?", prompt=True)
    clip.language, clip.frames                      # Prompt2LangGloss: the language its LangGloss chose

In prompt mode a Prompt2LangGloss checkpoint needs no language: its LangGloss tags (``<gsl> WORD ...``) decide,
and ``generate_clips`` says which they chose. An MLSF checkpoint always needs the language (one group each).

Frames are in stored units (as in ``.skels`` files; ``.pose`` and renders apply the language's scale).
Every input is checked before anything is generated or written; a user mistake raises
``GenerationError`` with a one-line message. A text counts as signable when it has at least one letter
or digit (any script): the byte-level tokenizer encodes every string, so "unknown" means a text made
only of spaces, punctuation or symbols.
"""

from __future__ import annotations

import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import torch
from rich.progress import track

from signllm.cli import UserError
from signllm.data.dataset import encode_inputs
from signllm.data.skels import Clip, FormatError, iter_split
from signllm.render import export
from signllm.skeleton import Skeleton, Storage

if TYPE_CHECKING:
    from signllm.models.production import ProductionModule


class GenerationError(UserError):
    """A mistake in what the user asked for; ``str(error)`` is one line meant for the user."""


@dataclass(frozen=True)
class GeneratedClip:
    """One input's result: ``frames`` (T, frame_size) float32 in stored units, the sign language they are in
    (for Prompt2LangGloss: the one its LangGloss tags chose, None if they name none) and, for Prompt2LangGloss,
    the LangGloss words it signed."""

    text: str
    language: str | None
    frames: np.ndarray
    gloss: list[str] | None = None


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


def read_reference(folder: Path | str, split: str, clip_id: str, skeleton: Skeleton, storage: Storage | None = None) -> Clip:
    """Clip ``clip_id`` of a Prompt2Sign split (e.g. a dev split) in ``skeleton``'s layout, to render beside the
    generated one."""
    try:
        for clip in iter_split(folder, split, skeleton, storage):
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

    @property
    def chooses_language(self) -> bool:
        """Whether the model picks the sign language itself from a prompt (Prompt2LangGloss: by its LangGloss
        tags), so that prompt mode needs no language."""
        return hasattr(self.module, "langgloss")

    def resolve_language(self, language: str | None, prompt: bool = False) -> str | None:
        """The language code to use: the only one of a one-language checkpoint when ``None``; in prompt mode
        with a checkpoint that ``chooses_language``, None (the model decides)."""
        known = ", ".join(self.languages)
        if language is None:
            if len(self.languages) == 1:
                return self.languages[0]
            if prompt and self.chooses_language:
                return None
            or_prompt = " (or give prompts that name it: prompt=true)" if self.chooses_language else ""
            raise GenerationError(f"choose a language: this checkpoint produces {known}{or_prompt}")
        if language not in self.languages:
            raise GenerationError(f"unknown language {language!r} for this checkpoint; it produces {known}")
        return language

    def generate(
        self, text: str | Sequence[str], language: str | None = None, **options
    ) -> np.ndarray | list[np.ndarray]:
        """Frames for one text ((T, frame_size) float32: the layout's coordinates, then the counter) or a list
        of frames for a list of texts; the options are those of ``generate_clips``."""
        clips = self.generate_clips(text, language, **options)
        return clips[0].frames if isinstance(text, str) else [clip.frames for clip in clips]

    def generate_clips(
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
        reference: Clip | None = None,
        render_size: int = 256,
    ) -> list[GeneratedClip]:
        """One ``GeneratedClip`` per input (a text is one input), with the sign language it is in.

        ``prompt``: the inputs are question-style prompts rather than plain text; with a checkpoint that
        ``chooses_language``, ``language`` may then be None. ``seed`` makes the run repeatable (None: leave
        torch's random state alone). With ``output_dir``, also writes ``formats`` (see ``signllm.render.export``),
        MP4/GIF beside ``reference`` when given; one folder holds one sign language.
        """
        texts = [text] if isinstance(text, str) else list(text)
        check_texts(texts)
        language = self.resolve_language(language, prompt)
        if max_frames is not None and max_frames < 1:
            raise GenerationError(f"max_frames must be at least 1, got {max_frames}")
        if batch_size < 1:
            raise GenerationError(f"batch_size must be at least 1, got {batch_size}")
        if output_dir is not None:
            check_outputs(output_dir, formats, render_size)
        if seed is not None:
            torch.manual_seed(seed)
        clips = self._generate(texts, language, prompt, max_frames, batch_size, progress)
        if output_dir is not None:
            written = self.output_language(clips, language)
            self.write(output_dir, texts, [c.frames for c in clips], written, formats, reference, render_size, progress)
        return clips

    def _generate(self, texts, language, prompt, max_frames, batch_size, progress) -> list[GeneratedClip]:
        starts = range(0, len(texts), batch_size)
        clips = []
        with torch.inference_mode():
            for start in track(starts, description="generating", disable=not progress or len(starts) < 2):
                chunk = texts[start : start + batch_size]
                langs = [language or self.languages[0]] * len(chunk)  # None: Prompt2LangGloss never reads lang
                batch = encode_inputs(self.info.tokenizers, chunk, langs, self.languages, prompt=prompt)
                if self.chooses_language:  # the LangGloss tags say which language; generation reuses them
                    langgloss = self.module.langgloss(batch)
                    chosen = self._chosen_languages(*langgloss)
                    frames, lengths = self.module.generate(batch, max_frames=max_frames, langgloss=langgloss)
                else:
                    chosen = [(language, None)] * len(chunk)
                    frames, lengths = self.module.generate(batch, max_frames=max_frames)
                for text, clip, length, (code, gloss) in zip(chunk, frames, lengths.tolist(), chosen):
                    clips.append(GeneratedClip(text, code, clip[:length].float().cpu().numpy(), gloss))
        return clips

    def _chosen_languages(self, ids: torch.Tensor, mask: torch.Tensor) -> list[tuple[str | None, list[str]]]:
        """(the language its LangGloss tags name most, the LangGloss words) per row of LangGloss ids."""
        return [self.info.tokenizers.decode_langgloss(row[keep].tolist()) for row, keep in zip(ids, mask)]

    def output_language(self, clips: Sequence[GeneratedClip], requested: str | None = None) -> str:
        """The one sign language of clips written together (its fps and scale go into the files)."""
        chosen = {clip.language for clip in clips if clip.language is not None}
        if len(chosen) > 1:
            named = ", ".join(f"{number}: {clip.language}" for number, clip in enumerate(clips, start=1))
            raise GenerationError(f"the inputs were signed in different languages ({named}): write each to its own "
                                  "folder")
        if not chosen and requested is None:
            raise GenerationError("the model's LangGloss names no sign language for these inputs: give language=")
        return chosen.pop() if chosen else requested

    def write(
        self,
        output_dir: Path | str,
        texts: Sequence[str],
        poses: Sequence[np.ndarray],
        language: str,
        formats: Sequence[str] = ("skels", "pose"),
        reference: Clip | None = None,
        render_size: int = 256,
        progress: bool = False,
    ) -> list[Path]:
        """Write generated ``poses`` of ``texts`` in ``formats`` with the language's fps and storage (scale)."""
        output_dir = check_outputs(output_dir, formats, render_size)
        language = self.resolve_language(language)
        ids = export.clip_ids(len(texts))
        clips = [Clip(clip_id, text, None, frames) for clip_id, text, frames in zip(ids, texts, poses, strict=True)]
        fps, storage = self.info.fps[language], self.info.storage[language]
        return export.write_outputs(
            output_dir, clips, self.info.skeleton, storage, fps, formats, reference, render_size, progress
        )


def load(
    checkpoint: Path | str, map_location: str | torch.device = "cpu", text_encoder_path: Path | str | None = None
) -> Generator:
    """A ``Generator`` for a production-model checkpoint (MLSF or Prompt2LangGloss); ``text_encoder_path``: the
    local folder of its pretrained text encoder where it is not where training read it."""
    from signllm.models.production import ProductionModule

    path = Path(checkpoint)
    if not path.is_file():
        raise GenerationError(f"checkpoint not found: {path}")
    try:
        module = ProductionModule.load(path, map_location, None if text_encoder_path is None else str(text_encoder_path))
    except Exception as error:  # a file that is not one of our checkpoints: say so in one line
        reason = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        raise GenerationError(f"cannot load checkpoint {path}: {reason}") from error
    return Generator(module)
