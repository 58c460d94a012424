"""Build instructor clients for an ``Endpoint`` and the per-request options.

The transports stack as: response cache (if configured) over retries over (for a batch) the
request limiter over HTTP, so each concern stays independent of instructor and of the openai
client's own retries (switched off).
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from typing import Any

import httpx
import instructor
import openai

from extractor.call.endpoint import Endpoint
from extractor.call.grammar import UnsupportedSchema, compact_grammar
from extractor.call.limits import RequestLimiter
from extractor.call.response_cache import AsyncCachingTransport, CachingTransport, ResponseCache, open_cache
from extractor.call.retry import AsyncRetryTransport, RetryTransport
from extractor.errors import ServerError


def _openai_kwargs(endpoint: Endpoint) -> dict[str, Any]:
    if endpoint.needs_local_server:
        raise ServerError("the local backend has no server URL yet; start it with LocalServer")
    return dict(api_key=endpoint.api_key, base_url=endpoint.base_url, max_retries=0,
                timeout=httpx.Timeout(endpoint.timeout_s, connect=10.0))


_INSTRUCTOR_SCHEMA_NOTE = "As a genius expert, your task is"
"""How the schema copy that instructor's JSON mode appends to the system message begins."""


def own_system_message(messages: list[dict[str, Any]], grammar: bool) -> list[dict[str, Any]]:
    """The system message as the template rendered it, where the server holds the schema.

    instructor's JSON mode appends an indented copy of the whole response schema to the system
    message: about a third of a short article's prompt. Where the server enforces the (narrower)
    schema as a grammar (``grammar``: the embedded server), the copy only costs prompt tokens,
    so it is cut; elsewhere it is the model's only guide and stays, without its trailing newline.
    """
    if not messages or messages[0].get("role") != "system" or not isinstance(messages[0].get("content"), str):
        return messages
    first = messages[0]
    content = first["content"]
    if grammar and _INSTRUCTOR_SCHEMA_NOTE in content:
        content = content[:content.index(_INSTRUCTOR_SCHEMA_NOTE)].rstrip()
    elif content.endswith("\n"):
        content = content[:-1]
    return [{**first, "content": content}, *messages[1:]]


def _sent_as_rendered(create: Callable[..., Any], grammar: bool) -> Callable[..., Any]:
    """Wrap the openai client's ``create`` so what instructor finally sends keeps our system
    message (sync or async)."""
    @functools.wraps(create)
    def send(*args: Any, **kwargs: Any) -> Any:
        if "messages" in kwargs:
            kwargs["messages"] = own_system_message(kwargs["messages"], grammar)
        return create(*args, **kwargs)

    return send


def response_cache(endpoint: Endpoint) -> ResponseCache | None:
    """The endpoint's response cache, keyed on what answers (weights, server, settings) as well."""
    if not endpoint.response_cache:
        return None
    return open_cache(endpoint.response_cache, json.dumps(endpoint.answer_identity(), sort_keys=True))


def make_client(endpoint: Endpoint) -> instructor.Instructor:
    """A synchronous instructor client: response cache (if configured) over retries over HTTP."""
    transport: httpx.BaseTransport = RetryTransport(endpoint.retry)
    if (cache := response_cache(endpoint)) is not None:
        transport = CachingTransport(cache, transport)
    raw = openai.OpenAI(http_client=httpx.Client(transport=transport), **_openai_kwargs(endpoint))
    raw.chat.completions.create = _sent_as_rendered(  # type: ignore[method-assign]
        raw.chat.completions.create, grammar=endpoint.backend == "local" and endpoint.mode == "json")
    return instructor.from_openai(raw, mode=endpoint.instructor_mode)


def make_async_client(endpoint: Endpoint, limiter: RequestLimiter | None = None,
                      transport: httpx.AsyncBaseTransport | None = None) -> instructor.AsyncInstructor:
    """The async twin of ``make_client``; a ``limiter`` (shared by a batch) sits under the retries;
    ``transport`` answers in place of HTTP (``extractor.call.offline``: the Batch API path)."""
    inner = transport if transport is not None else limiter.wrap() if limiter is not None else None
    stack: httpx.AsyncBaseTransport = AsyncRetryTransport(endpoint.retry, inner)
    if (cache := response_cache(endpoint)) is not None:
        stack = AsyncCachingTransport(cache, stack)
    raw = openai.AsyncOpenAI(http_client=httpx.AsyncClient(transport=stack), **_openai_kwargs(endpoint))
    raw.chat.completions.create = _sent_as_rendered(  # type: ignore[method-assign]
        raw.chat.completions.create, grammar=endpoint.backend == "local" and endpoint.mode == "json")
    return instructor.from_openai(raw, mode=endpoint.instructor_mode)


def request_options(endpoint: Endpoint, response_schema: dict[str, Any]) -> dict[str, Any]:
    """Per-request arguments: sampling settings and, in JSON mode, a schema-constrained format
    (``constrained_format``), so the model cannot emit anything but a valid instance;
    ``extra_body`` replaces the plain ``json_object`` that instructor's JSON mode would send.
    """
    options: dict[str, Any] = dict(model=endpoint.model, temperature=endpoint.temperature,
                                   max_tokens=endpoint.max_tokens)
    if endpoint.seed is not None:
        options["seed"] = endpoint.seed
    extra: dict[str, Any] = {}
    if endpoint.repeat_penalty is not None:
        extra["repeat_penalty"] = endpoint.repeat_penalty
    if endpoint.mode == "json":
        extra.update(constrained_format(endpoint, response_schema))
    if extra:
        options["extra_body"] = extra
    return options


def constrained_format(endpoint: Endpoint, response_schema: dict[str, Any]) -> dict[str, Any]:
    """How a JSON-mode request pins its answer to the schema: a llama.cpp server (the local
    backend) gets our compact grammar, which leaves no room for indentation tokens; any other
    server the schema as ``response_format``, which it turns into a grammar (or ignores)."""
    if endpoint.backend == "local":
        try:
            return {"grammar": compact_grammar(response_schema), "response_format": {"type": "text"}}
        except UnsupportedSchema:
            pass
    return {"response_format": {"type": "json_object", "schema": response_schema}}
