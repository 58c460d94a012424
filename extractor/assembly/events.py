"""Events from the model's items: evidence sentence, participants, numbers, date, claimant, status."""

from __future__ import annotations

import re

from extractor.assembly.speakers import speaker_id
from extractor.grounding.align import align
from extractor.grounding.numbers import find_number
from extractor.linguistic.sentences import Sentence, sentence_by_number
from extractor.rules.actors import ActorRegistry, looks_like_actor
from extractor.rules.attribution import attribute_sentence
from extractor.rules.dates import find_time_expressions, resolve
from extractor.rules.event_status import event_status, is_credit_line
from extractor.rules.event_types import check_type
from extractor.rules.quantities import casualty_kind, harvest_numbers
from extractor.schemas import (Article, Casualties, Event, EventDate, EventType, Participant, Quantity, Quote,
                               QuoteKind, Span)
from extractor.schemas.response import EventItem, EventsResponse

SUMMARY_CHARS = 80
NAME_CHARS = 48
MODE_CHARS = 12
COUNTS_CHARS = 40
MAX_NUMBERS = 4
MAX_LOCATIONS = 3
LOCATION_MATCH = 95.0
"""Length limits mirror the response schema's (a hosted model may ignore ``maxLength``)."""

_MARKER = re.compile(r"\[Q\d+\]|\(\d+\)\s")
_NULL_WORDS = frozenset({"", "null", "none", "n/a"})


def assemble_events(article: Article, sents: list[Sentence], response: EventsResponse,
                    registry: ActorRegistry, quotes: list[Quote], warnings: list[str]) -> list[Event]:
    """One event per (sentence, type, agent) the model reports, grounded in its sentence; events cited
    from a credit line and numbers not written in the evidence are dropped and counted."""
    events: list[Event] = []
    seen: set[tuple[int, str, str]] = set()
    dropped_numbers: list[str] = []
    credits = 0
    for item in response.events:
        sent = sentence_by_number(sents, item.s)
        if sent is None:
            continue
        if is_credit_line(sent.text):
            credits += 1
            continue
        key = (item.s, item.type, (item.agent or "").lower()[:NAME_CHARS])
        if key in seen:
            continue
        seen.add(key)
        events.append(_event(f"E{len(events) + 1}", article, sent, item, registry, quotes, dropped_numbers))
    if credits:
        warnings.append(f"dropped {credits} event(s) cited from the article's credit line")
    if dropped_numbers:
        warnings.append(f"dropped {len(dropped_numbers)} event number(s) not written in their evidence: "
                        + ", ".join(dropped_numbers))
    return events


def _event(event_id: str, article: Article, sent: Sentence, item: EventItem, registry: ActorRegistry,
           quotes: list[Quote], dropped_numbers: list[str]) -> Event:
    """One grounded event: the type checked against the sentence's words, the claimant from the
    sentence's attribution or the direct quote it sits in, the date from the sentence."""
    text = article.text
    quantities, casualties = _quantities(text, sent, item, dropped_numbers)
    claimed_by = _claimant(text, sent, registry, quotes)
    return Event(
        id=event_id, type=check_type(EventType(item.type), sent.text), mode=_clean(_trim(item.mode, MODE_CHARS)),
        summary=_trim(_MARKER.sub("", item.summary).strip(" ‘’'\"“”"), SUMMARY_CHARS) or "",
        evidence=Span(start=sent.start, end=sent.end, text=sent.text, alignment="detected"),
        date=_date(article, sent), locations=_locations(text, sent, item.where),
        participants=_participants(item, registry), quantities=quantities, casualties=casualties,
        claimed_by=claimed_by, status=event_status(sent.text, claimed_by))


def _participants(item: EventItem, registry: ActorRegistry) -> list[Participant]:
    """Agents and targets named by the model, one actor each; a phrase that does not look like an
    actor ("Russian drones") is only matched to a known actor, never made one."""
    participants: list[Participant] = []
    for role, names in (("agent", item.agent), ("target", item.target)):
        for name in _split_names(_trim(names, NAME_CHARS)):
            actor_id = registry.resolve(name, create=looks_like_actor(name))
            if actor_id and not any(p.actor_id == actor_id and p.role == role for p in participants):
                participants.append(Participant(actor_id=actor_id, role=role))
    return participants


def _claimant(text: str, sent: Sentence, registry: ActorRegistry, quotes: list[Quote]) -> str | None:
    """Who claims the event: the source of the sentence's reporting verb, else the speaker of the
    direct quote the sentence is part of."""
    rule = attribute_sentence(text, sent)
    claimed_by = speaker_id(registry, rule.speaker, sent.start) if rule else None
    if claimed_by is None:
        inside = next((q for q in quotes if q.kind == QuoteKind.DIRECT and q.speaker and
                       q.span.start <= sent.start + 1 and sent.start < q.span.end), None)
        if inside is not None:
            claimed_by = inside.speaker
    return claimed_by


def _locations(text: str, sent: Sentence, where: list[str]) -> list[str]:
    """The model's places that are written in the evidence sentence, at most three, once each."""
    return [loc for loc in dict.fromkeys(w.strip() for w in where[:MAX_LOCATIONS])
            if loc and align(loc, text, sent.start, sent.end, threshold=LOCATION_MATCH)]


def _quantities(text: str, sent: Sentence, item: EventItem,
                dropped: list[str]) -> tuple[list[Quantity], Casualties | None]:
    """The model's numbers that are written in the evidence (others dropped and counted), then the
    sentence's other digit numbers; killed/injured counts become casualties."""
    quantities: list[Quantity] = []
    killed = injured = None
    used: list[Span] = []
    for number in item.numbers[:MAX_NUMBERS]:
        found = find_number(number.value, text, sent.start, sent.end)
        if found is None:
            dropped.append(f"{number.value:g} ({number.what}) in sentence {sent.index}")
            continue
        used.append(found)
        quantities.append(Quantity(value=number.value, counts=_trim(number.what, COUNTS_CHARS) or None,
                                   text=found.text))
        kind = casualty_kind(number.what) if number.value == int(number.value) else None
        if kind == "killed":
            killed = int(number.value)
        elif kind == "injured":
            injured = int(number.value)
    dates = [(e.start, e.end) for e in find_time_expressions(text, sent.start, sent.end)]
    for value, span, noun in harvest_numbers(text, sent.start, sent.end, dates):
        if any(u.start <= span.start < u.end for u in used) or any(q.value == value for q in quantities):
            continue
        quantities.append(Quantity(value=value, counts=noun or None, text=span.text))
    casualties = Casualties(killed=killed, injured=injured) if killed is not None or injured is not None else None
    return quantities, casualties


def _date(article: Article, sent: Sentence) -> EventDate | None:
    """The event's time: the sentence's first time expression, resolved against the publication date."""
    expressions = find_time_expressions(article.text, sent.start, sent.end)
    if not expressions:
        return None
    chosen = expressions[0]
    resolved = resolve(chosen.text, article.published)
    return EventDate(value=resolved.value, precision=resolved.precision, expression=chosen.text,
                     span=Span(start=chosen.start, end=chosen.end, text=chosen.text))


def _split_names(value: str | None) -> list[str]:
    """ "Associated Press, AFP and Reuters" -> three names (participants are single actors)."""
    if not value:
        return []
    return [part.strip() for part in re.split(r",\s*(?:and\s+)?|\s+and\s+", value) if part.strip()]


def _clean(value: str | None) -> str | None:
    """``None`` for the null-like words a model writes instead of leaving a field empty."""
    if value is None or value.strip().lower() in _NULL_WORDS:
        return None
    return value.strip()


def _trim(value: str | None, limit: int) -> str | None:
    """Shorten to ``limit`` characters at a word boundary (hosted models may ignore maxLength)."""
    if value is None:
        return None
    value = " ".join(value.split())
    if len(value) <= limit:
        return value
    cut = value[:limit].rsplit(" ", 1)[0]
    return cut.rstrip(",;:") + "…"
