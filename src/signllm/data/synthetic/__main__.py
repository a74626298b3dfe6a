"""``python -m signllm.data.synthetic --root data/synthetic [--languages asl gsl ...]``: write the corpus."""

from __future__ import annotations

import argparse

from rich.progress import Progress

from signllm.data.synthetic.corpus import DEFAULT_SIZES, ensure_corpus
from signllm.data.synthetic.lexicon import LANGUAGES


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m signllm.data.synthetic", description="Write the synthetic corpus.")
    parser.add_argument("--root", required=True, help="data folder; each language is written to ROOT/<code>")
    parser.add_argument(
        "--languages", nargs="+", default=list(LANGUAGES), choices=LANGUAGES, metavar="CODE", help="default: all"
    )
    parser.add_argument("--seed", type=int, default=0)
    for split, size in DEFAULT_SIZES.items():
        parser.add_argument(f"--{split}", type=int, default=size, help=f"{split} clips per language")
    args = parser.parse_args(argv)
    with Progress() as progress:
        folders = ensure_corpus(
            args.root, args.languages, args.seed, args.train, args.dev, args.test, progress=progress
        )
    for code, folder in folders.items():
        print(f"{code}: {folder}")


if __name__ == "__main__":
    main()
