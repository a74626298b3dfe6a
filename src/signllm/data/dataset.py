"""Samples and batches: packed clips of one or more languages -> the batch dict of docs/DESIGN.md.

Frames keep their stored coordinates; the counter (the last value of a frame) is recomputed from the clip
length in the framework's convention (i/T, i = 1..T) whatever the file wrote. Each sample carries a
confidence per point in [0, 1] (the stored scores clipped; 1 where the layout has none), so losses and
metrics can leave out the points a detector missed. The input is the sentence prefixed with its
language's marker, or the sentence wrapped in one of the language's prompt templates (which name the
sign language), so the language can always be read from the input.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import torch
from torch.nn.utils.rnn import pad_sequence
from torch.utils.data import Dataset

from signllm.cli import ConfigError
from signllm.data.cache import PackedSplit
from signllm.data.tokenizer import Tokenizers
from signllm.skeleton import Skeleton, counter_values

INPUTS = ("text", "prompt", "mixed")


def canonical_frames(frames: np.ndarray) -> torch.Tensor:
    """(T, frame_size) stored frames -> float tensor with the counter (last) set to i/T, i = 1..T."""
    frames = torch.tensor(frames, dtype=torch.float32)
    frames[:, -1] = torch.from_numpy(counter_values(len(frames))).float()
    return frames


def point_weights(confidence: np.ndarray | None, frames: np.ndarray, skeleton: Skeleton) -> torch.Tensor:
    """(T, points) float weights in [0, 1]: stored scores clipped, 0 at or below the layout's ``visibility``;
    ones where the layout has no scores."""
    if confidence is None:
        return torch.ones(len(frames), skeleton.num_points)
    scores = torch.tensor(confidence, dtype=torch.float32)
    return torch.where(scores > skeleton.visibility, scores.clamp(0, 1), 0.0)


def _pad(sequences: Sequence[torch.Tensor]) -> tuple[torch.Tensor, torch.Tensor]:
    """Zero-padded (B, max_len, ...) tensor and its (B, max_len) mask of real positions."""
    padded = pad_sequence(list(sequences), batch_first=True)
    lengths = torch.tensor([len(sequence) for sequence in sequences])
    return padded, torch.arange(padded.shape[1]) < lengths[:, None]


def encode_inputs(
    tokenizers: Tokenizers, texts: Sequence[str], langs: Sequence[str], languages: Sequence[str], prompt: bool = False
) -> dict[str, torch.Tensor]:
    """``text_ids``/``text_mask``/``lang`` for raw inputs, e.g. at generation time.

    Plain texts (``prompt=False``) get their language's marker, as in training; prompts are encoded as
    written (they name the sign language themselves).
    """
    ids = [torch.tensor(tokenizers.encode_text(text, lang, marker=not prompt)) for text, lang in zip(texts, langs)]
    text_ids, text_mask = _pad(ids)
    return {"text_ids": text_ids, "text_mask": text_mask, "lang": torch.tensor([languages.index(l) for l in langs])}


def collate(samples: Sequence[Mapping]) -> dict:
    """Samples of :class:`SignDataset` -> the batch dict (padded with 0, masks True on real items)."""
    text_ids, text_mask = _pad([sample["text_ids"] for sample in samples])
    gloss_ids, gloss_mask = _pad([sample["gloss_ids"] for sample in samples])
    frames, frame_mask = _pad([sample["frames"] for sample in samples])
    confidence, _ = _pad([sample["confidence"] for sample in samples])
    return {
        "text_ids": text_ids,
        "text_mask": text_mask,
        "gloss_ids": gloss_ids,
        "gloss_mask": gloss_mask,
        "frames": frames,
        "frame_mask": frame_mask,
        "confidence": confidence,
        "lengths": frame_mask.sum(1),
        "lang": torch.tensor([sample["lang"] for sample in samples]),
        "index": torch.tensor([sample["index"] for sample in samples]),
        "text": [sample["text"] for sample in samples],
        "id": [sample["id"] for sample in samples],
        "lang_code": [sample["lang_code"] for sample in samples],
    }


class SignDataset(Dataset):
    """One split of one or more languages, read lazily from their packed caches.

    ``skeleton`` is the layout the splits were packed in; ``languages`` fixes the ``lang`` index of each code
    (all languages of the model, in order);
    ``splits`` holds the packed split of each language present. ``max_frames`` drops longer clips.
    Prompt choices are drawn from ``(seed, epoch, index)``: the same in every worker and run.
    """

    def __init__(
        self,
        splits: Mapping[str, PackedSplit],
        skeleton: Skeleton,
        tokenizers: Tokenizers,
        languages: Sequence[str],
        prompts: Mapping[str, Sequence[str]],
        input: str = "text",
        prompt_rate: float = 0.5,
        seed: int = 0,
        max_frames: int | None = None,
    ):
        if input not in INPUTS:
            raise ConfigError(f"data.input must be one of {INPUTS}, got {input!r}")
        self.splits, self.skeleton, self.tokenizers, self.languages = dict(splits), skeleton, tokenizers, list(languages)
        self.prompts = {code: list(prompts.get(code) or []) for code in self.splits}
        if input != "text":
            for code, templates in self.prompts.items():
                if not templates or any("{text}" not in template for template in templates):
                    raise ConfigError(f"language.{code}.prompts: need templates with a {{text}} slot for input={input}")
        self.input, self.prompt_rate, self.seed = input, prompt_rate, seed
        self._epoch = torch.zeros((), dtype=torch.long).share_memory_()  # seen by running workers too
        self.items = [  # (language, clip index) of every sample
            (code, clip)
            for code, split in self.splits.items()
            for clip in np.flatnonzero(split.lengths <= (max_frames or np.inf)).tolist()
        ]
        self.lengths = np.array([self.splits[code].lengths[clip] for code, clip in self.items], dtype=np.int64)

    def __len__(self) -> int:
        return len(self.items)

    @property
    def epoch(self) -> int:
        return int(self._epoch)

    def set_epoch(self, epoch: int) -> None:
        """Draw the prompts of ``epoch`` (the train batch sampler calls this)."""
        self._epoch.fill_(epoch)

    def input_text(self, index: int, text: str, lang: str) -> tuple[str, bool]:
        """(the model input for sample ``index``, whether it is a prompt)."""
        if self.input == "text":
            return text, False
        rng = np.random.default_rng([self.seed, self.epoch, index])
        if self.input == "mixed" and rng.random() >= self.prompt_rate:
            return text, False
        templates = self.prompts[lang]
        return templates[rng.integers(len(templates))].replace("{text}", text), True

    def input_choices(self, index: int) -> list[list[int]]:
        """Token ids of every input sample ``index`` can take in some epoch (its text, each of its prompts),
        e.g. for a frozen text encoder to compute once."""
        lang, clip_index = self.items[index]
        text = self.splits[lang].texts[clip_index]
        plain = [(text, False)] if self.input != "prompt" else []
        prompts = [(template.replace("{text}", text), True) for template in self.prompts[lang]] if self.input != "text" else []
        return [self.tokenizers.encode_text(given, lang, marker=not is_prompt) for given, is_prompt in plain + prompts]

    def __getitem__(self, index: int) -> dict:
        lang, clip_index = self.items[index]
        clip = self.splits[lang][clip_index]
        text, is_prompt = self.input_text(index, clip.text, lang)
        return {
            "text_ids": torch.tensor(self.tokenizers.encode_text(text, lang, marker=not is_prompt)),
            "gloss_ids": torch.tensor(self.tokenizers.encode_langgloss(clip.gloss or clip.text, lang)),
            "frames": canonical_frames(clip.frames),
            "confidence": point_weights(clip.confidence, clip.frames, self.skeleton),
            "lang": self.languages.index(lang),
            "index": index,
            "text": clip.text,
            "id": clip.id,
            "lang_code": lang,
        }
