"""The endpoint an ``Extractor`` talks to: the embedded server started on first use, clients built once."""

from __future__ import annotations

import asyncio
import threading

import httpx
import instructor

from extractor.call.client import make_async_client, make_client
from extractor.call.endpoint import Endpoint
from extractor.call.limits import RequestLimiter
from extractor.call.local_server import LocalServer


class Connection:
    """Holds one endpoint (and the local server, if it started one) for many articles."""

    def __init__(self, endpoint: Endpoint, limiter: RequestLimiter | None = None,
                 transport: httpx.AsyncBaseTransport | None = None):
        self.endpoint = endpoint
        self.limiter = limiter
        self.transport = transport
        self._server: LocalServer | None = None
        self._lock = threading.Lock()
        self._client: instructor.Instructor | None = None
        self._aclient: instructor.AsyncInstructor | None = None

    def _ready(self) -> Endpoint:
        """The endpoint with an address: the embedded model's server is started (or reused) once."""
        with self._lock:
            if self.endpoint.needs_local_server:
                from extractor.call.model_store import DEFAULT_MODEL, MODELS, resolve_model_path

                endpoint = self.endpoint
                spec = MODELS.get(endpoint.model, DEFAULT_MODEL)
                self._server = LocalServer(resolve_model_path(endpoint.local_model_path, spec), endpoint.model,
                                           engine=endpoint.local_server, slots=endpoint.slots)
                self.endpoint = endpoint.with_base_url(self._server.start())
            return self.endpoint

    def client(self) -> instructor.Instructor:
        endpoint = self._ready()
        if self._client is None:
            self._client = make_client(endpoint)
        return self._client

    async def aclient(self) -> instructor.AsyncInstructor:
        endpoint = await asyncio.to_thread(self._ready)
        if self._aclient is None:
            self._aclient = make_async_client(endpoint, self.limiter, self.transport)
        return self._aclient

    def close(self) -> None:
        """Stop the local server if this connection started it."""
        if self._server is not None:
            self._server.stop()
            self._server = None
