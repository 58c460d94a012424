"""Build instructor clients for an ``Endpoint`` and the per-request options.

The transports stack as: response cache (if configured) over retries over (for a batch) the
request limiter over HTTP, so each concern stays independent of instructor and of the openai
client's own retries (switched off).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import httpx
import instructor
import openai

from extractor.call.endpoint import Endpoint
from extractor.call.limits import RequestLimiter
from extractor.call.response_cache import AsyncCachingTransport, CachingTransport, open_cache
from extractor.call.retry import AsyncRetryTransport, RetryTransport
from extractor.errors import ServerError


def _openai_kwargs(endpoint: Endpoint) -> dict[str, Any]:
    if endpoint.needs_local_server:
        raise ServerError("the local backend has no server URL yet; start it with LocalServer")
    return dict(api_key=endpoint.api_key, base_url=endpoint.base_url, max_retries=0,
                timeout=httpx.Timeout(endpoint.timeout_s, connect=10.0))


def trimmed_system_message(messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The messages with the system message's trailing newline removed.

    instructor's JSON mode appends its schema instruction ending in a newline. Every figure this
    project measured (and every recorded cassette) was made with that newline absent, so requests
    keep that exact form; our own rendered messages never end in whitespace.
    """
    if not messages or messages[0].get("role") != "system" or not isinstance(messages[0].get("content"), str):
        return messages
    first = messages[0]
    content = first["content"][:-1] if first["content"].endswith("\n") else first["content"]
    return [{**first, "content": content}, *messages[1:]]


def _sent_trimmed(create: Callable[..., Any]) -> Callable[..., Any]:
    """Wrap the openai client's ``create`` so what instructor finally sends is trimmed (sync or async)."""
    @functools.wraps(create)
    def send(*args: Any, **kwargs: Any) -> Any:
        if "messages" in kwargs:
            kwargs["messages"] = trimmed_system_message(kwargs["messages"])
        return create(*args, **kwargs)

    return send


def make_client(endpoint: Endpoint) -> instructor.Instructor:
    """A synchronous instructor client: response cache (if configured) over retries over HTTP."""
    transport: httpx.BaseTransport = RetryTransport(endpoint.retry)
    if endpoint.response_cache:
        transport = CachingTransport(open_cache(endpoint.response_cache), transport)
    raw = openai.OpenAI(http_client=httpx.Client(transport=transport), **_openai_kwargs(endpoint))
    raw.chat.completions.create = _sent_trimmed(raw.chat.completions.create)  # type: ignore[method-assign]
    return instructor.from_openai(raw, mode=endpoint.instructor_mode)


def make_async_client(endpoint: Endpoint, limiter: RequestLimiter | None = None) -> instructor.AsyncInstructor:
    """The async twin of ``make_client``; a ``limiter`` (shared by a batch) sits under the retries."""
    inner = limiter.wrap() if limiter is not None else None
    transport: httpx.AsyncBaseTransport = AsyncRetryTransport(endpoint.retry, inner)
    if endpoint.response_cache:
        transport = AsyncCachingTransport(open_cache(endpoint.response_cache), transport)
    raw = openai.AsyncOpenAI(http_client=httpx.AsyncClient(transport=transport), **_openai_kwargs(endpoint))
    raw.chat.completions.create = _sent_trimmed(raw.chat.completions.create)  # type: ignore[method-assign]
    return instructor.from_openai(raw, mode=endpoint.instructor_mode)


def request_options(endpoint: Endpoint, response_schema: dict[str, Any]) -> dict[str, Any]:
    """Per-request arguments: sampling settings and, in JSON mode, a schema-constrained format.

    llama.cpp's server turns ``{"type": "json_object", "schema": ...}`` into a grammar, so the
    model cannot emit anything but a valid instance; ``extra_body`` replaces the plain
    ``json_object`` that instructor's JSON mode would send.
    """
    options: dict[str, Any] = dict(model=endpoint.model, temperature=endpoint.temperature,
                                   max_tokens=endpoint.max_tokens)
    if endpoint.seed is not None:
        options["seed"] = endpoint.seed
    if endpoint.mode == "json":
        options["extra_body"] = {"response_format": {"type": "json_object", "schema": response_schema}}
    return options
