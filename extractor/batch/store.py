"""The run store: one SQLite file in the output directory holding every record of every run.

Each record is (run key, record id) → status ``pending`` / ``done`` / ``failed`` with its reason,
attempts, result JSON, token usage and timing. Every change is one transaction (WAL journal), so a
process killed at any moment leaves each record either as it was or fully updated: a rerun skips
what is done and redoes what is pending, and the primary key makes a duplicate impossible.

A batch holds a ``BatchLock`` on the directory: an advisory lock on ``BATCH_LOCK``, which
the system drops when the process ends (also when it is killed), so a second batch into the same
directory is refused instead of racing on the exports and extracting every record twice.
"""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from extractor.errors import ConfigError
from extractor.settings import BATCH_LOCK, STORE_NAME

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows has no flock; the lock is then not taken
    fcntl = None  # type: ignore[assignment]


_SCHEMA = """
CREATE TABLE IF NOT EXISTS runs (
    key TEXT PRIMARY KEY,
    config TEXT NOT NULL,
    created TEXT NOT NULL DEFAULT (datetime('now')),
    last_started TEXT
);
CREATE TABLE IF NOT EXISTS records (
    run TEXT NOT NULL,
    id TEXT NOT NULL,
    origin TEXT NOT NULL,
    content_hash TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL CHECK (status IN ('pending', 'done', 'failed')),
    kind TEXT,
    reason TEXT,
    attempts INTEGER NOT NULL DEFAULT 0,
    claim TEXT,
    result TEXT,
    prompt_tokens INTEGER NOT NULL DEFAULT 0,
    completion_tokens INTEGER NOT NULL DEFAULT 0,
    calls INTEGER NOT NULL DEFAULT 0,
    wall_s REAL NOT NULL DEFAULT 0,
    updated TEXT NOT NULL DEFAULT (datetime('now')),
    PRIMARY KEY (run, id)
);
"""


class BatchLock:
    """The batch lock of an output directory, held from creation to ``release`` (or to the end of
    the process, however it ends); a second one on the same directory is refused with the pid of
    the batch that holds it."""

    def __init__(self, directory: str | Path):
        directory = Path(directory)
        directory.mkdir(parents=True, exist_ok=True)
        self._descriptor: int | None = None
        if fcntl is None:
            return
        descriptor = os.open(directory / BATCH_LOCK, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(descriptor, 32, 0).decode("ascii", "replace").strip() or "unknown"
            os.close(descriptor)
            raise ConfigError(f"another batch is running into {directory} (pid {holder}); wait for it to end, "
                              "or give this one another --out") from None
        os.ftruncate(descriptor, 0)
        os.pwrite(descriptor, f"{os.getpid()}\n".encode(), 0)
        self._descriptor = descriptor

    def release(self) -> None:
        if self._descriptor is not None:
            os.close(self._descriptor)
            self._descriptor = None


@dataclass(frozen=True)
class RecordState:
    status: str
    claim: str | None
    content_hash: str
    attempts: int


@dataclass
class RunCounts:
    """Totals of one run, as ``extractor status`` and the final summary show them."""

    key: str
    config: dict[str, Any]
    pending: int = 0
    done: int = 0
    failed: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    calls: int = 0
    wall_s: float = 0.0
    partial: int = 0
    """Done records kept without a failed model step's answer (``keep_partial``)."""
    reasons: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return self.pending + self.done + self.failed


class RunStore:
    """Transactional access to ``run.sqlite`` (one connection, used from one thread)."""

    def __init__(self, directory: str | Path, *, lock: "BatchLock | None" = None):
        self.directory = Path(directory)
        self.directory.mkdir(parents=True, exist_ok=True)
        self.path = self.directory / STORE_NAME
        self._lock = lock
        self._db = sqlite3.connect(self.path, timeout=30, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.executescript(_SCHEMA)

    def close(self) -> None:
        self._db.close()
        if self._lock is not None:
            self._lock.release()
            self._lock = None

    def __enter__(self) -> "RunStore":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def begin_run(self, key: str, config: dict[str, Any]) -> None:
        self._db.execute("INSERT OR IGNORE INTO runs (key, config) VALUES (?, ?)", (key, json.dumps(config)))
        self._db.execute("UPDATE runs SET last_started = datetime('now') WHERE key = ?", (key,))

    def state(self, run: str, record_id: str) -> RecordState | None:
        row = self._db.execute("SELECT status, claim, content_hash, attempts FROM records WHERE run = ? AND id = ?",
                               (run, record_id)).fetchone()
        return RecordState(*row) if row else None

    def claim_pending(self, run: str, record_id: str, origin: str, content_hash: str, claim: str) -> None:
        """Mark the record as queued by this invocation (inserting it if new)."""
        self._db.execute(
            """INSERT INTO records (run, id, origin, content_hash, status, claim) VALUES (?, ?, ?, ?, 'pending', ?)
               ON CONFLICT (run, id) DO UPDATE SET status = 'pending', claim = excluded.claim,
                 origin = excluded.origin, content_hash = excluded.content_hash, updated = datetime('now')""",
            (run, record_id, origin, content_hash, claim))

    def record_failure(self, run: str, record_id: str, origin: str, reason: str, kind: str, *,
                       content_hash: str = "", claim: str | None = None, attempted: bool = False) -> None:
        """A record that failed (at input or extraction); a done record is never overwritten."""
        self._db.execute(
            """INSERT INTO records (run, id, origin, content_hash, status, kind, reason, attempts, claim)
               VALUES (?, ?, ?, ?, 'failed', ?, ?, ?, ?)
               ON CONFLICT (run, id) DO UPDATE SET status = 'failed', kind = excluded.kind,
                 reason = excluded.reason, attempts = records.attempts + excluded.attempts,
                 claim = excluded.claim, updated = datetime('now')
               WHERE records.status != 'done'""",
            (run, record_id, origin, content_hash, kind, reason, int(attempted), claim))

    def save_result(self, run: str, record_id: str, result_json: str, *, prompt_tokens: int,
                    completion_tokens: int, calls: int, wall_s: float) -> None:
        self._db.execute(
            """UPDATE records SET status = 'done', result = ?, kind = NULL, reason = NULL,
                 attempts = attempts + 1, prompt_tokens = ?, completion_tokens = ?, calls = ?, wall_s = ?,
                 updated = datetime('now')
               WHERE run = ? AND id = ?""",
            (result_json, prompt_tokens, completion_tokens, calls, wall_s, run, record_id))

    def counts(self, run: str) -> RunCounts:
        row = self._db.execute("SELECT config FROM runs WHERE key = ?", (run,)).fetchone()
        counts = RunCounts(key=run, config=json.loads(row[0]) if row else {}, reasons={})
        for status, n, prompt, completion, calls, wall in self._db.execute(
                """SELECT status, COUNT(*), SUM(prompt_tokens), SUM(completion_tokens), SUM(calls), SUM(wall_s)
                   FROM records WHERE run = ? GROUP BY status""", (run,)):
            setattr(counts, status, n)
            counts.prompt_tokens += prompt or 0
            counts.completion_tokens += completion or 0
            counts.calls += calls or 0
            counts.wall_s += wall or 0.0
        (counts.partial,) = self._db.execute(
            """SELECT COUNT(*) FROM records WHERE run = ? AND status = 'done'
               AND json_extract(result, '$.partial') = 1""", (run,)).fetchone()
        for reason, n in self._db.execute(
                """SELECT reason, COUNT(*) FROM records WHERE run = ? AND status = 'failed'
                   GROUP BY reason ORDER BY COUNT(*) DESC""", (run,)):
            counts.reasons[reason or "unknown"] = n
        return counts

    def runs(self) -> list[str]:
        """Run keys, most recently started first."""
        return [key for (key,) in self._db.execute(
            "SELECT key FROM runs ORDER BY last_started DESC, created DESC")]

    def results(self, run: str) -> Iterator[str]:
        """Result JSON of the done records, in the order they were first read."""
        for (result,) in self._db.execute(
                "SELECT result FROM records WHERE run = ? AND status = 'done' ORDER BY rowid", (run,)):
            yield result

    def failures(self, run: str) -> Iterator[dict[str, Any]]:
        for record_id, origin, kind, reason, attempts in self._db.execute(
                """SELECT id, origin, kind, reason, attempts FROM records
                   WHERE run = ? AND status = 'failed' ORDER BY rowid""", (run,)):
            yield {"id": record_id, "origin": origin, "kind": kind, "reason": reason, "attempts": attempts}
