"""Events from the labelled candidates: trigger, evidence sentence, participants, numbers, date,
place, claimant and status, every one of them located in the text."""

from __future__ import annotations

from extractor.assembly.speakers import speaker_id
from extractor.candidates.actors import PlaceMention
from extractor.candidates.events import EventCandidate
from extractor.linguistic.sentences import Sentence, sentence_by_number
from extractor.rules.actors import ActorRegistry
from extractor.candidates.attribution import attribute_sentence
from extractor.rules.dates import find_time_expressions, resolve
from extractor.rules.event_status import event_status
from extractor.rules.event_types import event_mode
from extractor.rules.quantities import casualty_kind, harvest_numbers
from extractor.schemas import (Article, Casualties, Event, EventDate, EventType, Participant, Quantity, Quote,
                               QuoteKind, Span)
from extractor.schemas.response import NO_EVENT, EventsResponse

SUMMARY_CHARS = 80
MAX_LOCATIONS = 3


def assemble_events(article: Article, sents: list[Sentence], response: EventsResponse | None,
                    candidates: list[EventCandidate], places: list[PlaceMention], actor_of: dict[str, str],
                    registry: ActorRegistry, quotes: list[Quote], warnings: list[str]) -> list[Event]:
    """One event per marked word the model typed (NONE drops it), in text order; agent and targets
    come from the parse, mapped through ``actor_of`` (listed actor id -> registry key). The one who
    reports an event is never its agent; a statement about other actors has its speaker as agent.
    A word the model was not asked about (one possible type, or no events answer) takes its
    trigger's likeliest type; a statement about others, which needs a judgement, is then left out."""
    events: list[Event] = []
    retyped = 0
    for candidate in candidates:
        label = _label(response, candidate)
        sent = sentence_by_number(sents, candidate.sentence)
        if label is None or label == NO_EVENT or sent is None:
            continue
        if label not in candidate.types:
            label, retyped = candidate.types[0], retyped + 1
        if candidate.speech:
            claimed_by, agent = None, actor_of.get(candidate.agent or "")
        else:
            claimed_by = _claimant(article.text, sent, candidate, actor_of, registry, quotes)
            agent = actor_of.get(candidate.agent or "")
            agent = None if agent == claimed_by else agent
        targets = [t for t in dict.fromkeys(actor_of.get(t) for t in candidate.targets) if t and t != agent]
        events.append(_event(f"E{len(events) + 1}", article, sent, candidate, EventType(label), agent, targets,
                             claimed_by, places))
    if retyped:
        warnings.append(f"{retyped} event type(s) the trigger cannot report replaced by the trigger's own")
    impossible = [e.date.expression for e in events if e.date is not None and e.date.value is None
                  and resolve(e.date.expression, article.published).impossible]
    if impossible:
        warnings.append(f"date(s) that name no calendar day left unresolved: {', '.join(dict.fromkeys(impossible))}")
    return events


def _label(response: EventsResponse | None, candidate: EventCandidate) -> str | None:
    """The model's type for a candidate it was asked about; otherwise the trigger's likeliest
    type, except for a statement about others, which is no event without a judgement."""
    if response is not None and candidate.id in response.events:
        return response.events[candidate.id]
    return None if candidate.speech else candidate.types[0]


def _claimant(text: str, sent: Sentence, candidate: EventCandidate, actor_of: dict[str, str],
              registry: ActorRegistry, quotes: list[Quote]) -> str | None:
    """Who claims the event: the source of the sentence's reporting verb (rules, then the parse),
    else the speaker of the direct quote the sentence is part of."""
    rule = attribute_sentence(text, sent)
    claimed_by = speaker_id(registry, rule.speaker, sent.start) if rule else None
    if claimed_by is None and candidate.claimant:
        claimed_by = actor_of.get(candidate.claimant)
    if claimed_by is None:
        inside = next((q for q in quotes if q.kind == QuoteKind.DIRECT and q.speaker and
                       q.span.start <= candidate.start < q.span.end + 1), None)
        if inside is not None:
            claimed_by = inside.speaker
    return claimed_by


def _event(event_id: str, article: Article, sent: Sentence, candidate: EventCandidate, labelled: EventType,
           agent: str | None, targets: list[str], claimed_by: str | None, places: list[PlaceMention]) -> Event:
    """One grounded event, anchored at its trigger and its sentence."""
    text = article.text
    quantities, casualties = _quantities(text, sent, candidate)
    participants = [Participant(actor_id=agent, role="agent")] if agent else []
    participants += [Participant(actor_id=t, role="target") for t in targets]
    summary = _trim(text[candidate.clause_start:candidate.clause_end], SUMMARY_CHARS)
    return Event(
        id=event_id, type=labelled, mode=event_mode(sent.text), summary=summary,
        evidence=Span(start=sent.start, end=sent.end, text=sent.text, alignment="detected"),
        trigger=Span(start=candidate.start, end=candidate.end, text=candidate.text, alignment="detected"),
        date=_date(article, sent), locations=_locations(sent, places), participants=participants,
        quantities=quantities, casualties=casualties, claimed_by=claimed_by,
        status=event_status(sent.text, claimed_by))


def _locations(sent: Sentence, places: list[PlaceMention]) -> list[str]:
    """The places named in the evidence sentence, at most three, once each."""
    return list(dict.fromkeys(p.text for p in places if sent.start <= p.start < sent.end))[:MAX_LOCATIONS]


def _quantities(text: str, sent: Sentence, candidate: EventCandidate) -> tuple[list[Quantity], Casualties | None]:
    """Every digit number written in the sentence with what it counts; a count in the trigger's
    clause of a killing or wounding verb is the casualties."""
    dates = [(e.start, e.end) for e in find_time_expressions(text, sent.start, sent.end)]
    quantities, killed, injured = [], None, None
    kind = casualty_kind(candidate.lemma)
    for value, span, noun in harvest_numbers(text, sent.start, sent.end, dates):
        if any(q.value == value for q in quantities):
            continue
        quantities.append(Quantity(value=value, counts=noun or None, text=span.text))
        inside = candidate.clause_start <= span.start < candidate.clause_end
        if kind and inside and value == int(value):
            killed = int(value) if kind == "killed" and killed is None else killed
            injured = int(value) if kind == "injured" and injured is None else injured
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


def _trim(value: str, limit: int) -> str:
    """One line of at most ``limit`` characters, cut at a word boundary."""
    value = " ".join(value.split())
    if len(value) <= limit:
        return value
    return value[:limit].rsplit(" ", 1)[0].rstrip(",;:") + "…"
