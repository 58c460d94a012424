"""Request limits of a batch: requests in flight, requests and tokens per minute, and a 429 that
pauses the whole run instead of failing records. Time is simulated: the limiter's clock and sleep
are injected, and the tests assert the waits it computed, never the wall clock."""

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


class SimulatedTime:
    """A clock that only moves when the limiter sleeps; every sleep is recorded."""

    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []

    def clock(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds
        await asyncio.sleep(0)


def _send(limiter_args: dict, n: int, handler) -> tuple[SimulatedTime, list[float]]:  # noqa: ANN001
    """Send ``n`` concurrent POSTs through a limiter to ``handler`` on simulated time; the time
    and the simulated moment each request was sent."""
    simulated = SimulatedTime()
    limiter = RequestLimiter(**limiter_args, clock=simulated.clock, sleep=simulated.sleep)
    sent: list[float] = []

    async def record(request: httpx.Request) -> httpx.Response:
        sent.append(simulated.now)
        return await handler(request)

    async def main() -> None:
        async with httpx.AsyncClient(transport=limiter.wrap(httpx.MockTransport(record))) as client:
            await asyncio.gather(*(client.post("http://model/v1/chat/completions", content=b"x" * 400)
                                   for _ in range(n)))

    asyncio.run(main())
    return simulated, sent


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

    _send({"concurrency": 3}, 12, handler)
    assert state["peak"] == 3


def test_requests_per_minute_spread_the_requests_out() -> None:
    simulated, sent = _send({"concurrency": 20, "rpm": 600}, 15, _ok)
    # the burst: one second's worth, and one more on credit (the bucket may go into debt)
    assert sent[:11] == [0.0] * 11
    assert [round(t, 6) for t in sent[11:]] == [0.1, 0.2, 0.3, 0.4]  # then 10 a second
    assert round(simulated.now, 6) == 0.4 and len(simulated.sleeps) == 4


def test_tokens_per_minute_use_the_reported_usage() -> None:
    async def heavy(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json={"usage": {"total_tokens": 1000}})

    simulated, sent = _send({"concurrency": 1, "tpm": 60_000}, 4, heavy)
    # 1,000 tokens a second and a full bucket to start: after the first two requests (2,000
    # tokens reported) each next one waits for the second the one before it used
    assert [round(t, 6) for t in sent] == [0.0, 0.0, 1.0, 2.0]


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
    assert len(times) == 11


def test_a_429_holds_every_request_until_its_retry_after_has_passed() -> None:
    answered = []

    async def handler(request: httpx.Request) -> httpx.Response:
        answered.append(simulated.now)
        if len(answered) == 1:
            return httpx.Response(429, headers={"retry-after": "2"}, json={"error": {"message": "rate limited"}})
        return await _ok(request)

    simulated = SimulatedTime()
    limiter = RequestLimiter(concurrency=1, clock=simulated.clock, sleep=simulated.sleep)

    async def main() -> list[int]:
        async with httpx.AsyncClient(transport=limiter.wrap(httpx.MockTransport(handler))) as client:
            responses = await asyncio.gather(*(client.post("http://model/v1/chat/completions", content=b"x")
                                               for _ in range(4)))
        return [r.status_code for r in responses]

    assert asyncio.run(main()) == [429, 200, 200, 200]
    assert answered == [0.0, 2.0, 2.0, 2.0] and simulated.sleeps == [2.0]
    assert (limiter.stats.throttled, limiter.stats.paused_s) == (1, 2.0)
