"""A loopback OpenAI-compatible model that injects faults, per article and step, for the
reliability tests.

Articles name themselves in their text ("Report r017."); a plan maps an article to a fault kind
and to how many of its first requests (per step) get the fault (``ALWAYS`` for every one). Other
requests are answered like ``stand_in_model``.
"""

from __future__ import annotations

import json
import re
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler

from tests.servers import RawReply, Reply, completion, json_reply, request_schema, stand_in_answer, stand_in_model

ALWAYS = 10**6
KINDS = ("429_retry_after", "429_no_retry_after", "500", "502", "503", "hang", "drop", "truncated_json",
         "schema_violation", "empty_choices", "foreign_quote", "empty_body", "html_body",
         "prose")
_KEY = re.compile(r"Report (r\d+)\.")


def article_text(key: str, quotes: int = 1) -> str:
    """A small article that names itself (in the sentence before its one ambiguous event word, so
    the events step's excerpt names it too), with ``quotes`` quotations."""
    said = " ".join(f'"Line {n} of what we saw tonight," said Anna Petrova.' for n in range(quotes))
    return f"Report {key}. Dock workers went on strike. The army said 12 drones were shot down over Kyiv on Tuesday. {said}"


@dataclass
class FaultModel:
    """The fault plan and what the server saw (requests per article and step)."""

    plan: dict[str, tuple[str, int]]
    hang_s: float = 2.0
    seen: Counter = field(default_factory=Counter)
    faults: Counter = field(default_factory=Counter)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def __call__(self, method: str, path: str, body: bytes) -> Reply | RawReply:
        if method != "POST":
            return stand_in_model(method, path, body)
        request = json.loads(body)
        match = next(filter(None, (_KEY.search(m.get("content") or "") for m in request["messages"])), None)
        step = "events" if "events" in request_schema(request)["properties"] else "entities"
        key = match.group(1) if match else "?"
        with self.lock:
            self.seen[(key, step)] += 1
            attempt = self.seen[(key, step)]
        kind, times = self.plan.get(key, (None, 0))
        if kind is None or attempt > times or (step == "events" and kind in _ENTITIES_ONLY):
            return stand_in_model(method, path, body)
        with self.lock:
            self.faults[kind] += 1
        return self.fault(kind, request)

    def fault(self, kind: str, request: dict) -> Reply | RawReply:
        if kind == "429_retry_after":
            return json_reply(429, {"error": {"message": "rate limited"}}, {"retry-after": "0.05"})
        if kind == "429_no_retry_after":
            return json_reply(429, {"error": {"message": "rate limited"}})
        if kind in ("500", "502", "503"):
            return json_reply(int(kind), {"error": {"message": f"upstream failure {kind}"}})
        if kind == "hang":
            return self._hang
        if kind == "drop":
            return _drop
        if kind == "truncated_json":
            answer = json.dumps(stand_in_answer(request))
            return json_reply(200, _raw_completion(request, answer[: len(answer) // 2]))
        if kind == "schema_violation":
            return json_reply(200, completion(request, {"actors": "everyone", "quotes": [{"id": 7}]}))
        if kind == "empty_choices":
            return json_reply(200, {**completion(request, {}), "choices": []})
        if kind == "prose":
            return json_reply(200, _raw_completion(request, "Sorry, I cannot extract anything from this article."))
        if kind == "empty_body":
            return 200, {"content-type": "application/json"}, b""
        if kind == "html_body":
            return 200, {"content-type": "application/json"}, b"<html><body>502 Bad Gateway</body></html>"
        if kind == "foreign_quote":
            answer = stand_in_answer(request)
            answer["quotes"] = [{"id": "Q99", "quote": True}]
            answer["other"].append({"name": "Vladimir Nonexistent", "type": "PERSON"})
            return json_reply(200, completion(request, answer))
        raise ValueError(kind)

    def _hang(self, handler: BaseHTTPRequestHandler) -> None:
        time.sleep(self.hang_s)
        try:
            handler.send_response(503)
            handler.send_header("content-length", "0")
            handler.end_headers()
        except OSError:
            pass


_ENTITIES_ONLY = {"foreign_quote", "schema_violation"}


def _raw_completion(request: dict, content: str) -> dict:
    reply = completion(request, {})
    reply["choices"][0]["message"]["content"] = content
    return reply


def _drop(handler: BaseHTTPRequestHandler) -> None:
    """Promise a body, send a few bytes of it, and close the connection."""
    handler.send_response(200)
    handler.send_header("content-type", "application/json")
    handler.send_header("content-length", "4096")
    handler.end_headers()
    handler.wfile.write(b'{"id": "x", "cho')
    handler.wfile.flush()
    handler.close_connection = True
