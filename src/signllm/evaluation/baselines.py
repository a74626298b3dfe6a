"""Baselines reported beside every production model, built from the training split only.

Each has the production models' ``generate(batch, max_frames=None) -> (frames, lengths)`` and reads
no ground-truth pose of the clip it produces:

- ``MeanPose``: the mean training frame, held for the mean training duration.
- ``NearestNeighbour``: the poses of the training clip whose sentence is most similar to the input
  sentence (cosine of character-trigram counts).
- ``GlossLexicon``: given the reference gloss, the average training clip of each gloss joined by
  short linear transitions. Sentence clips carry no gloss boundaries, so each training clip is cut
  into equal parts, one per gloss, and each gloss's parts are resampled to their mean length and
  averaged. Corpora without glosses have no lexicon (``gloss_lexicon_available``).
- ``LowMotion``: the mean pose with small motion: the nearest neighbour's clip with every frame pulled to
  ``amplitude`` (default 0.25) of its distance from the mean pose, so timing and the shape of the motion
  survive but the movement shrinks to about a quarter (the SLRTP Progressive-Transformers entry moved its
  wrists 0.26 times as far as the ground truth). It shows at once whether a metric rewards stillness.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

import numpy as np
import torch

from signllm.data.skels import Clip
from signllm.data.tokenizer import Tokenizers
from signllm.skeleton import counter_values

TRIGRAM = 3


def pack(clips: Sequence[np.ndarray], max_frames: int | None = None) -> tuple[torch.Tensor, torch.Tensor]:
    """(T_i, coordinates) arrays -> zero-padded (B, T, coordinates + 1) frames with counters (last), lengths."""
    clips = [clip[:max_frames] for clip in clips]
    lengths = torch.tensor([len(clip) for clip in clips])
    frames = torch.zeros(len(clips), int(lengths.max()), clips[0].shape[1] + 1)
    for i, clip in enumerate(clips):
        frames[i, : len(clip), :-1] = torch.from_numpy(np.asarray(clip, dtype=np.float32))
        frames[i, : len(clip), -1] = torch.from_numpy(counter_values(len(clip))).float()
    return frames, lengths


def resample(coords: np.ndarray, length: int) -> np.ndarray:
    """(T, C) -> (length, C) by linear interpolation in time."""
    position = np.linspace(0, len(coords) - 1, length)
    before = np.floor(position).astype(int)
    after = np.minimum(before + 1, len(coords) - 1)
    weight = (position - before)[:, None]
    return (1 - weight) * coords[before] + weight * coords[after]


class MeanPose:
    def __init__(self, clips: Sequence[Clip]):
        frames = np.concatenate([clip.frames[:, :-1] for clip in clips])
        self.pose = frames.mean(0)
        self.length = max(1, round(len(frames) / len(clips)))

    def generate(self, batch: dict, max_frames: int | None = None) -> tuple[torch.Tensor, torch.Tensor]:
        return pack([np.tile(self.pose, (self.length, 1))] * len(batch["text"]), max_frames)


class NearestNeighbour:
    def __init__(self, clips: Sequence[Clip]):
        self.clips = clips
        self.trigrams: dict[str, int] = {}
        self.index = self._vectors([clip.text for clip in clips], grow=True)

    def _vectors(self, texts: Sequence[str], grow: bool = False) -> torch.Tensor:
        """Sparse L2-normalised character-trigram counts (B, vocabulary); unseen trigrams are dropped unless ``grow``."""
        rows, cols = [], []
        for row, text in enumerate(texts):
            padded = f" {text.lower()} "
            for start in range(len(padded) - TRIGRAM + 1):
                gram = padded[start : start + TRIGRAM]
                if grow:
                    self.trigrams.setdefault(gram, len(self.trigrams))
                if gram in self.trigrams:
                    rows.append(row)
                    cols.append(self.trigrams[gram])
        shape = (len(texts), len(self.trigrams))
        indices = torch.tensor([rows, cols], dtype=torch.long).view(2, -1)
        counts = torch.sparse_coo_tensor(indices, torch.ones(len(rows)), shape, check_invariants=True).coalesce()
        (row_of, _), values = counts.indices(), counts.values()
        norms = torch.zeros(len(texts)).index_add_(0, row_of, values**2).sqrt().clamp(min=1e-12)
        return torch.sparse_coo_tensor(counts.indices(), values / norms[row_of], shape, is_coalesced=True, check_invariants=True)

    def nearest(self, texts: Sequence[str]) -> list[int]:
        """Index of the most similar training sentence for each text (the first one on ties)."""
        similarity = torch.sparse.mm(self.index, self._vectors(texts).to_dense().T)  # (train, texts)
        return similarity.argmax(0).tolist()

    def generate(self, batch: dict, max_frames: int | None = None) -> tuple[torch.Tensor, torch.Tensor]:
        return pack([self.clips[i].frames[:, :-1] for i in self.nearest(batch["text"])], max_frames)


def average_clip(clips: Sequence[np.ndarray]) -> np.ndarray:
    """Clips resampled to their mean length, averaged frame by frame."""
    length = max(1, round(np.mean([len(clip) for clip in clips])))
    return np.mean([resample(clip, length) for clip in clips], axis=0)


def gloss_lexicon_available(clips: Sequence[Clip]) -> bool:
    return all(clip.gloss for clip in clips)


class GlossLexicon:
    def __init__(self, clips: Sequence[Clip], tokenizers: Tokenizers, transition: int = 4):
        if not gloss_lexicon_available(clips):
            raise ValueError("the training split has no glosses: the gloss-lexicon baseline is not available")
        self.tokenizers, self.transition = tokenizers, transition
        parts = defaultdict(list)  # gloss -> its equal-length parts of training clips
        for clip in clips:
            glosses = clip.gloss.split()
            bounds = np.linspace(0, len(clip.frames), len(glosses) + 1).round().astype(int)
            for gloss, start, end in zip(glosses, bounds[:-1], bounds[1:]):
                parts[gloss].append(clip.frames[start : max(end, start + 1), :-1])
        self.signs = {gloss: average_clip(group) for gloss, group in parts.items()}
        mean_length = round(np.mean([len(sign) for sign in self.signs.values()]))
        self.unknown = np.tile(MeanPose(clips).pose, (mean_length, 1))  # stands in for a gloss never seen

    def sentence(self, glosses: Sequence[str]) -> np.ndarray:
        """The signs of ``glosses`` in order, joined by ``transition`` interpolated frames."""
        pieces = []
        for gloss in glosses:
            sign = self.signs.get(gloss, self.unknown)
            if pieces:
                steps = np.linspace(0, 1, self.transition + 2)[1:-1, None]
                pieces.append((1 - steps) * pieces[-1][-1] + steps * sign[0])
            pieces.append(sign)
        return np.concatenate(pieces) if pieces else self.unknown

    def generate(self, batch: dict, max_frames: int | None = None) -> tuple[torch.Tensor, torch.Tensor]:
        glosses = [self.tokenizers.decode_langgloss(ids.tolist())[1] for ids in batch["gloss_ids"]]
        return pack([self.sentence(words) for words in glosses], max_frames)


class LowMotion:
    def __init__(self, clips: Sequence[Clip], amplitude: float = 0.25):
        self.pose = torch.from_numpy(MeanPose(clips).pose).float()
        self.neighbour, self.amplitude = NearestNeighbour(clips), amplitude

    def generate(self, batch: dict, max_frames: int | None = None) -> tuple[torch.Tensor, torch.Tensor]:
        frames, lengths = self.neighbour.generate(batch, max_frames)
        real = (torch.arange(frames.shape[1]) < lengths[:, None])[..., None]
        damped = self.pose + self.amplitude * (frames[..., :-1] - self.pose)
        frames[..., :-1] = torch.where(real, damped, frames[..., :-1])
        return frames, lengths


def build_baselines(clips: Sequence[Clip], tokenizers: Tokenizers) -> dict[str, object]:
    """The baselines by table name; the gloss lexicon only where every training clip has a gloss."""
    baselines = {"mean pose": MeanPose(clips), "nearest neighbour": NearestNeighbour(clips)}
    if gloss_lexicon_available(clips):
        baselines["gloss lexicon"] = GlossLexicon(clips, tokenizers)
    return baselines | {"low motion": LowMotion(clips)}
