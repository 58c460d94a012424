"""Batch runs end to end against a model on loopback: outputs that join, a run store that resumes
(even after SIGKILL), a response cache that makes repeated work free, and every record accounted for."""

from __future__ import annotations

import asyncio
import csv
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from extractor import resolve_endpoint
from extractor.batch import BatchOptions, extract_many
from extractor.cli import app
from extractor.settings import STEPS
from tests.conftest import ROOT, SAMPLE
from tests.servers import Reply, json_reply, serve, slow, stand_in_model

QUOTE = '"We saw the fire from the window," said Anna Petrova, a resident.'


def _article(i: int) -> str:
    return (f"Officials said Ukraine shot down {i + 2} drones over Kyiv on Tuesday. {QUOTE} The army did not comment. "
            f"Dock workers went on strike at pier {i + 1}.")


def _archive(path: Path, n: int, extra: list[str] = ()) -> Path:
    lines = [json.dumps({"id": f"a{i:03d}", "date": "2025-01-07", "text": _article(i)}) for i in range(n)]
    path.write_text("\n".join([*lines, *extra]) + "\n")
    return path


def _posts(log: list[tuple[str, str]]) -> int:
    return sum(1 for method, _ in log if method == "POST")


def _run(inputs: list, out: Path, url: str, **options: object):
    config = resolve_endpoint(backend="local", base_url=url + "/v1")
    options.setdefault("steps", STEPS)  # both kinds of question, as a hosted model is asked
    return extract_many(inputs, out, endpoint=config,
                        options=BatchOptions(cache_path=out.parent / "responses.sqlite", **options))


def _csv(path: Path) -> list[dict[str, str]]:
    with path.open(newline="") as handle:
        return list(csv.DictReader(handle))


def test_results_failures_and_tables_account_for_every_record_and_join(tmp_path: Path) -> None:
    archive = _archive(tmp_path / "in.jsonl", 5, ['{"id": "broken", ', json.dumps({"id": "empty", "text": ""})])
    with serve(stand_in_model) as (url, log):
        summary = _run([archive], tmp_path / "run", url, concurrency=3)
    out = tmp_path / "run"
    results = [json.loads(line) for line in (out / "results.jsonl").read_text().splitlines()]
    failures = [json.loads(line) for line in (out / "failures.jsonl").read_text().splitlines()]
    assert [r["article"]["id"] for r in results] == ["a000", "a001", "a002", "a003", "a004"]
    assert [(f["id"], f["kind"], f["reason"]) for f in failures] == [
        (f"{archive}:6", "input", "malformed JSONL line: Expecting property name enclosed in double quotes: "
                                  "line 1 column 18 (char 17)"),
        ("empty", "input", "no text (field 'text' is missing or empty)")]
    assert (summary.totals.done, summary.totals.failed, summary.totals.pending) == (5, 2, 0)
    assert _posts(log) == 10 and summary.totals.calls == 10

    tables = out / "tables"
    articles, quotes = _csv(tables / "articles.csv"), _csv(tables / "quotes.csv")
    actors, participants = _csv(tables / "actors.csv"), _csv(tables / "event_participants.csv")
    texts = {r["article"]["id"]: r["article"]["text"] for r in results}
    assert [a["article_id"] for a in articles] == list(texts)
    direct = [q for q in quotes if q["kind"] == "direct"]
    assert [q["text"] for q in direct] == ["We saw the fire from the window"] * 5
    assert {q["speaker_name"] for q in direct} == {"Anna Petrova"}
    for quote in quotes:
        assert texts[quote["article_id"]][int(quote["start"]):int(quote["end"])] == quote["text"]
    actor_keys = {(a["article_id"], a["actor_id"]) for a in actors}
    speakers = {(q["article_id"], q["speaker_actor_id"]) for q in quotes if q["speaker_actor_id"]}
    assert speakers and speakers <= actor_keys
    named = {(p["article_id"], p["actor_id"]) for p in participants if p["actor_id"]}
    assert named and named <= actor_keys  # a participant naming an actor joins it; "3 drones" names none
    for participant in participants:
        text = texts[participant["article_id"]]
        assert text[int(participant["start"]):int(participant["end"])] == participant["text"]
    for name in ("articles", "actors", "events", "quotes", "event_participants"):
        assert pq.read_table(tables / f"{name}.parquet").num_rows == len(_csv(tables / f"{name}.csv"))
    assert str(pq.read_table(tables / "articles.parquet").schema.field("published").type) == "date32[day]"


def test_a_rerun_resumes_and_a_new_run_is_served_from_the_response_cache(tmp_path: Path) -> None:
    archive = _archive(tmp_path / "in.jsonl", 4)
    with serve(stand_in_model) as (url, log):
        _run([archive], tmp_path / "run", url)
        first = _posts(log)
        again = _run([archive], tmp_path / "run", url)
        elsewhere = _run([archive], tmp_path / "other", url)
        uncached = _run([archive], tmp_path / "third", url, cache=False)
    assert first == 8
    assert (again.counters.already_done, again.counters.done) == (4, 0)
    assert (elsewhere.counters.done, elsewhere.counters.cache_hits) == (4, 8)
    assert uncached.counters.done == 4 and _posts(log) == 16
    assert _without_timing(tmp_path / "other") == _without_timing(tmp_path / "run")


def _without_timing(out: Path) -> list[dict]:
    results = [json.loads(line) for line in (out / "results.jsonl").read_text().splitlines()]
    for result in results:
        del result["provenance"]["wall_time_s"]
    return results


def test_failed_records_are_retried_only_when_asked(tmp_path: Path) -> None:
    archive = _archive(tmp_path / "in.jsonl", 3)
    broken = {"on": True}

    def model(method: str, path: str, body: bytes) -> Reply:
        if broken["on"] and b"4 drones" in body:
            return json_reply(400, {"error": {"message": "context length exceeded", "type": "invalid_request"}})
        return stand_in_model(method, path, body)

    with serve(model) as (url, log):
        first = _run([archive], tmp_path / "run", url)
        broken["on"] = False
        calls = _posts(log)
        second = _run([archive], tmp_path / "run", url)
        calls_after_second = _posts(log)
        third = _run([archive], tmp_path / "run", url, retry_failed=True)
    assert (first.totals.done, first.totals.failed) == (2, 1)
    assert first.totals.reasons == {
        "entities call failed: Error code: 400 - {'error': {'message': 'context length exceeded', "
        "'type': 'invalid_request'}}": 1}
    assert (second.counters.not_retried, second.counters.done) == (1, 0) and calls_after_second == calls
    assert (third.counters.done, third.totals.done, third.totals.failed) == (1, 3, 0)
    row = sqlite3.connect(tmp_path / "run" / "run.sqlite").execute(
        "SELECT attempts, status FROM records WHERE id = 'a002'").fetchone()
    assert row == (2, "done")


def test_changed_steps_are_a_new_run_not_a_mix(tmp_path: Path) -> None:
    archive = _archive(tmp_path / "in.jsonl", 2)
    with serve(stand_in_model) as (url, _):
        one = _run([archive], tmp_path / "run", url, steps=("entities",))
        two = _run([archive], tmp_path / "run", url)
    assert one.run != two.run and two.counters.done == 2
    results = [json.loads(line) for line in (tmp_path / "run" / "results.jsonl").read_text().splitlines()]
    assert {tuple(sorted(r["provenance"]["prompt_templates"])) for r in results} == {("entities", "events")}


def test_duplicate_ids_are_counted_or_recorded_never_processed_twice(tmp_path: Path) -> None:
    same = json.dumps({"id": "a000", "date": "2025-01-07", "text": _article(0)})
    clash = json.dumps({"id": "a001", "text": "A different article about a flood. Officials said it rained."})
    archive = _archive(tmp_path / "in.jsonl", 2, [same, clash])
    with serve(stand_in_model) as (url, log):
        summary = _run([archive], tmp_path / "run", url)
    assert summary.counters.duplicates == 1 and _posts(log) == 4
    assert summary.totals.reasons == {"duplicate id 'a001' with a different text": 1}


def test_sample_article_in_a_batch_replays_the_recorded_model_answers(tmp_path: Path) -> None:
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / SAMPLE.name).write_text(SAMPLE.read_text())
    with serve(cassette_model()) as (url, log):
        summary = _run([tmp_path / "in"], tmp_path / "run", url)
    assert summary.totals.done == 1 and _posts(log) == 2
    result = json.loads((tmp_path / "run" / "results.jsonl").read_text())
    actor_id = next(a["id"] for a in result["actors"] if a["name"] == "Volodymyr Zelenskyy")
    quote = next(q for q in result["quotes"] if q["speaker"] == actor_id and q["kind"] == "direct")
    assert (quote["span"]["start"], quote["span"]["end"]) == (1274, 1527)
    usage = result["provenance"]["usage"]
    assert (usage["prompt_tokens"], usage["completion_tokens"], usage["calls"]) == (1456, 102, 2)
    assert usage["prompt_ms"] > 0 and usage["generation_ms"] > 0


def cassette_model():
    """Answers exactly the requests recorded in ``cassettes/sample_article.yaml`` (others: 404)."""
    import yaml

    recorded = yaml.safe_load((ROOT / "cassettes" / "sample_article.yaml").read_text())["interactions"]
    answers = [(json.loads(i["request"]["body"]), i["response"]["body"]["string"]) for i in recorded]

    def reply(method: str, path: str, body: bytes) -> Reply:
        request = json.loads(body)
        for recorded_request, answer in answers:
            if recorded_request == request:
                return 200, {"content-type": "application/json"}, answer.encode()
        return json_reply(404, {"error": {"message": "no recorded answer for this request"}})

    return reply


def test_sigkill_at_any_moment_loses_and_duplicates_nothing(tmp_path: Path) -> None:
    archive = _archive(tmp_path / "in.jsonl", 30)
    out = tmp_path / "run"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    with serve(slow(stand_in_model, 0.05)) as (url, log):
        args = [sys.executable, "-m", "extractor", "batch", str(archive), "--out", str(out), "--backend", "local",
                "--base-url", url + "/v1", "--concurrency", "2", "--no-progress",
                "--cache", str(tmp_path / "responses.sqlite")]
        process = subprocess.Popen(args, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and _done(out) < 8:
            time.sleep(0.05)
        process.send_signal(signal.SIGKILL)
        process.wait()
        killed_at = _done(out)
        assert 8 <= killed_at < 30
        finished = subprocess.run(args, env=env, capture_output=True, text=True, timeout=120)
    assert finished.returncode == 0, finished.stderr
    ids = [json.loads(line)["article"]["id"] for line in (out / "results.jsonl").read_text().splitlines()]
    assert ids == [f"a{i:03d}" for i in range(30)]
    assert _posts(log) <= 2 * 30 + 4
    assert "already done" in finished.stderr


def _done(out: Path) -> int:
    try:
        with sqlite3.connect(out / "run.sqlite", timeout=5) as db:
            return db.execute("SELECT COUNT(*) FROM records WHERE status = 'done'").fetchone()[0]
    except sqlite3.Error:
        return 0


def test_cli_reads_jsonl_from_stdin_and_status_reports_the_run(tmp_path: Path) -> None:
    runner = CliRunner()
    stdin = "\n".join(json.dumps({"id": f"s{i}", "text": _article(i)}) for i in range(3)) + "\n{oops\n"
    with serve(stand_in_model) as (url, _):
        result = runner.invoke(app, ["batch", "-", "--out", str(tmp_path / "run"), "--backend", "local",
                                     "--base-url", url + "/v1", "--no-progress",
                                     "--cache", str(tmp_path / "c.sqlite")], input=stdin)
    assert result.exit_code == 3, result.output  # the run holds a failed record: the malformed line
    status = runner.invoke(app, ["status", str(tmp_path / "run")])
    assert status.exit_code == 0
    row = next(line for line in status.output.splitlines() if line.startswith("│"))
    assert [cell.strip() for cell in row.strip("│").split("│")][:4] == ["4", "3", "1", "0"]
    assert "malformed JSONL line" in status.output


def test_async_iterator_yields_each_outcome_without_a_run_directory() -> None:
    from extractor import aextract_many

    records = [{"id": "ok", "text": _article(1)}, {"id": "blank", "text": "  "}, {"id": "bad-date", "text": _article(2),
                                                                               "date": "yesterday"}]

    async def collect(url: str) -> dict[str, str | None]:
        return {o.id: o.error async for o in aextract_many(records, concurrency=2, cache=False, steps=("entities",),
                                                             backend="local", base_url=url + "/v1")}

    with serve(stand_in_model) as (url, log):
        outcomes = asyncio.run(collect(url))
    assert outcomes == {"ok": None, "blank": "article has no text",
                        "bad-date": "publication date 'yesterday' is not an ISO date (YYYY-MM-DD)"}
    assert _posts(log) == 1


def test_a_long_run_keeps_no_per_request_objects_alive(tmp_path: Path) -> None:
    """Memory must stay flat on any archive: instructor is handed one wrapped class per response
    model (not one per request), and nothing of ours keeps per-request classes or schemas alive."""
    import gc

    from extractor.schemas import response

    archive = _archive(tmp_path / "in.jsonl", 40)
    with serve(stand_in_model) as (url, _):
        _run([archive], tmp_path / "run", url, concurrency=4, cache=False)
    gc.collect()
    assert len(response._SCHEMAS) <= 4


def test_event_triggers_and_statement_ids_reach_the_tables(tmp_path: Path) -> None:
    archive = _archive(tmp_path / "in.jsonl", 2)
    with serve(stand_in_model) as (url, _):
        _run([archive], tmp_path / "run", url)
    tables = tmp_path / "run" / "tables"
    texts = {json.loads(line)["id"]: json.loads(line)["text"] for line in archive.read_text().splitlines()}
    events = _csv(tables / "events.csv")
    assert events and {e["trigger_text"] for e in events} & {"shot", "shot down"}
    for event in events:
        assert texts[event["article_id"]][int(event["trigger_start"]):int(event["trigger_end"])] == event["trigger_text"]
    assert all(q["statement"].startswith("S") for q in _csv(tables / "quotes.csv"))


def test_an_unverified_linguistic_pipeline_stops_the_batch_before_any_record(
        tmp_path: Path, unpinned_pipeline: Path) -> None:
    result = CliRunner().invoke(app, ["batch", str(_archive(tmp_path / "in.jsonl", 2)), "--out",
                                      str(tmp_path / "run"), "--steps", "none", "--no-progress"])
    assert result.exit_code == 2 and "is not the pinned one" in " ".join(result.output.split())
    assert not (tmp_path / "run" / "run.sqlite").exists()


def test_a_rules_only_batch_parses_ahead_and_gives_what_extract_gives(tmp_path: Path) -> None:
    from extractor import extract

    archive = _archive(tmp_path / "in.jsonl", 5)
    summary = extract_many([archive], tmp_path / "run", options=BatchOptions(steps=(), concurrency=3))
    assert summary.totals.done == 5
    results = [json.loads(line) for line in (tmp_path / "run" / "results.jsonl").read_text().splitlines()]
    for i, result in enumerate(results):
        alone = extract(_article(i), published="2025-01-07", article_id=f"a{i:03d}", steps="none")
        assert [e["trigger"] for e in result["events"]] == [e.trigger.model_dump(mode="json") for e in alone.events]
        assert [a["name"] for a in result["actors"]] == [a.name for a in alone.actors]


def test_a_failure_parsing_ahead_loses_no_record(tmp_path: Path, monkeypatch) -> None:
    from spacy.language import Language

    def broken_pipe(self, texts, **kwargs):  # noqa: ANN001, ANN202
        raise RuntimeError("pipe broke")

    monkeypatch.setattr(Language, "pipe", broken_pipe)
    summary = extract_many([_archive(tmp_path / "in.jsonl", 4)], tmp_path / "run", options=BatchOptions(steps=()))
    assert (summary.totals.done, summary.totals.failed) == (4, 0)
    results = [json.loads(line) for line in (tmp_path / "run" / "results.jsonl").read_text().splitlines()]
    assert [r["article"]["id"] for r in results] == ["a000", "a001", "a002", "a003"]


def test_a_large_batch_parses_in_a_worker_process_and_gives_what_a_thread_gives(
        tmp_path: Path, request: pytest.FixtureRequest) -> None:
    """Past ``PARSE_PROCESSES_AFTER`` records read the parsing moves to a spaCy worker process:
    this process then parses only the first records, and every result is the one an in-process parse gives."""
    import multiprocessing

    from extractor.settings import PARSE_PROCESSES_AFTER, PARSE_WINDOW

    n = PARSE_PROCESSES_AFTER + 3 * 16
    archive = _archive(tmp_path / "in.jsonl", n)
    extract_many([archive], tmp_path / "thread", options=BatchOptions(steps=(), parse_processes=0))
    here = request.getfixturevalue("parsed_here")
    summary = extract_many([archive], tmp_path / "workers", options=BatchOptions(steps=(), parse_processes=1))
    assert (summary.totals.done, summary.totals.failed) == (n, 0)
    assert 0 < len(here) <= PARSE_PROCESSES_AFTER + PARSE_WINDOW < n
    assert multiprocessing.active_children() == []
    by_thread = (tmp_path / "thread" / "results.jsonl").read_text().splitlines()
    by_workers = (tmp_path / "workers" / "results.jsonl").read_text().splitlines()

    def comparable(line: str) -> dict:
        result = json.loads(line)
        result.pop("provenance")
        return result

    assert [comparable(line) for line in by_workers] == [comparable(line) for line in by_thread]


def test_a_batch_stopped_early_stops_reading_its_input() -> None:
    """The input is read in a thread ahead of the workers; leaving the outcome iterator early
    must end that thread, not leave it blocked on an endless input."""
    import threading

    from extractor import aextract_many

    def endless():
        i = 0
        while True:
            yield {"id": f"r{i}", "text": _article(i)}
            i += 1

    async def first_three() -> list[str]:
        ids = []
        async for outcome in aextract_many(endless(), steps=(), concurrency=2, parse_processes=0):
            ids.append(outcome.id)
            if len(ids) == 3:
                break
        return ids

    assert asyncio.run(first_three()) == ["r0", "r1", "r2"]
    deadline = time.monotonic() + 5
    while any(t.name == "extractor-read" for t in threading.enumerate()) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not any(t.name == "extractor-read" for t in threading.enumerate())


def test_the_batch_command_reads_records_under_the_field_names_given(tmp_path: Path) -> None:
    archive = tmp_path / "feed.jsonl"
    archive.write_text(json.dumps({"key": "k1", "body": _article(0), "when": "2025-01-07", "headline": "Drones",
                                   "link": "https://example.org/k1", "outlet": "Kyiv Daily"}) + "\n")
    result = CliRunner().invoke(app, ["batch", str(archive), "--out", str(tmp_path / "run"), "--steps", "none",
                                      "--no-progress", "--id-field", "key", "--text-field", "body",
                                      "--date-field", "when", "--title-field", "headline", "--url-field", "link",
                                      "--source-field", "outlet"])
    assert result.exit_code == 0, result.output
    (line,) = (tmp_path / "run" / "results.jsonl").read_text().splitlines()
    article = json.loads(line)["article"]
    assert (article["id"], article["published"], article["title"], article["url"], article["source"]) == \
        ("k1", "2025-01-07", "Drones", "https://example.org/k1", "Kyiv Daily")
    assert article["text"] == _article(0)
