"""Assembly: the model's compact answers and the rules become grounded output items.

Everything that reaches the output is anchored here: quotes come from detected candidates,
reported speech from its sentence and cue, events from the sentence they cite, numbers from
where they are written, actors from their mentions. What cannot be anchored is dropped and
counted in ``warnings``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from extractor.assembly.events import assemble_events
from extractor.assembly.quotes import assemble_quotes
from extractor.candidates.quotes import QuoteCandidate
from extractor.linguistic.sentences import Sentence
from extractor.candidates.actors import ActorCandidate
from extractor.rules.actors import ActorRegistry, rule_type
from extractor.schemas import Actor, Article, Event, Quote
from extractor.schemas.response import EntitiesResponse, EventsResponse


@dataclass
class Assembly:
    actors: list[Actor]
    quotes: list[Quote]
    events: list[Event]
    warnings: list[str] = field(default_factory=list)


def assemble_article(article: Article, sents: list[Sentence], candidates: list[QuoteCandidate],
                     entities: EntitiesResponse | None, events: EventsResponse | None,
                     actor_candidates: list[ActorCandidate] = ()) -> Assembly:
    """Build grounded actors, quotes and events from the two (merged) model answers and the named
    actor candidates; actor ids are published only once every name is in, so they follow the
    order of first mention."""
    warnings: list[str] = []
    registry = ActorRegistry(article.text)
    if entities is not None:
        for item in entities.actors:
            registry.add(item.name, item.type, item.title)
    for candidate in actor_candidates:
        registry.add(candidate.text, rule_type(candidate.label, candidate.text), candidate.title,
                     adjective=candidate.label == "NORP")
    quotes = assemble_quotes(article.text, sents, candidates, entities, registry, warnings)
    built_events = assemble_events(article, sents, events, registry, quotes, warnings) if events else []
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


def merge_answers(steps: list[str], answers: list[Any]) -> tuple[EntitiesResponse | None, EventsResponse | None]:
    """Union of the per-chunk answers; they use article-wide ids, so the overlap dedupes in assembly.
    A step whose every answer was lost gives ``None`` (its part of the output stays rule-based)."""
    entities = [a for s, a in zip(steps, answers) if s == "entities" and a is not None]
    events = [a for s, a in zip(steps, answers) if s == "events" and a is not None]
    merged_entities = EntitiesResponse(actors=[x for a in entities for x in a.actors],
                                       quotes=[x for a in entities for x in a.quotes],
                                       reported=[x for a in entities for x in a.reported]) if entities else None
    merged_events = EventsResponse(events=[x for a in events for x in a.events]) if events else None
    return merged_entities, merged_events
