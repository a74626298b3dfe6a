"""A tiny learnable corpus for the evaluation tests: each word is a fixed 4-frame sign, a sentence is
its words' signs in a row, so a back-translator can learn it in seconds and the lexicon is exact."""

from itertools import product
from pathlib import Path

import numpy as np

from signllm.data.skels import Clip, write_split
from signllm.skeleton import counter_values
from ..layouts import OPENPOSE50

SUBJECTS, VERBS, TIMES = ("cat", "dog", "bird"), ("sleeps", "runs"), ("today", "now", "")
SIGN_FRAMES = 4
SPLITS = {"train": 12, "dev": 4, "test": 4}
LANGUAGE = {"name": "Test SL", "fps": 25, "prompts": ["Sign '{text}' please"]}


def signs(seed: int = 0) -> dict[str, np.ndarray]:
    """word -> (SIGN_FRAMES, OPENPOSE50.num_coords) coordinates."""
    rng = np.random.default_rng(seed)
    base = rng.normal(0, 0.3, OPENPOSE50.num_coords)
    return {word: base + rng.normal(0, 0.2, (SIGN_FRAMES, OPENPOSE50.num_coords)) for word in SUBJECTS + VERBS + TIMES if word}


def sentences() -> list[str]:
    return [" ".join(filter(None, words)) for words in product(SUBJECTS, VERBS, TIMES)]


def clip(index: int, text: str, lexicon: dict[str, np.ndarray], gloss: bool) -> Clip:
    coords = np.concatenate([lexicon[word] for word in text.split()])
    frames = np.zeros((len(coords), OPENPOSE50.frame_size), np.float32)
    frames[:, :OPENPOSE50.num_coords], frames[:, OPENPOSE50.counter_index] = coords, counter_values(len(coords))
    return Clip(f"clip{index}", text, text.upper() if gloss else None, frames)


def write_corpus(folder: Path, gloss: bool = True) -> Path:
    """train/dev/test splits of the 18 sentences (train repeats some to reach its size)."""
    lexicon, texts = signs(), sentences()
    order = np.random.default_rng(1).permutation(len(texts))
    start = 0
    for split, count in SPLITS.items():
        chosen = [texts[order[(start + i) % len(texts)]] for i in range(count)]
        write_split(folder, split, [clip(start + i, text, lexicon, gloss) for i, text in enumerate(chosen)], OPENPOSE50)
        start += count
    return folder
