"""Request limits of a batch: requests in flight, requests and tokens per minute, and a 429 that
pauses the whole run instead of failing records."""

from __future__ import annotations

import asyncio
import json
import threading
import time
from pathlib import Path

import httpx

from extractor import resolve_endpoint
from extractor.batch import BatchOptions, extract_many
from extractor.call.limits import RequestLimiter
from tests.servers import Reply, json_reply, serve, stand_in_model


def _send(limiter: RequestLimiter, n: int, handler) -> tuple[float, list[float]]:  # noqa: ANN001
    """Send ``n`` concurrent POSTs through the limiter to ``handler``; return elapsed and send times."""
    sent: list[float] = []

    async def record(request: httpx.Request) -> httpx.Response:
        sent.append(time.monotonic())
        return await handler(request)

    async def main() -> float:
        started = time.monotonic()
        async with httpx.AsyncClient(transport=limiter.wrap(httpx.MockTransport(record))) as client:
            await asyncio.gather(*(client.post("http://model/v1/chat/completions", content=b"x" * 400)
                                   for _ in range(n)))
        return time.monotonic() - started

    return asyncio.run(main()), sent


async def _ok(request: httpx.Request) -> httpx.Response:
    return httpx.Response(200, json={"usage": {"total_tokens": 100}})


def test_requests_in_flight_never_exceed_the_concurrency() -> None:
    state = {"now": 0, "peak": 0}

    async def handler(request: httpx.Request) -> httpx.Response:
        state["now"] += 1
        state["peak"] = max(state["peak"], state["now"])
        await asyncio.sleep(0.02)
        state["now"] -= 1
        return await _ok(request)

    _send(RequestLimiter(concurrency=3), 12, handler)
    assert state["peak"] == 3


def test_requests_per_minute_spread_the_requests_out() -> None:
    elapsed, sent = _send(RequestLimiter(concurrency=20, rpm=600), 15, _ok)
    assert 0.35 <= elapsed < 1.5
    assert sent[9] - sent[0] < 0.05 and sent[14] - sent[9] >= 0.35


def test_tokens_per_minute_use_the_reported_usage() -> None:
    async def heavy(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json={"usage": {"total_tokens": 1000}})

    elapsed, _ = _send(RequestLimiter(concurrency=4, tpm=60_000), 4, heavy)
    assert elapsed >= 1.8


def test_a_429_pauses_every_request_of_the_run_for_its_retry_after(tmp_path: Path) -> None:
    times: list[float] = []
    throttled_at: list[float] = []
    lock = threading.Lock()

    def model(method: str, path: str, body: bytes) -> Reply:
        with lock:
            times.append(time.monotonic())
            if not throttled_at:
                throttled_at.append(time.monotonic())
                return json_reply(429, {"error": {"message": "rate limited"}}, {"retry-after": "1"})
        time.sleep(0.05)
        return stand_in_model(method, path, body)

    archive = tmp_path / "in.jsonl"
    archive.write_text("".join(json.dumps({"id": f"r{i}", "text": f"Officials said {i} drones fell."}) + "\n"
                               for i in range(10)))
    with serve(model) as (url, _):
        config = resolve_endpoint(backend="local", base_url=url + "/v1")
        summary = extract_many([archive], tmp_path / "run", endpoint=config,
                               options=BatchOptions(concurrency=4, steps=("entities",), cache=False))
    assert (summary.totals.done, summary.totals.failed, summary.counters.throttled) == (10, 0, 1)
    start = throttled_at[0]
    assert not [t - start for t in times if start + 0.05 < t < start + 0.95]
    assert len(times) == 11
