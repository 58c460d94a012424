"""The evaluation report on a terminal: a P/R/F1 table and the per-document cost."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table

from extractor.evaluation.scoring import Report


def print_report(report: Report, console: Console | None = None, title: str = "Evaluation") -> None:
    """Micro P/R/F1 per metric, speaker accuracy, grounding rate, and time/tokens per document."""
    console = console or Console()
    table = Table(title=f"{title} ({len(report.documents)} documents)")
    for column in ("metric", "gold", "pred", "precision", "recall", "F1"):
        table.add_column(column, justify="right" if column != "metric" else "left")
    for metric in report.metrics():
        c = report.total(metric)
        table.add_row(metric, str(c.gold), str(c.pred), f"{c.precision:.3f}", f"{c.recall:.3f}", f"{c.f1:.3f}")
    console.print(table)
    data = report.as_dict()
    for subset, value in data["speaker_accuracy"].items():
        label = "he/she sources, against their antecedent" if subset == "pronoun" else f"{subset} quotes"
        console.print(f"speaker accuracy ({label}): {value:.3f}")
    console.print(f"grounding rate: {data['grounding_rate']:.3f}")
    if report.documents:
        wall = sum(d.wall_time_s for d in report.documents) / len(report.documents)
        tokens = sum(d.tokens for d in report.documents) / len(report.documents)
        console.print(f"per article: {wall:.1f} s, {tokens:.0f} tokens")
