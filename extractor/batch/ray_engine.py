"""Ray Data as the engine: ``extractor batch … --engine ray`` and ``extract_dataset(ds)``.

Records stream through ``Dataset.map_batches`` into a pool of actor workers, each with its own
extractor and client; with the embedded model every node runs one model server (a named actor
pinned to the node) that its workers share; with an endpoint all workers share it and the run's
``rpm`` / ``tpm`` are split evenly between them.

Exactly once: Ray Data's actor pools restart a worker that dies and retry its batch (their
defaults: unlimited restarts and task retries);
a task's rows are only emitted when the whole task succeeded, so a retried batch replaces its
output. Every row carries its article id and the run key, and the driver commits rows into the
run store, whose primary key (run, id) makes a second row for one article impossible: a retried
task, or an article read twice, still ends as one result. ``ray`` is the optional extra
``news-extractor[ray]``.
"""

from __future__ import annotations

import asyncio
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from extractor.call.endpoint import Endpoint
from extractor.call.limits import RequestLimiter
from extractor.errors import ConfigError
from extractor.plan.options import PipelineOptions

if TYPE_CHECKING:
    import ray.data

BATCH_ROWS = 8
"""Articles a worker takes at once (its requests run concurrently within the worker's limit)."""
OUTCOME_COLUMNS = ("run", "id", "origin", "content_hash", "status", "result", "reason", "kind")


@dataclass(frozen=True)
class RayOptions:
    """How the Ray engine runs: worker actors, and the run-wide limits they share."""

    workers: int = 2
    concurrency: int | None = None
    """Requests in flight per worker (default: the endpoint's default for one batch)."""
    rpm: float | None = None
    tpm: float | None = None
    keep_partial: bool = False
    """Keep a record whose model step failed, marked ``partial`` (``PipelineOptions.keep_partial``)."""
    num_cpus_per_worker: float = 0.5
    """A worker mostly waits for the model: at most half a CPU each, and together never the whole
    cluster: one CPU stays for Ray Data's read tasks, which workers holding every CPU would starve."""


def _require_ray() -> Any:
    try:
        import ray
    except ImportError as exc:
        raise ConfigError("the Ray engine needs the optional extra: pip install 'news-extractor[ray]'") from exc
    return ray


class _NodeModelServer:
    """The embedded model's server on one node, started once and shared by that node's workers."""

    def __init__(self, endpoint: Endpoint):
        from extractor.call.connection import Connection

        self.connection = Connection(endpoint)

    def base_url(self) -> str:
        return self.connection._ready().base_url or ""


def _node_endpoint(endpoint: Endpoint, steps: tuple[str, ...] | None) -> Endpoint:
    """The endpoint a worker uses: the embedded model through its node's server (started by the
    first worker there; none for a rules-only run), else unchanged."""
    if not endpoint.needs_local_server or not PipelineOptions(steps=steps).for_backend(endpoint.backend).steps:
        return endpoint
    ray = _require_ray()
    from ray.util.scheduling_strategies import NodeAffinitySchedulingStrategy

    node = ray.get_runtime_context().get_node_id()
    server = ray.remote(_NodeModelServer).options(
        name=f"extractor-model-server-{node}", namespace="extractor", get_if_exists=True, lifetime="detached",
        num_cpus=0, scheduling_strategy=NodeAffinitySchedulingStrategy(node, soft=False)).remote(endpoint)
    return endpoint.with_base_url(ray.get(server.base_url.remote()))


class _ExtractBatch:
    """One Ray Data actor worker: an extractor and its own client, reused for every batch it gets."""

    def __init__(self, endpoint: Endpoint, steps: tuple[str, ...] | None, run: str, options: RayOptions):
        from extractor.batch.records import default_concurrency
        from extractor.engine import Extractor

        endpoint = _node_endpoint(endpoint, steps)
        share = max(1, options.workers)
        limiter = RequestLimiter(options.concurrency or default_concurrency(endpoint),
                                 options.rpm / share if options.rpm else None,
                                 options.tpm / share if options.tpm else None,
                                 backoff_s=endpoint.retry.initial_s, max_pause_s=endpoint.retry.max_wait_s)
        self.extractor = Extractor(endpoint, options=_pipeline(steps, options), limiter=limiter)
        self.run = run
        self.loop = asyncio.new_event_loop()

    def __call__(self, batch: dict[str, Any]) -> dict[str, list[Any]]:
        rows = [dict(zip(batch, values)) for values in zip(*batch.values())]
        outcomes = self.loop.run_until_complete(self._all(rows))
        return {column: [o[column] for o in outcomes] for column in OUTCOME_COLUMNS}

    async def _all(self, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return list(await asyncio.gather(*(self._one(row) for row in rows)))

    async def _one(self, row: dict[str, Any]) -> dict[str, Any]:
        from extractor.batch.records import extract_record
        from extractor.batch.sources import InputRecord

        record_id, text = str(row.get("id") or ""), row.get("text")
        origin = _text(row.get("origin")) or "ray"
        outcome = {"run": self.run, "id": record_id, "origin": origin, "content_hash": "",
                   "status": "failed", "result": None, "reason": None, "kind": None}
        if not isinstance(text, str) or not text.strip():
            return {**outcome, "reason": "no text", "kind": "input"}
        record = InputRecord(record_id, text, origin, published=_text(row.get("published")),
                             title=_text(row.get("title")), url=_text(row.get("url")), source=_text(row.get("source")))
        outcome["content_hash"] = record.content_hash
        done = await extract_record(self.extractor, record)
        if done.result is None:
            return {**outcome, "reason": done.error, "kind": done.kind}
        return {**outcome, "id": done.result.article.id, "status": "done", "result": done.result.model_dump_json()}


def _pipeline(steps: tuple[str, ...] | None, options: RayOptions) -> PipelineOptions:
    return PipelineOptions(steps=None if steps is None else tuple(steps), keep_partial=options.keep_partial)


def _text(value: Any) -> str | None:
    return str(value) if value is not None and value == value and str(value) else None


def extract_dataset(ds: "ray.data.Dataset", *, endpoint: Endpoint | None = None,
                    steps: tuple[str, ...] | None = None, run: str | None = None,
                    options: RayOptions | None = None, **endpoint_args: Any) -> "ray.data.Dataset":
    """Extract every row of ``ds`` (columns ``id``, ``text``, and optionally ``published``,
    ``title``, ``source``, ``url``) on Ray Data actor workers.

    The result is a lazy dataset of one outcome row per input row: ``run`` (the run key),
    ``id``, ``content_hash``, ``status`` (done / failed), ``result`` (the ``ArticleExtraction``
    JSON), ``reason`` and ``kind`` of a failure. Write it anywhere Ray Data writes
    (``write_parquet``); ``(run, id)`` is its key.
    """
    _require_ray()
    from ray.data import ActorPoolStrategy

    from extractor.batch.records import run_key
    from extractor.call.endpoint import resolve_endpoint
    from extractor.engine import Extractor

    options = options or RayOptions()
    endpoint = endpoint or resolve_endpoint(**endpoint_args)
    workers = max(1, options.workers)
    cpus = float(_require_ray().cluster_resources().get("CPU", workers))
    per_worker = min(options.num_cpus_per_worker, max(0.05, (cpus - 1) / workers))
    if run is None:
        run = run_key(Extractor(endpoint, options=_pipeline(steps, options)))
    return ds.map_batches(
        _ExtractBatch,
        fn_constructor_kwargs=dict(endpoint=endpoint, steps=None if steps is None else tuple(steps), run=run,
                                   options=options),
        batch_size=BATCH_ROWS, compute=ActorPoolStrategy(size=workers), num_cpus=per_worker)


def start_ray(num_cpus: int | None = None) -> Any:
    """Join the cluster at ``RAY_ADDRESS`` if set, else start a local one (``num_cpus`` CPUs)."""
    ray = _require_ray()
    if not ray.is_initialized():
        if os.environ.get("RAY_ADDRESS"):
            ray.init(address=os.environ["RAY_ADDRESS"], log_to_driver=False)
        else:
            ray.init(num_cpus=num_cpus, include_dashboard=False, log_to_driver=False)
    return ray


INPUT_FIELDS = ("id", "text", "origin", "published", "title", "url", "source")


def read_input(path: Path) -> "ray.data.Dataset":
    """The admitted records back as a dataset, every field a string (no date or number guessed).
    The file is on the driver's disk, so its read tasks run on the driver's node; the blocks then
    travel to workers on any node through Ray's object store."""
    ray = _require_ray()
    import pyarrow as pa
    from pyarrow import json as pajson
    from ray.util.scheduling_strategies import NodeAffinitySchedulingStrategy

    schema = pa.schema([(name, pa.string()) for name in INPUT_FIELDS])
    here = NodeAffinitySchedulingStrategy(ray.get_runtime_context().get_node_id(), soft=False)
    return ray.data.read_json(str(path), parse_options=pajson.ParseOptions(explicit_schema=schema),
                              ray_remote_args={"scheduling_strategy": here})


def write_input(records: Iterator[dict[str, Any]], path: Path) -> int:
    """The admitted records as JSONL (streamed: the driver holds none of them), for ``read_json``."""
    count = 0
    with path.open("w", encoding="utf-8") as handle:
        for record in records:
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")
            count += 1
    return count
