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
from extractor.plan.calls import ArticlePlan
from extractor.rules.actors import ActorRegistry
from extractor.rules.places import article_countries, geocode_article
from extractor.schemas import Actor, ActorType, Event, Place, Quote
from extractor.schemas.response import EntitiesResponse, EventsResponse


@dataclass
class Assembly:
    actors: list[Actor]
    quotes: list[Quote]
    events: list[Event]
    places: list[Place] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def without_answers(entities: EntitiesResponse | None, ignored: tuple[str, ...]) -> EntitiesResponse | None:
    """The entities answer with the ignored kinds (``ANSWER_KINDS``) emptied, as if not asked:
    no types, no other actors, no quotation judgements, no speakers, no reported sentences."""
    if entities is None or not ignored:
        return entities
    return entities.model_copy(update={
        "actors": {} if "actor_types" in ignored else entities.actors,
        "other": [] if "other_actors" in ignored else entities.other,
        "quotes": [] if "quotations" in ignored else entities.quotes,
        "speakers": {} if "speakers" in ignored else entities.speakers,
        "reported": [] if "reported" in ignored else entities.reported})


def assemble_article(plan: ArticlePlan, entities: EntitiesResponse | None,
                     events: EventsResponse | None) -> Assembly:
    """Build grounded actors, quotes and events from the plan's candidates and the two (merged)
    model answers; actor ids are published only once every name is in, so they follow the order
    of first mention."""
    article = plan.article
    warnings: list[str] = []
    registry = ActorRegistry(article.text)
    actor_of = _actors(plan, entities, registry)
    said_by = {quote_id: actor_of[actor_id] for quote_id, actor_id in (entities.speakers if entities else {}).items()
               if actor_id in actor_of}
    quotes = assemble_quotes(article.text, plan.sentences, plan.candidates, plan.reported, entities, said_by,
                             registry, warnings)
    countries = article_countries(m.text for g in plan.actors if g.type == ActorType.COUNTRY for m in g.mentions)
    places = geocode_article(article.text, plan.places, countries)
    built_events = assemble_events(article, plan.sentences, events, plan.events, places, actor_of,
                                   registry, quotes, warnings)
    if registry.rejected:
        warnings.append(f"dropped {len(registry.rejected)} actor name(s) not found in the article: "
                        + ", ".join(repr(n) for n in registry.rejected))
    actors = registry.actors()
    ids = registry.final_ids()
    names = {actor.id: actor.name for actor in actors}
    for quote in quotes:
        quote.speaker = _final(ids, quote.speaker)
        quote.speaker_name = names.get(quote.speaker or "", quote.speaker_name)
    for event in built_events:
        event.claimed_by = _final(ids, event.claimed_by)
        for participant in event.participants:
            participant.actor_id = _final(ids, participant.actor_id)
    return Assembly(actors=actors, quotes=quotes, events=built_events, places=places, warnings=warnings)


def _final(ids: dict[str, str], key: str | None) -> str | None:
    """An actor key as the registry finally numbers it (a key it does not know stays as it is)."""
    return ids.get(key, key) if key is not None else None


def _actors(plan: ArticlePlan, entities: EntitiesResponse | None, registry: ActorRegistry) -> dict[str, str]:
    """Seed the registry with the NER groups, apply the model's types by id, then add the actors
    the model names that NER missed; returns listed id -> registry key. A reported statement's
    speaker the model gave as a listed id is read as that actor's name."""
    clusters = {}
    for group in plan.actors:
        names = list(dict.fromkeys(m.text for m in group.mentions))
        cluster = registry.add_group([group.name, *[n for n in names if n != group.name]], group.type, group.title,
                                     group.adjectives)
        if cluster is not None:
            clusters[group.id] = cluster
    for group_id, kind in (entities.actors if entities else {}).items():
        if group_id in clusters:
            registry.relabel(clusters[group_id], kind)
    for other in entities.other if entities else []:
        registry.add(other.name, other.type, other.title)
    listed = {group.id: group.name for group in plan.actors}
    for item in entities.reported if entities else []:
        if item.speaker in listed:
            item.speaker = listed[item.speaker]
    return {group_id: registry.key(cluster) for group_id, cluster in clusters.items()}


def merge_answers(steps: list[str], answers: list[Any]) -> tuple[EntitiesResponse | None, EventsResponse | None]:
    """Union of the per-chunk answers; they use article-wide ids, so the overlap dedupes in assembly.
    A step whose every answer was lost gives ``None`` (its part of the output stays rule-based)."""
    entities = [a for s, a in zip(steps, answers) if s == "entities" and a is not None]
    events = [a for s, a in zip(steps, answers) if s == "events" and a is not None]
    merged_entities = EntitiesResponse(actors={k: v for a in entities for k, v in a.actors.items()},
                                       other=[x for a in entities for x in a.other],
                                       quotes=[x for a in entities for x in a.quotes],
                                       speakers={k: v for a in entities for k, v in a.speakers.items()},
                                       reported=[x for a in entities for x in a.reported]) if entities else None
    merged_events = EventsResponse(events={k: v for a in events for k, v in a.events.items()}) if events else None
    return merged_entities, merged_events
