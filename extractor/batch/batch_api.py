"""The OpenAI Batch API side of a run: request files within the limits, batches, their answers, in the run store.

``extractor batch … --batch-api`` plans every article locally (parse, quotations, candidates,
prompts) and captures the exact requests the online path would send; only those go into batch
files. The store records each request's file, batch and state (``queued`` → ``uploaded`` →
``submitted`` → ``answered`` / ``failed``), so a run killed at any point resumes by rerunning the
command: a file already uploaded is not uploaded again, a batch already created (found by its
input file id, even when the kill came before its id was written) is not created again, and a
request answered stays answered. A line of an output or error file that cannot be read fails its
request only.
"""

from __future__ import annotations

import asyncio
import json
import sqlite3
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

import openai

from extractor.call.offline import body_hash
from extractor.call.secrets import redact
from extractor.errors import ExtractionError
from extractor.settings import STORE_NAME

MAX_REQUESTS_PER_FILE = 50_000
MAX_FILE_BYTES = 200 * 1024 * 1024
"""The Batch API's documented limits for one input file."""
CHAT_ENDPOINT: Final = "/v1/chat/completions"
COMPLETION_WINDOW: Final = "24h"
TERMINAL = frozenset({"completed", "failed", "expired", "cancelled"})
BATCH_PRICE_FACTOR = 0.5
"""Batch requests cost half the online price."""

_SCHEMA = """
CREATE TABLE IF NOT EXISTS api_requests (
    run TEXT NOT NULL,
    custom_id TEXT NOT NULL,
    record_id TEXT NOT NULL,
    body BLOB NOT NULL,
    body_hash TEXT NOT NULL,
    file_id TEXT,
    batch_id TEXT,
    state TEXT NOT NULL CHECK (state IN ('queued', 'uploaded', 'submitted', 'answered', 'failed')),
    answer BLOB,
    reason TEXT,
    prompt_tokens INTEGER NOT NULL DEFAULT 0,
    completion_tokens INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (run, custom_id)
);
CREATE INDEX IF NOT EXISTS api_requests_record ON api_requests (run, record_id);
CREATE INDEX IF NOT EXISTS api_requests_hash ON api_requests (run, body_hash);
CREATE TABLE IF NOT EXISTS api_records (
    run TEXT NOT NULL,
    record_id TEXT NOT NULL,
    record TEXT NOT NULL,
    PRIMARY KEY (run, record_id)
);
CREATE TABLE IF NOT EXISTS api_files (
    file_id TEXT PRIMARY KEY,
    run TEXT NOT NULL,
    name TEXT NOT NULL,
    requests INTEGER NOT NULL,
    bytes INTEGER NOT NULL,
    batch_id TEXT,
    status TEXT NOT NULL DEFAULT 'uploaded',
    collected INTEGER NOT NULL DEFAULT 0
);
"""


@dataclass(frozen=True)
class FileLimits:
    """How large one input file may be (the documented limits unless a test narrows them)."""

    requests: int = MAX_REQUESTS_PER_FILE
    bytes: int = MAX_FILE_BYTES


@dataclass(frozen=True)
class PollPolicy:
    """Polling backoff: the first wait, the growth factor and the longest wait, in seconds."""

    first_s: float = 5.0
    factor: float = 1.5
    max_s: float = 60.0


@dataclass
class BatchProgress:
    """What the progress line shows while batches run."""

    batches: int = 0
    finished_batches: int = 0
    requests: int = 0
    completed: int = 0
    failed: int = 0
    statuses: dict[str, int] | None = None


class ApiStore:
    """The Batch API tables of ``run.sqlite`` for one run."""

    def __init__(self, directory: Path, run: str):
        self.run = run
        self._db = sqlite3.connect(Path(directory) / STORE_NAME, timeout=30, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.executescript(_SCHEMA)

    def close(self) -> None:
        self._db.close()

    def requests_of(self, record_id: str) -> list[tuple[str, str]]:
        """(custom id, state) of a record's requests, in order."""
        return list(self._db.execute("SELECT custom_id, state FROM api_requests WHERE run = ? AND record_id = ? "
                                     "ORDER BY custom_id", (self.run, record_id)))

    def add_requests(self, record_id: str, record: dict[str, Any], bodies: list[bytes]) -> None:
        """Queue a record's captured request bodies and keep the record until its answers are in
        (once: a record already queued keeps its rows)."""
        self._db.execute("BEGIN IMMEDIATE")
        try:
            if not self.requests_of(record_id):
                self._db.execute("INSERT OR REPLACE INTO api_records (run, record_id, record) VALUES (?, ?, ?)",
                                 (self.run, record_id, json.dumps(record, ensure_ascii=False)))
                self._db.executemany(
                    "INSERT INTO api_requests (run, custom_id, record_id, body, body_hash, state) "
                    "VALUES (?, ?, ?, ?, ?, 'queued')",
                    [(self.run, f"{record_id}#{n}", record_id, body, body_hash(body)) for n, body in enumerate(bodies)])
            self._db.execute("COMMIT")
        except BaseException:
            self._db.execute("ROLLBACK")
            raise

    def forget(self, record_id: str) -> None:
        """Drop a record's requests and kept text (finished, or retried online)."""
        self._db.execute("BEGIN IMMEDIATE")
        self._db.execute("DELETE FROM api_requests WHERE run = ? AND record_id = ?", (self.run, record_id))
        self._db.execute("DELETE FROM api_records WHERE run = ? AND record_id = ?", (self.run, record_id))
        self._db.execute("COMMIT")

    def record(self, record_id: str) -> dict[str, Any] | None:
        row = self._db.execute("SELECT record FROM api_records WHERE run = ? AND record_id = ?",
                               (self.run, record_id)).fetchone()
        return json.loads(row[0]) if row else None

    def queued_lines(self) -> Iterator[tuple[str, bytes]]:
        """(custom id, input-file line) of every queued request, in the order they were queued (read
        in chunks, so marking a file's requests uploaded meanwhile is safe)."""
        rowids = [r for (r,) in self._db.execute(
            "SELECT rowid FROM api_requests WHERE run = ? AND state = 'queued' ORDER BY rowid", (self.run,))]
        for start in range(0, len(rowids), 500):
            chunk = rowids[start:start + 500]
            rows = self._db.execute(f"SELECT custom_id, body FROM api_requests WHERE rowid IN "
                                    f"({','.join('?' * len(chunk))}) ORDER BY rowid", chunk).fetchall()
            for custom_id, body in rows:
                line = {"custom_id": custom_id, "method": "POST", "url": CHAT_ENDPOINT, "body": json.loads(body)}
                yield custom_id, (json.dumps(line, ensure_ascii=False) + "\n").encode()

    def uploaded(self, file_id: str, name: str, custom_ids: list[str], size: int) -> None:
        self._db.execute("BEGIN IMMEDIATE")
        self._db.execute("INSERT INTO api_files (file_id, run, name, requests, bytes) VALUES (?, ?, ?, ?, ?)",
                         (file_id, self.run, name, len(custom_ids), size))
        self._db.executemany("UPDATE api_requests SET state = 'uploaded', file_id = ? WHERE run = ? AND custom_id = ?",
                             [(file_id, self.run, c) for c in custom_ids])
        self._db.execute("COMMIT")

    def files_without_batch(self) -> list[str]:
        return [f for (f,) in self._db.execute(
            "SELECT file_id FROM api_files WHERE run = ? AND batch_id IS NULL ORDER BY rowid", (self.run,))]

    def submitted(self, file_id: str, batch_id: str) -> None:
        self._db.execute("BEGIN IMMEDIATE")
        self._db.execute("UPDATE api_files SET batch_id = ?, status = 'validating' WHERE file_id = ?",
                         (batch_id, file_id))
        self._db.execute("UPDATE api_requests SET state = 'submitted', batch_id = ? WHERE run = ? AND file_id = ?",
                         (batch_id, self.run, file_id))
        self._db.execute("COMMIT")

    def open_batches(self) -> list[str]:
        """Batches whose answers are not collected yet."""
        return [b for (b,) in self._db.execute(
            "SELECT batch_id FROM api_files WHERE run = ? AND batch_id IS NOT NULL AND collected = 0 ORDER BY rowid",
            (self.run,))]

    def batch_status(self, batch_id: str, status: str) -> None:
        self._db.execute("UPDATE api_files SET status = ? WHERE batch_id = ?", (status, batch_id))

    def collect(self, batch_id: str, status: str, answers: dict[str, tuple[bytes, int, int]],
                failures: dict[str, str], unanswered: str | None = None) -> None:
        """Record a finished batch's answers and failures; its requests without either fail with
        ``unanswered`` (default: the batch's final status)."""
        self._db.execute("BEGIN IMMEDIATE")
        try:
            self._db.executemany(
                """UPDATE api_requests SET state = 'answered', answer = ?, prompt_tokens = ?, completion_tokens = ?,
                     reason = NULL WHERE run = ? AND custom_id = ? AND batch_id = ?""",
                [(answer, prompt, completion, self.run, c, batch_id) for c, (answer, prompt, completion)
                 in answers.items()])
            self._db.executemany(
                "UPDATE api_requests SET state = 'failed', reason = ? WHERE run = ? AND custom_id = ? AND batch_id = ?",
                [(reason, self.run, c, batch_id) for c, reason in failures.items()])
            self._db.execute(
                """UPDATE api_requests SET state = 'failed', reason = ? WHERE run = ? AND batch_id = ?
                   AND state = 'submitted'""",
                (unanswered or f"the batch {batch_id} ended {status} without an answer", self.run, batch_id))
            self._db.execute("UPDATE api_files SET status = ?, collected = 1 WHERE batch_id = ?", (status, batch_id))
            self._db.execute("COMMIT")
        except BaseException:
            self._db.execute("ROLLBACK")
            raise

    def settled_records(self) -> list[str]:
        """Records whose every request is answered or failed, not yet finished."""
        return [r for (r,) in self._db.execute(
            """SELECT record_id FROM api_requests WHERE run = ? GROUP BY record_id
               HAVING SUM(state NOT IN ('answered', 'failed')) = 0 ORDER BY MIN(rowid)""", (self.run,))]

    def failure_of(self, record_id: str) -> str | None:
        """Why a settled record failed in the batch (its first failed request's reason), or None."""
        row = self._db.execute("SELECT custom_id, reason FROM api_requests WHERE run = ? AND record_id = ? "
                               "AND state = 'failed' ORDER BY custom_id LIMIT 1", (self.run, record_id)).fetchone()
        return f"{row[0]}: {row[1]}" if row else None

    def answer_for(self, digest: str) -> bytes | None:
        row = self._db.execute("SELECT answer FROM api_requests WHERE run = ? AND body_hash = ? AND state = 'answered' "
                               "LIMIT 1", (self.run, digest)).fetchone()
        return row[0] if row else None

    def tokens(self) -> tuple[int, int]:
        row = self._db.execute("SELECT SUM(prompt_tokens), SUM(completion_tokens) FROM api_requests WHERE run = ?",
                               (self.run,)).fetchone()
        return row[0] or 0, row[1] or 0

    def progress(self) -> BatchProgress:
        states = dict(self._db.execute("SELECT state, COUNT(*) FROM api_requests WHERE run = ? GROUP BY state",
                                       (self.run,)).fetchall())
        files = dict(self._db.execute("SELECT status, COUNT(*) FROM api_files WHERE run = ? AND batch_id IS NOT NULL "
                                      "GROUP BY status", (self.run,)).fetchall())
        return BatchProgress(batches=sum(files.values()), finished_batches=sum(n for s, n in files.items()
                                                                                if s in TERMINAL),
                             requests=sum(states.values()), completed=states.get("answered", 0),
                             failed=states.get("failed", 0), statuses=files)


def split_files(lines: Iterator[tuple[str, bytes]], limits: FileLimits) -> Iterator[tuple[list[str], bytes]]:
    """Input files within the limits: (custom ids, JSONL bytes), in order. One request larger
    than a whole file is still a file of its own (the endpoint refuses it with its reason)."""
    ids: list[str] = []
    parts: list[bytes] = []
    size = 0
    for custom_id, line in lines:
        if ids and (len(ids) >= limits.requests or size + len(line) > limits.bytes):
            yield ids, b"".join(parts)
            ids, parts, size = [], [], 0
        ids.append(custom_id)
        parts.append(line)
        size += len(line)
    if ids:
        yield ids, b"".join(parts)


class BatchApi:
    """The Files and Batches calls of one run, through the openai SDK, with clear errors."""

    def __init__(self, client: openai.AsyncOpenAI, run: str):
        self.client = client
        self.run = run

    async def upload(self, name: str, content: bytes) -> str:
        """Upload one input file; a refusal is an error naming the file and the endpoint's reason."""
        try:
            created = await self.client.files.create(file=(name, content, "application/jsonl"), purpose="batch")
        except openai.APIStatusError as exc:
            raise ExtractionError(redact(f"the endpoint refused the batch input file {name} ({len(content)} bytes): "
                                         f"{_message(exc)}")) from exc
        return created.id

    async def create(self, file_id: str) -> str:
        """The batch over ``file_id``: one created earlier for it (among the 100 newest: a kill after
        creating it, before its id was stored) or a new one."""
        recent = await self.client.batches.list(limit=100)
        for batch in recent.data:
            if batch.input_file_id == file_id:
                return batch.id
        try:
            created = await self.client.batches.create(
                input_file_id=file_id, endpoint=CHAT_ENDPOINT, completion_window=COMPLETION_WINDOW,
                metadata={"extractor_run": self.run})
        except openai.APIStatusError as exc:
            raise ExtractionError(redact(f"the endpoint refused a batch over {file_id}: {_message(exc)}")) from exc
        return created.id

    async def status(self, batch_id: str) -> Any:
        return await self.client.batches.retrieve(batch_id)

    async def content(self, file_id: str) -> bytes:
        return (await self.client.files.content(file_id)).content


async def wait_for(api: BatchApi, store: ApiStore, policy: PollPolicy,
                   notify: Callable[[BatchProgress], None] | None = None) -> list[Any]:
    """Poll the open batches with backoff until each has ended; their final states."""
    open_ids = store.open_batches()
    ended: dict[str, Any] = {}
    wait = policy.first_s
    while True:
        for batch_id in open_ids:
            if batch_id in ended:
                continue
            batch = await api.status(batch_id)
            store.batch_status(batch_id, batch.status)
            if batch.status in TERMINAL:
                ended[batch_id] = batch
        if notify is not None:
            notify(store.progress())
        if len(ended) == len(open_ids):
            return [ended[b] for b in open_ids]
        await asyncio.sleep(wait)
        wait = min(wait * policy.factor, policy.max_s)


async def collect(api: BatchApi, store: ApiStore, batch: Any) -> None:
    """Download a finished batch's output and error files into the store."""
    answers: dict[str, tuple[bytes, int, int]] = {}
    failures: dict[str, str] = {}
    if batch.status == "failed":
        reasons = "; ".join(f"{e.code}: {e.message}" for e in (batch.errors.data or [])) if batch.errors else ""
        store.collect(batch.id, batch.status, {}, {},
                      f"the batch {batch.id} failed validation" + (f" ({reasons})" if reasons else ""))
        return
    for file_id in (batch.output_file_id, batch.error_file_id):
        if not file_id:
            continue
        for number, line in enumerate((await api.content(file_id)).decode("utf-8", "replace").splitlines(), 1):
            if not line.strip():
                continue
            read = read_output_line(line)
            if read is None:
                continue
            custom_id, answer, reason = read
            if answer is not None:
                answers[custom_id] = answer
            else:
                failures[custom_id] = reason or f"line {number} of {file_id} has no answer"
    store.collect(batch.id, batch.status, answers, failures)


def read_output_line(line: str) -> tuple[str, tuple[bytes, int, int] | None, str | None] | None:
    """(custom id, (answer bytes, prompt tokens, completion tokens) or None, failure reason) of one
    output or error line; None when the line names no request (it cannot fail one)."""
    try:
        item = json.loads(line)
        custom_id = item["custom_id"]
    except (ValueError, KeyError, TypeError):
        return None
    response, error = item.get("response"), item.get("error")
    if error:
        return custom_id, None, f"{error.get('code')}: {error.get('message')}"
    answered = isinstance(response, dict) and response.get("status_code") == 200
    if not answered or not isinstance(response.get("body"), dict):
        body = response.get("body") if isinstance(response, dict) else None
        message = (body or {}).get("error", {}).get("message") if isinstance(body, dict) else None
        status = response.get("status_code") if isinstance(response, dict) else None
        return custom_id, None, f"HTTP {status}: {message or 'no answer'}"
    usage = response["body"].get("usage") or {}
    return custom_id, (json.dumps(response["body"]).encode(), int(usage.get("prompt_tokens") or 0),
                       int(usage.get("completion_tokens") or 0)), None


def _message(exc: openai.APIStatusError) -> str:
    body = exc.body if isinstance(exc.body, dict) else {}
    return str((body.get("error") or body).get("message") or exc.message) if isinstance(body, dict) else exc.message
