"""Small Prompt2Sign folders for the data tests, written with write_split (no generator needed)."""

from pathlib import Path

import numpy as np

from signllm.data.skels import Clip, write_split
from signllm.skeleton import counter_values
from ..layouts import OPENPOSE50

LANGUAGES = ("asl", "gsl", "dsgs", "lsf_ch", "lis_ch", "lsa", "ksl", "tsl")

# A few sentences per sign language, in its spoken language (Korean and Turkish included).
SENTENCES = {
    "asl": ["the weather is nice today", "how are you doing", "I like sign language"],
    "gsl": ["morgen regnet es im süden", "heute ist es sehr windig", "am wochenende wird es wärmer"],
    "dsgs": ["Grüezi, wie geht es dir?", "Ich gehe morgen nach Zürich.", "Das Brot ist frisch."],
    "lsf_ch": ["Où est la gare ?", "Je m'appelle Loïc et j'habite à Genève.", "Ça va très bien, merci."],
    "lis_ch": ["Perché non vieni con noi?", "Il treno parte alle otto.", "Città è più bella d'estate."],
    "lsa": ["¿Dónde está la estación?", "Mañana vamos a Córdoba.", "El niño come una manzana."],
    "ksl": ["안녕하세요, 만나서 반갑습니다.", "오늘 날씨가 정말 좋네요.", "수어를 배우고 싶어요."],
    "tsl": ["Bugün hava çok güzel.", "İstanbul'a yarın gidiyorum.", "Şu ağacın altında oturduk, ığdırlı çocuk."],
}


def make_clips(lang: str, count: int, rng: np.random.Generator, gloss: bool = True, counter: str = "prompt2sign"):
    """``count`` clips of random lengths whose texts cycle through ``SENTENCES[lang]``."""
    clips = []
    for i in range(count):
        frames = rng.normal(0, 0.2, (int(rng.integers(3, 12)), OPENPOSE50.frame_size)).astype(np.float32)
        frames[:, OPENPOSE50.counter_index] = counter_values(len(frames), counter)
        text = SENTENCES[lang][i % len(SENTENCES[lang])]
        clips.append(Clip(f"{lang}/{i}", text, text.upper() if gloss else None, frames))
    return clips


def write_corpus(root: Path, languages=LANGUAGES, count: int = 6, seed: int = 0) -> dict[str, Path]:
    """``root/<lang>/{train,dev,test}.*`` for each language; gsl in the PT convention, lsa without gloss."""
    rng = np.random.default_rng(seed)
    folders = {}
    for lang in languages:
        counter = "progressive_transformers" if lang == "gsl" else "prompt2sign"
        for split in ("train", "dev", "test"):
            clips = make_clips(lang, count, rng, gloss=lang != "lsa", counter=counter)
            write_split(root / lang, split, clips, OPENPOSE50)
        folders[lang] = root / lang
    return folders
