"""What a person watching a batch sees: a live progress line, the final summary, ``extractor status``."""

from __future__ import annotations

from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from extractor.batch.pricing import estimate_cost
from extractor.batch.records import Outcome
from extractor.batch.run import BatchCounters, BatchSummary
from extractor.batch.store import RunCounts


def _cost(value: float | None) -> str:
    return "n/a" if value is None else f"${value:,.4f}"


def progress_line(p: BatchCounters) -> str:
    line = (f"done {p.done:,} · failed {p.failed:,} · skipped {p.already_done + p.not_retried + p.duplicates:,} · "
            f"{p.per_second:.2f}/s · tokens {p.prompt_tokens + p.completion_tokens:,} · "
            f"cache hits {p.cache_hits:,} · 429s {p.throttled:,} · cost {_cost(p.cost)}")
    if p.price_factor != 1.0:
        line += " at batch prices"
    if p.batches is not None:
        b = p.batches
        line += (f" · batches {b.finished_batches}/{b.batches} ended · requests {b.completed:,} answered, "
                 f"{b.failed:,} failed of {b.requests:,}")
    return line


class LiveProgress:
    """A rich progress display fed by the batch's ``on_progress`` callback."""

    def __init__(self, console: Console, enabled: bool = True):
        self.console = console
        self._progress = Progress(SpinnerColumn(), TextColumn("[bold]extracting[/]"), TextColumn("{task.description}"),
                                  TimeElapsedColumn(), console=console, transient=True, disable=not enabled)
        self._task = self._progress.add_task("starting…", total=None)

    def __enter__(self) -> "LiveProgress":
        self._progress.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._progress.stop()

    def __call__(self, counters: BatchCounters, outcome: Outcome | None) -> None:
        if outcome is not None and outcome.error:
            self.console.print(f"[red]failed[/] {outcome.id} ({outcome.origin}): {outcome.error}", highlight=False)
        self._progress.update(self._task, description=progress_line(counters))


def print_batch_summary(summary: BatchSummary, console: Console) -> None:
    """This invocation's counts, then the whole run's totals and where the files are."""
    p = summary.counters
    console.print(f"[bold]this invocation[/]: read {p.read:,} · done {p.done:,} · failed {p.failed:,} · "
                  f"already done {p.already_done:,} · failed earlier, not retried {p.not_retried:,} · "
                  f"duplicates {p.duplicates:,} · {p.elapsed_s:.1f} s ({p.per_second:.2f} records/s) · "
                  f"cache hits {p.cache_hits:,} · 429s {p.throttled:,}"
                  + (f" · in a batch from earlier {p.in_batch:,}" if p.in_batch else "")
                  + (f" · cost {_cost(p.cost)} at batch prices" if p.price_factor != 1.0 else ""), highlight=False)
    if summary.totals is not None:
        print_run(summary.totals, console)
    if summary.outputs is not None:
        console.print(f"[green]wrote[/] {summary.outputs.results}, {summary.outputs.failures} and "
                      f"{len(summary.outputs.tables)} tables (CSV + Parquet) in "
                      f"{summary.outputs.results.parent / 'tables'}", highlight=False)


def print_run(counts: RunCounts, console: Console) -> None:
    """One run's status table and its failure reasons."""
    config = counts.config
    table = Table(title=f"run {counts.key} · {config.get('backend')} / {config.get('model')} · "
                        f"steps {','.join(config.get('steps', [])) or 'none'}")
    for column in ("records", "done", "failed", "pending", "requests", "prompt tokens", "completion tokens",
                   "est. cost"):
        table.add_column(column, justify="right")
    cost = estimate_cost(config.get("backend", ""), config.get("model", ""), counts.prompt_tokens,
                         counts.completion_tokens)
    cost_text = "free (local)" if config.get("backend") == "local" else _cost(cost)
    table.add_row(f"{counts.total:,}", f"{counts.done:,}", f"{counts.failed:,}", f"{counts.pending:,}",
                  f"{counts.calls:,}", f"{counts.prompt_tokens:,}", f"{counts.completion_tokens:,}", cost_text)
    console.print(table)
    if counts.partial:
        console.print(f"[yellow]partial[/]: {counts.partial:,} done record(s) kept without a failed model step's "
                      "answer (--keep-partial); their warnings say which step", highlight=False)
    if counts.reasons:
        reasons = Table(title="failure reasons", show_header=True)
        reasons.add_column("records", justify="right")
        reasons.add_column("reason")
        for reason, n in counts.reasons.items():
            reasons.add_row(f"{n:,}", reason)
        console.print(reasons)
