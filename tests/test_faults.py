"""Fault injection: every fault a model endpoint can produce has an asserted outcome, and a batch
with random faults accounts for every record exactly once."""

from __future__ import annotations

import json
import logging
import random
from pathlib import Path

import pytest

from extractor import resolve_endpoint
from extractor.batch import BatchOptions, extract_many
from extractor.call.retry import RetryPolicy
from extractor.settings import STEPS
from tests.fault_server import ALWAYS, KINDS, FaultModel, article_text
from tests.servers import serve

FAST = RetryPolicy(attempts=5, initial_s=0.01, max_wait_s=0.05, jitter_s=0, rate_limit_attempts=12)
TRANSPORT = {"429_retry_after", "429_no_retry_after", "500", "502", "503", "hang", "drop", "empty_choices",
             "empty_body", "html_body"}
FAILED_REASON = {
    "429_retry_after": "entities call failed: Error code: 429 - {'error': {'message': 'rate limited'}}",
    "429_no_retry_after": "entities call failed: Error code: 429 - {'error': {'message': 'rate limited'}}",
    "500": "entities call failed: Error code: 500 - {'error': {'message': 'upstream failure 500'}}",
    "502": "entities call failed: Error code: 502 - {'error': {'message': 'upstream failure 502'}}",
    "503": "entities call failed: Error code: 503 - {'error': {'message': 'upstream failure 503'}}",
    "hang": "entities call failed: Request timed out.",
    "drop": "entities call failed: Connection error.",
    "empty_choices": "entities call failed: the endpoint returned a completion with no choices",
    "empty_body": "entities call failed: the endpoint returned an empty response body",
    "html_body": "entities call failed: the endpoint returned a response body that is not JSON "
                 "(it begins '<html><body>502 Bad Gateway</body></html>')",
}


UNPARSEABLE = {"prose", "truncated_json"}
"""Answers that no re-ask repairs and nothing can be salvaged from (a cut events answer holds no
whole event): the step is lost."""
LOST_REASON = ("entities step produced no valid output after re-asks: 1 validation error for EntitiesResponse "
               "Invalid JSON: expected value at line 1 column 1")


@pytest.fixture(autouse=True)
def _quiet_instructor(caplog: pytest.LogCaptureFixture) -> None:
    """instructor logs every failed attempt at ERROR; these tests fail attempts on purpose."""
    caplog.set_level(logging.CRITICAL, logger="instructor")


def _batch(tmp_path: Path, plan: dict[str, tuple[str, int]], keys: list[str], quotes: int = 1,
           keep_partial: bool = False):
    model = FaultModel(plan, hang_s=1.0)
    with serve(model) as (url, _):
        config = resolve_endpoint(backend="local", base_url=url + "/v1", timeout_s=0.3, retry=FAST)
        summary = extract_many([{"id": k, "text": article_text(k, quotes)} for k in keys], tmp_path / "run",
                               endpoint=config, options=BatchOptions(cache=False, concurrency=8, steps=STEPS,
                                                                     keep_partial=keep_partial))
    results = {r["article"]["id"]: r for r in map(json.loads, (tmp_path / "run" / "results.jsonl").read_text().splitlines())}
    failures = {f["id"]: f for f in map(json.loads, (tmp_path / "run" / "failures.jsonl").read_text().splitlines())}
    return model, summary, results, failures


def _grounded(result: dict) -> bool:
    text = result["article"]["text"]
    spans = [q["span"] for q in result["quotes"]] + [m for a in result["actors"] for m in a["mentions"]]
    return all(text[s["start"]:s["end"]] == s["text"] for s in spans)


def test_a_fault_on_the_first_request_is_retried_or_reasked_and_succeeds(tmp_path: Path) -> None:
    keys = [f"r{i:03d}" for i in range(len(KINDS))]
    plan = {key: (kind, 1) for key, kind in zip(keys, KINDS)}
    model, summary, results, failures = _batch(tmp_path, plan, keys)
    assert not failures and sorted(results) == keys
    for key, kind in zip(keys, KINDS):
        assert model.seen[(key, "entities")] == 2, kind
        assert not [w for w in results[key]["warnings"] if "step" in w], kind
        assert [q["text"] for q in results[key]["quotes"] if q["kind"] == "direct"] == [
            "Line 0 of what we saw tonight"], kind
    entities_only = {"schema_violation", "foreign_quote"}
    assert dict(model.faults) == {kind: 1 if kind in entities_only else 2 for kind in KINDS}
    assert summary.counters.throttled == 4


def test_persistent_transport_faults_fail_the_record_with_their_reason_after_the_bounded_attempts(
        tmp_path: Path) -> None:
    kinds = sorted(TRANSPORT)
    keys = [f"r{i:03d}" for i in range(len(kinds))]
    model, summary, results, failures = _batch(tmp_path, {k: (kind, ALWAYS) for k, kind in zip(keys, kinds)}, keys)
    assert not results
    for key, kind in zip(keys, kinds):
        assert (failures[key]["kind"], failures[key]["reason"], failures[key]["attempts"]) == (
            "extraction", FAILED_REASON[kind], 1)
        assert model.seen[(key, "entities")] == (12 if kind.startswith("429") else 5), kind


@pytest.mark.parametrize("kind, dropped", [
    ("truncated_json", "Invalid JSON: EOF while parsing"),
    ("schema_violation", "actors Input should be an object"),
    ("foreign_quote", "'Q99' is not a quote candidate id"),
])
def test_persistently_invalid_output_keeps_only_its_valid_grounded_part(tmp_path: Path, kind: str,
                                                                        dropped: str) -> None:
    model, _, results, failures = _batch(tmp_path, {"r001": (kind, ALWAYS)}, ["r001"], quotes=2, keep_partial=True)
    result = results["r001"]
    assert result["partial"] == (kind == "truncated_json")  # its events answer is cut too: nothing to keep
    assert not failures and model.seen[("r001", "entities")] == 2
    kept = [w for w in result["warnings"] if w.startswith("entities step: kept the valid part")]
    assert len(kept) == 1 and dropped in kept[0]
    assert _grounded(result)
    assert result["provenance"]["usage"]["prompt_tokens"] == 100 * sum(model.seen.values())
    assert "Vladimir Nonexistent" not in {a["name"] for a in result["actors"]}
    assert [q["text"] for q in result["quotes"] if q["kind"] == "direct"] == [
        "Line 0 of what we saw tonight", "Line 1 of what we saw tonight"]


def test_an_answer_that_stays_unparseable_fails_the_record_as_a_model_failure(tmp_path: Path) -> None:
    model, summary, results, failures = _batch(tmp_path, {"r001": ("prose", ALWAYS)}, ["r001", "r002"])
    assert sorted(results) == ["r002"] and not results["r002"]["partial"]
    assert (failures["r001"]["kind"], failures["r001"]["attempts"]) == ("model", 1)
    assert failures["r001"]["reason"].startswith(LOST_REASON)
    assert "; events step produced no valid output after re-asks" in failures["r001"]["reason"]
    assert model.seen[("r001", "entities")] == 2 and (summary.totals.done, summary.totals.failed) == (1, 1)


def test_keep_partial_keeps_the_record_marked_partial_in_the_result_the_totals_and_the_table(tmp_path: Path) -> None:
    import pyarrow.parquet as pq

    _, summary, results, failures = _batch(tmp_path, {"r001": ("prose", ALWAYS)}, ["r001", "r002"],
                                           keep_partial=True)
    assert not failures and (results["r001"]["partial"], results["r002"]["partial"]) == (True, False)
    assert sorted(w.split(":")[0] for w in results["r001"]["warnings"] if "step" in w) == [
        "entities step produced no valid output after re-asks", "events step produced no valid output after re-asks"]
    assert [q["text"] for q in results["r001"]["quotes"] if q["kind"] == "direct"] == ["Line 0 of what we saw tonight"]
    assert (summary.totals.done, summary.totals.partial, summary.totals.failed) == (2, 1, 0)
    table = pq.read_table(tmp_path / "run" / "tables" / "articles.parquet").to_pylist()
    assert {(row["article_id"], row["partial"]) for row in table} == {("r001", True), ("r002", False)}


def test_random_faults_across_a_batch_leave_every_record_done_or_failed_exactly_once(tmp_path: Path) -> None:
    rng = random.Random(2026)
    keys = [f"r{i:03d}" for i in range(300)]
    plan = {k: (rng.choice(KINDS), rng.choice([1, 2, ALWAYS])) for k in keys if rng.random() < 0.25}
    model, summary, results, failures = _batch(tmp_path, plan, keys)
    transport_failed = {k for k, (kind, times) in plan.items() if kind in TRANSPORT and times == ALWAYS}
    lost = {k for k, (kind, times) in plan.items() if kind in UNPARSEABLE and times >= 2}
    assert lost and set(failures) == transport_failed | lost
    assert set(results) == set(keys) - transport_failed - lost
    assert summary.totals.total == 300 and summary.totals.pending == 0
    assert {failures[k]["kind"] for k in lost} == {"model"}
    assert all("step produced no valid output after re-asks: " in failures[k]["reason"] for k in lost)
    tally: dict[str, int] = {}
    for key in transport_failed:
        reason = FAILED_REASON[plan[key][0]]
        tally[reason] = tally.get(reason, 0) + 1
    assert {r: n for r, n in summary.totals.reasons.items() if "step produced no valid output" not in r} == tally
    assert all(_grounded(r) for r in results.values())
