"""Result tables: paper layout on the console and in Markdown, every column in CSV, every number in JSON."""

import csv
import io
import json

from rich.console import Console

from signllm.evaluation import tables

SPLITS = ["dev", "test"]


def scores() -> dict:
    row = lambda base: {metric: base + i for i, metric in enumerate(tables.METRICS)}  # noqa: E731
    return {"ground truth (ceiling)": {"dev": row(10), "test": row(20)}, "mean pose": {"dev": row(1), "test": row(2)}}


def test_paper_layout_columns():
    assert tables.header(SPLITS, tables.PAPER) == [
        "model",
        *[f"{split} {label}" for split in SPLITS for label in ("BLEU-4", "BLEU-3", "BLEU-2", "BLEU-1", "ROUGE", "DTW")],
    ]


def test_csv_holds_every_metric_in_row_order():
    rows = list(csv.reader(io.StringIO(tables.csv_text(scores(), SPLITS))))
    assert rows[0] == tables.header(SPLITS) and [row[0] for row in rows[1:]] == ["ground truth (ceiling)", "mean pose"]
    assert float(rows[2][1]) == 1.0 and float(rows[2][-1]) == 2 + len(tables.METRICS) - 1


def test_markdown_and_console_show_every_table_and_the_notes():
    text = tables.markdown(scores(), SPLITS, "asl", ["gloss lexicon: not available"])
    assert text.count("| model |") == len(tables.TABLES) == 4 and "| mean pose | 1.00 | 2.00 |" in text and "- gloss lexicon: not available" in text
    assert "### asl, SLRTP 2025 challenge definitions" in text and "### asl, motion audit" in text
    assert text.count(f"dev {tables.RECOMMENDED_LABEL}") == len(tables.TABLES)  # the recommended metric in every table
    console = Console(width=tables.console_width(SPLITS), record=True)
    for table in tables.console_tables(scores(), SPLITS, "asl", ["a note"]):
        console.print(table)
    printed = console.export_text()
    assert "dev BLEU-4" in printed and "test DTW-MJE" in printed and "a note" in printed
    assert "test WER" in printed and "dev jerk ratio" in printed and "…" not in printed


def test_csv_labels_are_unique():
    columns = tables.header(SPLITS)
    assert len(columns) == len(set(columns)) and "dev SLRTP BLEU-4" in columns and "dev BLEU-4" in columns


def test_write_reports(tmp_path):
    report = {"splits": SPLITS, "scores": scores(), "notes": [], "evaluator": {"sha256": "abc"}}
    paths = tables.write_reports(tmp_path / "out", report, "asl")
    assert json.loads(paths["json"].read_text()) == report
    assert paths["csv"].read_text() == tables.csv_text(scores(), SPLITS)
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["results.csv", "results.json", "results.md"]


class TableLogger:
    def log_table(self, key, columns, data):
        self.table = (key, columns, data)


class MetricLogger:
    def log_metrics(self, metrics):
        self.metrics = metrics


def test_loggers_get_a_table_or_metrics():
    table_logger, metric_logger = TableLogger(), MetricLogger()
    tables.log_table(table_logger, scores(), SPLITS, "evaluation/asl")
    key, columns, data = table_logger.table
    assert key == "evaluation/asl" and columns == tables.header(SPLITS) and data[1][:2] == ["mean pose", 1]
    tables.log_table(metric_logger, scores(), SPLITS, "evaluation/asl")
    assert metric_logger.metrics["evaluation/asl/mean pose/test/bleu4"] == 2
