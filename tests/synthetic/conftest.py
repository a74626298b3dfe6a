"""Tiny synthetic corpora, generated once per test session: all eight languages in openpose50, and a few
languages in every layout of conf/skeleton (a new layout is tested without touching these tests)."""

import dataclasses
from pathlib import Path

import numpy as np
import pytest

from signllm.data.synthetic import LANGUAGES, ensure_corpus
from signllm.data.synthetic.corpus import ClipRenderer, signers
from signllm.data.synthetic.grammar import sample_sentence
from signllm.data.synthetic.lexicon import LEXICONS
from signllm.skeleton import CONF_DIR, load_skeleton

SIZES = {"train": 12, "dev": 3, "test": 3}
LAYOUT_SIZES = {"train": 6, "dev": 2, "test": 2}
LAYOUT_LANGUAGES = ["asl", "gsl", "ksl"]
LAYOUTS = sorted(path.stem for path in (CONF_DIR / "skeleton").glob("*.yaml"))
FACE_LAYOUTS = [name for name in LAYOUTS if load_skeleton(name).has("face")]
LAYOUTS_3D = [name for name in LAYOUTS if load_skeleton(name).dims == 3]
LAYOUTS_2D = [name for name in LAYOUTS if load_skeleton(name).dims == 2]
SCORED_LAYOUTS = [name for name in LAYOUTS if load_skeleton(name).confidence]


@pytest.fixture(scope="session")
def corpus(tmp_path_factory) -> dict[str, Path]:
    """Language code -> folder of an openpose50 corpus that tests only read."""
    return ensure_corpus(tmp_path_factory.mktemp("synthetic"), list(LANGUAGES), "openpose50", seed=0, **SIZES)


@pytest.fixture(scope="session", params=LAYOUTS)
def layout_corpus(request, tmp_path_factory):
    """(skeleton, language code -> folder) of a small corpus in each layout (tests may pick layouts with
    ``pytest.mark.parametrize("layout_corpus", names, indirect=True)``)."""
    skeleton = load_skeleton(request.param)
    folders = ensure_corpus(tmp_path_factory.mktemp(request.param), LAYOUT_LANGUAGES, skeleton, **LAYOUT_SIZES)
    return skeleton, folders


def variants(name: str, code: str = "asl", seed: int = 0, **changes):
    """(skeleton, renderer, statement, the same words with ``changes``, a signer): for paired comparisons."""
    skeleton = load_skeleton(name)
    sentence = sample_sentence(LEXICONS[code], np.random.default_rng(seed))
    statement = dataclasses.replace(sentence, question=False, negated=False)
    changed = dataclasses.replace(statement, **changes)
    return skeleton, ClipRenderer(code, skeleton), statement, changed, signers(code)[0]
