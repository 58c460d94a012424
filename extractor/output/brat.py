"""brat standoff: ``<article>.txt`` and ``<article>.ann`` per article, and ``annotation.conf``.

Quotations follow PolNeAR's attribution scheme (``Source``, ``Cue``, ``Content`` text-bound
annotations joined by an ``Attribution`` event), so a PolNeAR annotator sees the layout they know.
Actors are text-bound annotations typed by actor type, with their ``Country`` and ``Sector`` codes
as attributes; events are brat events on their trigger with
their participants as role arguments and their status as an attribute. A span across a line break
is written as brat fragments (``start end;start end``), as brat requires.
"""

from __future__ import annotations

import re
from pathlib import Path

from extractor.linguistic.gazetteer import gazetteer
from extractor.output.results import Results
from extractor.output.spans import anchored, nearest_mention
from extractor.schemas import SECTORS, ActorType, ArticleExtraction, EventStatus, EventType, Span
from extractor.schemas.output import PARTICIPANT_ROLES

ROLE_NAMES = {role: role.capitalize() for role in PARTICIPANT_ROLES}
PHRASE = "Phrase"
"""The entity type of a participant phrase that names no actor ("three people", "a gunman")."""
"""brat argument names of the participant roles."""


def annotation_conf() -> str:
    """brat's configuration for the exported types (entities, events, their arguments, attributes)."""
    roles = "|".join(t.value for t in ActorType)
    arguments = ", ".join(f"{name}*:{roles}|{PHRASE}" for name in ROLE_NAMES.values())
    events = "\n".join(f"{t.value}\t{arguments}" for t in EventType)
    return ("[entities]\n" + "\n".join(t.value for t in ActorType) + f"\n{PHRASE}\nSource\nCue\nContent\n\n"
            "[relations]\n\n[events]\nAttribution\tContent:Content, Source?:Source|" + roles
            + ", Cue?:Cue\n" + events + "\n\n"
            "[attributes]\nStatus\tArg:<EVENT>, Value:" + "|".join(s.value for s in EventStatus)
            + "\nQuoteKind\tArg:Content, Value:direct|indirect|mixed\n"
            + "Country\tArg:<ENTITY>, Value:" + "|".join(sorted(e.country for e in gazetteer().countries)) + "\n"
            + "Sector\tArg:<ENTITY>, Value:" + "|".join(SECTORS) + "\n")


def fragments(text: str, start: int, end: int) -> str:
    """brat offsets for ``[start, end)``: one fragment per line the span covers."""
    pieces, pos = [], start
    for match in re.finditer(r"\n+", text[start:end]):
        if start + match.start() > pos:
            pieces.append(f"{pos} {start + match.start()}")
        pos = start + match.end()
    if end > pos:
        pieces.append(f"{pos} {end}")
    return ";".join(pieces)


class _Ann:
    """The lines of one ``.ann`` file, numbering T, E and A annotations as brat does."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.lines: list[str] = []
        self.counts = {"T": 0, "E": 0, "A": 0}
        self.by_span: dict[tuple[str, int, int], str] = {}

    def _next(self, kind: str) -> str:
        self.counts[kind] += 1
        return f"{kind}{self.counts[kind]}"

    def textbound(self, label: str, start: int, end: int) -> str:
        key = (label, start, end)
        if key not in self.by_span:
            tid = self._next("T")
            shown = " ".join(self.text[start:end].split())
            self.lines.append(f"{tid}\t{label} {fragments(self.text, start, end)}\t{shown}")
            self.by_span[key] = tid
        return self.by_span[key]

    def event(self, label: str, trigger: str, arguments: list[tuple[str, str]]) -> str:
        eid = self._next("E")
        self.lines.append(f"{eid}\t{label}:{trigger}" + "".join(f" {role}:{tid}" for role, tid in arguments))
        return eid

    def attribute(self, name: str, target: str, value: str) -> None:
        self.lines.append(f"{self._next('A')}\t{name} {target} {value}")


def ann_file(result: ArticleExtraction) -> tuple[str, int]:
    """The article's ``.ann`` text, and how many items were left out (offsets not matching the text)."""
    text = result.article.text
    ann, dropped = _Ann(text), 0
    mention_ids: dict[tuple[str, int, int], str] = {}
    for actor in result.actors:
        for mention in actor.mentions:
            if anchored(text, mention):
                tid = ann.textbound(actor.type.value, mention.start, mention.end)
                mention_ids[(actor.id, mention.start, mention.end)] = tid
                if actor.country:
                    ann.attribute("Country", tid, actor.country)
                if actor.sector:
                    ann.attribute("Sector", tid, actor.sector)
            else:
                dropped += 1

    def mention_of(actor_id: str | None, span: Span) -> str | None:
        found = nearest_mention(text, result.actor(actor_id), span.start, span.end)
        return mention_ids.get((actor_id or "", found.start, found.end)) if found else None

    for quote in result.quotes:
        if not anchored(text, quote.span):
            dropped += 1
            continue
        content = ann.textbound("Content", quote.span.start, quote.span.end)
        arguments = [("Content", content)]
        if (speaker := mention_of(quote.speaker, quote.span)) is not None:
            arguments.append(("Source", speaker))
        cue = _cue_span(text, quote.cue, quote.span)
        trigger = ann.textbound("Cue", *cue) if cue else content
        if cue:
            arguments.append(("Cue", trigger))
        ann.event("Attribution", trigger, arguments)
        ann.attribute("QuoteKind", content, quote.kind.value)
    for event in result.events:
        span = event.trigger if anchored(text, event.trigger) else event.evidence
        if span is None or not anchored(text, span):
            dropped += 1
            continue
        trigger = ann.textbound(event.type.value, span.start, span.end)
        arguments = []
        for p in event.participants:
            played = mention_of(p.actor_id, event.evidence) if p.actor_id else None
            if played is None and p.span is not None and anchored(text, p.span):
                played = ann.textbound(PHRASE, p.span.start, p.span.end)
            if p.role in ROLE_NAMES and played is not None:
                arguments.append((ROLE_NAMES[p.role], played))
        eid = ann.event(event.type.value, trigger, arguments)
        ann.attribute("Status", eid, event.status.value)
    return "\n".join(ann.lines) + ("\n" if ann.lines else ""), dropped


def _cue_span(text: str, cue: str | None, quote: Span) -> tuple[int, int] | None:
    """The speech verb's offsets: its occurrence nearest the quotation, within 200 characters."""
    if not cue:
        return None
    best = None
    for match in re.finditer(rf"\b{re.escape(cue)}\b", text[max(0, quote.start - 200):quote.end + 200]):
        start = max(0, quote.start - 200) + match.start()
        if quote.start <= start < quote.end:
            continue
        distance = min(abs(start - quote.end), abs(quote.start - start))
        if best is None or distance < best[0]:
            best = (distance, start, start + len(cue))
    return (best[1], best[2]) if best else None


def file_stem(article_id: str, used: set[str]) -> str:
    """A file name for the article: its id with unsafe characters replaced, made unique."""
    stem = re.sub(r"[^A-Za-z0-9._-]+", "_", article_id).strip("._") or "article"
    candidate, number = stem, 1
    while candidate in used:
        number += 1
        candidate = f"{stem}_{number}"
    used.add(candidate)
    return candidate


def write_brat(found: Results, out: Path) -> tuple[list[Path], int]:
    """``.txt``/``.ann`` pairs and ``annotation.conf`` under ``out``; the files written, items left out."""
    out.mkdir(parents=True, exist_ok=True)
    written, used, dropped = [], set[str](), 0
    for result in found.results:
        stem = file_stem(result.article.id, used)
        ann, left_out = ann_file(result)
        dropped += left_out
        (out / f"{stem}.txt").write_text(result.article.text, encoding="utf-8", newline="")
        (out / f"{stem}.ann").write_text(ann, encoding="utf-8")
        written.append(out / f"{stem}.ann")
    (out / "annotation.conf").write_text(annotation_conf(), encoding="utf-8")
    return written, dropped
