"""The extraction pipeline for one article: input → prompts → model calls → grounding → output.

Two model calls per article: ``entities`` (actors, judgements of the detected quotations, reported
speech) and ``events``. Both see the same numbered article, rendered last in the prompt.
"""

from __future__ import annotations

import asyncio
import atexit
import re
import threading
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

import instructor
import openai
from pydantic import BaseModel

from extractor.assemble import assemble
from extractor.chunking import plan_chunks
from extractor.inputs import InputError, make_article
from extractor.llm.client import ModelConfig, make_async_client, make_client, request_options, resolve_config
from extractor.llm.limits import RequestLimiter
from extractor.llm.repair import repair_truncated
from extractor.llm.secrets import redact
from extractor.prompting import RenderedPrompt, render, template_hash
from extractor.quote_candidates import QuoteCandidate, find_quotes
from extractor.segment import Sentence, sentences
from schemas import SCHEMA_VERSION, Article, ArticleExtraction, Provenance, TokenUsage
from schemas.response import EntitiesResponse, EventsResponse, specialise

T = TypeVar("T", bound=BaseModel)
MAX_ARTICLE_CHARS = 1_000_000
STEPS: tuple[tuple[str, type[BaseModel]], ...] = (("entities", EntitiesResponse), ("events", EventsResponse))


class ExtractionError(RuntimeError):
    """The model endpoint failed for this article after the bounded retries."""


@dataclass
class _Call:
    """One model request: a step (entities or events) over one chunk of the article."""

    prompt: RenderedPrompt
    model: type[BaseModel]
    context: dict[str, Any]
    schema: dict[str, Any]


@dataclass
class _Prepared:
    article: Article
    sents: list[Sentence]
    candidates: list[QuoteCandidate]
    calls: list[_Call]


class Extractor:
    """Holds one endpoint configuration (and the local server, if any) for many articles."""

    def __init__(self, config: ModelConfig | None = None, *, steps: tuple[str, ...] = ("entities", "events"),
                 limiter: RequestLimiter | None = None, **options: Any):
        """``steps`` limits the model calls: ``("entities",)`` gives actors and quotes only (half the
        cost); ``()`` runs no model at all (quotations, attributions and reported speech by rules).
        ``limiter`` bounds the async requests (a batch shares one over all its articles)."""
        unknown = set(steps) - {name for name, _ in STEPS}
        if unknown:
            raise ValueError(f"unknown steps {sorted(unknown)}; choose from {[name for name, _ in STEPS]}")
        self.steps = tuple(steps)
        self.limiter = limiter
        self.config = config or resolve_config(**options)
        self._server = None
        self._endpoint_lock = threading.Lock()
        self._client: instructor.Instructor | None = None
        self._aclient: instructor.AsyncInstructor | None = None

    def fingerprint(self) -> dict[str, Any]:
        """Everything that changes a result besides the article: a changed prompt, schema, model or
        step list gives a different fingerprint (batch run keys and result caches hash it)."""
        config = self.config
        return {"backend": config.backend, "model": config.model,
                "local_model": Path(config.local_model_path).name if config.local_model_path else None,
                "steps": list(self.steps), "schema_version": SCHEMA_VERSION,
                "prompts": {step: template_hash(f"{step}.j2") for step in self.steps}}

    def _endpoint(self) -> ModelConfig:
        with self._endpoint_lock:
            return self._start_endpoint()

    def _start_endpoint(self) -> ModelConfig:
        if self.config.backend == "local" and not self.config.base_url:
            from extractor.llm.local_server import LocalServer
            from extractor.llm.model_store import resolve_model_path

            self._server = LocalServer(resolve_model_path(self.config.local_model_path), self.config.model)
            self.config = self.config.with_endpoint(self._server.start())
        return self.config

    def close(self) -> None:
        """Stop the local server if this extractor started it."""
        if self._server is not None:
            self._server.stop()
            self._server = None

    def __enter__(self) -> "Extractor":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def prepare(self, text: str | Article, **meta: Any) -> _Prepared:
        """Parse, segment, detect quotations and render the prompts (no model call)."""
        article = text if isinstance(text, Article) else make_article(text, **meta)
        if len(article.text) > MAX_ARTICLE_CHARS:
            raise InputError(f"article has {len(article.text):,} characters; the limit is {MAX_ARTICLE_CHARS:,}")
        sents = sentences(article.text)
        candidates = find_quotes(article.text)
        calls = []
        for chunk in plan_chunks(sents, candidates, self.config.chunk_chars):
            ids = [c.id for c in chunk.candidates]
            context = {"candidate_ids": set(ids), "sentence_numbers": set(chunk.sentence_numbers),
                       "sentences": {s.index: s.text for s in chunk.sentences}, "article_text": article.text,
                       "strict": self.config.reask_ungrounded}
            for name, model in STEPS:
                if name in self.steps:
                    calls.append(_Call(render(name, article, chunk.sentences, chunk.candidates), model, context,
                                       specialise(model.model_json_schema(), ids, chunk.sentence_numbers)))
        return _Prepared(article, sents, candidates, calls)

    def extract(self, text: str | Article, *, published: str | date | None = None,
                article_id: str | None = None, title: str | None = None, source: str | None = None,
                url: str | None = None) -> ArticleExtraction:
        """Extract actors, events and quotes from one article."""
        started = time.perf_counter()
        prepared = self.prepare(text, published=published, article_id=article_id, title=title,
                                source=source, url=url)
        config = self._endpoint() if prepared.calls else self.config
        if self._client is None and prepared.calls:
            self._client = make_client(config)
        usage, warnings = TokenUsage(), []
        answers = [self._call(config, call, usage, warnings) for call in prepared.calls]
        return self._finish(prepared, answers, usage, warnings, started)

    async def aextract(self, text: str | Article, *, published: str | date | None = None,
                       article_id: str | None = None, title: str | None = None, source: str | None = None,
                       url: str | None = None) -> ArticleExtraction:
        """The async twin of ``extract``; the model calls run concurrently (when several fail, the
        first call's error is reported, so the reason does not depend on timing)."""
        started = time.perf_counter()
        prepared = self.prepare(text, published=published, article_id=article_id, title=title,
                                source=source, url=url)
        config = await asyncio.to_thread(self._endpoint) if prepared.calls else self.config
        if self._aclient is None and prepared.calls:
            self._aclient = make_async_client(config, self.limiter)
        usage, warnings = TokenUsage(), []

        async def one(call: _Call) -> Any:
            try:
                result = await self._aclient.create_with_completion(**self._kwargs(config, call))
            except Exception as exc:  # noqa: BLE001 - classified below
                return self._failure(exc, call, warnings, usage)
            return self._record(result, usage)

        answers = await asyncio.gather(*(one(call) for call in prepared.calls), return_exceptions=True)
        failed = next((a for a in answers if isinstance(a, BaseException)), None)
        if failed is not None:
            raise failed
        return self._finish(prepared, list(answers), usage, warnings, started)

    @staticmethod
    def _kwargs(config: ModelConfig, call: _Call) -> dict[str, Any]:
        return dict(response_model=call.model, messages=call.prompt.messages, max_retries=config.max_reasks,
                    context=call.context, **request_options(config, call.schema))

    def _call(self, config: ModelConfig, call: _Call, usage: TokenUsage, warnings: list[str]) -> Any:
        """One synchronous model request; failures are classified by ``_failure``."""
        try:
            result = self._client.create_with_completion(**self._kwargs(config, call))
        except Exception as exc:  # noqa: BLE001 - classified below
            return self._failure(exc, call, warnings, usage)
        return self._record(result, usage)

    @staticmethod
    def _record(result: tuple[Any, Any], usage: TokenUsage) -> Any:
        parsed, completion = result
        if getattr(completion, "usage", None) is not None:
            usage.add(completion.usage.prompt_tokens or 0, completion.usage.completion_tokens or 0)
        return parsed

    @staticmethod
    def _failure(exc: Exception, call: _Call, warnings: list[str], usage: TokenUsage) -> Any:
        """Transport failures abort the article. Output still ungrounded after the re-asks is parsed
        leniently so only the offending items are dropped (and counted); unparseable output loses the step."""
        name = call.prompt.name
        _count_failed_usage(exc, usage)
        cause = exc.__cause__ or exc
        if isinstance(cause, openai.APIError) or isinstance(exc, openai.APIError):
            raise ExtractionError(redact(f"{name} call failed: {cause}")) from exc
        completion = getattr(exc, "last_completion", None)
        if completion is not None and not getattr(completion, "choices", None):
            raise ExtractionError(f"{name} call failed: the endpoint returned a completion with no choices") from exc
        reason = _reason(exc)
        salvaged = _salvage(exc, call)
        if salvaged is not None:
            warnings.append(f"{name} step: kept the valid part of the last answer ({reason})")
            return salvaged
        warnings.append(f"{name} step produced no valid output after re-asks: {reason}")
        return None

    def _finish(self, prepared: _Prepared, answers: list[Any], usage: TokenUsage, warnings: list[str],
                started: float) -> ArticleExtraction:
        entities, events = merge_answers([c.prompt.name for c in prepared.calls], answers)
        built = assemble(prepared.article, prepared.sents, prepared.candidates, entities, events)
        provenance = Provenance(
            backend=self.config.backend, model=self.config.model,
            prompt_templates={c.prompt.name: c.prompt.template_hash for c in prepared.calls},
            usage=usage, wall_time_s=round(time.perf_counter() - started, 3))
        return ArticleExtraction(article=prepared.article, actors=built.actors, events=built.events,
                                 quotes=built.quotes, warnings=warnings + built.warnings,
                                 provenance=provenance)


def _count_failed_usage(exc: Exception, usage: TokenUsage) -> None:
    """Tokens spent on attempts that did not validate still cost time and money: count them."""
    spent = getattr(exc, "total_usage", None)
    if spent is None:
        spent = getattr(getattr(exc, "last_completion", None), "usage", None)
    prompt, completion = getattr(spent, "prompt_tokens", None), getattr(spent, "completion_tokens", None)
    if isinstance(prompt, int) and isinstance(completion, int):
        usage.add(prompt, completion)


def _reason(exc: Exception) -> str:
    """One line saying why the last attempt failed (instructor's own message is an XML dump)."""
    attempts = getattr(exc, "failed_attempts", None) or []
    last = getattr(attempts[-1], "exception", None) if attempts else None
    text = str(last if last is not None else exc).strip()
    text = re.sub(r"\s*For further information visit \S+", "", text)
    return redact(" ".join(text.split()))[:300]


def _salvage(exc: Exception, call: _Call) -> BaseModel | None:
    """The last answer of a failed re-ask loop, validated without the grounding checks; an answer
    cut off by the token limit keeps its complete items."""
    completion = getattr(exc, "last_completion", None)
    try:
        message = completion.choices[0].message
        content = message.tool_calls[0].function.arguments if message.tool_calls else message.content
    except (AttributeError, IndexError, TypeError):
        return None
    data = repair_truncated(content or "")
    if not isinstance(data, dict):
        return None
    context = {**call.context, "strict": False}
    for name, info in call.model.model_fields.items():
        if getattr(info.annotation, "__origin__", None) is list:
            data[name] = _valid_items(data.get(name), info.annotation.__args__[0], context)
    try:
        return call.model.model_validate(data, context=context)
    except ValueError:
        return None


def _valid_items(items: Any, item_model: Any, context: dict[str, Any]) -> list[Any]:
    """The items of a list field that validate on their own: one bad item does not sink the rest."""
    if not isinstance(items, list):
        return []
    if not (isinstance(item_model, type) and issubclass(item_model, BaseModel)):
        return items
    kept = []
    for item in items:
        try:
            kept.append(item_model.model_validate(item, context=context).model_dump())
        except ValueError:
            continue
    return kept


def merge_answers(names: list[str], answers: list[Any]) -> tuple[EntitiesResponse | None, EventsResponse | None]:
    """Union of the per-chunk answers; they use global ids, so the overlap dedupes in ``assemble``."""
    entities = [a for n, a in zip(names, answers) if n == "entities" and a is not None]
    events = [a for n, a in zip(names, answers) if n == "events" and a is not None]
    merged_entities = EntitiesResponse(actors=[x for a in entities for x in a.actors],
                                       quotes=[x for a in entities for x in a.quotes],
                                       reported=[x for a in entities for x in a.reported]) if entities else None
    merged_events = EventsResponse(events=[x for a in events for x in a.events]) if events else None
    return merged_entities, merged_events


_SHARED: dict[tuple[Any, ...], Extractor] = {}


def _shared(options: dict[str, Any]) -> Extractor:
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
            steps: tuple[str, ...] | None = None) -> ArticleExtraction:
    """Extract actors, events and quotes from one article.

    With no ``api_key``/``base_url`` (and no ``OPENAI_API_KEY``/``OPENAI_BASE_URL``) the embedded
    local model runs; its server is started once and reused for later calls in this process.
    ``steps=()`` runs no model (rule-based quotes and speakers only).
    """
    extractor = _shared(dict(model=model, backend=backend, base_url=base_url, api_key=api_key,
                             mode=mode, local_model=local_model, steps=steps))
    return extractor.extract(text, published=published, article_id=article_id, title=title,
                             source=source, url=url)


async def aextract(text: str | Article, *, published: str | date | None = None, article_id: str | None = None,
                   title: str | None = None, source: str | None = None, url: str | None = None,
                   model: str | None = None, backend: str | None = None, base_url: str | None = None,
                   api_key: str | None = None, mode: str | None = None, local_model: str | None = None,
                   steps: tuple[str, ...] | None = None) -> ArticleExtraction:
    """The async twin of ``extract``."""
    extractor = _shared(dict(model=model, backend=backend, base_url=base_url, api_key=api_key,
                             mode=mode, local_model=local_model, steps=steps))
    return await extractor.aextract(text, published=published, article_id=article_id, title=title,
                                    source=source, url=url)
