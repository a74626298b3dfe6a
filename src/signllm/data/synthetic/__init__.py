"""The built-in synthetic corpus: deterministic, learnable stand-in data for all eight sign languages.

Clearly synthetic (ids ``synthetic-<code>-<split>-NNNNNN``): real words of each spoken language, a
small grammar whose gloss order differs from the text order, and per-language signs rendered as
smooth 3D motion of the skeleton. ``ensure_corpus`` generates it on first use;
``python -m signllm.data.synthetic --root data/synthetic`` does so from the command line.
"""

from signllm.data.synthetic.corpus import ensure_corpus, generate_split
from signllm.data.synthetic.lexicon import LANGUAGES

__all__ = ["LANGUAGES", "ensure_corpus", "generate_split"]
