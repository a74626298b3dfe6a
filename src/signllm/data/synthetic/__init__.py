"""The built-in synthetic corpus: deterministic, learnable stand-in data for all eight sign languages.

Clearly synthetic (ids ``synthetic-<code>-<split>-NNNNNN``): real words of each spoken language, a
small grammar whose gloss order differs from the text order, with yes/no questions and negation, and
per-language signs rendered as smooth 3D motion of a rig with hands and a parametric face, in any layout
of ``conf/skeleton`` (points picked by name). The face signs: mouthing per sign, raised brows on
questions, a head shake on negation, blinks at boundaries; questions and negation are seen only there.
``ensure_corpus`` generates it on first use, in the folder ``corpus_folder`` names;
``python -m signllm.data.synthetic --root data/synthetic --skeleton <layout>`` does so from the command line.
"""

from signllm.data.synthetic.corpus import corpus_folder, ensure_corpus, generate_split
from signllm.data.synthetic.lexicon import LANGUAGES

__all__ = ["LANGUAGES", "corpus_folder", "ensure_corpus", "generate_split"]
