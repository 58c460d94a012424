"""PLOVER event records: one JSON object per event, with PLOVER's field names.

The fields follow the records of PLOVER's gold standard file (``id``, ``date``, ``event``, ``mode``,
``context``, ``source`` and ``target`` as lists of ``{"actorText": ..., "code": ...}`` (the code
CAMEO-style, country then sector: ``USAGOV``), ``eventText``, ``text``,
``textInfo.markup`` with ``(SRC: …)``, ``(TAR: …)`` and ``(EVT: …)`` around the words, ``language``,
``publication``, ``coder``, ``version``, ``dateCoded``, ``comment``), plus ``location`` (each place
with its GeoNames id, country and coordinates where the gazetteer resolves it) and our own
fields under ``extractor`` (article and event ids, offsets, status, claimant, numbers), which PLOVER
readers ignore.

Our event types are POLECAT's names for PLOVER's categories: ``REQUEST`` is PLOVER's ``DEMAND`` and
``ACCUSE`` its ``DISAPPROVE``; the record carries PLOVER's name. ``ASSAULT`` covers PLOVER's
``ASSAULT`` and ``FIGHT`` (we do not tell them apart) and is written ``ASSAULT``. PLOVER's
``INVESTIGATE`` and ``CRIME`` have no type of ours: such events are ``OTHER`` (arrests and charges
are ``COERCE``), and ``OTHER`` events are left out of the export, counted in its notes.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

from extractor.output.results import Results
from extractor.output.spans import anchored, nearest_mention
from extractor.schemas import ArticleExtraction, Event, EventType, Place

PLOVER_VERSION = "0.7b1"
"""The PLOVER manual version whose field names the records use."""

PLOVER_CATEGORY: dict[EventType, str | None] = {
    **{t: t.value for t in EventType},
    EventType.REQUEST: "DEMAND",
    EventType.ACCUSE: "DISAPPROVE",
    EventType.OTHER: None,
}
"""Our type -> PLOVER's category name (table in docs/outputs.md); ``None``: no PLOVER category."""

SOURCE_ROLES = frozenset({"agent"})
TARGET_ROLES = frozenset({"target", "victim"})


def plover_records(result: ArticleExtraction, coded: date) -> tuple[list[dict[str, Any]], int]:
    """The article's events as PLOVER records, and how many were left out (type OTHER)."""
    records, skipped = [], 0
    for event in result.events:
        category = PLOVER_CATEGORY[event.type]
        if category is None:
            skipped += 1
            continue
        records.append(_record(result, event, category, coded))
    return records, skipped


def _record(result: ArticleExtraction, event: Event, category: str, coded: date) -> dict[str, Any]:
    article, text = result.article, result.article.text
    evidence = event.evidence
    sides: dict[str, list[tuple[str, Any]]] = {"SRC": [], "TAR": []}
    codes: dict[str, list[dict[str, str]]] = {"SRC": [], "TAR": []}
    for participant in event.participants:
        side = "SRC" if participant.role in SOURCE_ROLES else "TAR" if participant.role in TARGET_ROLES else None
        actor = result.actor(participant.actor_id)
        if side is None:
            continue
        if actor is not None:
            sides[side].append((actor.name, nearest_mention(text, actor, evidence.start, evidence.end)))
            codes[side].append(actor_code(actor.country, actor.sector))
        elif participant.span is not None and anchored(text, participant.span):
            sides[side].append((participant.text, participant.span))
            codes[side].append({})
    when = event.date.value if event.date and event.date.value else article.published
    trigger = event.trigger if anchored(text, event.trigger) else None
    return {
        "id": f"{article.id}-{event.id}",
        "date": when.isoformat() if when else "",
        "event": category,
        "mode": event.mode or "",
        "context": "",
        "source": [{"actorText": _actor_text(name, span, evidence), **code}
                   for (name, span), code in zip(sides["SRC"], codes["SRC"])],
        "target": [{"actorText": _actor_text(name, span, evidence), **code}
                   for (name, span), code in zip(sides["TAR"], codes["TAR"])],
        "eventText": trigger.text if trigger else "",
        "location": [_place(place) for place in event.locations],
        "text": evidence.text,
        "textInfo": {"markup": _markup(text, evidence, sides, trigger)},
        "language": "en",
        "publication": article.source or "",
        "url": article.url or "",
        "coder": f"news-extractor {result.provenance.backend}:{result.provenance.model}",
        "version": PLOVER_VERSION,
        "dateCoded": coded.isoformat(),
        "comment": event.summary,
        "extractor": {
            "articleId": article.id, "eventId": event.id, "type": event.type.value, "status": event.status.value,
            "claimedBy": claimant.name if (claimant := result.actor(event.claimed_by)) else None,
            "dateExpression": event.date.expression if event.date else None,
            "datePrecision": event.date.precision if event.date else None,
            "evidence": [evidence.start, evidence.end],
            "trigger": [trigger.start, trigger.end] if trigger else None,
            "quantities": [q.model_dump(exclude_none=True) for q in event.quantities],
            "casualties": event.casualties.model_dump(exclude_none=True) if event.casualties else None,
        },
    }


def actor_code(country: str | None, sector: str | None) -> dict[str, str]:
    """PLOVER's ``code`` of an actor, CAMEO-style: country then sector ("USAGOV", "UKRMIL", "RUS",
    "IGO"), with both parts on their own; nothing when neither is known."""
    if not country and not sector:
        return {}
    return {"code": f"{country or ''}{sector or ''}", **({"country": country} if country else {}),
            **({"sector": sector} if sector else {})}


def _place(place: Place) -> dict[str, Any]:
    """A location as PLOVER gives it (``placeText``), with the gazetteer's identity where resolved."""
    found = {"geonamesId": place.geonames_id, "country": place.country, "admin1": place.admin1,
             "lat": place.lat, "lon": place.lon, "featureType": place.feature}
    return {"placeText": place.name, **{k: v for k, v in found.items() if v is not None}}


def _actor_text(name: str, span: Any, evidence: Any) -> str:
    """The actor's words in the event's sentence where it is named there, else its canonical name."""
    return span.text if span is not None and evidence.start <= span.start and span.end <= evidence.end else name


def _markup(text: str, evidence: Any, sides: dict[str, list[tuple[str, Any]]], trigger: Any) -> str:
    """The evidence sentence with PLOVER's inline markup: ``(SRC: …)``, ``(TAR: …)``, ``(SRC/TAR: …)``
    for an actor on both sides, ``(EVT: …)`` for the trigger. Overlapping spans keep the first."""
    labels: dict[tuple[int, int], set[str]] = {}
    for side, entries in sides.items():
        for _, span in entries:
            if span is not None and evidence.start <= span.start and span.end <= evidence.end:
                labels.setdefault((span.start, span.end), set()).add(side)
    if trigger is not None and evidence.start <= trigger.start and trigger.end <= evidence.end:
        labels.setdefault((trigger.start, trigger.end), set()).add("EVT")
    pieces, pos = [], evidence.start
    for (start, end), kinds in sorted(labels.items()):
        if start < pos:
            continue
        tag = "EVT" if "EVT" in kinds else "/".join(k for k in ("SRC", "TAR") if k in kinds)
        pieces.append(text[pos:start])
        pieces.append(f"({tag}: {text[start:end]})")
        pos = end
    pieces.append(text[pos:evidence.end])
    return "".join(pieces)


def write_plover(found: Results, out: Path, coded: date | None = None) -> tuple[int, int]:
    """PLOVER records as JSONL at ``out``; the counts written and left out (type OTHER)."""
    coded = coded or date.today()
    written = skipped = 0
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("w", encoding="utf-8") as handle:
        for result in found.results:
            records, left_out = plover_records(result, coded)
            skipped += left_out
            for record in records:
                handle.write(json.dumps(record, ensure_ascii=False) + "\n")
                written += 1
    return written, skipped
