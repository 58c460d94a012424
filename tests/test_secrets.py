"""A sentinel API key never reaches a file, a log line or an error message, even when the endpoint
echoes it back in an error body."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest

from extractor import resolve_endpoint
from extractor.batch import BatchOptions, extract_many
from extractor.call.retry import RetryPolicy
from tests.cassette_config import CASSETTES
from tests.fault_server import article_text
from tests.servers import Reply, json_reply, serve, stand_in_model

SENTINEL = "sk-SENTINEL-do-not-leak-4f7a9c2e"


def _echoing_model(method: str, path: str, body: bytes, headers: dict[str, str]) -> Reply:
    if b"Report r001." in body:
        return json_reply(401, {"error": {"message": f"Incorrect API key provided: {headers.get('authorization')}"}})
    return stand_in_model(method, path, body)


def test_sentinel_key_is_in_no_output_store_cache_log_or_error(tmp_path: Path, caplog: pytest.LogCaptureFixture,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    caplog.set_level(logging.DEBUG)
    records = [{"id": f"r{i:03d}", "text": article_text(f"r{i:03d}")} for i in range(4)]
    with serve(_echoing_model, with_headers=True) as (url, log):
        config = resolve_endpoint(base_url=url + "/v1", api_key=SENTINEL, mode="json", model="gpt-4o-mini",
                                retry=RetryPolicy(attempts=2, initial_s=0.01, jitter_s=0))
        summary = extract_many(records, tmp_path / "run", endpoint=config,
                               options=BatchOptions(cache_path=tmp_path / "cache" / "responses.sqlite"))
    assert (summary.totals.done, summary.totals.failed) == (3, 1)
    reason = next(iter(summary.totals.reasons))
    assert reason.startswith("entities call failed: Error code: 401") and "Bearer [redacted]" in reason

    written = [p for p in tmp_path.rglob("*") if p.is_file()] + list(CASSETTES.glob("*.yaml"))
    assert any(p.name == "run.sqlite" for p in written) and any(p.name == "responses.sqlite" for p in written)
    leaks = [str(p) for p in written if SENTINEL.encode() in p.read_bytes()]
    captured = capsys.readouterr()
    assert leaks == []
    assert SENTINEL not in caplog.text and "[redacted]" in caplog.text
    assert SENTINEL not in captured.out + captured.err
    failures = (tmp_path / "run" / "failures.jsonl").read_text()
    assert SENTINEL not in failures and json.loads(failures)["reason"] == reason
