"""The extraction pipeline for one article: input → prompts → model calls → grounding → output.

Two model calls per article: ``entities`` (actors, judgements of the detected quotations, reported
speech) and ``events``. Both see the same numbered article, rendered last in the prompt.
"""

from __future__ import annotations

import asyncio
import atexit
import time
from dataclasses import dataclass
from datetime import date
from typing import Any, TypeVar

import instructor
import openai
from pydantic import BaseModel

from extractor.assemble import assemble
from extractor.inputs import InputError, make_article
from extractor.llm.client import ModelConfig, make_async_client, make_client, request_options, resolve_config
from extractor.prompting import RenderedPrompt, render
from extractor.quote_candidates import QuoteCandidate, find_quotes
from extractor.segment import Sentence, sentences
from schemas import Article, ArticleExtraction, Provenance, TokenUsage
from schemas.response import EntitiesResponse, EventsResponse, specialise

T = TypeVar("T", bound=BaseModel)
MAX_ARTICLE_CHARS = 20_000
STEPS: tuple[tuple[str, type[BaseModel]], ...] = (("entities", EntitiesResponse), ("events", EventsResponse))


class ExtractionError(RuntimeError):
    """The model endpoint failed for this article after the bounded retries."""


@dataclass
class _Prepared:
    article: Article
    sents: list[Sentence]
    candidates: list[QuoteCandidate]
    prompts: list[tuple[RenderedPrompt, type[BaseModel]]]
    context: dict[str, Any]


class Extractor:
    """Holds one endpoint configuration (and the local server, if any) for many articles."""

    def __init__(self, config: ModelConfig | None = None, **options: Any):
        self.config = config or resolve_config(**options)
        self._server = None
        self._client: instructor.Instructor | None = None
        self._aclient: instructor.AsyncInstructor | None = None

    def _endpoint(self) -> ModelConfig:
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
            raise InputError(f"article has {len(article.text)} characters; the limit for one request is "
                             f"{MAX_ARTICLE_CHARS}")
        sents = sentences(article.text)
        candidates = find_quotes(article.text)
        prompts = [(render(name, article, sents, candidates), model) for name, model in STEPS]
        context = {"candidate_ids": {c.id for c in candidates}, "sentence_count": len(sents)}
        return _Prepared(article, sents, candidates, prompts, context)

    def extract(self, text: str | Article, *, published: str | date | None = None,
                article_id: str | None = None, title: str | None = None, source: str | None = None,
                url: str | None = None) -> ArticleExtraction:
        """Extract actors, events and quotes from one article."""
        started = time.perf_counter()
        prepared = self.prepare(text, published=published, article_id=article_id, title=title,
                                source=source, url=url)
        config = self._endpoint()
        if self._client is None:
            self._client = make_client(config)
        usage, warnings, answers = TokenUsage(), [], []
        for prompt, model in prepared.prompts:
            answers.append(self._guard(lambda: self._client.create_with_completion(
                **self._kwargs(config, prompt, model, prepared)), prompt.name, usage, warnings))
        return self._finish(prepared, answers, usage, warnings, started)

    async def aextract(self, text: str | Article, *, published: str | date | None = None,
                       article_id: str | None = None, title: str | None = None, source: str | None = None,
                       url: str | None = None) -> ArticleExtraction:
        """The async twin of ``extract``; the two model calls run concurrently."""
        started = time.perf_counter()
        prepared = self.prepare(text, published=published, article_id=article_id, title=title,
                                source=source, url=url)
        config = await asyncio.to_thread(self._endpoint)
        if self._aclient is None:
            self._aclient = make_async_client(config)
        usage, warnings = TokenUsage(), []

        async def one(prompt: RenderedPrompt, model: type[BaseModel]) -> Any:
            try:
                result = await self._aclient.create_with_completion(
                    **self._kwargs(config, prompt, model, prepared))
            except Exception as exc:  # noqa: BLE001 - classified below
                return self._failure(exc, prompt.name, warnings)
            return self._record(result, usage)

        answers = await asyncio.gather(*(one(p, m) for p, m in prepared.prompts))
        return self._finish(prepared, list(answers), usage, warnings, started)

    def _kwargs(self, config: ModelConfig, prompt: RenderedPrompt, model: type[BaseModel],
                prepared: _Prepared) -> dict[str, Any]:
        schema = specialise(model.model_json_schema(), sorted(prepared.context["candidate_ids"],
                                                              key=lambda q: int(q[1:])),
                            prepared.context["sentence_count"])
        return dict(response_model=model, messages=prompt.messages, max_retries=config.max_reasks,
                    context=prepared.context, **request_options(config, schema))

    def _guard(self, call: Any, name: str, usage: TokenUsage, warnings: list[str]) -> Any:
        try:
            result = call()
        except Exception as exc:  # noqa: BLE001 - classified below
            return self._failure(exc, name, warnings)
        return self._record(result, usage)

    @staticmethod
    def _record(result: tuple[Any, Any], usage: TokenUsage) -> Any:
        parsed, completion = result
        if getattr(completion, "usage", None) is not None:
            usage.add(completion.usage.prompt_tokens or 0, completion.usage.completion_tokens or 0)
        return parsed

    @staticmethod
    def _failure(exc: Exception, name: str, warnings: list[str]) -> None:
        """Transport failures abort the article; invalid output after re-asks only loses that step."""
        cause = exc.__cause__ or exc
        if isinstance(cause, openai.APIError) or isinstance(exc, openai.APIError):
            raise ExtractionError(f"{name} call failed: {cause}") from exc
        warnings.append(f"{name} step produced no valid output after re-asks: {str(exc).splitlines()[0][:300]}")
        return None

    def _finish(self, prepared: _Prepared, answers: list[Any], usage: TokenUsage, warnings: list[str],
                started: float) -> ArticleExtraction:
        entities, events = answers
        built = assemble(prepared.article, prepared.sents, prepared.candidates, entities, events)
        provenance = Provenance(
            backend=self.config.backend, model=self.config.model,
            prompt_templates={p.name: p.template_hash for p, _ in prepared.prompts},
            usage=usage, wall_time_s=round(time.perf_counter() - started, 3))
        return ArticleExtraction(article=prepared.article, actors=built.actors, events=built.events,
                                 quotes=built.quotes, warnings=warnings + built.warnings,
                                 provenance=provenance)


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
            api_key: str | None = None, mode: str | None = None,
            local_model: str | None = None) -> ArticleExtraction:
    """Extract actors, events and quotes from one article.

    With no ``api_key``/``base_url`` (and no ``OPENAI_API_KEY``/``OPENAI_BASE_URL``) the embedded
    local model runs; its server is started once and reused for later calls in this process.
    """
    extractor = _shared(dict(model=model, backend=backend, base_url=base_url, api_key=api_key,
                             mode=mode, local_model=local_model))
    return extractor.extract(text, published=published, article_id=article_id, title=title,
                             source=source, url=url)


async def aextract(text: str | Article, *, published: str | date | None = None, article_id: str | None = None,
                   title: str | None = None, source: str | None = None, url: str | None = None,
                   model: str | None = None, backend: str | None = None, base_url: str | None = None,
                   api_key: str | None = None, mode: str | None = None,
                   local_model: str | None = None) -> ArticleExtraction:
    """The async twin of ``extract``."""
    extractor = _shared(dict(model=model, backend=backend, base_url=base_url, api_key=api_key,
                             mode=mode, local_model=local_model))
    return await extractor.aextract(text, published=published, article_id=article_id, title=title,
                                    source=source, url=url)
