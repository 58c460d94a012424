"""Transports that answer a request without the network: capture it exactly, or replay a stored answer.

The Batch API path sends nothing itself: ``CaptureTransport`` records the bytes the online path
would send (instructor, the openai client and our system-message handling all ran), and, once the
batch's answers are downloaded, ``ReplayTransport`` gives each request the answer to exactly those
bytes, so every answer is validated and grounded by the online code itself.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable

import httpx


class Captured(Exception):
    """Raised by ``CaptureTransport`` in place of sending: the request is recorded, not sent."""


def body_hash(content: bytes) -> str:
    """The key a request body is captured and answered under."""
    return hashlib.sha256(content).hexdigest()


class CaptureTransport(httpx.AsyncBaseTransport):
    """Records each request (method, path, body bytes) and sends none."""

    def __init__(self) -> None:
        self.requests: list[tuple[str, str, bytes]] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.requests.append((request.method, request.url.path, request.content))
        raise Captured(f"{request.method} {request.url.path} recorded for a batch, not sent")


class ReplayTransport(httpx.AsyncBaseTransport):
    """Answers each request with ``lookup(body hash)``: stored response bytes, or a 404 saying none is stored."""

    def __init__(self, lookup: Callable[[str], bytes | None]):
        self.lookup = lookup
        self.missing = 0

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        answer = self.lookup(body_hash(request.content))
        if answer is None:
            self.missing += 1
            return httpx.Response(404, json={"error": {"message": "no batch answer is stored for this request "
                                                                  "(a re-ask needs the model online)"}},
                                  request=request)
        return httpx.Response(200, content=answer, headers={"content-type": "application/json"}, request=request)
