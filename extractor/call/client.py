"""Build instructor clients for an ``Endpoint`` and the per-request options.

The transports stack as: response cache (if configured) over retries over (for a batch) the
request limiter over HTTP, so each concern stays independent of instructor and of the openai
client's own retries (switched off).
"""

from __future__ import annotations

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


def make_client(endpoint: Endpoint) -> instructor.Instructor:
    """A synchronous instructor client: response cache (if configured) over retries over HTTP."""
    transport: httpx.BaseTransport = RetryTransport(endpoint.retry)
    if endpoint.response_cache:
        transport = CachingTransport(open_cache(endpoint.response_cache), transport)
    raw = openai.OpenAI(http_client=httpx.Client(transport=transport), **_openai_kwargs(endpoint))
    return instructor.from_openai(raw, mode=endpoint.instructor_mode)


def make_async_client(endpoint: Endpoint, limiter: RequestLimiter | None = None) -> instructor.AsyncInstructor:
    """The async twin of ``make_client``; a ``limiter`` (shared by a batch) sits under the retries."""
    inner = limiter.wrap() if limiter is not None else None
    transport: httpx.AsyncBaseTransport = AsyncRetryTransport(endpoint.retry, inner)
    if endpoint.response_cache:
        transport = AsyncCachingTransport(open_cache(endpoint.response_cache), transport)
    raw = openai.AsyncOpenAI(http_client=httpx.AsyncClient(transport=transport), **_openai_kwargs(endpoint))
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
