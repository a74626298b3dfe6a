"""The results in the paper's layout (rows = systems; per split BLEU-4..1, ROUGE, DTW) plus a second
table of the pose columns the paper lacks (DTW-MJE, travel and duration ratios to the reference): on the
console and in Markdown; CSV and the logger table hold all columns, JSON every number.

``scores`` everywhere is ``{system: {split: {metric: value}}}``, systems in row order.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Mapping, Sequence
from pathlib import Path

from rich.table import Table

from signllm.utils import atomic_write_text

PAPER = {"bleu4": "BLEU-4", "bleu3": "BLEU-3", "bleu2": "BLEU-2", "bleu1": "BLEU-1", "rouge": "ROUGE", "dtw": "DTW"}
MOTION = {"dtw_mje": "DTW-MJE", "travel_ratio": "travel ratio", "duration_ratio": "duration ratio"}
METRICS = {**PAPER, **MOTION}
DECIMALS = {"dtw_mje": 4}  # printed decimals where 2 would hide the differences
Scores = Mapping[str, Mapping[str, Mapping[str, float]]]


def header(splits: Sequence[str], metrics: Mapping[str, str] = METRICS) -> list[str]:
    return ["model"] + [f"{split} {label}" for split in splits for label in metrics.values()]


def rows(scores: Scores, splits: Sequence[str], metrics: Mapping[str, str] = METRICS) -> list[list]:
    """One row per system: its name, then each metric of each split (floats)."""
    return [[name] + [by_split[split][m] for split in splits for m in metrics] for name, by_split in scores.items()]


def _formatted(scores: Scores, splits: Sequence[str], metrics: Mapping[str, str]) -> list[list[str]]:
    decimals = [DECIMALS.get(metric, 2) for _ in splits for metric in metrics]
    return [[row[0]] + [f"{value:.{d}f}" for value, d in zip(row[1:], decimals)] for row in rows(scores, splits, metrics)]


def console_tables(scores: Scores, splits: Sequence[str], title: str, notes: Sequence[str] = ()) -> list[Table]:
    """The paper's table, then the pose table with the notes as its caption."""
    tables = []
    for metrics, caption in ((PAPER, None), (MOTION, "\n".join(notes) or None)):
        table = Table(title=f"{title}: {', '.join(metrics.values())}", caption=caption)
        for index, column in enumerate(header(splits, metrics)):
            table.add_column(column, justify="left" if index == 0 else "right", no_wrap=True)
        for row in _formatted(scores, splits, metrics):
            table.add_row(*row)
        tables.append(table)
    return tables


def markdown(scores: Scores, splits: Sequence[str], title: str, notes: Sequence[str] = ()) -> str:
    lines = [f"## {title}"]
    for metrics in (PAPER, MOTION):
        columns = header(splits, metrics)
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
