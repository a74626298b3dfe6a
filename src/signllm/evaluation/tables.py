"""The results as tables, rows = systems, per split:

1. the paper's layout (BLEU-4..1, ROUGE, DTW);
2. the pose columns the paper lacks (DTW-MJE, travel and duration ratios to the reference);
3. "SLRTP 2025": the challenge harness's definitions (BLEU-1..4, chrF, ROUGE-L, WER, DTW-MJE, Total Distance,
   Average Duration; ``signllm.metrics.slrtp``) on our evaluator's translations;
4. the motion audit beside every BLEU (pose-variance, velocity and jerk ratios, Total Distance, duration ratio).

Every table ends with the recommended pose metric (docs/EVALUATION.md). On the console and in Markdown; CSV
and the logger table hold all columns, JSON every number.

``scores`` everywhere is ``{system: {split: {metric: value}}}``, systems in row order.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Mapping, Sequence
from pathlib import Path

from rich.table import Table

from signllm.evaluation.field_scores import RECOMMENDED, RECOMMENDED_LABEL
from signllm.utils import atomic_write_text

RECOMMENDED_COLUMN = {RECOMMENDED: RECOMMENDED_LABEL}
PAPER = {"bleu4": "BLEU-4", "bleu3": "BLEU-3", "bleu2": "BLEU-2", "bleu1": "BLEU-1", "rouge": "ROUGE", "dtw": "DTW"}
MOTION = {"dtw_mje": "DTW-MJE", "travel_ratio": "travel ratio", "duration_ratio": "duration ratio"}
SLRTP = {f"slrtp_bleu{n}": f"BLEU-{n}" for n in (1, 2, 3, 4)} | {
    "slrtp_chrf": "chrF",
    "slrtp_rouge": "ROUGE-L",
    "slrtp_wer": "WER",
    "slrtp_dtw_mje": "DTW-MJE",
    "slrtp_total_distance": "Total Distance",
    "slrtp_avg_duration": "Average Duration",
}
AUDIT = {
    "variance_ratio": "variance ratio",
    "velocity_ratio": "velocity ratio",
    "jerk_ratio": "jerk ratio",
    "slrtp_total_distance": "Total Distance",
    "duration_ratio": "duration ratio",
}
# (title suffix, columns) of each printed table; the recommended metric ends every one
TABLES = tuple(
    (title, columns | RECOMMENDED_COLUMN)
    for title, columns in (
        (None, PAPER),
        (None, MOTION),
        ("SLRTP 2025 challenge definitions, our evaluator", SLRTP),
        ("motion audit, ratios to the reference (1 = as much as the reference)", AUDIT),
    )
)
# every column once, for CSV and loggers; SLRTP labels say so, as BLEU and ROUGE differ from ours
METRICS = PAPER | MOTION | {key: f"SLRTP {label}" for key, label in SLRTP.items()} | {k: v for k, v in AUDIT.items() if k not in SLRTP}
METRICS |= RECOMMENDED_COLUMN
DECIMALS = {"dtw_mje": 4, "slrtp_dtw_mje": 4, RECOMMENDED: 4}  # printed decimals where 2 would hide the differences
Scores = Mapping[str, Mapping[str, Mapping[str, float]]]


def header(splits: Sequence[str], metrics: Mapping[str, str] = METRICS) -> list[str]:
    return ["model"] + [f"{split} {label}" for split in splits for label in metrics.values()]


def rows(scores: Scores, splits: Sequence[str], metrics: Mapping[str, str] = METRICS) -> list[list]:
    """One row per system: its name, then each metric of each split (floats)."""
    return [[name] + [by_split[split][m] for split in splits for m in metrics] for name, by_split in scores.items()]


def _formatted(scores: Scores, splits: Sequence[str], metrics: Mapping[str, str]) -> list[list[str]]:
    decimals = [DECIMALS.get(metric, 2) for _ in splits for metric in metrics]
    return [[row[0]] + [f"{value:.{d}f}" for value, d in zip(row[1:], decimals)] for row in rows(scores, splits, metrics)]


def console_width(splits: Sequence[str], name_width: int = 30) -> int:
    """Characters the widest table needs unsqueezed: the name column plus every header and its borders."""
    return max(name_width + sum(len(column) + 3 for column in header(splits, metrics)[1:]) for _, metrics in TABLES)


def _title(title: str, suffix: str | None, metrics: Mapping[str, str]) -> str:
    return f"{title}, {suffix}" if suffix else f"{title}: {', '.join(metrics.values())}"


def console_tables(scores: Scores, splits: Sequence[str], title: str, notes: Sequence[str] = ()) -> list[Table]:
    """Every table of ``TABLES``, the notes as the last one's caption."""
    tables = []
    for index, (suffix, metrics) in enumerate(TABLES):
        caption = "\n".join(notes) or None if index == len(TABLES) - 1 else None
        table = Table(title=_title(title, suffix, metrics), caption=caption)
        for index, column in enumerate(header(splits, metrics)):
            table.add_column(column, justify="left" if index == 0 else "right", no_wrap=True)
        for row in _formatted(scores, splits, metrics):
            table.add_row(*row)
        tables.append(table)
    return tables


def markdown(scores: Scores, splits: Sequence[str], title: str, notes: Sequence[str] = ()) -> str:
    lines = [f"## {title}"]
    for suffix, metrics in TABLES:
        columns = header(splits, metrics)
        lines += ["", f"### {_title(title, suffix, metrics)}"] if suffix else []
        lines += ["", "| " + " | ".join(columns) + " |", "| --- |" + " ---: |" * (len(columns) - 1)]
        lines += ["| " + " | ".join(row) + " |" for row in _formatted(scores, splits, metrics)]
    return "\n".join(lines + [""] + [f"- {note}" for note in notes]) + "\n"


def csv_text(scores: Scores, splits: Sequence[str]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header(splits))
    writer.writerows(rows(scores, splits))
    return buffer.getvalue()


def write_reports(output_dir: Path | str, report: Mapping, title: str) -> dict[str, Path]:
    """``results.md``, ``results.csv`` and ``results.json`` (the whole report) in ``output_dir``, each atomic."""
    output_dir = Path(output_dir)
    scores, splits, notes = report["scores"], report["splits"], report.get("notes", ())
    texts = {
        "md": markdown(scores, splits, title, notes),
        "csv": csv_text(scores, splits),
        "json": json.dumps(report, indent=2, ensure_ascii=False) + "\n",
    }
    paths = {kind: output_dir / f"results.{kind}" for kind in texts}
    for kind, text in texts.items():
        atomic_write_text(paths[kind], text)
    return paths


def log_table(logger, scores: Scores, splits: Sequence[str], key: str) -> None:
    """A table where the logger has them (W&B), otherwise one metric per system, split and metric."""
    if hasattr(logger, "log_table"):
        logger.log_table(key=key, columns=header(splits), data=rows(scores, splits))
    else:
        logger.log_metrics(
            {f"{key}/{name}/{split}/{metric}": value for name, by_split in scores.items() for split, values in by_split.items() for metric, value in values.items()}
        )
