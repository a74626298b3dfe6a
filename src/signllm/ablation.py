"""Collects an ablation multirun (`hparams_search=ablation`) into one table when the sweep ends.

Each job's summary.json gives dev DTW (best `val/dtw` over the tracked dev clips, with the DTW-MJE of the
last tracked epoch) and test DTW (honest generation from the best checkpoint). The table is printed and
written as ablation.md / ablation.csv in the sweep folder, with the evaluate.py command that adds
back-translation BLEU/ROUGE for the same checkpoints.
"""

from __future__ import annotations

import json
from pathlib import Path

from hydra.experimental.callback import Callback
from omegaconf import DictConfig, OmegaConf
from rich.console import Console
from rich.table import Table

from signllm.utils import atomic_write_text

COLUMNS = {  # column name -> summary metric
    "dev DTW (best epoch)": "val/dtw_best",
    "dev DTW-MJE (last epoch)": "val/dtw_mje",
    "test DTW": "test/dtw",
    "test DTW-MJE": "test/dtw_mje",
}


def collect(sweep_dir: Path) -> tuple[list[list[str]], dict[str, str]]:
    """Table rows (row name, then COLUMNS formatted) and {row: best checkpoint}, in job order."""
    rows, checkpoints = [], {}
    jobs = [p for p in sweep_dir.iterdir() if p.name.isdigit() and (p / "summary.json").is_file()]
    for job in sorted(jobs, key=lambda p: int(p.name)):
        overrides = OmegaConf.load(job / ".hydra/overrides.yaml")
        experiment = [o.split("=", 1)[1] for o in overrides if o.startswith("experiment=")]
        name = experiment[0].removeprefix("ablation/") if experiment else job.name
        summary = json.loads((job / "summary.json").read_text())
        rows.append([name] + [f"{summary['metrics'].get(key, float('nan')):.4f}" for key in COLUMNS.values()])
        checkpoints[name] = summary["best_checkpoint"]
    return rows, checkpoints


def report(sweep_dir: Path) -> Table:
    """Write ablation.md and ablation.csv into the sweep folder; return the table for the console."""
    rows, checkpoints = collect(sweep_dir)
    names = ["row", *COLUMNS]
    mapping = ",".join(f"{name}:{path}" for name, path in checkpoints.items() if path)
    markdown = [f"## Ablation ({sweep_dir.name})", "", "| " + " | ".join(names) + " |",
                "| --- |" + " ---: |" * len(COLUMNS)]
    markdown += ["| " + " | ".join(row) + " |" for row in rows]
    markdown += ["", "Back-translation BLEU/ROUGE of the same checkpoints:", "",
                 f"    python evaluate.py evaluator=<backtranslator.ckpt> 'checkpoints={{{mapping}}}'", ""]
    atomic_write_text(sweep_dir / "ablation.md", "\n".join(markdown))
    atomic_write_text(sweep_dir / "ablation.csv", "\n".join(",".join(row) for row in [names, *rows]) + "\n")
    table = Table(title=f"Ablation: {sweep_dir}")
    for name in names:
        table.add_column(name, justify="left" if name == "row" else "right")
    for row in rows:
        table.add_row(*row)
    return table


class AblationTable(Callback):
    """Hydra callback: after the multirun, print and save the table of all rows."""

    def on_multirun_end(self, config: DictConfig, **kwargs) -> None:
        Console().print(report(Path(config.hydra.sweep.dir)))
