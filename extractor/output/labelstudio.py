"""Label Studio tasks with our results as predictions (pre-annotations), and its labelling config.

One task per article: ``data`` holds the text and the article's id, date and title; one prediction
holds a region per actor mention (``actor`` labels: the actor types; the region's meta text is the
actor's canonical name, which joins its mentions into one actor, then its country and sector
codes), per quotation (``quote``: direct, indirect, mixed; its meta text names its statement) and
per event trigger (``event``: the event types), and relations from a quotation to its speaker's
nearest mention (``speaker``) and from an event to its participants' mentions (their role); a
participant phrase that names no actor is a ``participant`` region of its own. Annotators correct
these in Label Studio; its JSON export of the corrected tasks is gold for
``extractor eval --format labelstudio`` (``extractor.evaluation.loaders``).

Offsets are Unicode code points both ways, as ours are: Label Studio's Text regions count code
points ("complex unicode symbols handled as code points", its ``selection-tools.js``);
``bench/labelstudio_check.py`` checks it against a running Label Studio (1.23.2: every region on
its own text after 😀 and 🇺🇦).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from xml.sax.saxutils import quoteattr

from extractor.output.results import Results
from extractor.output.spans import anchored, nearest_mention
from extractor.schemas import ActorType, ArticleExtraction, EventType, QuoteKind, Span
from extractor.schemas.output import PARTICIPANT_ROLES

TEXT = "text"
ACTOR, EVENT, QUOTE, PARTICIPANT = "actor", "event", "quote", "participant"
CODES_NOTE = "codes: "
"""How an actor region's second meta line begins: its country and sector codes ("codes: UKR MIL",
"-" for one not known)."""
PHRASE = "phrase"
"""The one label of a ``participant`` region: a role phrase that names no actor ("three people")."""
SPEAKER = "speaker"
STATEMENT_NOTE = "statement "
"""How a quotation region's meta text names its statement: the fragments of one statement (a
quotation split by its attribution) share it, and come back from the export as one attribution."""


def label_config() -> str:
    """The labelling interface the exported tasks need (Settings → Labeling Interface → Code)."""
    def labels(name: str, values: list[str]) -> str:
        inner = "".join(f"<Label value={quoteattr(v)}/>" for v in values)
        return f'  <Labels name="{name}" toName="{TEXT}">{inner}</Labels>\n'

    relations = "".join(f"<Relation value={quoteattr(v)}/>" for v in (SPEAKER, *PARTICIPANT_ROLES))
    return ("<View>\n"
            + labels(ACTOR, [t.value for t in ActorType])
            + labels(QUOTE, [k.value for k in QuoteKind])
            + labels(EVENT, [t.value for t in EventType])
            + labels(PARTICIPANT, [PHRASE])
            + f"  <Relations>{relations}</Relations>\n"
            + f'  <Text name="{TEXT}" value="${TEXT}" granularity="symbol"/>\n'
            + "</View>\n")


class Utf16Offsets:
    """JavaScript string indices (UTF-16 code units) of a text against its code points: they differ
    after any character beyond the Basic Multilingual Plane (an emoji). Only to read the tasks an
    earlier version exported in UTF-16 units."""

    def __init__(self, text: str) -> None:
        self._units = [0]
        for char in text:
            self._units.append(self._units[-1] + (2 if ord(char) > 0xFFFF else 1))
        self._points = {units: point for point, units in enumerate(self._units)}

    def to_points(self, units: int) -> int | None:
        """The code-point offset of a UTF-16 offset, or ``None`` inside a surrogate pair or past the end."""
        return self._points.get(units)


def _region(region_id: str, control: str, span: Span, label: str) -> dict[str, Any]:
    return {"id": region_id, "from_name": control, "to_name": TEXT, "type": "labels",
            "value": {"start": span.start, "end": span.end, "text": span.text, "labels": [label]}}


def _relation(source: str, target: str, label: str) -> dict[str, Any]:
    return {"type": "relation", "from_id": source, "to_id": target, "direction": "right", "labels": [label]}


def task(result: ArticleExtraction) -> tuple[dict[str, Any], int]:
    """The article as a Label Studio task with our answers as its prediction; the count of items
    left out because their offsets do not match the text."""
    article, text = result.article, result.article.text
    regions: list[dict[str, Any]] = []
    mention_ids: dict[tuple[str, int, int], str] = {}
    dropped = 0
    for actor in result.actors:
        for number, mention in enumerate(actor.mentions):
            if not anchored(text, mention):
                dropped += 1
                continue
            region_id = f"{actor.id}-m{number}"
            mention_ids[(actor.id, mention.start, mention.end)] = region_id
            coded = actor.country or actor.sector
            codes = [f"{CODES_NOTE}{actor.country or '-'} {actor.sector or '-'}"] if coded else []
            regions.append({**_region(region_id, ACTOR, mention, actor.type.value),
                            "meta": {"text": [actor.name, *codes]}})

    def mention_of(actor_id: str | None, span: Span) -> str | None:
        found = nearest_mention(text, result.actor(actor_id), span.start, span.end)
        return mention_ids.get((actor_id or "", found.start, found.end)) if found else None

    relations: list[dict[str, Any]] = []
    for quote in result.quotes:
        if not anchored(text, quote.span):
            dropped += 1
            continue
        region = _region(quote.id, QUOTE, quote.span, quote.kind.value)
        if quote.statement:
            region["meta"] = {"text": [f"{STATEMENT_NOTE}{quote.statement}"]}
        regions.append(region)
        if (speaker := mention_of(quote.speaker, quote.span)) is not None:
            relations.append(_relation(quote.id, speaker, SPEAKER))
    for event in result.events:
        span = event.trigger if anchored(text, event.trigger) else event.evidence
        if span is None or not anchored(text, span):
            dropped += 1
            continue
        regions.append(_region(event.id, EVENT, span, event.type.value))
        for number, participant in enumerate(event.participants):
            target = mention_of(participant.actor_id, event.evidence) if participant.actor_id else None
            if target is None and participant.span is not None and anchored(text, participant.span):
                target = f"{event.id}-p{number}"
                regions.append(_region(target, PARTICIPANT, participant.span, PHRASE))
            if target is not None:
                relations.append(_relation(event.id, target, participant.role))
    data = {TEXT: text, "article_id": article.id, "published": article.published.isoformat()
            if article.published else "", "title": article.title or "", "url": article.url or ""}
    prediction = {"model_version": f"news-extractor {result.provenance.backend}:{result.provenance.model}",
                  "result": regions + relations}
    return {"data": data, "predictions": [prediction]}, dropped


def write_labelstudio(found: Results, out: Path) -> tuple[Path, Path, int, int]:
    """Tasks JSON at ``out`` and the labelling config beside it; tasks written, items left out."""
    tasks, dropped = [], 0
    for result in found.results:
        item, left_out = task(result)
        tasks.append(item)
        dropped += left_out
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(tasks, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    config = out.with_name(out.stem + ".label_config.xml")
    config.write_text(label_config(), encoding="utf-8")
    return out, config, len(tasks), dropped
