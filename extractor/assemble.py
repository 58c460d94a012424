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
from extractor.grounding.attribution import SPEECH_VERBS, attribute_quote, attribute_sentence
from extractor.grounding.numbers import find_number, harvest_numbers
from extractor.grounding.reported import content_span, cue_span
from extractor.normalise.actors import ActorRegistry, looks_like_actor
from extractor.normalise.event_types import check_type
from extractor.normalise.dates import find_time_expressions, resolve
from extractor.quote_candidates import QuoteCandidate
from extractor.segment import Sentence, paragraphs, sentence_at
from schemas import (Actor, Article, Casualties, Event, EventDate, EventStatus, EventType, Participant,
                     Quantity, Quote, QuoteKind, Span)
from schemas.response import EntitiesResponse, EventItem, EventsResponse

UNJUDGED_MIN_WORDS = 8
# The small model calls many scare quotes quotations: without an attribution it must be 4+ words.
MODEL_ONLY_MIN_WORDS = 4
INHERIT_WITHIN = 600
_KILLED = re.compile(r"\b(kill|dead|death|died|fatalit)", re.I)
_INJURED = re.compile(r"\b(injur|wound|hurt)", re.I)
_SPEECH_VERBS = re.compile(rf"\b(?:{SPEECH_VERBS}|according to)\b", re.I)


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
    built_events = _events(article, sents, events, registry, warnings, quotes) if events else []
    if registry.rejected:
        warnings.append(f"dropped {len(registry.rejected)} actor name(s) not found in the article: "
                        + ", ".join(repr(n) for n in registry.rejected))
    actors = registry.actors()
    ids = registry.final_ids()
    names = {actor.id: actor.name for actor in actors}
    for quote in quotes:
        quote.speaker = ids.get(quote.speaker, quote.speaker)
        quote.speaker_name = names.get(quote.speaker, quote.speaker_name)
    for event in built_events:
        event.claimed_by = ids.get(event.claimed_by, event.claimed_by)
        for participant in event.participants:
            participant.actor_id = ids.get(participant.actor_id, participant.actor_id)
    return Assembly(actors=actors, quotes=quotes, events=built_events, warnings=warnings)


def _sentence(sents: list[Sentence], number: int) -> Sentence | None:
    return sents[number - 1] if 1 <= number <= len(sents) else None


def _quotes(text: str, sents: list[Sentence], candidates: list[QuoteCandidate],
            entities: EntitiesResponse | None, registry: ActorRegistry, warnings: list[str]) -> list[Quote]:
    """Direct quotes from judged candidates; reported speech from rules and the model's list."""
    judgements = {}
    for item in entities.quotes if entities else []:
        judgements.setdefault(item.id, item)
    paras = paragraphs(text)
    quotes: list[Quote] = []
    for cand in candidates:
        sentence = sentence_at(sents, cand.outer_start)
        para_end = next((e for s, e in paras if s <= cand.outer_start < e), len(text))
        rule = attribute_quote(text, cand.outer_start, cand.outer_end, sentence, para_end)
        judged = judgements.get(cand.id)
        if judged is not None and not judged.quote and not (rule and cand.words >= 4):
            continue
        if judged is not None and judged.quote and rule is None and cand.words < MODEL_ONLY_MIN_WORDS:
            continue
        if judged is None and not (rule and cand.words >= 3) and cand.words < UNJUDGED_MIN_WORDS:
            continue
        speaker = rule.speaker if rule else (judged.speaker if judged else None)
        cue = rule.cue if rule else (judged.cue if judged else None)
        quotes.append(Quote(id="", text=cand.text, kind=QuoteKind.DIRECT,
                            speaker=_speaker_id(registry, speaker, cand.outer_start),
                            speaker_name=speaker, cue=cue, span=Span(start=cand.start, end=cand.end,
                                                                     text=cand.text, alignment="detected")))
    unjudged = [c.id for c in candidates if c.id not in judgements]
    if entities is not None and unjudged:
        warnings.append(f"model did not judge {len(unjudged)} quote candidate(s): {', '.join(unjudged)}")

    reported: dict[int, tuple[str, Span]] = {}
    for sent in sents:
        rule = attribute_sentence(text, sent)
        if rule:
            reported[sent.index] = (rule.speaker, Span(start=rule.cue_start, end=rule.cue_end, text=rule.cue))
    for item in entities.reported if entities else []:
        sent = _sentence(sents, item.s)
        if sent is None or item.s in reported:
            continue
        cue = cue_span(text, sent, item.cue) or _any_cue(text, sent)
        if cue is not None:
            reported[item.s] = (item.speaker, cue)
    for number, (speaker, cue) in sorted(reported.items()):
        sent = sents[number - 1]
        content = content_span(text, sent, cue)
        if content is None or any(_covered(content, q.span) > 0.5 for q in quotes):
            continue
        inside = any(content.start <= c.outer_start and c.outer_end <= content.end + 1 for c in candidates)
        quotes.append(Quote(id="", text=content.text, kind=QuoteKind.MIXED if inside else QuoteKind.INDIRECT,
                            speaker=_speaker_id(registry, speaker, sent.start), speaker_name=speaker,
                            cue=cue.text, span=content))
    quotes.sort(key=lambda q: (q.span.start, q.span.end))
    _inherit_speakers(quotes)
    for index, quote in enumerate(quotes, start=1):
        quote.id = f"Q{index}"
    return quotes


def _inherit_speakers(quotes: list[Quote]) -> None:
    """A quotation with no attribution of its own continues the last attributed speaker nearby
    (news style: "X said ..." then a paragraph of quotation); farther away it stays unknown."""
    last: Quote | None = None
    for quote in quotes:
        if quote.speaker is None and last is not None and quote.span.start - last.span.end <= INHERIT_WITHIN:
            quote.speaker, quote.speaker_name = last.speaker, last.speaker_name
        elif quote.speaker is not None:
            last = quote


def _speaker_id(registry: ActorRegistry, speaker: str | None, offset: int) -> str | None:
    """Resolve a speaker name; "he"/"she" become the person mentioned last before ``offset``."""
    if speaker and speaker.strip().lower() in {"he", "she"}:
        return registry.resolve_pronoun(offset)
    return registry.resolve(speaker)


def _any_cue(text: str, sent: Sentence) -> Span | None:
    match = _SPEECH_VERBS.search(text, sent.start, sent.end)
    return Span(start=match.start(), end=match.end(), text=match.group(0)) if match else None


def _covered(a: Span, b: Span) -> float:
    """Share of ``a`` that ``b`` covers."""
    return max(0, min(a.end, b.end) - max(a.start, b.start)) / max(1, a.end - a.start)


_CREDIT = re.compile(r"\b(?:contributed to this report|information for this report|reporting by|editing by|"
                     r"writing by|this report was provided|this story was provided)\b", re.I)


def _events(article: Article, sents: list[Sentence], response: EventsResponse,
            registry: ActorRegistry, warnings: list[str], quotes: list[Quote]) -> list[Event]:
    text = article.text
    events: list[Event] = []
    seen: set[tuple[int, str, str]] = set()
    dropped_numbers: list[str] = []
    credits = 0
    for item in response.events:
        sent = _sentence(sents, item.s)
        if sent is None:
            continue
        if _CREDIT.search(sent.text):
            credits += 1
            continue
        key = (item.s, item.type, (item.agent or "").lower()[:48])
        if key in seen:
            continue
        seen.add(key)
        evidence = Span(start=sent.start, end=sent.end, text=sent.text, alignment="detected")
        quantities, casualties = _quantities(text, sent, item, dropped_numbers)
        participants = []
        for role, names in (("agent", item.agent), ("target", item.target)):
            for name in _split_names(_trim(names, 48)):
                actor_id = registry.resolve(name, create=looks_like_actor(name))
                if actor_id and not any(p.actor_id == actor_id and p.role == role for p in participants):
                    participants.append(Participant(actor_id=actor_id, role=role))
        rule = attribute_sentence(text, sent)
        claimed_by = _speaker_id(registry, rule.speaker, sent.start) if rule else None
        inside = next((q for q in quotes if q.kind == QuoteKind.DIRECT and q.speaker and
                       q.span.start <= sent.start + 1 and sent.start < q.span.end), None)
        if claimed_by is None and inside is not None:
            claimed_by = inside.speaker
        events.append(Event(
            id=f"E{len(events) + 1}", type=check_type(EventType(item.type), sent.text), mode=_clean(_trim(item.mode, 12)),
            summary=_trim(_MARKER.sub("", item.summary).strip(" ‘’'\"“”"), 80) or "", evidence=evidence, date=_date(article, sent, None),
            locations=[loc for loc in dict.fromkeys(w.strip() for w in item.where[:3])
                       if loc and align(loc, text, sent.start, sent.end, threshold=95.0)],
            participants=participants, quantities=quantities, casualties=casualties,
            claimed_by=claimed_by, status=_status(sent.text, claimed_by)))
    if credits:
        warnings.append(f"dropped {credits} event(s) cited from the article's credit line")
    if dropped_numbers:
        warnings.append(f"dropped {len(dropped_numbers)} event number(s) not written in their evidence: "
                        + ", ".join(dropped_numbers))
    return events


_MARKER = re.compile(r"\[Q\d+\]|\(\d+\)\s")


def _split_names(value: str | None) -> list[str]:
    """ "Associated Press, AFP and Reuters" -> three names (participants are single actors)."""
    if not value:
        return []
    return [part.strip() for part in re.split(r",\s*(?:and\s+)?|\s+and\s+", value) if part.strip()]


def _clean(value: str | None) -> str | None:
    if value is None or value.strip().lower() in {"", "null", "none", "n/a"}:
        return None
    return value.strip()


def _quantities(text: str, sent: Sentence, item: EventItem,
                dropped: list[str]) -> tuple[list[Quantity], Casualties | None]:
    quantities: list[Quantity] = []
    killed = injured = None
    used: list[Span] = []
    for number in item.numbers[:4]:
        found = find_number(number.value, text, sent.start, sent.end)
        if found is None:
            dropped.append(f"{number.value:g} ({number.what}) in sentence {sent.index}")
            continue
        used.append(found)
        quantities.append(Quantity(value=number.value, counts=_trim(number.what, 40) or None, text=found.text))
        if _KILLED.search(number.what) and number.value == int(number.value):
            killed = int(number.value)
        elif _INJURED.search(number.what) and number.value == int(number.value):
            injured = int(number.value)
    dates = [(e.start, e.end) for e in find_time_expressions(text, sent.start, sent.end)]
    for value, span, noun in harvest_numbers(text, sent.start, sent.end, dates):
        if any(u.start <= span.start < u.end for u in used) or any(q.value == value for q in quantities):
            continue
        quantities.append(Quantity(value=value, counts=noun or None, text=span.text))
    casualties = Casualties(killed=killed, injured=injured) if killed is not None or injured is not None else None
    return quantities, casualties


_UNCONFIRMED = re.compile(r"\b(?:(?:did|does|do|could|can|has|have|had|would)\s?n[o’']t\s+(?:\w+\s+)?"
                          r"(?:confirm|verify)|unconfirmed|not\s+(?:been\s+)?(?:independently\s+)?"
                          r"(?:confirmed|verified))", re.I)
_DENIED = re.compile(r"\b(?:denied|denies|deny|rejected the (?:claim|report)s?)\b", re.I)


def _status(sentence: str, claimed_by: str | None) -> EventStatus:
    """Unconfirmed / denied from the sentence's wording; claimed when a side is the source."""
    if _UNCONFIRMED.search(sentence):
        return EventStatus.UNCONFIRMED
    if _DENIED.search(sentence):
        return EventStatus.DENIED
    return EventStatus.CLAIMED if claimed_by else EventStatus.ASSERTED


def _trim(value: str | None, limit: int) -> str | None:
    """Shorten to ``limit`` characters at a word boundary (hosted models may ignore maxLength)."""
    if value is None:
        return None
    value = " ".join(value.split())
    if len(value) <= limit:
        return value
    cut = value[:limit].rsplit(" ", 1)[0]
    return cut.rstrip(",;:") + "…"


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
