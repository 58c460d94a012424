"""Shared request limits for a batch: requests in flight, requests and tokens per minute, and a
run-wide pause after a 429.

The limiter sits under the retry transport, so every attempt (first try or retry) passes through
it. A 429 from the endpoint pauses *all* requests of the run for its ``Retry-After`` (or a growing
backoff when the header is missing): the run slows down instead of records failing.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import httpx

from extractor.call.retry import retry_after_seconds
from extractor.errors import ConfigError

CHARS_PER_TOKEN = 4


@dataclass
class _Bucket:
    """A token bucket refilled at ``per_minute / 60`` per second; it may go into debt, so one
    request larger than the burst still passes once the debt is repaid."""

    per_minute: float
    clock: Callable[[], float] = time.monotonic
    level: float = 0.0
    stamp: float = 0.0

    def __post_init__(self) -> None:
        self.capacity = max(1.0, self.per_minute / 60)
        self.level = self.capacity
        self.stamp = self.clock()

    def _refill(self) -> None:
        now = self.clock()
        self.level = min(self.capacity, self.level + (now - self.stamp) * self.per_minute / 60)
        self.stamp = now

    def wait_s(self) -> float:
        self._refill()
        return 0.0 if self.level >= 0 else -self.level * 60 / self.per_minute

    def take(self, amount: float) -> None:
        self._refill()
        self.level -= amount


@dataclass
class LimitStats:
    requests: int = 0
    throttled: int = 0
    paused_s: float = 0.0


class RequestLimiter:
    """Bounds in-flight requests (``concurrency``), ``rpm`` and ``tpm`` for one event loop;
    ``clock`` and ``sleep`` tell and pass its time (a test passes a simulated pair)."""

    def __init__(self, concurrency: int = 8, rpm: float | None = None, tpm: float | None = None,
                 backoff_s: float = 1.0, max_pause_s: float = 120.0, *,
                 clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], Awaitable[None]] = asyncio.sleep):
        if concurrency < 1:
            raise ConfigError("concurrency must be at least 1")
        self.concurrency = concurrency
        self.clock = clock
        self.sleep = sleep
        self.requests = _Bucket(rpm, clock) if rpm else None
        self.tokens = _Bucket(tpm, clock) if tpm else None
        self.backoff_s = backoff_s
        self.max_pause_s = max_pause_s
        self.stats = LimitStats()
        self._pause_until = 0.0
        self._strikes = 0
        self._slots: asyncio.Semaphore | None = None
        self._gate: asyncio.Lock | None = None

    async def _admit(self, estimate: float) -> None:
        """Wait out a pause and the per-minute buckets (one request at a time passes the gate)."""
        assert self._gate is not None
        async with self._gate:
            while True:
                delay = self._pause_until - self.clock()
                for bucket in (self.requests, self.tokens):
                    if bucket is not None:
                        delay = max(delay, bucket.wait_s())
                if delay <= 0:
                    break
                self.stats.paused_s += delay
                await self.sleep(delay)
            if self.requests is not None:
                self.requests.take(1)
            if self.tokens is not None:
                self.tokens.take(estimate)

    def _observe(self, response: httpx.Response, estimate: float, body: bytes | None) -> None:
        if response.status_code == 429:
            self.stats.throttled += 1
            self._strikes += 1
            after = retry_after_seconds(response)
            pause = after if after is not None else self.backoff_s * 2 ** min(self._strikes - 1, 6)
            self._pause_until = max(self._pause_until, self.clock() + min(pause, self.max_pause_s))
            return
        self._strikes = 0
        if self.tokens is not None and body is not None:
            try:
                used = json.loads(body).get("usage", {}).get("total_tokens")
            except (ValueError, AttributeError):
                used = None
            if isinstance(used, int):
                self.tokens.take(used - estimate)

    def wrap(self, inner: httpx.AsyncBaseTransport | None = None) -> "LimitedTransport":
        return LimitedTransport(self, inner or httpx.AsyncHTTPTransport())


class LimitedTransport(httpx.AsyncBaseTransport):
    """Every request waits for a slot and the limits; 429s and token usage feed back into them."""

    def __init__(self, limiter: RequestLimiter, inner: httpx.AsyncBaseTransport):
        self.limiter = limiter
        self.inner = inner

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        limiter = self.limiter
        if limiter._slots is None:
            limiter._slots = asyncio.Semaphore(limiter.concurrency)
            limiter._gate = asyncio.Lock()
        await request.aread()
        estimate = len(request.content) / CHARS_PER_TOKEN
        async with limiter._slots:
            await limiter._admit(estimate)
            limiter.stats.requests += 1
            response = await self.inner.handle_async_request(request)
            body = None
            if response.status_code == 200 and limiter.tokens is not None:
                body = await response.aread()
            limiter._observe(response, estimate, body)
            return response

    async def aclose(self) -> None:
        await self.inner.aclose()
