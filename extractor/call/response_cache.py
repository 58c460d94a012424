"""A content-addressed cache of model responses: the same request body never costs a second call.

The key is the sha256 of the request's method, path and body, and of what answers it (the weights,
the server and its settings: see ``Endpoint.answer_identity``). The host is left out (the embedded
server gets a new port each run) and so are headers (the API key never reaches the cache). Requests
are deterministic here (temperature 0, fixed seed), so a stored answer is the answer. Only
successful JSON responses are stored; errors always go back to the endpoint.
"""

from __future__ import annotations

import hashlib
import sqlite3
import threading
from pathlib import Path

import httpx

_SCHEMA = """
CREATE TABLE IF NOT EXISTS responses (
    key TEXT PRIMARY KEY,
    status INTEGER NOT NULL,
    content_type TEXT NOT NULL,
    body BLOB NOT NULL,
    created TEXT NOT NULL DEFAULT (datetime('now'))
)
"""


def request_key(request: httpx.Request, answerer: str = "") -> str:
    """sha256 over method, path and body (what the model sees, nothing about who asks) and
    ``answerer``: what serves it (weights, server and its settings), which the body does not say."""
    digest = hashlib.sha256()
    for part in (request.method.encode(), request.url.raw_path, request.content, answerer.encode()):
        digest.update(part)
        digest.update(b"\x1f")
    return digest.hexdigest()


class ResponseCache:
    """SQLite file of ``request key -> response``; safe to share between threads and processes."""

    def __init__(self, path: str | Path, answerer: str = ""):
        self.path = Path(path)
        self.answerer = answerer
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._db = sqlite3.connect(self.path, check_same_thread=False, timeout=30, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute(_SCHEMA)
        self.hits = 0
        self.misses = 0

    def get(self, request: httpx.Request) -> httpx.Response | None:
        with self._lock:
            row = self._db.execute("SELECT status, content_type, body FROM responses WHERE key = ?",
                                   (request_key(request, self.answerer),)).fetchone()
            if row is None:
                self.misses += 1
                return None
            self.hits += 1
        status, content_type, body = row
        return httpx.Response(status, headers={"content-type": content_type, "x-extractor-cache": "hit"},
                              content=body, request=request)

    def put(self, request: httpx.Request, response: httpx.Response, body: bytes) -> None:
        content_type = response.headers.get("content-type", "")
        if response.status_code != 200 or "json" not in content_type:
            return
        with self._lock:
            self._db.execute("INSERT OR REPLACE INTO responses (key, status, content_type, body) VALUES (?, ?, ?, ?)",
                             (request_key(request, self.answerer), response.status_code, content_type, body))

    def close(self) -> None:
        with self._lock:
            self._db.close()


_OPEN: dict[tuple[Path, str], ResponseCache] = {}
_OPEN_LOCK = threading.Lock()


def open_cache(path: str | Path, answerer: str = "") -> ResponseCache:
    """The process-wide cache object for ``path`` and ``answerer`` (one connection and one hit
    counter per file and answerer)."""
    key = (Path(path).resolve(), answerer)
    with _OPEN_LOCK:
        if key not in _OPEN:
            _OPEN[key] = ResponseCache(key[0], answerer)
        return _OPEN[key]


def _replay(request: httpx.Request, response: httpx.Response, body: bytes) -> httpx.Response:
    """The response again, its body already read (the original stream is consumed)."""
    headers = [(k, v) for k, v in response.headers.multi_items()
               if k.lower() not in ("content-encoding", "content-length", "transfer-encoding")]
    return httpx.Response(response.status_code, headers=headers, content=body,
                          request=request, extensions=response.extensions)


class CachingTransport(httpx.BaseTransport):
    """Serve POSTs from the cache; store what the inner transport answers."""

    def __init__(self, cache: ResponseCache, inner: httpx.BaseTransport):
        self.cache = cache
        self.inner = inner

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if request.method != "POST":
            return self.inner.handle_request(request)
        request.read()
        cached = self.cache.get(request)
        if cached is not None:
            return cached
        response = self.inner.handle_request(request)
        body = response.read()
        self.cache.put(request, response, body)
        return _replay(request, response, body)

    def close(self) -> None:
        self.inner.close()


class AsyncCachingTransport(httpx.AsyncBaseTransport):
    """The async twin of ``CachingTransport``."""

    def __init__(self, cache: ResponseCache, inner: httpx.AsyncBaseTransport):
        self.cache = cache
        self.inner = inner

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if request.method != "POST":
            return await self.inner.handle_async_request(request)
        await request.aread()
        cached = self.cache.get(request)
        if cached is not None:
            return cached
        response = await self.inner.handle_async_request(request)
        body = await response.aread()
        self.cache.put(request, response, body)
        return _replay(request, response, body)

    async def aclose(self) -> None:
        await self.inner.aclose()
