"""Metric validity on real twin renditions: how often each pose metric ranks the same content nearest.

Run: python benchmarks/metric_validity.py [--realdata ../shared/realdata] [--output table.md]
Reads the How2Sign OpenPose sentence pairs and the DGS-corpus gloss pieces in place (never copied; see
``signllm.evaluation.validity``), prints one row per metric (twin ranked nearest / queries, and the mean
reciprocal rank of the first twin) and the recommended metric, and ends with ``RESULT`` lines for it.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from signllm.evaluation import validity
from signllm.utils import atomic_write_text

REALDATA = Path(__file__).resolve().parents[2] / "shared" / "realdata"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--realdata", type=Path, default=REALDATA)
    parser.add_argument("--output", type=Path, help="also write the Markdown table here")
    args = parser.parse_args()
    if not args.realdata.is_dir():
        raise SystemExit(f"{args.realdata}: real samples not found (pass --realdata)")
    started = time.perf_counter()
    sets = [
        validity.how2sign_set(args.realdata / "how2sign-openpose-prompt2sign"),
        validity.dgs_gloss_set(args.realdata / "dgs-corpus-fluent-pose-synthesis" / "train"),
    ]
    rows = validity.validity_table(sets, validity.metrics())
    table = validity.markdown(rows)
    best = validity.recommend(rows)
    print(table)
    print(f"recommended: {best} ({len(sets)} sets, {time.perf_counter() - started:.0f} s)")
    if args.output:
        atomic_write_text(args.output, table)
    for twin_set in sets:
        hits, queries, mrr = next(row for row in rows if row["metric"] == best)[twin_set.name]
        slug = twin_set.name.split()[0].lower().replace("-", "_")
        print(f"RESULT validity_{slug}_twin_nearest {hits}/{queries} informational")
        print(f"RESULT validity_{slug}_mrr {mrr:.2f} informational")


if __name__ == "__main__":
    main()
