"""A readable terminal view of one extraction (rich tables)."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table

from extractor.schemas import ArticleExtraction


def _short(text: str, limit: int = 90) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def print_extraction(result: ArticleExtraction, console: Console | None = None) -> None:
    """Actors, events and quotes as tables, then warnings and provenance."""
    console = console or Console()
    names = {a.id: a.name for a in result.actors}
    actors = Table(title="Actors", show_lines=False)
    for column in ("id", "name", "type", "title", "mentions"):
        actors.add_column(column)
    for actor in result.actors:
        actors.add_row(actor.id, actor.name, actor.type.value, actor.title or "", str(len(actor.mentions)))
    console.print(actors)

    events = Table(title="Events")
    for column in ("id", "type", "date", "summary", "who", "numbers", "status"):
        events.add_column(column)
    for event in result.events:
        when = ""
        if event.date:
            when = f"{event.date.value or '?'} ({event.date.expression})"
        who = ", ".join(f"{p.role}: {names.get(p.actor_id or '') or p.text}" for p in event.participants)
        numbers = ", ".join(f"{q.text} {q.counts or ''}".strip() for q in event.quantities)
        status = event.status.value + (f" by {names.get(event.claimed_by, '')}" if event.claimed_by else "")
        events.add_row(event.id, event.type.value, when, _short(event.summary, 60), who, numbers, status)
    console.print(events)

    quotes = Table(title="Quotes")
    for column in ("id", "kind", "speaker", "text", "offsets"):
        quotes.add_column(column)
    for quote in result.quotes:
        quotes.add_row(quote.id, quote.kind.value, names.get(quote.speaker or "", quote.speaker_name or "?"),
                       _short(quote.text), f"{quote.span.start}-{quote.span.end}")
    console.print(quotes)
    for warning in result.warnings:
        console.print(f"[yellow]warning:[/] {warning}")
    p = result.provenance
    console.print(f"[dim]{p.backend}:{p.model} · {p.usage.calls} calls · {p.usage.prompt_tokens} prompt + "
                  f"{p.usage.completion_tokens} completion tokens · {p.wall_time_s:.1f} s[/]")
