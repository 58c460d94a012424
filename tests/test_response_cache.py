"""The response cache: keyed by what the model sees (method, path, body), never by who asks."""

from __future__ import annotations

from pathlib import Path

import httpx

from extractor.call.response_cache import CachingTransport, ResponseCache

SENTINEL_KEY = "sk-test-SENTINEL-0123456789"


def _client(cache: ResponseCache, calls: list[httpx.Request], status: int = 200) -> httpx.Client:
    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request)
        return httpx.Response(status, json={"answer": len(calls)})

    return httpx.Client(transport=CachingTransport(cache, httpx.MockTransport(handler)))


def test_same_body_is_answered_from_the_cache_whatever_the_host_and_key(tmp_path: Path) -> None:
    cache, calls = ResponseCache(tmp_path / "r.sqlite"), []
    client = _client(cache, calls)
    first = client.post("http://127.0.0.1:4001/v1/chat/completions", content=b'{"q": 1}',
                        headers={"authorization": f"Bearer {SENTINEL_KEY}"})
    again = client.post("http://127.0.0.1:5999/v1/chat/completions", content=b'{"q": 1}',
                        headers={"authorization": "Bearer another-key"})
    other = client.post("http://127.0.0.1:4001/v1/chat/completions", content=b'{"q": 2}')
    assert first.json() == again.json() == {"answer": 1} and other.json() == {"answer": 2}
    assert again.headers["x-extractor-cache"] == "hit"
    assert (len(calls), cache.hits, cache.misses) == (2, 1, 2)
    cache.close()
    assert SENTINEL_KEY.encode() not in (tmp_path / "r.sqlite").read_bytes()


def test_errors_are_never_cached(tmp_path: Path) -> None:
    cache, calls = ResponseCache(tmp_path / "r.sqlite"), []
    client = _client(cache, calls, status=503)
    for _ in range(2):
        assert client.post("http://model/v1/chat/completions", content=b"{}").status_code == 503
    assert len(calls) == 2 and cache.hits == 0


def test_endpoints_on_one_host_that_differ_only_in_their_path_never_share_an_answer(tmp_path: Path) -> None:
    """A stored answer of http://host/ok/v1 is never replayed for http://host/empty/v1 (same model, same body)."""
    from extractor.call.client import response_cache
    from extractor.call.endpoint import resolve_endpoint

    caches = [response_cache(resolve_endpoint(backend="openai", base_url=f"http://127.0.0.1:4001/{path}/v1",
                                              api_key="sk-test", model="m", response_cache=str(tmp_path / "r.sqlite")))
              for path in ("ok", "empty")]
    calls: list[httpx.Request] = []
    ok = _client(caches[0], calls).post("http://127.0.0.1:4001/ok/v1/chat/completions", content=b'{"q": 1}')
    empty = _client(caches[1], calls).post("http://127.0.0.1:4001/empty/v1/chat/completions", content=b'{"q": 1}')
    assert ok.json() == {"answer": 1} and empty.json() == {"answer": 2}
    assert "x-extractor-cache" not in empty.headers and len(calls) == 2
