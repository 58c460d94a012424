"""Plan an article's model calls: segment, find quotations, chunk, render, narrow the schema.

Everything here is deterministic and makes no request; the engine sends the planned calls.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel

from extractor.candidates.actors import ActorCandidate, PlaceMention, find_actor_candidates, find_places
from extractor.candidates.quotes import QuoteCandidate, find_quotes
from extractor.linguistic.nlp import parse
from extractor.linguistic.sentences import Sentence, sentences
from extractor.plan.chunks import Chunk, plan_chunks
from extractor.plan.options import PipelineOptions
from extractor.plan.prompts import RenderedPrompt, render
from extractor.schemas import Article
from extractor.schemas.response import EntitiesResponse, EventsResponse

RESPONSE_MODELS: dict[str, type[BaseModel]] = {"entities": EntitiesResponse, "events": EventsResponse}
"""The response model of each step (``extractor.settings.STEPS``)."""


@dataclass(frozen=True)
class PlannedCall:
    """One model request: a step (entities or events) over one chunk of the article."""

    prompt: RenderedPrompt
    response_model: type[BaseModel]
    schema: dict[str, Any]
    chunk: Chunk

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
    actors: list[ActorCandidate]
    places: list[PlaceMention]


def plan_article(article: Article, options: PipelineOptions) -> ArticlePlan:
    """Sentences and quotations of the whole article, then one call per step and chunk; each
    chunk is rendered with article-wide numbers so the answers merge by union."""
    sents = sentences(article.text)
    candidates = find_quotes(article.text)
    doc = parse(article.text)
    calls = []
    for chunk in plan_chunks(sents, candidates, options.chunk_chars, options.chunk_overlap):
        ids = [c.id for c in chunk.candidates]
        for step in options.steps:
            model = RESPONSE_MODELS[step]
            calls.append(PlannedCall(render(step, article, chunk.sentences, chunk.candidates), model,
                                     narrow_schema(model.model_json_schema(), ids, chunk.sentence_numbers), chunk))
    return ArticlePlan(article, sents, candidates, calls, find_actor_candidates(doc), find_places(doc))


def narrow_schema(schema: dict[str, Any], candidate_ids: list[str], sentence_numbers: list[int]) -> dict[str, Any]:
    """Narrow a compact schema to one chunk: quote ids and sentence numbers become enums.

    Under grammar-constrained decoding the model then cannot name a quotation or sentence that
    does not exist, and judges exactly as many quotations as were found.
    """
    sentence_enum = sorted(sentence_numbers) or [1]

    def walk(node: Any, key: str | None = None) -> Any:
        if isinstance(node, list):
            return [walk(v) for v in node]
        if not isinstance(node, dict):
            return node
        out = {k: walk(v, k) for k, v in node.items()}
        props = out.get("properties")
        if isinstance(props, dict):
            if "s" in props:
                props["s"] = {**props["s"], "enum": sentence_enum}
            if "id" in props and "quote" in props:
                props["id"] = {**props["id"], "enum": list(candidate_ids) or ["Q0"]}
        if key == "quotes" and out.get("type") == "array":
            out["minItems"] = out["maxItems"] = len(candidate_ids)
        if key in ("events", "reported") and out.get("type") == "array":
            out["maxItems"] = max(1, len(sentence_enum))
        return out

    return walk(schema)
