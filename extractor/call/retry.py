"""Retries for transport faults only (429, 5xx, timeouts, dropped connections, bodies cut off, a
completion that is empty, not JSON or without choices), as an httpx transport.

The body is read inside the attempt, so a connection dropped mid-body is retried like any other
transport fault. Invalid model output is not retried here: instructor re-asks with the validation
errors. 429s get their own, larger budget (``rate_limit_attempts``): a rate limit is a reason to
wait, not to give up on a record. Putting
the policy in the transport keeps it independent of instructor and of the openai client's own
retries (which we switch off), and lets it honour ``Retry-After`` exactly.
"""

from __future__ import annotations

import asyncio
import email.utils
import json
import random
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import httpx
from tenacity import AsyncRetrying, RetryCallState, Retrying, retry_if_exception_type, retry_if_result

RETRY_STATUS = frozenset({408, 409, 425, 429, 500, 502, 503, 504})
TRANSPORT_ERRORS = (httpx.TimeoutException, httpx.NetworkError, httpx.RemoteProtocolError)


@dataclass(frozen=True)
class RetryPolicy:
    """Bounded exponential backoff with jitter; ``Retry-After`` wins when the server sends it."""

    attempts: int = 5
    initial_s: float = 1.0
    max_wait_s: float = 60.0
    jitter_s: float = 1.0
    rate_limit_attempts: int = 12
    sleep: Callable[[float], None] = field(default=time.sleep, compare=False, repr=False)
    """How the sync transport waits between attempts (a test passes one that records the waits)."""
    async_sleep: Callable[[float], Awaitable[None]] = field(default=asyncio.sleep, compare=False, repr=False)
    """How the async transport waits between attempts."""

    def stop(self, state: RetryCallState) -> bool:
        outcome = state.outcome
        limited = outcome is not None and not outcome.failed and outcome.result().status_code == 429
        return state.attempt_number >= (self.rate_limit_attempts if limited else self.attempts)

    def wait(self, state: RetryCallState) -> float:
        outcome = state.outcome
        if outcome is not None and not outcome.failed:
            after = retry_after_seconds(outcome.result())
            if after is not None:
                return min(after, self.max_wait_s)
        exponential = self.initial_s * 2 ** max(0, state.attempt_number - 1)
        return min(self.max_wait_s, exponential + random.uniform(0, self.jitter_s))

    def _kwargs(self) -> dict[str, Any]:
        return dict(
            stop=self.stop,
            wait=self.wait,
            retry=retry_if_exception_type(TRANSPORT_ERRORS) | retry_if_result(_retryable_response),
            retry_error_callback=_last_outcome,
            reraise=True,
        )

    def retrying(self) -> Retrying:
        return Retrying(sleep=self.sleep, **self._kwargs())

    def async_retrying(self) -> AsyncRetrying:
        return AsyncRetrying(sleep=self.async_sleep, **self._kwargs())


class BrokenCompletion(httpx.TransportError):
    """A 200 answer to a completion request that holds no completion (an empty body, HTML from a
    proxy, no choices), after the retries: the endpoint is broken, not the model's answer."""

    def __init__(self, reason: str, request: httpx.Request):
        super().__init__(f"the endpoint returned {reason}", request=request)
        self.reason = reason


def _retryable_response(response: httpx.Response) -> bool:
    """A retryable status, or a broken completion (an endpoint fault, not the model's answer)."""
    return response.status_code in RETRY_STATUS or broken_completion(response) is not None


def broken_completion(response: httpx.Response) -> str | None:
    """What is wrong with a 200 completion body that holds no completion, or ``None``."""
    if response.status_code != 200 or not response.request.url.path.endswith("/chat/completions"):
        return None
    try:
        content = response.content
    except httpx.ResponseNotRead:
        return None
    if not content.strip():
        return "an empty response body"
    try:
        body = json.loads(content)
    except ValueError:
        shown = content[:60].decode("utf-8", "replace").split("\n")[0]
        return f"a response body that is not JSON (it begins {shown!r})"
    if not isinstance(body, dict):
        return f"a JSON {type(body).__name__} instead of a completion"
    if body.get("choices") == []:
        return "a completion with no choices"
    return None


def _last_outcome(state: RetryCallState) -> Any:
    """After the last attempt, hand back the final response (or raise its error) unchanged; a
    broken completion is raised as ``BrokenCompletion``, so the client never parses it."""
    assert state.outcome is not None
    response = state.outcome.result()
    reason = broken_completion(response) if isinstance(response, httpx.Response) else None
    if reason is not None:
        raise BrokenCompletion(reason, response.request)
    return response


def retry_after_seconds(response: httpx.Response) -> float | None:
    """Seconds from a ``Retry-After`` (delta-seconds or HTTP date) or ``retry-after-ms`` header."""
    if "retry-after-ms" in response.headers:
        try:
            return max(0.0, float(response.headers["retry-after-ms"]) / 1000)
        except ValueError:
            pass
    value = response.headers.get("retry-after")
    if value is None:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        parsed = email.utils.parsedate_to_datetime(value) if value else None
        if parsed is None:
            return None
        return max(0.0, parsed.timestamp() - time.time())


class RetryTransport(httpx.BaseTransport):
    """Wrap a transport so each request is retried under ``policy``."""

    def __init__(self, policy: RetryPolicy | None = None, inner: httpx.BaseTransport | None = None):
        self.policy = policy or RetryPolicy()
        self.inner = inner or httpx.HTTPTransport()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        def attempt() -> httpx.Response:
            response = self.inner.handle_request(request)
            response.request = request
            try:
                response.read()
            finally:
                response.close()
            return response

        return self.policy.retrying()(attempt)

    def close(self) -> None:
        self.inner.close()


class AsyncRetryTransport(httpx.AsyncBaseTransport):
    """The async twin of ``RetryTransport``."""

    def __init__(self, policy: RetryPolicy | None = None, inner: httpx.AsyncBaseTransport | None = None):
        self.policy = policy or RetryPolicy()
        self.inner = inner or httpx.AsyncHTTPTransport()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        async def attempt() -> httpx.Response:
            response = await self.inner.handle_async_request(request)
            response.request = request
            try:
                await response.aread()
            finally:
                await response.aclose()
            return response

        return await self.policy.async_retrying()(attempt)

    async def aclose(self) -> None:
        await self.inner.aclose()
