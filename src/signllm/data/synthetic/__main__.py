"""``python -m signllm.data.synthetic --root data/synthetic [--skeleton openpose50] [--languages asl gsl ...]``:
write the corpus into the folder training reads (``corpus_folder``; defaults from conf/data/synthetic.yaml)."""

from __future__ import annotations

import argparse

import yaml
from rich.progress import Progress

from signllm.data.synthetic.corpus import corpus_folder, ensure_corpus
from signllm.data.synthetic.lexicon import LANGUAGES
from signllm.skeleton import CONF_DIR, DEFAULT_LAYOUT, SkeletonError, load_skeleton

DATA_CONFIG = CONF_DIR / "data" / "synthetic.yaml"


def main(argv: list[str] | None = None) -> None:
    defaults = yaml.safe_load(DATA_CONFIG.read_text(encoding="utf-8"))["synthetic"]
    layout = corpus_folder("ROOT", "<skeleton>", "<S>", "<N>", "<N>", "<N>") / "<code>"
    parser = argparse.ArgumentParser(
        prog="python -m signllm.data.synthetic",
        description=f"Write the synthetic corpus where training (data=synthetic) reads it: {layout}. "
        "Defaults are those of conf/data/synthetic.yaml.",
        epilog="examples:\n  python -m signllm.data.synthetic --root data/synthetic   # what `python train.py` reads\n"
        "  python -m signllm.data.synthetic --root data/synthetic --skeleton dwpose --languages asl gsl",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--root", required=True, help="the synthetic root (training: data.synthetic_root)")
    parser.add_argument("--skeleton", default=DEFAULT_LAYOUT, help="layout of conf/skeleton (default: %(default)s)")
    parser.add_argument(
        "--languages", nargs="+", default=list(LANGUAGES), choices=LANGUAGES, metavar="CODE", help="default: all"
    )
    parser.add_argument("--seed", type=int, default=defaults["seed"], help="corpus seed (default: %(default)s)")
    for split in ("train", "dev", "test"):
        meaning = f"{split} clips per language (default: %(default)s)"
        parser.add_argument(f"--{split}", type=int, default=defaults[split], help=meaning)
    args = parser.parse_args(argv)
    try:
        skeleton = load_skeleton(args.skeleton)
    except SkeletonError as error:
        parser.error(str(error))
    folder = corpus_folder(args.root, skeleton.name, args.seed, args.train, args.dev, args.test)
    with Progress() as progress:
        ensure_corpus(folder, args.languages, skeleton, args.seed, args.train, args.dev, args.test, progress=progress)
    print(f"wrote the synthetic corpus ({skeleton.name}, {', '.join(args.languages)}) to {folder}")


if __name__ == "__main__":
    main()
