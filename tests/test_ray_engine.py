"""``--engine ray``: the same run store, results and tables through Ray Data actor workers on a
local two-CPU cluster, against the loopback model; a worker killed mid-run costs nothing and
duplicates nothing."""

from __future__ import annotations

import json
import os
import signal
import sys
import threading
import time
from pathlib import Path

import pytest

ray = pytest.importorskip("ray")

from extractor.settings import STEPS
from extractor.batch import BatchOptions, extract_many  # noqa: E402
from tests.servers import completion, recording, serve, slow, stand_in_answer  # noqa: E402

ENDPOINT = dict(api_key="sk-test", model="stand-in", backend="openai", mode="json")


def articles(n: int) -> list[dict]:
    return [{"id": f"a{i}", "text": f"Officials in Town{i} said the bridge reopened on Monday. \"We are "
                                    f"relieved,\" said Mayor Ana Lopez{i}.", "date": "2025-01-07"}
            for i in range(n)] + [{"id": "empty", "text": ""}]


def grounded(method: str, path: str, body: bytes):
    if method == "GET":
        return 200, {"content-type": "application/json"}, b'{"object": "list", "data": []}'
    request = json.loads(body)
    answer = stand_in_answer(request)
    if "other" in answer:
        answer.update(other=[], reported=[])
    return 200, {"content-type": "application/json"}, json.dumps(completion(request, answer)).encode()


ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def embedded(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """The embedded-model settings with the stand-in model as its llama-server: a GGUF file, the
    server command, a cache folder, and a folder where every server launch leaves a file."""
    root = tmp_path_factory.mktemp("embedded")
    (root / "model.gguf").write_bytes(b"GGUF")
    server = root / "llama-server"
    server.write_text(f'#!/bin/sh\ncd "{ROOT}" && exec "{sys.executable}" -m tests.servers "$@"\n')
    server.chmod(0o755)
    (root / "launches").mkdir()
    return {"EXTRACTOR_LOCAL_MODEL": str(root / "model.gguf"), "EXTRACTOR_LLAMA_SERVER": str(server),
            "EXTRACTOR_CACHE_DIR": str(root / "cache"), "STAND_IN_LAUNCHES": str(root / "launches"),
            "STAND_IN_STARTUP_S": "5"}


@pytest.fixture(scope="module")
def cluster(embedded: dict[str, str]):
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False, runtime_env={"env_vars": embedded})
    yield
    ray.shutdown()


def read(out: Path) -> tuple[list[str], dict[str, str], list[str]]:
    done = [json.loads(line)["article"]["id"] for line in (out / "results.jsonl").read_text().splitlines()]
    failed = {f["id"]: f["reason"] for f in map(json.loads, (out / "failures.jsonl").read_text().splitlines())}
    tables = sorted(p.name for p in (out / "tables").glob("*.csv"))
    return done, failed, tables


def test_ray_gives_the_local_batch_results_and_tables(cluster, tmp_path: Path) -> None:
    with serve(grounded) as (url, _):
        extract_many(articles(6), tmp_path / "ray", options=BatchOptions(engine="ray", cache=False),
                     base_url=f"{url}/v1", **ENDPOINT)
        extract_many(articles(6), tmp_path / "local", options=BatchOptions(cache=False), base_url=f"{url}/v1",
                     **ENDPOINT)
    ray_done, ray_failed, ray_tables = read(tmp_path / "ray")
    local_done, local_failed, local_tables = read(tmp_path / "local")
    assert sorted(ray_done) == sorted(local_done) == [f"a{i}" for i in range(6)]
    assert ray_failed == local_failed and "empty" in ray_failed
    assert ray_tables == local_tables
    by_id = {json.loads(l)["article"]["id"]: json.loads(l) for l in (tmp_path / "ray" / "results.jsonl").read_text().splitlines()}
    local = {json.loads(l)["article"]["id"]: json.loads(l) for l in (tmp_path / "local" / "results.jsonl").read_text().splitlines()}
    assert all(by_id[i]["quotes"] == local[i]["quotes"] and by_id[i]["actors"] == local[i]["actors"] for i in local)


def test_a_rerun_on_ray_sends_only_the_articles_not_done_yet(cluster, tmp_path: Path) -> None:
    bodies: list[dict] = []
    with serve(recording(grounded, bodies)) as (url, _):
        extract_many(articles(3), tmp_path, options=BatchOptions(engine="ray", cache=False), base_url=f"{url}/v1",
                     **ENDPOINT)
        first = len(bodies)
        summary = extract_many(articles(6), tmp_path, options=BatchOptions(engine="ray", cache=False),
                               base_url=f"{url}/v1", **ENDPOINT)
    done, failed, _ = read(tmp_path)
    assert sorted(done) == [f"a{i}" for i in range(6)] and list(failed) == ["empty"]
    assert summary.counters.already_done == 3 and summary.totals.done == 6
    sent = " ".join(json.dumps(body) for body in bodies[first:])
    assert "Town3" in sent and "Town5" in sent and "Town0" not in sent and "Town2" not in sent


def test_rules_only_runs_on_ray_with_no_model(cluster, tmp_path: Path) -> None:
    extract_many(articles(3), tmp_path, options=BatchOptions(engine="ray", steps=()), base_url="http://127.0.0.1:9/v1",
                 **ENDPOINT)
    done, failed, _ = read(tmp_path)
    assert sorted(done) == ["a0", "a1", "a2"] and list(failed) == ["empty"]
    first = json.loads((tmp_path / "results.jsonl").read_text().splitlines()[0])
    assert {(q["kind"], q["text"]) for q in first["quotes"]} == {("direct", "We are relieved"),
                                                                ("indirect", "the bridge reopened on Monday")}


def _worker_pids() -> list[int]:
    """The Ray Data actor workers running our extraction (Ray names their processes after the actor)."""
    found = []
    for proc in Path("/proc").iterdir():
        try:
            if proc.name.isdigit() and b"MapBatches(_ExtractBatch)" in (proc / "cmdline").read_bytes():
                found.append(int(proc.name))
        except OSError:
            continue
    return sorted(found)


def test_a_worker_killed_mid_run_loses_and_duplicates_nothing(cluster, tmp_path: Path) -> None:
    killed: list[int] = []

    def kill_one_worker() -> None:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not killed:
            workers = _worker_pids()
            if len(workers) == 2:
                time.sleep(1.5)
                try:
                    os.kill(workers[0], signal.SIGKILL)
                except ProcessLookupError:
                    continue  # the worker ended on its own meanwhile: try the next one
                killed.append(workers[0])
            time.sleep(0.1)

    # Enough work (40 articles, 0.3 s a call) that both workers are still busy well after the second
    # has started: a worker loads spaCy and the gazetteer first, and a short run could end before it.
    with serve(slow(grounded, 0.3)) as (url, _):
        killer = threading.Thread(target=kill_one_worker)
        killer.start()
        summary = extract_many(articles(40), tmp_path, options=BatchOptions(engine="ray", cache=False, concurrency=2,
                                                                            steps=STEPS),
                               base_url=f"{url}/v1", **ENDPOINT)
        killer.join()
    done, failed, _ = read(tmp_path)
    assert killed, "no worker was killed"
    assert sorted(done) == sorted(f"a{i}" for i in range(40)) and len(done) == len(set(done))
    assert list(failed) == ["empty"] and summary.totals.done == 40


def test_the_embedded_model_runs_one_server_per_node_for_all_its_workers(
        cluster, embedded: dict[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in embedded.items():
        monkeypatch.setenv(name, value)
    summary = extract_many(articles(40), tmp_path, options=BatchOptions(engine="ray", cache=False))
    done, failed, _ = read(tmp_path)
    assert sorted(done) == sorted(f"a{i}" for i in range(40)) and list(failed) == ["empty"]
    assert summary.totals.calls >= 40
    launches = list(Path(embedded["STAND_IN_LAUNCHES"]).iterdir())
    assert len(launches) == 1, "the node's two workers must share one model server"
    assert "--alias" in launches[0].read_text() and "--parallel" in launches[0].read_text()


def test_extract_dataset_takes_any_ray_dataset_and_yields_one_keyed_row_per_article(cluster, tmp_path: Path) -> None:
    from extractor import extract_dataset

    ds = ray.data.from_items([{"id": a["id"], "text": a["text"], "published": a.get("date")} for a in articles(3)])
    extract_dataset(ds, steps=(), run="rules", **ENDPOINT, base_url="http://127.0.0.1:9/v1").write_parquet(
        str(tmp_path / "out"))
    rows = {r["id"]: r for r in ray.data.read_parquet(str(tmp_path / "out")).take_all()}
    assert sorted(rows) == ["a0", "a1", "a2", "empty"] and {r["run"] for r in rows.values()} == {"rules"}
    assert rows["empty"]["status"] == "failed" and rows["empty"]["kind"] == "input"
    result = json.loads(rows["a1"]["result"])
    assert result["article"]["published"] == "2025-01-07"
    assert [q["text"] for q in result["quotes"] if q["kind"] == "direct"] == ["We are relieved"]
