"""Batch extraction: stream records in, extract them concurrently, keep every outcome in the run store.

One producer reads the inputs (in a thread, one record at a time) and queues the records the run
still needs; ``concurrency`` workers extract them and commit each outcome as it arrives. The queue is
bounded, so memory stays flat whatever the archive's size. Every record read ends as ``done`` or
``failed`` with its reason; a rerun of the same command skips what is done (the run key holds the
model, prompts, schema and steps, so a change starts a new run instead of mixing results).
"""

from __future__ import annotations

import asyncio
import queue
import threading
import time
import uuid
from collections import deque
from collections.abc import AsyncIterator, Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import openai

from extractor.archive.registry import update_registry
from extractor.batch.batch_api import (
    BATCH_PRICE_FACTOR,
    ApiStore,
    BatchApi,
    BatchProgress,
    FileLimits,
    PollPolicy,
    collect,
    split_files,
    wait_for,
)
from extractor.batch.export import ExportPaths, export_run
from extractor.batch.pricing import estimate_cost
from extractor.batch.records import Outcome, default_concurrency, extract_record, run_key
from extractor.batch.sources import InputFailure, InputRecord, SourceOptions, read_inputs
from extractor.batch.store import BatchLock, RunCounts, RunStore
from extractor.call.client import response_cache
from extractor.call.endpoint import Endpoint, resolve_endpoint
from extractor.call.limits import RequestLimiter
from extractor.call.offline import CaptureTransport, ReplayTransport
from extractor.call.send import LOST, SALVAGED
from extractor.engine import Extractor
from extractor.errors import ConfigError
from extractor.linguistic.nlp import ParseWorkers, load_pipeline, parse_ahead
from extractor.plan.options import PipelineOptions
from extractor.schemas import ArticleExtraction
from extractor.settings import ENGINES, PARSE_PROCESSES_AFTER, PARSE_WINDOW, cache_dir, default_parse_processes

Inputs = Iterable[str | Path | Mapping[str, Any] | InputRecord]


@dataclass
class BatchOptions:
    """How a batch runs; the model endpoint itself is an ``Endpoint`` (see ``resolve_endpoint``)."""

    concurrency: int | None = None
    rpm: float | None = None
    tpm: float | None = None
    retry_failed: bool = False
    cache: bool = True
    cache_path: Path | None = None
    steps: tuple[str, ...] | None = None
    """``None``: the backend's questions (``BACKEND_STEPS``); ``()``: rules only."""
    keep_partial: bool = False
    """Keep a record whose model step failed after its re-asks, marked ``partial`` (see
    ``PipelineOptions.keep_partial``); by default it is a failure of kind ``model``."""
    sources: SourceOptions = field(default_factory=SourceOptions)
    engine: str = "local"
    """``local`` (this process) or ``ray`` (Ray Data actor workers: ``extractor.batch.ray_engine``)."""
    ray_workers: int = 2
    """Actor workers with the Ray engine (each with its own client; ``rpm``/``tpm`` are split)."""
    batch_api: bool = False
    """Send the model calls through the OpenAI Batch API (half the price, answers within 24 h)
    instead of online; the rest of each article runs here."""
    poll: PollPolicy = field(default_factory=PollPolicy)
    file_limits: FileLimits = field(default_factory=FileLimits)
    parse_processes: int | None = None
    """spaCy worker processes parsing the next records once the batch is past
    ``PARSE_PROCESSES_AFTER`` records (0: always a thread of this process; ``None``:
    ``default_parse_processes()``). A script using them needs the ``if __name__ == "__main__":``
    guard, as for any ``multiprocessing`` use."""


@dataclass
class BatchCounters:
    """Live counters of this invocation (the progress bar reads them after each record)."""

    read: int = 0
    done: int = 0
    failed: int = 0
    already_done: int = 0
    not_retried: int = 0
    duplicates: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    cache_hits: int = 0
    throttled: int = 0
    started: float = field(default_factory=time.monotonic)
    backend: str = ""
    model: str = ""
    price_factor: float = 1.0
    """Share of the online price these requests cost (the Batch API: half)."""
    in_batch: int = 0
    """Records already submitted to a batch by an earlier invocation, not read again."""
    batches: BatchProgress | None = None
    """The Batch API's progress while this invocation waits for its batches."""

    @property
    def elapsed_s(self) -> float:
        return time.monotonic() - self.started

    @property
    def per_second(self) -> float:
        return (self.done + self.failed) / self.elapsed_s if self.elapsed_s > 0 else 0.0

    @property
    def cost(self) -> float | None:
        cost = estimate_cost(self.backend, self.model, self.prompt_tokens, self.completion_tokens)
        return None if cost is None else cost * self.price_factor


@dataclass
class BatchSummary:
    """The end of a ``extract_many`` call: this invocation's counters, the run's totals, the files."""

    out_dir: Path | None
    run: str
    counters: BatchCounters
    totals: RunCounts | None
    outputs: ExportPaths | None


def _record_fields(record: InputRecord) -> dict[str, Any]:
    return {"id": record.id, "text": record.text, "origin": record.origin, "published": record.published,
            "title": record.title, "url": record.url, "source": record.source}


def make_extractor(options: BatchOptions, endpoint: Endpoint | None = None, **endpoint_args: Any
                   ) -> tuple[Extractor, RequestLimiter]:
    """The batch's extractor: the response cache switched on (unless disabled) and one request
    limiter shared by every article. The linguistic pipeline is loaded first, so a missing or
    unverified one stops the run with its reason before any record is claimed."""
    load_pipeline()
    endpoint = endpoint or resolve_endpoint(**endpoint_args)
    if options.cache and not endpoint.response_cache:
        path = options.cache_path or cache_dir() / "responses.sqlite"
        endpoint = replace(endpoint, response_cache=str(path))
    limiter = RequestLimiter(options.concurrency or default_concurrency(endpoint), options.rpm, options.tpm,
                             backoff_s=endpoint.retry.initial_s, max_pause_s=endpoint.retry.max_wait_s)
    pipeline = PipelineOptions(steps=options.steps, keep_partial=options.keep_partial)
    return Extractor(endpoint, options=pipeline, limiter=limiter), limiter


class _ReadAhead:
    """The input read in a thread into a bounded buffer, so the event loop takes every record
    already read at once: one thread hop a record left the workers waiting for input while the
    loop was busy (about 30 records a second at 32 in flight). Exceptions from the input are
    raised in the loop, in order."""

    _END = object()

    def __init__(self, items: Iterable[Any], buffered: int) -> None:
        self._buffer: queue.Queue[Any] = queue.Queue(maxsize=buffered)
        self._stopped = threading.Event()
        self._ready: deque[Any] = deque()
        self._thread = threading.Thread(target=self._read, args=(iter(items),), daemon=True,
                                        name="extractor-read")
        self._thread.start()

    def _read(self, items: Iterator[Any]) -> None:
        try:
            for item in items:
                if not self._put(item):
                    return
        except BaseException as exc:  # noqa: BLE001 - re-raised in the event loop
            self._put(exc)
            return
        self._put(self._END)

    def _put(self, item: Any) -> bool:
        while not self._stopped.is_set():
            try:
                self._buffer.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def __aiter__(self) -> "_ReadAhead":
        return self

    async def __anext__(self) -> Any:
        if not self._ready:
            self._ready.append(await asyncio.to_thread(self._buffer.get))
            while True:
                try:
                    self._ready.append(self._buffer.get_nowait())
                except queue.Empty:
                    break
        item = self._ready.popleft()
        if item is self._END:
            self._ready.appendleft(item)
            raise StopAsyncIteration
        if isinstance(item, BaseException):
            raise item
        return item

    def stop(self) -> None:
        """Let the reading thread end (the batch stopped before the input did)."""
        self._stopped.set()


class _Batch:
    """One invocation over ``inputs``: producer, workers and (with an output directory) the store."""

    @classmethod
    def create(cls, inputs: Inputs, out_dir: str | Path | None, options: BatchOptions | None,
               endpoint: Endpoint | None, on_progress: Callable[[BatchCounters, Outcome | None], None] | None,
               endpoint_args: dict[str, Any]) -> "_Batch":
        options = options or BatchOptions()
        batch_fields = {name for name in BatchOptions.__dataclass_fields__}
        overrides = {k: endpoint_args.pop(k) for k in list(endpoint_args) if k in batch_fields}
        if overrides.get("steps") is not None:
            overrides["steps"] = tuple(overrides["steps"])
        options = replace(options, **overrides)
        lock = BatchLock(out_dir) if out_dir is not None else None
        try:
            extractor, limiter = make_extractor(options, endpoint, **endpoint_args)
        except BaseException:
            if lock is not None:
                lock.release()
            raise
        store = RunStore(out_dir, lock=lock) if out_dir is not None else None
        return cls(inputs, store, extractor, limiter, options, on_progress)

    def __init__(self, inputs: Inputs, store: RunStore | None, extractor: Extractor, limiter: RequestLimiter,
                 options: BatchOptions, on_progress: Callable[[BatchCounters, Outcome | None], None] | None):
        self.inputs = inputs
        self.store = store
        self.extractor = extractor
        self.limiter = limiter
        self.options = options
        self.on_progress = on_progress
        self.run = run_key(extractor)
        self.claim = uuid.uuid4().hex
        self.counters = BatchCounters(backend=extractor.endpoint.backend, model=extractor.endpoint.model)
        self._processes = default_parse_processes() if options.parse_processes is None else options.parse_processes
        self.parser: ParseWorkers | None = None
        self._parsing: deque[tuple[asyncio.Future[Any], list[InputRecord]]] = deque()
        self.cache = response_cache(extractor.endpoint)
        self._cache_hits_before = self.cache.hits if self.cache else 0
        if store is not None:
            store.begin_run(self.run, extractor.fingerprint())

    async def finish(self) -> BatchSummary:
        """Place the run's actors in the archive registry, then write the output files from the store
        (nothing to do without one)."""
        if self.store is None:
            return BatchSummary(None, self.run, self.counters, None, None)
        update_registry(self.store.directory, self.run)
        outputs = export_run(self.store, self.run)
        return BatchSummary(self.store.directory, self.run, self.counters, self.store.counts(self.run), outputs)

    def close(self) -> None:
        if self.parser is not None:
            self.parser.close()
        self.extractor.close()
        if self.store is not None:
            self.store.close()

    async def outcomes(self) -> AsyncIterator[Outcome]:
        workers = self.limiter.concurrency
        queue: asyncio.Queue[InputRecord | None] = asyncio.Queue(maxsize=workers * 2)
        results: asyncio.Queue[Outcome | None] = asyncio.Queue(maxsize=workers * 2)
        tasks = [asyncio.create_task(self._produce(queue, results, workers))]
        tasks += [asyncio.create_task(self._work(queue, results)) for _ in range(workers)]
        running = workers
        try:
            while running:
                outcome = await results.get()
                if outcome is None:
                    running -= 1
                    continue
                self._count(outcome)
                yield outcome
            await asyncio.gather(*tasks)
        finally:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)

    async def _produce(self, queue: asyncio.Queue[InputRecord | None], results: asyncio.Queue[Outcome | None],
                       workers: int) -> None:
        reader = _ReadAhead(read_inputs(self.inputs, self.options.sources), PARSE_WINDOW * 4)
        window: list[InputRecord] = []
        try:
            async for item in reader:
                self.counters.read += 1
                if isinstance(item, InputFailure):
                    outcome = self._input_failure(item)
                    if outcome is not None:
                        await results.put(outcome)
                elif self._admit(item):
                    window.append(item)
                    if len(window) >= PARSE_WINDOW or queue.empty():
                        await self._hand_over(window, queue)
            await self._hand_over(window, queue, last=True)
        finally:
            reader.stop()
            for _ in range(workers):
                await queue.put(None)

    async def _hand_over(self, window: list[InputRecord], queue: asyncio.Queue[InputRecord | None],
                         last: bool = False) -> None:
        """Start parsing the window's records together (``nlp.pipe``, off the event loop: in worker
        processes, else a thread), then queue the records of the windows parsed, in reading order.
        A window fills while the workers are busy and is handed over at once when they run dry;
        as many windows parse at once as there are parse processes."""
        if window:
            self._parsing.append((self._start_parse(window), list(window)))
            window.clear()
        while self._parsing and (last or len(self._parsing) > self._windows_parsing or self._parsing[0][0].done()
                                 or queue.empty()):
            parsing, records = self._parsing.popleft()
            try:
                await parsing
            except Exception:  # noqa: BLE001 - parsing ahead only saves time; each record is parsed again
                pass           # in its own extraction, where a failure is recorded with its reason
            for record in records:
                await queue.put(record)

    @property
    def _windows_parsing(self) -> int:
        """How many windows parse at once: one per parse process, one in a thread before they start."""
        return max(1, self._processes) if self.parser is not None else 1

    def _start_parse(self, records: list[InputRecord]) -> asyncio.Future[None]:
        """Start parsing a window of records: in worker processes once past the first records."""
        if self.parser is None and self._processes > 0 and self.counters.read > PARSE_PROCESSES_AFTER:
            self.parser = ParseWorkers(self._processes)
        return asyncio.ensure_future(self._parse([r.text for r in records]))

    async def _parsed_ahead(self, records: Iterator[InputRecord]) -> AsyncIterator[InputRecord]:
        """The records in order, for work one at a time, while the next windows are parsed (as many
        at once as there are parse processes): the Batch API's planning and finishing."""
        ahead: deque[tuple[asyncio.Future[None], list[InputRecord]]] = deque()
        window: list[InputRecord] = []

        async def oldest() -> list[InputRecord]:
            parsing, parsed = ahead.popleft()
            try:
                await parsing
            except Exception:  # noqa: BLE001 - parsing ahead only saves time; each record is parsed again
                pass           # in its own extraction, where a failure is recorded with its reason
            return parsed

        for record in records:
            window.append(record)
            if len(window) >= PARSE_WINDOW:
                ahead.append((self._start_parse(window), window))
                window = []
                while len(ahead) > self._windows_parsing:
                    for parsed in await oldest():
                        yield parsed
        if window:
            ahead.append((self._start_parse(window), window))
        while ahead:
            for parsed in await oldest():
                yield parsed

    async def _parse(self, texts: list[str]) -> None:
        """Parse ahead in a worker process; in a thread without workers or when a worker failed."""
        if self.parser is not None:
            try:
                packed = await asyncio.wrap_future(self.parser.submit(texts))
            except Exception:  # noqa: BLE001 - a lost worker only costs the parse in this process
                pass
            else:
                self.parser.keep(texts, packed)
                return
        await asyncio.to_thread(parse_ahead, texts)

    def _admit(self, record: InputRecord) -> bool:
        """Queue the record unless this run already has it (done, failed and not retried, or read twice)."""
        if self.store is None:
            return True
        state = self.store.state(self.run, record.id)
        if state is not None:
            if state.claim == self.claim:
                if state.content_hash == record.content_hash:
                    self.counters.duplicates += 1
                    return False
                self._input_failure(InputFailure(
                    f"{record.id}#{record.content_hash.removeprefix('art_')[:8]}", record.origin,
                    f"duplicate id {record.id!r} with a different text", record.content_hash))
                return False
            if state.content_hash == record.content_hash:
                if state.status == "done":
                    self.counters.already_done += 1
                    return False
                if state.status == "failed" and not self.options.retry_failed:
                    self.counters.not_retried += 1
                    return False
        self.store.claim_pending(self.run, record.id, record.origin, record.content_hash, self.claim)
        return True

    def _input_failure(self, failure: InputFailure) -> Outcome | None:
        if self.store is not None:
            state = self.store.state(self.run, failure.id)
            if state is not None and state.claim == self.claim:
                failure = InputFailure(f"{failure.id}#{self.counters.read}", failure.origin,
                                       f"duplicate id {failure.id!r}: {failure.reason}", failure.content_hash)
            elif state is not None and state.status == "done":
                self.counters.already_done += 1
                return None
            self.store.record_failure(self.run, failure.id, failure.origin, failure.reason, "input",
                                      content_hash=failure.content_hash, claim=self.claim)
        return Outcome(failure.id, failure.origin, error=failure.reason, kind="input")

    async def _work(self, queue: asyncio.Queue[InputRecord | None], results: asyncio.Queue[Outcome | None]) -> None:
        try:
            while (record := await queue.get()) is not None:
                outcome = await self._extract(record)
                self._save(record, outcome)
                await results.put(outcome)
        finally:
            await results.put(None)

    async def _extract(self, record: InputRecord, extractor: Extractor | None = None) -> Outcome:
        return await extract_record(extractor or self.extractor, record)

    def _save(self, record: InputRecord, outcome: Outcome, content_hash: str | None = None) -> None:
        if self.store is None:
            return
        if outcome.result is not None:
            usage = outcome.result.provenance.usage
            self.store.save_result(self.run, record.id, outcome.result.model_dump_json(),
                                   prompt_tokens=usage.prompt_tokens, completion_tokens=usage.completion_tokens,
                                   calls=usage.calls, wall_s=outcome.result.provenance.wall_time_s)
        else:
            self.store.record_failure(self.run, record.id, record.origin, outcome.error or "unknown error",
                                      outcome.kind or "internal", content_hash=content_hash or record.content_hash,
                                      claim=self.claim, attempted=outcome.kind != "input")

    def all_outcomes(self) -> AsyncIterator[Outcome]:
        """The outcomes of this invocation by the engine the options choose."""
        if self.options.engine not in ENGINES:
            raise ConfigError(f"unknown engine {self.options.engine!r}: {' or '.join(ENGINES)}")
        if self.options.batch_api and self.options.engine == "ray":
            raise ConfigError("--batch-api and --engine ray are two ways to scale out: choose one")
        if self.options.batch_api:
            return self.batch_api_outcomes()
        return self.ray_outcomes() if self.options.engine == "ray" else self.outcomes()

    async def batch_api_outcomes(self) -> AsyncIterator[Outcome]:
        """``--batch-api``: plan each article here and capture its requests, submit them in files
        within the limits, wait for the batches, then finish every record whose answers are all in
        through the online path's own validation and grounding (replayed, no re-ask). Records that
        failed earlier are retried online with ``retry_failed``."""
        if self.store is None:
            raise ConfigError("the Batch API needs an output directory: its state lives in the run store")
        endpoint = self.extractor.endpoint
        if endpoint.backend == "local":
            raise ConfigError("--batch-api needs a hosted endpoint with the Batch API (--base-url, --model), "
                              "not the embedded model")
        self.counters.price_factor = BATCH_PRICE_FACTOR
        api_store = ApiStore(self.store.directory, self.run)
        client = openai.AsyncOpenAI(api_key=endpoint.api_key, base_url=endpoint.base_url, max_retries=3,
                                    timeout=endpoint.timeout_s)
        offline = replace(endpoint, response_cache=None)
        online: list[InputRecord] = []
        try:
            async for outcome in self._capture_all(api_store, offline, online):
                yield outcome
            api = BatchApi(client, self.run)
            for ids, content in split_files(api_store.queued_lines(), self.options.file_limits):
                name = f"extractor-{self.run}-{uuid.uuid4().hex[:8]}.jsonl"
                api_store.uploaded(await api.upload(name, content), name, ids, len(content))
            for file_id in api_store.files_without_batch():
                api_store.submitted(file_id, await api.create(file_id))
            for batch in await wait_for(api, api_store, self.options.poll, self._batch_progress):
                await collect(api, api_store, batch)
            async for outcome in self._finish_answered(api_store, offline):
                yield outcome
        finally:
            api_store.close()
            await client.close()
        if online:
            self.inputs = online
            async for outcome in self.outcomes():
                yield outcome

    async def _capture_all(self, api_store: ApiStore, offline: Endpoint,
                           online: list[InputRecord]) -> AsyncIterator[Outcome]:
        """Read the inputs; queue each new record's captured requests (one with no model call is done
        here). The records are planned one at a time while the next ones are parsed ahead."""
        capture = CaptureTransport()
        capturer = Extractor(offline, options=self.extractor.options, transport=capture)
        failures: deque[Outcome] = deque()

        def in_batch_or_online(item: InputRecord) -> bool:
            """A record already in a batch waits for it; a failed one retried goes online."""
            state = self.store.state(self.run, item.id) if self.store else None
            if state is not None and state.content_hash == item.content_hash and state.claim != self.claim:
                if state.status == "failed" and self.options.retry_failed:
                    api_store.forget(item.id)
                    online.append(item)
                    return True
                if state.status == "pending" and api_store.requests_of(item.id):
                    self.counters.in_batch += 1
                    return True
            return False

        async for item in self._parsed_ahead(self._admitted(failures, in_batch_or_online)):
            while failures:
                yield self._counted(failures.popleft())
            capture.requests.clear()
            outcome = await self._extract(item, capturer)
            bodies = [body for _, _, body in capture.requests]
            if outcome.kind == "extraction" and bodies:
                api_store.add_requests(item.id, _record_fields(item), bodies)
                continue
            self._save(item, outcome)
            yield self._counted(outcome)
        while failures:
            yield self._counted(failures.popleft())

    def _admitted(self, failures: deque[Outcome],
                  diverted: Callable[[InputRecord], bool] = lambda record: False) -> Iterator[InputRecord]:
        """The records this invocation extracts, in reading order (the run store decides, as in
        ``_admit``); input failures are recorded and queued on ``failures``, and a record that
        ``diverted`` sends elsewhere is not admitted."""
        for item in read_inputs(self.inputs, self.options.sources):
            self.counters.read += 1
            if isinstance(item, InputFailure):
                if (failed := self._input_failure(item)) is not None:
                    failures.append(failed)
            elif not diverted(item) and self._admit(item):
                yield item

    def _counted(self, outcome: Outcome) -> Outcome:
        self._count(outcome)
        return outcome

    async def _finish_answered(self, api_store: ApiStore, offline: Endpoint) -> AsyncIterator[Outcome]:
        """Every record whose requests all ended: a failed request fails it; answers go through the
        online code (validation, grounding, assembly) from the stored answers."""
        replayer = Extractor(offline, options=replace(self.extractor.options, max_reasks=0, keep_partial=True),
                             transport=ReplayTransport(api_store.answer_for))

        def settled() -> Iterator[InputRecord]:
            for record_id in api_store.settled_records():
                fields = api_store.record(record_id)
                state = self.store.state(self.run, record_id) if self.store else None
                if fields is None or state is None or state.status != "pending":
                    api_store.forget(record_id)
                    continue
                yield InputRecord(**fields)

        async for record in self._parsed_ahead(settled()):
            reason = api_store.failure_of(record.id)
            if reason is not None:
                outcome = Outcome(record.id, record.origin, error=f"batch request {reason}", kind="batch")
            else:
                outcome = await self._extract(record, replayer)
                invalid = next((w for w in outcome.result.warnings if SALVAGED in w or LOST in w), None) \
                    if outcome.result is not None else None
                if invalid is not None:
                    outcome = Outcome(record.id, record.origin, error=f"batch answer did not validate: {invalid}",
                                      kind="batch")
                elif outcome.kind == "extraction":
                    outcome = replace(outcome, kind="batch")
            self._save(record, outcome)
            api_store.forget(record.id)
            yield self._counted(outcome)

    async def ray_outcomes(self) -> AsyncIterator[Outcome]:
        """``engine="ray"``: admit the records here (the run store decides what is left), stream them
        through Ray Data actor workers, and commit each outcome row into the store as it arrives."""
        from extractor.batch.ray_engine import RayOptions, extract_dataset, read_input, start_ray, write_input

        if self.store is None:
            raise ConfigError("the Ray engine commits through a run store: give an output directory")
        start_ray()
        path = self.store.directory / f".ray-input-{self.claim}.jsonl"
        input_failures: deque[Outcome] = deque()
        try:
            count = write_input((_record_fields(r) for r in self._admitted(input_failures)), path)
            for failed in input_failures:
                yield self._counted(failed)
            if count == 0:
                return
            rows = extract_dataset(
                read_input(path), endpoint=self.extractor.endpoint, steps=self.options.steps,
                run=self.run, options=RayOptions(workers=self.options.ray_workers, concurrency=self.options.concurrency,
                                                 rpm=self.options.rpm, tpm=self.options.tpm,
                                                 keep_partial=self.options.keep_partial))
            for row in rows.iter_rows():
                record = InputRecord(row["id"], "", row["origin"] or "ray")
                if row["status"] == "done":
                    outcome = Outcome(record.id, record.origin,
                                      result=ArticleExtraction.model_validate_json(row["result"]))
                else:
                    outcome = Outcome(record.id, record.origin, error=row["reason"], kind=row["kind"])
                self._save(record, outcome, row["content_hash"])
                yield self._counted(outcome)
        finally:
            path.unlink(missing_ok=True)

    def _batch_progress(self, progress: BatchProgress) -> None:
        self.counters.batches = progress
        if self.on_progress is not None:
            self.on_progress(self.counters, None)

    def _count(self, outcome: Outcome) -> None:
        counters = self.counters
        if outcome.result is not None:
            counters.done += 1
            counters.prompt_tokens += outcome.result.provenance.usage.prompt_tokens
            counters.completion_tokens += outcome.result.provenance.usage.completion_tokens
        else:
            counters.failed += 1
        counters.cache_hits = (self.cache.hits - self._cache_hits_before) if self.cache else 0
        counters.throttled = self.limiter.stats.throttled
        if self.on_progress is not None:
            self.on_progress(counters, outcome)


async def aextract_many(inputs: Inputs, out_dir: str | Path | None = None, *, options: BatchOptions | None = None,
                        endpoint: Endpoint | None = None,
                        on_progress: Callable[[BatchCounters, Outcome | None], None] | None = None,
                        **endpoint_args: Any) -> AsyncIterator[Outcome]:
    """Extract many articles concurrently, yielding each outcome as it completes.

    ``inputs``: paths (files, directories, JSONL, CSV, WARC; ``-`` for JSONL on stdin), dicts with
    ``id``/``text``/``date``/``title``/``url`` or ``InputRecord``s. With ``out_dir`` every outcome is
    committed to ``out_dir/run.sqlite`` (a rerun resumes) and the output files are written at the end.
    Keyword arguments named like ``BatchOptions`` fields (``concurrency``, ``rpm``, ``tpm``,
    ``retry_failed``, ``cache``, ``steps``) override ``options``; the rest choose the endpoint
    (``model``, ``base_url``, ``api_key``, ``backend``, ...), as for ``extract``.
    """
    batch = _Batch.create(inputs, out_dir, options, endpoint, on_progress, endpoint_args)
    try:
        async for outcome in batch.all_outcomes():
            yield outcome
        await batch.finish()
    finally:
        batch.close()


def extract_many(inputs: Inputs, out_dir: str | Path, *, options: BatchOptions | None = None,
                 endpoint: Endpoint | None = None,
                 on_progress: Callable[[BatchCounters, Outcome | None], None] | None = None,
                 **endpoint_args: Any) -> BatchSummary:
    """Run (or resume) a batch into ``out_dir`` and return its summary; see ``aextract_many``."""

    async def run() -> BatchSummary:
        batch = _Batch.create(inputs, out_dir, options, endpoint, on_progress, endpoint_args)
        try:
            async for _ in batch.all_outcomes():
                pass
            return await batch.finish()
        finally:
            batch.close()

    return asyncio.run(run())
