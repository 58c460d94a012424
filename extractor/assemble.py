"""Map the model's compact answers onto grounded output models.

Everything that reaches the output is anchored here: quotes come from detected candidates,
reported speech from its sentence and cue, events from the sentence they cite, numbers from
where they are written, actors from their mentions. What cannot be anchored is dropped and
counted in ``warnings``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from extractor.grounding.align import align
from extractor.grounding.numbers import find_number
from extractor.grounding.reported import content_span, cue_span
from extractor.normalise.actors import ActorRegistry
from extractor.normalise.dates import find_time_expressions, resolve
from extractor.quote_candidates import QuoteCandidate
from extractor.segment import Sentence
from schemas import (Actor, Article, Casualties, Event, EventDate, EventStatus, EventType, Participant,
                     Quantity, Quote, QuoteKind, Span)
from schemas.response import EntitiesResponse, EventItem, EventsResponse

_KILLED = re.compile(r"\b(kill|dead|death|died|fatalit)", re.I)
_INJURED = re.compile(r"\b(injur|wound|hurt)", re.I)
_SPEECH_VERBS = re.compile(
    r"\b(said|says|say|told|tells|added|adds|stated|declared|announced|wrote|writes|asked|"
    r"according to|argued|insisted|warned|noted|explained|claimed|claims)\b", re.I)


@dataclass
class Assembly:
    actors: list[Actor]
    quotes: list[Quote]
    events: list[Event]
    warnings: list[str] = field(default_factory=list)


def assemble(article: Article, sents: list[Sentence], candidates: list[QuoteCandidate],
             entities: EntitiesResponse | None, events: EventsResponse | None) -> Assembly:
    """Build grounded actors, quotes and events from the two model answers."""
    text = article.text
    warnings: list[str] = []
    registry = ActorRegistry(text)
    if entities is not None:
        for item in entities.actors:
            registry.add(item.name, item.type, item.title)
    quotes = _quotes(text, sents, candidates, entities, registry, warnings)
    built_events = _events(article, sents, events, registry, warnings) if events else []
    if registry.rejected:
        warnings.append(f"dropped {len(registry.rejected)} actor name(s) not found in the article: "
                        + ", ".join(repr(n) for n in registry.rejected))
    actors = registry.actors()
    ids = registry.final_ids()
    for quote in quotes:
        quote.speaker = ids.get(quote.speaker, quote.speaker)
    for event in built_events:
        event.claimed_by = ids.get(event.claimed_by, event.claimed_by)
        for participant in event.participants:
            participant.actor_id = ids.get(participant.actor_id, participant.actor_id)
    return Assembly(actors=actors, quotes=quotes, events=built_events, warnings=warnings)


def _sentence(sents: list[Sentence], number: int) -> Sentence | None:
    return sents[number - 1] if 1 <= number <= len(sents) else None


def _quotes(text: str, sents: list[Sentence], candidates: list[QuoteCandidate],
            entities: EntitiesResponse | None, registry: ActorRegistry, warnings: list[str]) -> list[Quote]:
    by_id = {c.id: c for c in candidates}
    judged: dict[str, object] = {}
    quotes: list[Quote] = []
    for item in entities.quotes if entities else []:
        if item.id in judged or item.id not in by_id:
            continue
        judged[item.id] = item
        if not item.quote:
            continue
        cand = by_id[item.id]
        quotes.append(_direct(text, cand, item.speaker, item.cue, registry))
    unjudged = [c for c in candidates if c.id not in judged]
    for cand in unjudged:
        if cand.words >= 4 and _has_speech_verb_near(text, sents, cand):
            quotes.append(_direct(text, cand, None, None, registry))
    if unjudged:
        warnings.append(f"model did not judge {len(unjudged)} quote candidate(s): "
                        + ", ".join(c.id for c in unjudged))
    seen_sentences: set[int] = set()
    dropped = 0
    for item in entities.reported if entities else []:
        sent = _sentence(sents, item.s)
        if sent is None or item.s in seen_sentences:
            continue
        cue = cue_span(text, sent, item.cue) or _any_cue(text, sent)
        content = content_span(text, sent, cue) if cue else None
        if content is None:
            dropped += 1
            continue
        if any(_overlap(content, q.span) > 0.5 for q in quotes):
            continue
        seen_sentences.add(item.s)
        inside = [c for c in candidates if content.start <= c.outer_start and c.outer_end <= content.end + 1]
        speaker = registry.resolve(item.speaker)
        quotes.append(Quote(id="", text=content.text, kind=QuoteKind.MIXED if inside else QuoteKind.INDIRECT,
                            speaker=speaker, speaker_name=item.speaker, cue=cue.text if cue else None,
                            span=content))
    if dropped:
        warnings.append(f"dropped {dropped} reported statement(s) whose cue or content is not in the sentence")
    quotes.sort(key=lambda q: (q.span.start, q.span.end))
    for index, quote in enumerate(quotes, start=1):
        quote.id = f"Q{index}"
    return quotes


def _direct(text: str, cand: QuoteCandidate, speaker: str | None, cue: str | None,
            registry: ActorRegistry) -> Quote:
    span = Span(start=cand.start, end=cand.end, text=cand.text, alignment="detected")
    cue_text = None
    if cue:
        found = align(cue, text, max(0, cand.outer_start - 200), min(len(text), cand.outer_end + 200))
        cue_text = found.text if found else None
    return Quote(id="", text=cand.text, kind=QuoteKind.DIRECT, speaker=registry.resolve(speaker),
                 speaker_name=speaker, cue=cue_text, span=span)


def _any_cue(text: str, sent: Sentence) -> Span | None:
    match = _SPEECH_VERBS.search(text, sent.start, sent.end)
    return Span(start=match.start(), end=match.end(), text=match.group(0)) if match else None


def _has_speech_verb_near(text: str, sents: list[Sentence], cand: QuoteCandidate) -> bool:
    around = text[max(0, cand.outer_start - 120):cand.outer_end + 120]
    return bool(_SPEECH_VERBS.search(around))


def _overlap(a: Span, b: Span) -> float:
    inter = max(0, min(a.end, b.end) - max(a.start, b.start))
    return inter / max(1, min(a.end - a.start, b.end - b.start))


def _events(article: Article, sents: list[Sentence], response: EventsResponse,
            registry: ActorRegistry, warnings: list[str]) -> list[Event]:
    text = article.text
    events: list[Event] = []
    seen: set[tuple[int, str, str]] = set()
    dropped_numbers: list[str] = []
    for item in response.events:
        sent = _sentence(sents, item.s)
        if sent is None:
            continue
        key = (item.s, item.type, (item.agent or "").lower())
        if key in seen:
            continue
        seen.add(key)
        evidence = Span(start=sent.start, end=sent.end, text=sent.text, alignment="detected")
        quantities, casualties = _quantities(text, sent, item, dropped_numbers)
        participants = []
        for role, name in (("agent", item.agent), ("target", item.target)):
            actor_id = registry.resolve(name)
            if actor_id:
                participants.append(Participant(actor_id=actor_id, role=role))
        claimed_by = registry.resolve(item.claimed_by)
        status = EventStatus(item.status)
        if claimed_by and status == EventStatus.ASSERTED:
            status = EventStatus.CLAIMED
        events.append(Event(
            id=f"E{len(events) + 1}", type=EventType(item.type), mode=_clean(item.mode),
            summary=item.summary.strip(), evidence=evidence, date=_date(article, sent, item.when),
            locations=[loc for loc in dict.fromkeys(w.strip() for w in item.where)
                       if loc and align(loc, text, sent.start, sent.end, threshold=95.0)],
            participants=participants, quantities=quantities, casualties=casualties,
            claimed_by=claimed_by, status=status))
    if dropped_numbers:
        warnings.append(f"dropped {len(dropped_numbers)} event number(s) not written in their evidence: "
                        + ", ".join(dropped_numbers))
    return events


def _clean(value: str | None) -> str | None:
    if value is None or value.strip().lower() in {"", "null", "none", "n/a"}:
        return None
    return value.strip()


def _quantities(text: str, sent: Sentence, item: EventItem,
                dropped: list[str]) -> tuple[list[Quantity], Casualties | None]:
    quantities: list[Quantity] = []
    killed = injured = None
    for number in item.numbers:
        found = find_number(number.value, text, sent.start, sent.end)
        if found is None:
            dropped.append(f"{number.value:g} ({number.what}) in sentence {sent.index}")
            continue
        quantities.append(Quantity(value=number.value, counts=number.what.strip() or None, text=found.text))
        if _KILLED.search(number.what) and number.value == int(number.value):
            killed = int(number.value)
        elif _INJURED.search(number.what) and number.value == int(number.value):
            injured = int(number.value)
    casualties = Casualties(killed=killed, injured=injured) if killed is not None or injured is not None else None
    return quantities, casualties


def _date(article: Article, sent: Sentence, when: str | None) -> EventDate | None:
    """The event's time: the model's expression if it is in the sentence, else the sentence's first."""
    text = article.text
    expressions = find_time_expressions(text, sent.start, sent.end)
    chosen = None
    if when and _clean(when):
        span = align(when, text, sent.start, sent.end, threshold=95.0)
        if span is not None:
            chosen = next((e for e in expressions if e.start <= span.start < e.end or
                           span.start <= e.start < span.end), None)
            if chosen is None:
                resolved = resolve(span.text, article.published)
                return EventDate(value=resolved.value, precision=resolved.precision,
                                 expression=span.text, span=span)
    if chosen is None and expressions:
        chosen = expressions[0]
    if chosen is None:
        return None
    resolved = resolve(chosen.text, article.published)
    return EventDate(value=resolved.value, precision=resolved.precision, expression=chosen.text,
                     span=Span(start=chosen.start, end=chosen.end, text=chosen.text))
