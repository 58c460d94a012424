"""Events from the labelled candidates: trigger, evidence sentence, participants, numbers, date,
place, claimant and status, every one of them located in the text."""

from __future__ import annotations

from extractor.assembly.speakers import speaker_id
from extractor.candidates.attribution import Attribution, attribute_sentence
from extractor.candidates.events import EventCandidate
from extractor.linguistic.sentences import Sentence, sentence_by_number
from extractor.rules.actors import ActorRegistry
from extractor.rules.dates import find_time_expressions, resolve
from extractor.rules.event_status import event_status
from extractor.rules.event_types import event_mode
from extractor.rules.quantities import casualty_kind, harvest_numbers
from extractor.schemas import (
    Article,
    Casualties,
    Event,
    EventDate,
    EventType,
    Participant,
    Place,
    Quantity,
    Quote,
    QuoteKind,
    Span,
)
from extractor.schemas.response import NO_EVENT, EventsResponse

SUMMARY_CHARS = 80
MAX_LOCATIONS = 3


def assemble_events(article: Article, sents: list[Sentence], response: EventsResponse | None,
                    candidates: list[EventCandidate], places: list[Place], actor_of: dict[str, str],
                    registry: ActorRegistry, quotes: list[Quote], warnings: list[str]) -> list[Event]:
    """One event per marked word the model typed (NONE drops it), in text order; its participants
    are the phrases the parse puts in its roles, each with the actor it names mapped through
    ``actor_of`` (listed actor id -> registry key). A self-report ("X said it shot down") has X as
    agent and claimant; a statement about other actors has its speaker as agent. A word the model
    was not asked about (one possible type, or no events answer) takes its trigger's likeliest
    type; a statement about others, which needs a judgement, is then left out."""
    events: list[Event] = []
    of_candidate: dict[str, Event] = {}
    by_id = {c.id: c for c in candidates}
    retyped = 0
    for candidate in candidates:
        label = _label(response, candidate)
        sent = sentence_by_number(sents, candidate.sentence)
        if label is None or label == NO_EVENT or sent is None:
            continue
        if label not in candidate.types:
            label, retyped = candidate.types[0], retyped + 1
        claimed_by = None if candidate.speech else _claimant(article.text, sent, candidate, actor_of, registry,
                                                                quotes)
        events.append(_event(candidate.id, article, sent, candidate, EventType(label),
                             _participants(article.text, candidate, actor_of, claimed_by), claimed_by, places))
        of_candidate[candidate.id] = events[-1]
    events = _one_per_happening(events, of_candidate, by_id)
    for number, event in enumerate(events, start=1):
        event.id = f"E{number}"
    if retyped:
        warnings.append(f"{retyped} event type(s) the trigger cannot report replaced by the trigger's own")
    impossible = [e.date.expression for e in events if e.date is not None and e.date.value is None
                  and resolve(e.date.expression, article.published).impossible]
    if impossible:
        warnings.append(f"date(s) that name no calendar day left unresolved: {', '.join(dict.fromkeys(impossible))}")
    return events


def _one_per_happening(events: list[Event], of_candidate: dict[str, Event],
                       by_id: dict[str, EventCandidate]) -> list[Event]:
    """The events with every mention joined into the event it is a mention of (``mention_of``,
    followed to the end of its chain), when both were kept and their types agree; the joined event
    keeps its place in text order."""
    joined: set[int] = set()
    for event in events:
        root, seen = by_id[event.id].mention_of, set()
        primary = None
        while root is not None and root not in seen:
            seen.add(root)
            if root in of_candidate:
                primary = of_candidate[root]
            root = by_id[root].mention_of if root in by_id else None
        while primary is not None and id(primary) in joined:
            at = primary.trigger.start if primary.trigger else -1
            primary = next((e for e in events if any(m.start == at for m in e.mentions)
                            and id(e) not in joined), None)
        if primary is None or primary is event or primary.type != event.type:
            continue
        _join(primary, event)
        joined.add(id(event))
    return [e for e in events if id(e) not in joined]


def _join(event: Event, other: Event) -> None:
    """``other`` becomes a mention of ``event``: its trigger joins the mentions, and its
    participants, numbers, places, casualties, date and claimant fill what ``event`` lacks. A role
    phrase that is one of the joined triggers ("the attacks" as agent of "injured") is no participant."""
    event.mentions.extend(m for m in other.mentions if all(m.start != e.start for e in event.mentions))
    triggers = [(m.start, m.end) for m in event.mentions]
    kept = [p for p in event.participants + other.participants
            if p.span is None or not any(p.span.start <= s and e <= p.span.end for s, e in triggers)]
    event.participants = list({(p.role, p.text, p.actor_id): p for p in kept}.values())
    event.quantities += [q for q in other.quantities if all(q.value != mine.value for mine in event.quantities)]
    event.locations = _distinct(event.locations + other.locations)
    if other.casualties is not None:
        mine = event.casualties or Casualties()
        event.casualties = Casualties(killed=mine.killed if mine.killed is not None else other.casualties.killed,
                                      injured=mine.injured if mine.injured is not None else other.casualties.injured)
    event.date = event.date or other.date
    event.claimed_by = event.claimed_by or other.claimed_by


def _label(response: EventsResponse | None, candidate: EventCandidate) -> str | None:
    """The model's type for a candidate it was asked about; otherwise the trigger's likeliest
    type, except for a statement about others, which is no event without a judgement."""
    if response is not None and candidate.id in response.events:
        return response.events[candidate.id]
    return None if candidate.speech else candidate.types[0]


def _claimant(text: str, sent: Sentence, candidate: EventCandidate, actor_of: dict[str, str],
              registry: ActorRegistry, quotes: list[Quote]) -> str | None:
    """Who claims the event, per clause: the subject of the speech verb above the trigger (by the
    sentence's attribution rule, which names it best, when that rule's cue is this very verb); with
    no speech verb above it, the sentence's attribution only for a trigger in its reported part (not
    "Speaking during a visit, X said ..."), else the speaker of the direct quote it is part of."""
    rule = attribute_sentence(text, sent)
    claimed_by = None
    if candidate.claim_cue is not None:
        same_verb = rule is not None and rule.cue_start == candidate.claim_cue
        claimed_by = speaker_id(registry, rule.speaker, sent.start) if rule is not None and same_verb else None
        claimed_by = claimed_by or actor_of.get(candidate.claimant or "")
    elif rule is not None and _reported_part(text, sent, rule, candidate):
        claimed_by = speaker_id(registry, rule.speaker, sent.start)
    if claimed_by is None:
        inside = next((q for q in quotes if q.kind == QuoteKind.DIRECT and q.speaker and
                       q.span.start <= candidate.start < q.span.end + 1), None)
        if inside is not None:
            claimed_by = inside.speaker
    return claimed_by


def _participants(text: str, candidate: EventCandidate, actor_of: dict[str, str],
                  claimed_by: str | None) -> list[Participant]:
    """The candidate's role phrases as participants, each with its actor (a self-report's "it" is
    the claimant); a phrase naming the agent's own actor again in another role is left out."""
    result: list[Participant] = []
    agent_actor = next((actor_of.get(p.actor or "") for p in candidate.participants if p.role == "agent"), None)
    for phrase in candidate.participants:
        actor = claimed_by if phrase.self_report and claimed_by else actor_of.get(phrase.actor or "")
        if phrase.role != "agent" and actor is not None and actor == agent_actor:
            continue
        span = Span(start=phrase.start, end=phrase.end, text=text[phrase.start:phrase.end], alignment="detected")
        head = Span(start=phrase.head_start, end=phrase.head_end, text=text[phrase.head_start:phrase.head_end],
                    alignment="detected")
        result.append(Participant(role=phrase.role, text=span.text, span=span, head=head, actor_id=actor))
    return result


def _reported_part(text: str, sent: Sentence, rule: Attribution, candidate: EventCandidate) -> bool:
    """The trigger lies in what the attribution reports: after the cue when the speaker comes
    first ("X said ..."), before it when the attribution trails ("..., X said")."""
    speaker_first = text.find(rule.speaker, sent.start, rule.cue_start) >= 0
    return candidate.start >= rule.cue_end if speaker_first else candidate.end <= rule.cue_start


def _event(event_id: str, article: Article, sent: Sentence, candidate: EventCandidate, labelled: EventType,
           participants: list[Participant], claimed_by: str | None, places: list[Place]) -> Event:
    """One grounded event, anchored at its trigger and its sentence."""
    text = article.text
    quantities, casualties = _quantities(text, sent, candidate)
    summary = _trim(text[candidate.clause_start:candidate.clause_end], SUMMARY_CHARS)
    return Event(
        id=event_id, type=labelled, mode=event_mode(sent.text), summary=summary,
        evidence=Span(start=sent.start, end=sent.end, text=sent.text, alignment="detected"),
        trigger=Span(start=candidate.start, end=candidate.end, text=candidate.text, alignment="detected"),
        mentions=[Span(start=candidate.start, end=candidate.end, text=candidate.text, alignment="detected")],
        date=_date(article, sent, candidate), locations=_locations(sent, places, candidate), participants=participants,
        quantities=quantities, casualties=casualties, claimed_by=claimed_by,
        status=event_status(sent.text, claimed_by))


def _locations(sent: Sentence, places: list[Place], candidate: EventCandidate) -> list[Place]:
    """The places named in the trigger's own clause, else in its sentence; at most three, once
    each ("captured a town in eastern Ukraine, while officials cited casualties in the Kursk
    region": the capture is in Ukraine)."""
    own = [p for p in places if candidate.clause_start <= p.span.start < candidate.clause_end]
    return _distinct(own or [p for p in places if sent.start <= p.span.start < sent.end])


def _distinct(places: list[Place]) -> list[Place]:
    """Each place once (by GeoNames id, else by name), the first mention kept, at most three."""
    seen: dict[object, Place] = {}
    for place in places:
        seen.setdefault(place.geonames_id or place.name.lower(), place)
    return list(seen.values())[:MAX_LOCATIONS]


def _quantities(text: str, sent: Sentence, candidate: EventCandidate) -> tuple[list[Quantity], Casualties | None]:
    """Every digit number written in the sentence with what it counts; a count in the trigger's
    clause of a killing or wounding verb is the casualties."""
    dates = [(e.start, e.end) for e in find_time_expressions(text, sent.start, sent.end)]
    quantities: list[Quantity] = []
    killed, injured = None, None
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


def _date(article: Article, sent: Sentence, candidate: EventCandidate) -> EventDate | None:
    """The event's time: the time expression of its own clause or of a clause governing it, or of
    the report its sentence continues (the parse's ``candidate.time``), resolved against the
    publication date; none rather than another clause's."""
    if candidate.time is None:
        return None
    start, end = candidate.time
    expressions = find_time_expressions(article.text, start, end)
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
