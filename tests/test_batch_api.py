"""``--batch-api``: the OpenAI Batch API path against a faithful loopback Files/Batches server.

The real ``openai`` SDK talks to ``tests/batch_api_server.py``; every record ends done or failed
with its reason, nothing is submitted twice and nothing is lost or duplicated, whatever the batch
does (completes, fails some lines, expires, is cancelled, or the run is killed while it waits).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import openai
import pytest

from extractor.batch import BatchOptions, extract_many
from extractor.batch.batch_api import BatchApi, FileLimits, PollPolicy
from extractor.batch.store import RunStore
from extractor.errors import ExtractionError
from extractor.schemas import ArticleExtraction
from tests.batch_api_server import BatchApiServer
from tests.servers import completion, serve, stand_in_answer

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).parent / "data"
ARTICLES = [
    {"id": "drones", "text": (DATA / "ukraine-drones-2025-01-07.txt").read_text(encoding="utf-8"), "date": "2025-01-07"},
    {"id": "inject", "text": (DATA / "injection-2025-03-04.txt").read_text(encoding="utf-8"), "date": "2025-03-04"},
    {"id": "calm", "text": "The weather was mild.", "date": "2025-01-08"},
]
FAST_POLL = PollPolicy(first_s=0.01, factor=1.5, max_s=0.05)
ENDPOINT = dict(api_key="sk-test", model="gpt-4o-mini", backend="openai", mode="json")


def grounded(body: dict) -> dict:
    """The stand-in model's answer without the names it makes up (they are not in these articles)."""
    answer = stand_in_answer(body)
    if "other" in answer:
        answer.update(other=[], reported=[])
    return completion(body, answer)


def make_server(**limits: int) -> BatchApiServer:
    server = BatchApiServer(**limits)
    server.answer = grounded
    return server


def run(out: Path, url: str, **options: object):
    return extract_many(ARTICLES, out, options=BatchOptions(batch_api=True, poll=FAST_POLL, cache=False, **options),
                        base_url=f"{url}/v1", **ENDPOINT)


def results(out: Path) -> dict[str, ArticleExtraction]:
    lines = (out / "results.jsonl").read_text(encoding="utf-8").splitlines()
    found = [ArticleExtraction.model_validate_json(line) for line in lines]
    assert len(found) == len({r.article.id for r in found}), "a record appears twice"
    return {r.article.id: r for r in found}


def failures(out: Path) -> dict[str, str]:
    return {f["id"]: f["reason"] for f in map(json.loads, (out / "failures.jsonl").read_text().splitlines())}


def content(result: ArticleExtraction) -> dict:
    return result.model_dump(exclude={"provenance"})


def test_answers_through_the_batch_are_the_online_answers_at_half_the_price(tmp_path: Path) -> None:
    server = make_server()
    with serve(server, with_headers=True) as (url, _):
        summary = run(tmp_path / "batch", url)
        online = extract_many(ARTICLES, tmp_path / "online", options=BatchOptions(cache=False),
                              base_url=f"{url}/v1", **ENDPOINT)
    assert (server.uploads, server.creates) == (1, 1)
    by_batch, by_call = results(tmp_path / "batch"), results(tmp_path / "online")
    assert set(by_batch) == {"drones", "inject", "calm"}
    assert all(content(by_batch[i]) == content(by_call[i]) for i in by_batch)
    assert by_batch["drones"].quotes and by_batch["drones"].events
    [input_file] = [c for f, c in server.contents.items() if server.files[f]["purpose"] == "batch"]
    lines = [json.loads(line) for line in input_file.decode().splitlines()]
    assert sorted(line["custom_id"] for line in lines) == sorted(
        f"{i}#{n}" for i in by_call for n in range(by_call[i].provenance.usage.calls))
    assert summary.counters.price_factor == 0.5 and summary.counters.done == 3
    assert summary.counters.cost == pytest.approx(online.counters.cost / 2)


def test_a_failed_line_fails_its_record_only_and_retry_failed_redoes_it_online(tmp_path: Path) -> None:
    server = make_server()
    server.fail = {"drones#1": ("500", "The server had an error processing your request.")}
    with serve(server, with_headers=True) as (url, _):
        run(tmp_path, url)
        assert set(results(tmp_path)) == {"inject", "calm"}
        assert failures(tmp_path) == {
            "drones": "batch request drones#1: HTTP 500: The server had an error processing your request."}
        again = run(tmp_path, url, retry_failed=True)
    assert set(results(tmp_path)) == {"drones", "inject", "calm"} and failures(tmp_path) == {}
    assert server.creates == 1 and again.counters.done == 1
    assert server.online == results(tmp_path)["drones"].provenance.usage.calls


@pytest.mark.parametrize("outcome, code", [("expire", "batch_expired"), ("cancel", "batch_cancelled")])
def test_an_expired_or_cancelled_batch_fails_the_unanswered_records_with_the_reason(
        tmp_path: Path, outcome: str, code: str) -> None:
    server = make_server()
    server.outcome = outcome
    with serve(server, with_headers=True) as (url, _):
        run(tmp_path, url)
    done, failed = results(tmp_path), failures(tmp_path)
    assert set(done) | set(failed) == {"drones", "inject", "calm"} and not set(done) & set(failed)
    assert set(done) == {"drones"} and set(failed) == {"inject", "calm"}
    assert all(f"{code}: This request could not be executed" in reason for reason in failed.values())


def test_an_answer_that_fails_validation_fails_the_record_until_retried_online(tmp_path: Path) -> None:
    server = make_server()

    def answer(body: dict) -> dict:
        valid = json.loads(grounded(body)["choices"][0]["message"]["content"])
        if "events" in valid:
            valid = {"events": {event: "NOT_A_TYPE" for event in valid["events"]}}
        return completion(body, valid)

    server.answer = answer
    with serve(server, with_headers=True) as (url, _):
        run(tmp_path, url)
        reasons = failures(tmp_path)
        assert reasons and all(r.startswith("batch answer did not validate: events step") for r in reasons.values())
        server.answer = grounded
        run(tmp_path, url, retry_failed=True)
    assert set(results(tmp_path)) == {"drones", "inject", "calm"} and failures(tmp_path) == {}


def test_a_run_killed_while_polling_resumes_without_submitting_again(tmp_path: Path) -> None:
    server = make_server()
    server.outcome = "hold"
    out = tmp_path / "run"
    inputs = tmp_path / "articles.jsonl"
    inputs.write_text("".join(json.dumps(a) + "\n" for a in ARTICLES), encoding="utf-8")
    with serve(server, with_headers=True) as (url, log):
        command = [sys.executable, "-m", "extractor", "batch", str(inputs), "--out", str(out), "--batch-api",
                   "--poll-interval", "0.05", "--no-cache", "--no-progress", "--base-url", f"{url}/v1",
                   "--api-key", "sk-test", "--model", "gpt-4o-mini", "--backend", "openai", "--mode", "json"]
        child = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                 env={**os.environ, "PYTHONPATH": str(ROOT)})
        deadline = time.monotonic() + 120
        while sum(1 for method, path in log if method == "GET" and path.startswith("/v1/batches/")) < 3:
            assert child.poll() is None, child.stderr.read().decode()
            assert time.monotonic() < deadline, "the run never polled its batch"
            time.sleep(0.05)
        child.send_signal(signal.SIGKILL)
        child.wait()
        with RunStore(out) as store:
            counts = store.counts(store.runs()[0])
        assert (counts.done, counts.pending, counts.failed) == (0, 3, 0)
        server.outcome = "complete"
        summary = run(out, url)
    assert (server.uploads, server.creates) == (1, 1)
    assert set(results(out)) == {"drones", "inject", "calm"} and failures(out) == {}
    assert summary.counters.in_batch == 3 and summary.counters.done == 3


def test_requests_are_split_into_files_within_the_limits(tmp_path: Path) -> None:
    server = make_server()
    with serve(server, with_headers=True) as (url, _):
        run(tmp_path, url, file_limits=FileLimits(requests=1))
    assert server.uploads == server.creates == sum(r.provenance.usage.calls for r in results(tmp_path).values())
    assert set(results(tmp_path)) == {"drones", "inject", "calm"}


def test_an_upload_the_endpoint_refuses_is_an_error_naming_the_file_and_the_limit(tmp_path: Path) -> None:
    server = make_server(max_bytes=1000)
    with serve(server, with_headers=True) as (url, _), pytest.raises(ExtractionError) as refused:
        run(tmp_path, url)
    message = str(refused.value)
    assert "refused the batch input file extractor-" in message and ".jsonl (" in message
    assert "the maximum for purpose 'batch' is 1000 bytes" in message


def test_a_batch_created_before_a_kill_is_found_again_by_its_input_file(tmp_path: Path) -> None:
    server = make_server()
    with serve(server, with_headers=True) as (url, _):
        async def scenario() -> tuple[str, str]:
            client = openai.AsyncOpenAI(api_key="sk-test", base_url=f"{url}/v1")
            api = BatchApi(client, "run1")
            file_id = await api.upload("requests.jsonl", b'{"custom_id": "a#0", "method": "POST", '
                                                         b'"url": "/v1/chat/completions", "body": {"model": "m"}}\n')
            first = await api.create(file_id)
            return first, await api.create(file_id)

        import asyncio
        first, second = asyncio.run(scenario())
    assert first == second and server.creates == 1


def test_the_stand_in_refuses_what_the_batch_api_refuses(tmp_path: Path) -> None:
    server = make_server()
    line = {"custom_id": "same", "method": "POST", "url": "/v1/chat/completions", "body": {"model": "a"}}
    other = {**line, "body": {"model": "b"}}
    with serve(server, with_headers=True) as (url, _):
        client = openai.OpenAI(api_key="sk-test", base_url=f"{url}/v1")
        uploaded = client.files.create(file=("bad.jsonl", (json.dumps(line) + "\n" + json.dumps(other) + "\n").encode()),
                                       purpose="batch")
        batch = client.batches.create(input_file_id=uploaded.id, endpoint="/v1/chat/completions",
                                      completion_window="24h")
        batch = client.batches.retrieve(batch.id)
    assert batch.status == "failed"
    assert [e.code for e in batch.errors.data] == ["duplicate_custom_id", "mismatched_model"]


def test_a_large_archive_is_planned_and_finished_with_its_parsing_in_a_worker(
        tmp_path: Path, request: pytest.FixtureRequest) -> None:
    """Planning (capture) and finishing parse ahead: past ``PARSE_PROCESSES_AFTER`` records a spaCy
    worker parses both phases' windows, and every result is still the online one."""
    import multiprocessing

    from extractor.settings import PARSE_PROCESSES_AFTER, PARSE_WINDOW
    from tests.test_batch_run import _archive

    n = PARSE_PROCESSES_AFTER + 3 * PARSE_WINDOW
    archive = str(_archive(tmp_path / "in.jsonl", n))
    server = make_server()
    with serve(server, with_headers=True) as (url, _):
        extract_many([archive], tmp_path / "online", options=BatchOptions(cache=False, parse_processes=0),
                     base_url=f"{url}/v1", **ENDPOINT)
        here = request.getfixturevalue("parsed_here")
        summary = extract_many([archive], tmp_path / "batch", options=BatchOptions(
            batch_api=True, poll=FAST_POLL, cache=False, parse_processes=1), base_url=f"{url}/v1", **ENDPOINT)
    assert (summary.totals.done, summary.totals.failed, server.creates) == (n, 0, 1)
    assert 0 < len(here) <= PARSE_PROCESSES_AFTER + PARSE_WINDOW, "each phase would parse all n here"
    assert multiprocessing.active_children() == []
    by_batch, by_call = results(tmp_path / "batch"), results(tmp_path / "online")
    assert list(by_batch) == list(by_call) and all(content(by_batch[i]) == content(by_call[i]) for i in by_call)
