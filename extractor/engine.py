"""The ``Extractor``: a thin facade that runs an article through the stages.

input → linguistic layer → candidates → plan (article → calls) → model call → validation and
grounding → assembly → ``ArticleExtraction``. Each stage is its own package; this module only
wires them together and keeps the endpoint (and the embedded server) alive across articles.
"""

from __future__ import annotations

import asyncio
import atexit
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import date
from typing import Any

import httpx
from pydantic import BaseModel

from extractor.assembly import assemble_article, merge_answers, without_answers
from extractor.call.connection import Connection
from extractor.call.endpoint import Endpoint, resolve_endpoint
from extractor.call.limits import RequestLimiter
from extractor.call.send import LOST, asend, send
from extractor.errors import ModelStepError
from extractor.grounding.context import ChunkGrounding
from extractor.input.article import check_text, make_article
from extractor.plan.calls import ArticlePlan, PlannedCall, plan_article
from extractor.plan.options import PipelineOptions
from extractor.plan.prompts import template_hash
from extractor.schemas import SCHEMA_VERSION, Article, ArticleExtraction, Provenance, TokenUsage


class Extractor:
    """Extracts many articles with one endpoint configuration (and one local server, if any).

    ``endpoint`` says where requests go (default: ``resolve_endpoint(**endpoint_args)``, i.e. the
    arguments, then ``OPENAI_API_KEY`` / ``OPENAI_BASE_URL``, then the embedded model); ``options``
    which calls an article gets; ``steps`` is a shorthand for ``options.steps`` (``()`` or ``"none"``:
    rules only; ``"entities,events"`` as on the command line).
    ``limiter`` bounds the async requests (a batch shares one over all its articles); ``transport``
    answers the async requests in place of HTTP (the Batch API path captures and replays through it).
    """

    def __init__(self, endpoint: Endpoint | None = None, *, options: PipelineOptions | None = None,
                 steps: tuple[str, ...] | list[str] | str | None = None, limiter: RequestLimiter | None = None,
                 transport: httpx.AsyncBaseTransport | None = None, **endpoint_args: Any):
        endpoint = endpoint or resolve_endpoint(**endpoint_args)
        options = options or PipelineOptions()
        if steps is not None:
            options = replace(options, steps=steps if isinstance(steps, str) else tuple(steps))
        self.options = options.for_backend(endpoint.backend)
        self._reasks = int(self.options.max_reasks or 0)
        self.connection = Connection(endpoint, limiter, transport)

    @property
    def endpoint(self) -> Endpoint:
        return self.connection.endpoint

    @property
    def steps(self) -> tuple[str, ...]:
        return self.options.asked_steps

    def fingerprint(self) -> dict[str, Any]:
        """Everything that changes a result besides the article: model, weights and server, mode and
        sampling, prompts, schema and pipeline options (batch run keys and result caches hash it)."""
        endpoint, options = self.endpoint, self.options
        return {"backend": endpoint.backend, "model": endpoint.model, **endpoint.answer_identity(),
                "mode": endpoint.mode, "temperature": endpoint.temperature, "seed": endpoint.seed,
                "repeat_penalty": endpoint.repeat_penalty,
                "max_tokens": endpoint.max_tokens, "steps": list(options.asked_steps),
                "chunk": [options.chunk_chars, options.chunk_overlap],
                "reask": [options.max_reasks, options.reask_ungrounded], "schema_version": SCHEMA_VERSION,
                "prompts": {step: template_hash(f"{step}.j2") for step in options.asked_steps},
                **({"keep_partial": True} if options.keep_partial else {}),
                **({"ignore_answers": list(options.ignore_answers)} if options.ignore_answers else {}),
                **({"unasked": list(options.unasked)} if options.unasked else {})}

    def close(self) -> None:
        """Stop the local server if this extractor started it."""
        self.connection.close()

    def __enter__(self) -> "Extractor":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def plan(self, text: str | Article, **meta: Any) -> ArticlePlan:
        """Parse, segment, detect quotations and render the prompts (no model call)."""
        if isinstance(text, Article):
            check_text(text.text)
            return plan_article(text, self.options)
        return plan_article(make_article(text, **meta), self.options)

    def extract(self, text: str | Article, *, published: str | date | None = None,
                article_id: str | None = None, title: str | None = None, source: str | None = None,
                url: str | None = None) -> ArticleExtraction:
        """Extract actors, events and quotes from one article; its calls run side by side where
        the server decodes several sequences at once (the embedded llama-server's slots)."""
        started = time.perf_counter()
        plan = self.plan(text, published=published, article_id=article_id, title=title, source=source, url=url)
        usage, warnings = TokenUsage(), []
        answers: list[BaseModel | None] = []
        if plan.calls:
            client = self.connection.client()
            tallies = [TokenUsage() for _ in plan.calls]
            notes: list[list[str]] = [[] for _ in plan.calls]

            def one(index: int) -> BaseModel | None:
                call = plan.calls[index]
                return send(client, self.endpoint, call, self._grounding(plan, call), self._reasks,
                            tallies[index], notes[index])

            workers = min(self.endpoint.slots, len(plan.calls))
            if workers > 1:
                with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="extractor-call") as pool:
                    answers = list(pool.map(one, range(len(plan.calls))))
            else:
                answers = [one(index) for index in range(len(plan.calls))]
            for tally, noted in zip(tallies, notes):
                usage.absorb(tally)
                warnings.extend(noted)
        return self._finish(plan, answers, usage, warnings, started)

    async def aextract(self, text: str | Article, *, published: str | date | None = None,
                       article_id: str | None = None, title: str | None = None, source: str | None = None,
                       url: str | None = None) -> ArticleExtraction:
        """The async twin of ``extract``; the model calls run concurrently (when several fail, the
        first call's error is reported, so the reason does not depend on timing)."""
        started = time.perf_counter()
        plan = self.plan(text, published=published, article_id=article_id, title=title, source=source, url=url)
        usage = TokenUsage()
        warnings: list[str] = []
        answers: list[Any] = []
        if plan.calls:
            client = await self.connection.aclient()
            answers = await asyncio.gather(*(
                asend(client, self.endpoint, call, self._grounding(plan, call), self._reasks,
                      usage, warnings) for call in plan.calls), return_exceptions=True)
            failed = next((a for a in answers if isinstance(a, BaseException)), None)
            if failed is not None:
                raise failed
        return self._finish(plan, answers, usage, warnings, started)

    def _grounding(self, plan: ArticlePlan, call: PlannedCall) -> ChunkGrounding:
        """What the answer to ``call`` may refer to: its chunk's quotation ids and sentences."""
        chunk = call.chunk
        return ChunkGrounding(article_text=plan.article.text, quote_ids=frozenset(c.id for c in chunk.candidates),
                              sentences={s.index: s.text for s in chunk.sentences}, actor_ids=call.actor_ids,
                              event_ids=call.event_ids, strict=bool(self.options.reask_ungrounded))

    def _finish(self, plan: ArticlePlan, answers: list[Any], usage: TokenUsage, warnings: list[str],
                started: float) -> ArticleExtraction:
        lost = [w for w in warnings if f" step {LOST}" in w]
        if lost and not self.options.keep_partial:
            raise ModelStepError("; ".join(sorted(set(lost))))
        entities, events = merge_answers([c.step for c in plan.calls], answers)
        built = assemble_article(plan, without_answers(entities, self.options.ignore_answers), events)
        provenance = Provenance(
            backend=self.endpoint.backend, model=self.endpoint.model,
            prompt_templates={c.step: c.prompt.template_hash for c in plan.calls},
            usage=usage, wall_time_s=round(time.perf_counter() - started, 3))
        return ArticleExtraction(article=plan.article, actors=built.actors, events=built.events,
                                 quotes=built.quotes, places=built.places, warnings=warnings + built.warnings,
                                 provenance=provenance,
                                 partial=bool(lost))


_SHARED: dict[tuple[Any, ...], Extractor] = {}


def _shared(options: dict[str, Any]) -> Extractor:
    """One extractor (and one local server) per distinct set of arguments, for the whole process."""
    key = tuple(sorted((k, v) for k, v in options.items() if v is not None))
    if key not in _SHARED:
        _SHARED[key] = Extractor(**{k: v for k, v in options.items() if v is not None})
    return _SHARED[key]


@atexit.register
def _close_shared() -> None:
    for extractor in _SHARED.values():
        extractor.close()
    _SHARED.clear()


def extract(text: str | Article, *, published: str | date | None = None, article_id: str | None = None,
            title: str | None = None, source: str | None = None, url: str | None = None,
            model: str | None = None, backend: str | None = None, base_url: str | None = None,
            api_key: str | None = None, mode: str | None = None, local_model: str | None = None,
            fast: bool | None = None, steps: tuple[str, ...] | None = None) -> ArticleExtraction:
    """Extract actors, events and quotes from one article.

    With no ``api_key``/``base_url`` (and no ``OPENAI_API_KEY``/``OPENAI_BASE_URL``) the embedded
    local model runs; its server is started once and reused for later calls in this process.
    ``fast=True`` runs the smaller embedded model. ``steps=()`` runs no model (rule-based quotes
    and speakers only).
    """
    extractor = _shared(dict(model=model, backend=backend, base_url=base_url, api_key=api_key,
                             mode=mode, local_model=local_model, fast=fast, steps=steps))
    return extractor.extract(text, published=published, article_id=article_id, title=title,
                             source=source, url=url)


async def aextract(text: str | Article, *, published: str | date | None = None, article_id: str | None = None,
                   title: str | None = None, source: str | None = None, url: str | None = None,
                   model: str | None = None, backend: str | None = None, base_url: str | None = None,
                   api_key: str | None = None, mode: str | None = None, local_model: str | None = None,
                   fast: bool | None = None, steps: tuple[str, ...] | None = None) -> ArticleExtraction:
    """The async twin of ``extract``."""
    extractor = _shared(dict(model=model, backend=backend, base_url=base_url, api_key=api_key,
                             mode=mode, local_model=local_model, fast=fast, steps=steps))
    return await extractor.aextract(text, published=published, article_id=article_id, title=title,
                                    source=source, url=url)
