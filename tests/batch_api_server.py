"""A loopback stand-in for the OpenAI Files and Batches endpoints, driven by the real ``openai`` SDK.

It implements what the Batch API reference documents: ``POST /v1/files`` (multipart, purpose
``batch``), ``GET /v1/files/{id}`` and ``/content``, ``POST /v1/batches``, ``GET /v1/batches/{id}``,
``GET /v1/batches`` (list, newest first, ``after``/``limit``) and ``POST /v1/batches/{id}/cancel``.
Every object it returns validates as the SDK's own ``FileObject`` / ``Batch``. It enforces the
documented limits: 50,000 requests and 200 MB per input file (an upload over the size limit is
refused with 400), one model per file, ``custom_id`` unique, every line for the batch's endpoint;
a file that breaks one fails the batch at validation with the reasons in ``errors``.

A test steers what happens next with ``BatchApiServer.outcome`` ("complete", "expire", "cancel",
"hold": stay in progress) and ``answer`` (the chat completion body for one request body; by
default the stand-in model's answer), ``fail`` (custom ids answered with an error line).
"""

from __future__ import annotations

import itertools
import json
import re
import threading
import time
from collections.abc import Callable
from typing import Any

from openai.types import Batch, FileObject

from tests.servers import Reply, completion, json_reply, stand_in_answer

MAX_REQUESTS = 50_000
MAX_BYTES = 200 * 1024 * 1024


class BatchApiServer:
    """The state of the stand-in (files, batches) and the test's levers."""

    def __init__(self, max_bytes: int = MAX_BYTES, max_requests: int = MAX_REQUESTS):
        self.max_bytes, self.max_requests = max_bytes, max_requests
        self.files: dict[str, dict[str, Any]] = {}
        self.contents: dict[str, bytes] = {}
        self.batches: dict[str, dict[str, Any]] = {}
        self.outcome = "complete"
        self.fail: dict[str, tuple[str, str]] = {}
        self.answer: Callable[[dict[str, Any]], dict[str, Any]] = lambda body: completion(body, stand_in_answer(body))
        self.uploads = 0
        self.creates = 0
        self.online = 0
        self._ids = itertools.count(1)
        self._lock = threading.Lock()

    def __call__(self, method: str, path: str, body: bytes, headers: dict[str, str]) -> Reply:
        with self._lock:
            route = path.split("?")[0]
            if method == "POST" and route == "/v1/chat/completions":
                self.online += 1
                return json_reply(200, self.answer(json.loads(body)))
            if method == "POST" and route == "/v1/files":
                return self._upload(body, headers.get("content-type", ""))
            if method == "GET" and (m := re.fullmatch(r"/v1/files/([\w-]+)/content", route)):
                if m.group(1) not in self.contents:
                    return _error(404, f"No such File object: {m.group(1)}")
                return 200, {"content-type": "application/octet-stream"}, self.contents[m.group(1)]
            if method == "GET" and (m := re.fullmatch(r"/v1/files/([\w-]+)", route)):
                return json_reply(200, self.files[m.group(1)]) if m.group(1) in self.files else \
                    _error(404, f"No such File object: {m.group(1)}")
            if method == "POST" and route == "/v1/batches":
                return self._create(json.loads(body))
            if method == "GET" and route == "/v1/batches":
                return self._list(path)
            if method == "GET" and (m := re.fullmatch(r"/v1/batches/([\w-]+)", route)):
                if m.group(1) not in self.batches:
                    return _error(404, f"No batch found with id '{m.group(1)}'.")
                return json_reply(200, self._advance(self.batches[m.group(1)]))
            if method == "POST" and (m := re.fullmatch(r"/v1/batches/([\w-]+)/cancel", route)):
                batch = self.batches[m.group(1)]
                if batch["status"] in ("validating", "in_progress"):
                    batch["status"], batch["cancelling_at"] = "cancelling", _now()
                return json_reply(200, batch)
            return _error(404, f"Unknown route {method} {route}")

    def _new_id(self, prefix: str) -> str:
        return f"{prefix}-{next(self._ids):06d}"

    def _upload(self, body: bytes, content_type: str) -> Reply:
        fields = _multipart(body, content_type)
        if fields.get("purpose", (None, b""))[1] != b"batch":
            return _error(400, "Invalid value for 'purpose'.")
        filename, content = fields["file"]
        if len(content) > self.max_bytes:
            return _error(400, f"File is too large: {len(content)} bytes, the maximum for purpose 'batch' is "
                               f"{self.max_bytes} bytes.")
        self.uploads += 1
        file_id = self._new_id("file")
        self.files[file_id] = _checked(FileObject, {
            "id": file_id, "object": "file", "bytes": len(content), "created_at": _now(), "filename": filename,
            "purpose": "batch", "status": "processed"})
        self.contents[file_id] = content
        return json_reply(200, self.files[file_id])

    def _create(self, request: dict[str, Any]) -> Reply:
        file_id = request.get("input_file_id")
        if file_id not in self.files:
            return _error(400, f"Invalid 'input_file_id': '{file_id}'.")
        if request.get("completion_window") != "24h" or request.get("endpoint") != "/v1/chat/completions":
            return _error(400, "Invalid endpoint or completion_window.")
        self.creates += 1
        batch_id = self._new_id("batch")
        lines = self.contents[file_id].decode().splitlines()
        self.batches[batch_id] = _checked(Batch, {
            "id": batch_id, "object": "batch", "endpoint": request["endpoint"], "input_file_id": file_id,
            "completion_window": "24h", "status": "validating", "created_at": _now(),
            "expires_at": _now() + 86400, "metadata": request.get("metadata"),
            "request_counts": {"total": len(lines), "completed": 0, "failed": 0}})
        return json_reply(200, self.batches[batch_id])

    def _list(self, path: str) -> Reply:
        query = dict(re.findall(r"[?&](\w+)=([^&]+)", path))
        ordered = sorted(self.batches.values(), key=lambda b: b["id"], reverse=True)
        if "after" in query:
            ordered = [b for b in ordered if b["id"] < query["after"]]
        page = ordered[:int(query.get("limit", 20))]
        return json_reply(200, {"object": "list", "data": page, "first_id": page[0]["id"] if page else None,
                                "last_id": page[-1]["id"] if page else None,
                                "has_more": len(ordered) > len(page)})

    def _advance(self, batch: dict[str, Any]) -> dict[str, Any]:
        """One step of the documented life cycle on each retrieval, as the test's ``outcome`` says."""
        if batch["status"] == "validating":
            problems = self._validate(self.contents[batch["input_file_id"]])
            if problems:
                batch.update(status="failed", failed_at=_now(), errors={"object": "list", "data": problems})
            else:
                batch.update(status="in_progress", in_progress_at=_now())
        elif batch["status"] == "in_progress" and self.outcome != "hold":
            if self.outcome == "cancel":
                batch.update(status="cancelling", cancelling_at=_now())
            else:
                self._finish(batch, expired=self.outcome == "expire")
        elif batch["status"] == "cancelling":
            self._finish(batch, cancelled=True)
        return _checked(Batch, batch)

    def _validate(self, content: bytes) -> list[dict[str, Any]]:
        lines = content.decode().splitlines()
        problems: list[dict[str, Any]] = []
        if len(lines) > self.max_requests:
            problems.append({"code": "too_many_requests", "message": f"The input file has {len(lines)} requests; "
                                                                      f"the limit is {self.max_requests}."})
        seen: set[str] = set()
        models: set[str] = set()
        for number, line in enumerate(lines, 1):
            item = json.loads(line)
            if item["custom_id"] in seen:
                problems.append({"code": "duplicate_custom_id", "line": number,
                                 "message": f"The custom_id '{item['custom_id']}' is not unique."})
            seen.add(item["custom_id"])
            if item.get("method") != "POST" or item.get("url") != "/v1/chat/completions":
                problems.append({"code": "invalid_url", "line": number, "message": "Line is not for the endpoint."})
            models.add(item["body"].get("model"))
        if len(models) > 1:
            problems.append({"code": "mismatched_model", "message": "All requests of a file must use one model."})
        return problems

    def _finish(self, batch: dict[str, Any], expired: bool = False, cancelled: bool = False) -> None:
        """Answer the requests: the first half only when the batch expired or was cancelled."""
        lines = [json.loads(line) for line in self.contents[batch["input_file_id"]].decode().splitlines()]
        answered = lines[:len(lines) // 2] if expired or cancelled else lines
        output, errors = [], []
        for item in lines:
            request_id = self._new_id("batch_req")
            if item not in answered:
                code = "batch_expired" if expired else "batch_cancelled"
                errors.append({"id": request_id, "custom_id": item["custom_id"], "response": None,
                               "error": {"code": code, "message": f"This request could not be executed before "
                                                                 f"the batch was {'expired' if expired else 'cancelled'}."}})
            elif item["custom_id"] in self.fail:
                status, message = self.fail[item["custom_id"]]
                errors.append({"id": request_id, "custom_id": item["custom_id"], "error": None,
                               "response": {"status_code": int(status), "request_id": request_id,
                                            "body": {"error": {"message": message, "type": "invalid_request_error"}}}})
            else:
                output.append({"id": request_id, "custom_id": item["custom_id"], "error": None,
                               "response": {"status_code": 200, "request_id": request_id,
                                            "body": self.answer(item["body"])}})
        for kind, rows in (("output_file_id", output), ("error_file_id", errors)):
            if rows:
                file_id = self._new_id("file")
                content = "".join(json.dumps(r) + "\n" for r in rows).encode()
                self.contents[file_id] = content
                self.files[file_id] = _checked(FileObject, {
                    "id": file_id, "object": "file", "bytes": len(content), "created_at": _now(),
                    "filename": f"{batch['id']}_{kind}.jsonl", "purpose": "batch_output", "status": "processed"})
                batch[kind] = file_id
        status = "expired" if expired else "cancelled" if cancelled else "completed"
        stamp = {"expired": "expired_at", "cancelled": "cancelled_at", "completed": "completed_at"}[status]
        batch.update(status=status, **{stamp: _now()},
                     request_counts={"total": len(lines), "completed": len(output), "failed": len(errors)})


def _checked(model: type, payload: dict[str, Any]) -> dict[str, Any]:
    """The payload, after it validated as the SDK's own type (strictly: no field of the wrong type)."""
    model.model_validate(payload)
    return payload


def _error(status: int, message: str) -> Reply:
    return json_reply(status, {"error": {"message": message, "type": "invalid_request_error", "param": None,
                                         "code": None}})


def _now() -> int:
    return int(time.time())


def _multipart(body: bytes, content_type: str) -> dict[str, tuple[str | None, bytes]]:
    """The fields of a multipart/form-data body: name → (filename, content)."""
    boundary = re.search(r'boundary="?([^";]+)"?', content_type).group(1).encode()
    fields: dict[str, tuple[str | None, bytes]] = {}
    for part in body.split(b"--" + boundary)[1:-1]:
        head, _, content = part.partition(b"\r\n\r\n")
        name = re.search(rb'name="([^"]+)"', head).group(1).decode()
        filename = re.search(rb'filename="([^"]*)"', head)
        fields[name] = (filename.group(1).decode() if filename else None, content.removesuffix(b"\r\n"))
    return fields
