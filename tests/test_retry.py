"""Transport retries: 429 with Retry-After then 200, bounded attempts, no retry on client errors."""

import httpx
import openai
import pytest

from extractor.call.client import make_client
from extractor.call.endpoint import resolve_endpoint
from extractor.call.retry import RetryPolicy, RetryTransport, retry_after_seconds
from extractor.schemas.response import EventsResponse
from tests.servers import json_reply, serve

FAST = RetryPolicy(attempts=3, initial_s=0.01, max_wait_s=2.0, jitter_s=0.0)


def _recording(policy: RetryPolicy) -> tuple[RetryPolicy, list[float]]:
    """``policy`` with its waits recorded instead of slept."""
    from dataclasses import replace

    waits: list[float] = []
    return replace(policy, sleep=waits.append), waits


def _completion(content: str) -> dict:
    return {"id": "c1", "object": "chat.completion", "created": 0, "model": "m",
            "choices": [{"index": 0, "finish_reason": "stop",
                         "message": {"role": "assistant", "content": content}}],
            "usage": {"prompt_tokens": 11, "completion_tokens": 7, "total_tokens": 18}}


def test_429_with_retry_after_is_waited_out_then_succeeds() -> None:
    calls = []
    policy, waits = _recording(FAST)

    def replies(method: str, path: str, body: bytes):
        calls.append(method)
        if len(calls) == 1:
            return json_reply(429, {"error": {"message": "slow down"}}, {"Retry-After": "1"})
        return json_reply(200, _completion('{"events": {}}'))

    with serve(replies) as (url, log):
        config = resolve_endpoint(backend="openai", base_url=url + "/v1", api_key="sk-test", mode="json",
                                retry=policy)
        client = make_client(config)
        result, completion = client.create_with_completion(
            response_model=EventsResponse, model="m", messages=[{"role": "user", "content": "x"}])
    assert result.events == {}
    assert completion.usage.prompt_tokens == 11
    assert len(log) == 2
    assert waits == [1.0]  # the Retry-After, not the 0.01 s backoff


def test_attempts_are_bounded_and_the_last_error_surfaces() -> None:
    with serve(lambda m, p, b: json_reply(503, {"error": {"message": "down"}})) as (url, log):
        with httpx.Client(transport=RetryTransport(FAST)) as client:
            response = client.post(url + "/v1/chat/completions", json={})
    assert response.status_code == 503
    assert len(log) == 3


def test_client_errors_are_not_retried() -> None:
    with serve(lambda m, p, b: json_reply(400, {"error": {"message": "bad request"}})) as (url, log):
        config = resolve_endpoint(backend="openai", base_url=url + "/v1", api_key="sk-test", retry=FAST)
        with pytest.raises(Exception) as info:
            make_client(config).create_with_completion(
                response_model=EventsResponse, model="m", messages=[{"role": "user", "content": "x"}],
                max_retries=1)
    assert isinstance(info.value.__cause__ or info.value, openai.BadRequestError) or "400" in str(info.value)
    assert len(log) == 1


def test_connection_errors_are_retried() -> None:
    with serve(lambda m, p, b: json_reply(200, {})) as (url, _):
        dead = url
    policy, waits = _recording(FAST)
    with httpx.Client(transport=RetryTransport(policy)) as client, pytest.raises(httpx.ConnectError):
        client.get(dead)
    assert waits == [0.01, 0.02]  # three attempts, exponential backoff between them


def test_retry_after_formats() -> None:
    assert retry_after_seconds(httpx.Response(429, headers={"Retry-After": "7"})) == 7
    assert retry_after_seconds(httpx.Response(429, headers={"retry-after-ms": "250"})) == 0.25
    assert retry_after_seconds(httpx.Response(429)) is None
    http_date = retry_after_seconds(httpx.Response(429, headers={"Retry-After": "Wed, 21 Oct 2015 07:28:00 GMT"}))
    assert http_date == 0.0
