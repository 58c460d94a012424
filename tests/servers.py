"""Tiny loopback HTTP servers the tests (and the batch benchmark) run for real: no network beyond
127.0.0.1. ``stand_in_model`` answers like an OpenAI-compatible model that judges whatever the
constrained schema offers it; ``python -m tests.servers --delay 0.2`` serves it from its own process."""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

Reply = tuple[int, dict[str, str], bytes]
RawReply = Callable[[BaseHTTPRequestHandler], None]
Replies = Callable[[str, str, bytes], "Reply | RawReply"]


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 512


def _server(replies: Replies, log: list[tuple[str, str]], port: int = 0, with_headers: bool = False) -> _Server:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def _answer(self) -> None:
            length = int(self.headers.get("content-length") or 0)
            body = self.rfile.read(length) if length else b""
            log.append((self.command, self.path))
            if with_headers:
                answer = replies(self.command, self.path, body, {k.lower(): v for k, v in self.headers.items()})
            else:
                answer = replies(self.command, self.path, body)
            if callable(answer):
                answer(self)
                return
            status, headers, payload = answer
            self.send_response(status)
            for key, value in headers.items():
                self.send_header(key, value)
            self.send_header("content-length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        do_GET = do_POST = _answer

        def log_message(self, *args: object) -> None:
            pass

    return _Server(("127.0.0.1", port), Handler)


@contextmanager
def serve(replies: Replies, with_headers: bool = False) -> Iterator[tuple[str, list[tuple[str, str]]]]:
    """Run a server whose answers come from ``replies(method, path, body)`` (plus the request
    headers with ``with_headers``); yield (url, request log)."""
    log: list[tuple[str, str]] = []
    server = _server(replies, log, with_headers=with_headers)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", log
    finally:
        server.shutdown()
        server.server_close()


def json_reply(status: int, payload: object, headers: dict[str, str] | None = None) -> Reply:
    return status, {"content-type": "application/json", **(headers or {})}, json.dumps(payload).encode()


def completion(request: dict, answer: object, prompt_tokens: int = 100, completion_tokens: int = 10) -> dict:
    """An OpenAI chat completion whose message content is ``answer`` as JSON."""
    return {"id": "x", "object": "chat.completion", "created": 0, "model": request["model"],
            "choices": [{"index": 0, "finish_reason": "stop",
                         "message": {"role": "assistant", "content": json.dumps(answer)}}],
            "usage": {"prompt_tokens": prompt_tokens, "completion_tokens": completion_tokens,
                      "total_tokens": prompt_tokens + completion_tokens}}


_LITERAL = r'"(?:[^"\\]|\\.)*"'


def schema_from_grammar(grammar: str) -> dict:
    """Read back the JSON schema a compact grammar (``extractor.call.grammar``) was written from:
    objects, enums, arrays and primitives, as far as the stand-in needs them."""
    rules = dict(line.split(" ::= ", 1) for line in grammar.splitlines() if " ::= " in line)

    def literal(text: str) -> object:
        return json.loads(re.sub(r"\\(.)", r"\1", text[1:-1]))

    def read(name: str) -> dict:
        if name in ("string", "boolean", "null", "integer", "number"):
            return {"type": name}
        body = rules[name]
        options = body.split(" | ")
        if all(re.fullmatch(_LITERAL, option) for option in options):
            return {"enum": [literal(option) for option in options]}
        if all(re.fullmatch(r"\w+", option) for option in options):
            return {"anyOf": [read(option) for option in options]}
        if body.startswith('"{"'):
            pairs = re.findall(r'"\\"(\w+)\\"" space ":" space (\w+)', body)
            return {"type": "object", "properties": {key: read(ref) for key, ref in pairs}}
        if body.startswith('"["'):
            bounds = re.search(r"\{(\d+),(\d+)\}", body)
            items = re.search(r'"\[" space \(?(\w+)', body)
            low = 0 if ")?" in body else 1 + int(bounds.group(1)) if bounds else 1
            return {"type": "array", "items": read(items.group(1)) if items else {},
                    "minItems": low, "maxItems": 1 + int(bounds.group(2)) if bounds else 0 if not items else None}
        raise ValueError(f"the stand-in cannot read rule {name}: {body}")

    return read(rules["root"])


def request_schema(request: dict) -> dict:
    """The response schema a request pins its answer to: sent as ``response_format`` (hosted
    endpoints) or as the compact grammar written from it (llama.cpp servers)."""
    if "grammar" in request:
        return schema_from_grammar(request["grammar"])
    return request["response_format"]["schema"]


def stand_in_answer(request: dict) -> dict:
    """A valid answer to an entities or events request, built from the ids its schema (or the
    compact grammar written from it) offers: every marked word takes the first type its trigger
    allows, every actor asked about is an organisation, every quotation is a quote, said by the
    first actor the list offers."""
    props = request_schema(request)["properties"]
    if "events" in props:
        return {"events": {e: p.get("enum", ["ASSAULT"])[0] for e, p in props["events"]["properties"].items()}}
    quotes = props["quotes"]
    ids = quotes["items"]["properties"]["id"]["enum"][:quotes.get("maxItems")] if quotes.get("maxItems") != 0 else []
    reported = props["reported"]
    numbers = reported["items"]["properties"]["s"]["enum"] if reported.get("maxItems") != 0 else []
    return {"actors": {a: "ORGANIZATION" for a in props["actors"]["properties"]},
            "other": [{"name": "The army", "type": "MILITARY"}],
            "quotes": [{"id": i, "quote": True} for i in ids],
            "speakers": {q: p["enum"][0] for q, p in props["speakers"]["properties"].items()},
            "reported": [{"s": n, "speaker": "Officials", "cue": "said"} for n in numbers if n % 5 == 1]}


def stand_in_model(method: str, path: str, body: bytes) -> Reply:
    if method == "GET":
        return json_reply(200, {"object": "list", "data": [{"id": "stand-in", "object": "model"}]})
    request = json.loads(body)
    return json_reply(200, completion(request, stand_in_answer(request)))


def recording(replies: Replies, bodies: list[dict]) -> Replies:
    """The same answers, keeping each request's JSON body for the test to read."""
    def reply(method: str, path: str, body: bytes) -> Reply:
        if method == "POST":
            bodies.append(json.loads(body))
        return replies(method, path, body)
    return reply


def slow(replies: Replies, delay_s: float) -> Replies:
    """The same answers after a fixed latency (the batch benchmark's model)."""
    def reply(method: str, path: str, body: bytes) -> Reply:
        time.sleep(delay_s)
        return replies(method, path, body)
    return reply


def main() -> None:
    """Serve the stand-in model; it also takes llama-server's own flags (``--alias``, ``--host``,
    ``--parallel``, ...), so ``EXTRACTOR_LLAMA_SERVER`` can name it as the embedded model's server.
    With ``STAND_IN_LAUNCHES`` set, each launch leaves a file named by its pid in that folder;
    ``STAND_IN_STARTUP_S`` makes it load for that long first, as a real model does."""
    parser = argparse.ArgumentParser(description="Serve the stand-in model on loopback.")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--alias", default="stand-in")
    parser.add_argument("--delay", type=float, default=0.0, help="seconds before each answer")
    args, _ = parser.parse_known_args()
    if os.environ.get("STAND_IN_LAUNCHES"):
        Path(os.environ["STAND_IN_LAUNCHES"], str(os.getpid())).write_text(" ".join(sys.argv[1:]))
    time.sleep(float(os.environ.get("STAND_IN_STARTUP_S", "0")))

    def model(method: str, path: str, body: bytes) -> Reply:
        if method == "GET":
            return json_reply(200, {"object": "list", "data": [{"id": args.alias, "object": "model"}]})
        return stand_in_model(method, path, body)

    log: list[tuple[str, str]] = []
    server = _server(slow(model, args.delay), log, args.port)
    print(f"http://127.0.0.1:{server.server_address[1]}/v1", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
