"""Plan an article's model calls: segment, find quotations, chunk, render, narrow the schema.

Everything here is deterministic and makes no request; the engine sends the planned calls.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel

from extractor.candidates.actors import ActorGroup, find_actor_candidates, group_candidates
from extractor.candidates.attribution import attribute_sentence, find_speech_cue, quotation_attribution
from extractor.candidates.events import EventCandidate, find_event_candidates
from extractor.candidates.places import PlaceMention, find_places
from extractor.candidates.quotes import QuoteCandidate, find_quotes
from extractor.candidates.statements import ReportedCandidate, find_reported, settled
from extractor.linguistic.nlp import parse
from extractor.linguistic.sentences import Sentence, sentences
from extractor.plan.chunks import Chunk, plan_chunks
from extractor.plan.options import PipelineOptions
from extractor.plan.prompts import RenderedPrompt, render
from extractor.schemas import Article
from extractor.schemas.response import NO_EVENT, NO_SPEAKER, EntitiesResponse, EventsResponse

RESPONSE_MODELS: dict[str, type[BaseModel]] = {"entities": EntitiesResponse, "events": EventsResponse}
"""The response model of each step (``extractor.settings.STEPS``)."""


@dataclass(frozen=True)
class PlannedCall:
    """One model request: a step (entities or events) over one chunk of the article."""

    prompt: RenderedPrompt
    response_model: type[BaseModel]
    schema: dict[str, Any]
    chunk: Chunk
    actor_ids: frozenset[str]
    event_ids: frozenset[str]

    @property
    def step(self) -> str:
        return self.prompt.name


@dataclass(frozen=True)
class ArticlePlan:
    """An article with its sentences, its candidates (quotations, named actors, places) and the
    calls to make."""

    article: Article
    sentences: list[Sentence]
    candidates: list[QuoteCandidate]
    calls: list[PlannedCall]
    actors: list[ActorGroup]
    events: list[EventCandidate]
    places: list[PlaceMention]
    reported: list[ReportedCandidate]


def plan_article(article: Article, options: PipelineOptions) -> ArticlePlan:
    """Sentences, quotations, actor groups and event candidates of the whole article, then one call
    per step and chunk; each chunk is rendered with article-wide ids so the answers merge by union.
    The events step asks only about the words whose type needs a choice, and a chunk without one
    gets no events call; who said a quotation is asked only where no pattern attributes it and the
    profile asks it (``options.unasked``)."""
    sents = sentences(article.text)
    quotes = find_quotes(article.text)
    doc = parse(article.text)
    groups = group_candidates(find_actor_candidates(doc))
    events = find_event_candidates(doc, sents, groups)
    reported = find_reported(doc, sents)
    open_questions = open_reported(article.text, sents, reported)
    asks_speakers = "speakers" not in (options.unasked or ())
    unattributed = {q.id for q in quotes
                    if quotation_attribution(article.text, sents, q.outer_start, q.outer_end) is None}
    calls = []
    for chunk in plan_chunks(sents, quotes, options.chunk_chars, options.chunk_overlap):
        chunk_events = [e for e in events if chunk.start <= e.start < chunk.end and e.asks_model]
        chunk_actors = [g for g in groups if any(chunk.start <= m.start < chunk.end for m in g.mentions)]
        ids = dict(quote_ids=[c.id for c in chunk.candidates], actor_ids=[g.id for g in chunk_actors if g.uncertain],
                   event_ids=[e.id for e in chunk_events],
                   speaker_ids=[c.id for c in chunk.candidates if c.id in unattributed and asks_speakers],
                   listed_ids=[g.id for g in chunk_actors])
        types = {e.id: e.types for e in chunk_events}
        for step in options.asked_steps:
            if step == "events" and not chunk_events:
                continue
            model = RESPONSE_MODELS[step]
            prompt = render(step, article, chunk.sentences, chunk.candidates, chunk_events, chunk_actors,
                            ids["speaker_ids"], asks_speakers)
            numbers = [n for n in chunk.sentence_numbers if n in open_questions]
            calls.append(PlannedCall(prompt, model, narrow_schema(model.model_json_schema(), sentence_numbers=numbers,
                                                                  event_types=types, **ids),
                                     chunk, frozenset(g.id for g in chunk_actors), frozenset(ids["event_ids"])))
    return ArticlePlan(article, sents, quotes, calls, groups, events, find_places(doc), reported)


def open_reported(text: str, sents: list[Sentence], reported: list[ReportedCandidate]) -> set[int]:
    """The sentences the model may name as reported speech: those with a speech verb whose
    statement neither the parse nor the attribution patterns settle (assembly ignores the model's
    answer for those, so offering them would only cost generated tokens)."""
    settled_by_parse = {r.sentence for r in reported if settled(text, r)}
    return {s.index for s in sents if s.index not in settled_by_parse and find_speech_cue(text, s) is not None
            and attribute_sentence(text, s) is None}


def narrow_schema(schema: dict[str, Any], *, quote_ids: list[str], sentence_numbers: list[int],
                  actor_ids: list[str], event_ids: list[str],
                  event_types: dict[str, tuple[str, ...]] | None = None, speaker_ids: Sequence[str] = (),
                  listed_ids: Sequence[str] = ()) -> dict[str, Any]:
    """Narrow a compact schema to one chunk: quote ids and sentence numbers become enums, the
    actor and event maps get exactly the given ids as keys (the actors whose type the rules leave
    open, every marked word), and each marked word may only take
    the types its trigger can report (``event_types``) or NONE.

    The speakers map gets the quotations no attribution pattern names a speaker for
    (``speaker_ids``), each answered by a listed actor's id (``listed_ids``) or NONE.

    Under grammar-constrained decoding the model then cannot name a quotation, actor, event or
    sentence that does not exist, judges every quotation, actor and marked word exactly once, and
    cannot call a word an event it cannot report.
    """
    sentence_enum = sorted(sentence_numbers) or [0]
    allowed = event_types or {}

    def by_id(ids: list[str], node: dict[str, Any]) -> dict[str, Any]:
        """An id -> value object with every id present, in order (the grammar writes them all)."""
        values = node.get("additionalProperties", {})
        properties = {i: {**values, "enum": [*allowed[i], NO_EVENT]} if i in allowed and "enum" in values
                      else dict(values) for i in ids}
        return {"type": "object", "properties": properties, "required": list(ids), "additionalProperties": False}

    def walk(node: Any, key: str | None = None) -> Any:
        if isinstance(node, list):
            return [walk(v) for v in node]
        if not isinstance(node, dict):
            return node
        out = {k: walk(v, k) for k, v in node.items()}
        if key in ("actors", "events") and out.get("type") == "object":
            return by_id(actor_ids if key == "actors" else event_ids, out)
        if key == "speakers" and out.get("type") == "object":
            answer = {"type": "string", "enum": [*listed_ids, NO_SPEAKER]}
            return {"type": "object", "properties": {i: dict(answer) for i in speaker_ids},
                    "required": list(speaker_ids), "additionalProperties": False}
        if key == "quotes" and out.get("type") == "array":
            out["items"]["properties"]["id"] = {**out["items"]["properties"]["id"], "enum": list(quote_ids) or ["Q0"]}
            out["minItems"] = out["maxItems"] = len(quote_ids)
        props = out.get("properties")
        if isinstance(props, dict) and "s" in props:
            props["s"] = {**props["s"], "enum": sentence_enum}
        if key == "reported" and out.get("type") == "array":
            out["maxItems"] = len(sentence_numbers)
        return out

    return walk(schema)
