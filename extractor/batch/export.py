"""Write a run's outputs from its store: ``results.jsonl``, ``failures.jsonl`` and flat tables.

Tables (CSV and Parquet, same columns): ``articles``, ``actors`` (with their country and sector
codes), ``events``, ``quotes``, ``event_participants`` and ``event_places`` (geocoded); across
articles, ``archive_actors``, ``story_events`` and ``story_claims``. Actor, event and quote ids are
per article, so rows join on ``(article_id, actor_id)`` / ``(article_id, event_id)``;
``archive_actor_id`` (on actors, quote speakers and event participants) is the archive-wide id of
the registry (the run updates it before it exports). Files are written under a temporary name and
renamed, so a reader (or a killed run) never sees half a file; results stream from the store in
batches, so memory does not grow with the archive.
"""

from __future__ import annotations

import csv
import json
import os
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from extractor.archive.registry import archive_actors, article_archive_ids, connect
from extractor.archive.stories import story_events
from extractor.batch.store import RunStore
from extractor.output.results import FAILURES_FILE, RESULTS_FILE
from extractor.schemas import ArticleExtraction

BATCH_ROWS = 2000
Row = dict[str, Any]

TABLES: dict[str, list[tuple[str, pa.DataType]]] = {
    "articles": [("article_id", pa.string()), ("title", pa.string()), ("url", pa.string()),
                 ("source", pa.string()), ("published", pa.date32()), ("chars", pa.int64()),
                 ("actors", pa.int64()), ("events", pa.int64()), ("quotes", pa.int64()),
                 ("warnings", pa.int64()), ("backend", pa.string()), ("model", pa.string()),
                 ("prompt_tokens", pa.int64()), ("completion_tokens", pa.int64()),
                 ("wall_time_s", pa.float64()), ("partial", pa.bool_())],
    "actors": [("article_id", pa.string()), ("actor_id", pa.string()), ("name", pa.string()),
               ("type", pa.string()), ("title", pa.string()), ("country", pa.string()), ("sector", pa.string()),
               ("aliases", pa.string()), ("mentions", pa.int64()), ("first_start", pa.int64()),
               ("first_end", pa.int64()), ("archive_actor_id", pa.string())],
    "events": [("article_id", pa.string()), ("event_id", pa.string()), ("type", pa.string()),
               ("mode", pa.string()), ("status", pa.string()), ("summary", pa.string()),
               ("date", pa.date32()), ("date_precision", pa.string()), ("date_expression", pa.string()),
               ("locations", pa.string()), ("claimed_by", pa.string()), ("killed", pa.int64()),
               ("injured", pa.int64()), ("quantities", pa.string()), ("evidence_start", pa.int64()),
               ("evidence_end", pa.int64()), ("evidence_text", pa.string()), ("trigger_start", pa.int64()),
               ("trigger_end", pa.int64()), ("trigger_text", pa.string()), ("mentions", pa.string())],
    "quotes": [("article_id", pa.string()), ("quote_id", pa.string()), ("kind", pa.string()),
               ("text", pa.string()), ("start", pa.int64()), ("end", pa.int64()),
               ("speaker_actor_id", pa.string()), ("speaker_name", pa.string()), ("cue", pa.string()),
               ("alignment", pa.string()), ("statement", pa.string()), ("archive_actor_id", pa.string())],
    "event_participants": [("article_id", pa.string()), ("event_id", pa.string()), ("actor_id", pa.string()),
                           ("text", pa.string()), ("start", pa.int64()), ("end", pa.int64()),
                           ("role", pa.string()), ("archive_actor_id", pa.string())],
    "event_places": [("article_id", pa.string()), ("event_id", pa.string()), ("name", pa.string()),
                     ("start", pa.int64()), ("end", pa.int64()), ("geonames_id", pa.int64()), ("country", pa.string()),
                     ("admin1", pa.string()), ("lat", pa.float64()), ("lon", pa.float64()), ("feature", pa.string())],
    "archive_actors": [("archive_actor_id", pa.string()), ("name", pa.string()), ("type", pa.string()),
                       ("country", pa.string()), ("sector", pa.string()),
                       ("titles", pa.string()), ("aliases", pa.string()), ("articles", pa.int64()),
                       ("first_date", pa.date32()), ("last_date", pa.date32())],
    "story_events": [("story_id", pa.string()), ("type", pa.string()), ("date", pa.date32()),
                     ("date_precision", pa.string()), ("articles", pa.int64()), ("outlets", pa.int64()),
                     ("locations", pa.string()), ("participants", pa.string()), ("statuses", pa.string()),
                     ("killed_reported", pa.string()), ("injured_reported", pa.string())],
    "story_claims": [("story_id", pa.string()), ("article_id", pa.string()), ("event_id", pa.string()),
                     ("source", pa.string()), ("published", pa.date32()), ("status", pa.string()),
                     ("claimant_archive_actor_id", pa.string()), ("claimant_name", pa.string()),
                     ("killed", pa.int64()), ("injured", pa.int64()), ("quantities", pa.string()),
                     ("evidence_text", pa.string())],
}
ARTICLE_TABLES = ("articles", "actors", "events", "quotes", "event_participants", "event_places")


@dataclass(frozen=True)
class ExportPaths:
    results: Path
    failures: Path
    tables: dict[str, tuple[Path, Path]]


def rows(result: ArticleExtraction, archive: dict[str, str] | None = None) -> dict[str, list[Row]]:
    """The flat rows of one article, table by table (``archive``: actor id → archive actor id)."""
    article, aid = result.article, result.article.id
    archive = archive or {}
    usage = result.provenance.usage
    out: dict[str, list[Row]] = {name: [] for name in ARTICLE_TABLES}
    out["articles"].append(dict(
        article_id=aid, title=article.title, url=article.url, source=article.source, published=article.published,
        chars=len(article.text), actors=len(result.actors), events=len(result.events), quotes=len(result.quotes),
        warnings=len(result.warnings), backend=result.provenance.backend, model=result.provenance.model,
        prompt_tokens=usage.prompt_tokens, completion_tokens=usage.completion_tokens,
        wall_time_s=result.provenance.wall_time_s, partial=result.partial))
    for actor in result.actors:
        first = actor.mentions[0] if actor.mentions else None
        out["actors"].append(dict(
            article_id=aid, actor_id=actor.id, name=actor.name, type=actor.type.value, title=actor.title,
            country=actor.country, sector=actor.sector, aliases="; ".join(actor.aliases), mentions=len(actor.mentions),
            first_start=first.start if first else None, first_end=first.end if first else None,
            archive_actor_id=archive.get(actor.id)))
    for event in result.events:
        when = event.date
        out["events"].append(dict(
            article_id=aid, event_id=event.id, type=event.type.value, mode=event.mode, status=event.status.value,
            summary=event.summary, date=when.value if when else None, date_precision=when.precision if when else None,
            date_expression=when.expression if when else None, locations="; ".join(p.name for p in event.locations),
            claimed_by=event.claimed_by, killed=event.casualties.killed if event.casualties else None,
            injured=event.casualties.injured if event.casualties else None,
            quantities=json.dumps([q.model_dump(exclude_none=True) for q in event.quantities]) if event.quantities
            else None, evidence_start=event.evidence.start, evidence_end=event.evidence.end,
            evidence_text=event.evidence.text, trigger_start=event.trigger.start if event.trigger else None,
            trigger_end=event.trigger.end if event.trigger else None,
            trigger_text=event.trigger.text if event.trigger else None,
            mentions=json.dumps([{"start": m.start, "end": m.end, "text": m.text} for m in event.mentions],
                                ensure_ascii=False) if event.mentions else None))
        out["event_participants"].extend(dict(article_id=aid, event_id=event.id, actor_id=p.actor_id, role=p.role,
                                              text=p.text, start=p.span.start if p.span else None,
                                              end=p.span.end if p.span else None,
                                              archive_actor_id=archive.get(p.actor_id or ""))
                                         for p in event.participants)
        out["event_places"].extend(dict(article_id=aid, event_id=event.id, name=p.name, start=p.span.start,
                                        end=p.span.end, geonames_id=p.geonames_id, country=p.country,
                                        admin1=p.admin1, lat=p.lat, lon=p.lon, feature=p.feature)
                                   for p in event.locations)
    for quote in result.quotes:
        out["quotes"].append(dict(
            article_id=aid, quote_id=quote.id, kind=quote.kind.value, text=quote.text, start=quote.span.start,
            end=quote.span.end, speaker_actor_id=quote.speaker, speaker_name=quote.speaker_name, cue=quote.cue,
            alignment=quote.span.alignment.value, statement=quote.statement,
            archive_actor_id=archive.get(quote.speaker) if quote.speaker else None))
    return out


def archive_rows(store: RunStore, run: str) -> Iterator[tuple[str, Iterable[dict[str, Any]]]]:
    """The across-archive tables' rows, streamed table by table (the registry must be up to date)."""
    con = connect(store.directory)
    try:
        def actors() -> Any:
            for a in archive_actors(con, run):
                yield dict(archive_actor_id=a.id, name=a.name, type=a.type, country=a.country, sector=a.sector,
                           titles=_counted(a.titles),
                           aliases=_counted(a.aliases), articles=a.article_count,
                           first_date=_day(a.first), last_date=_day(a.last))
        yield "archive_actors", actors()
        yield "story_events", (dict(
            story_id=s.id, type=s.type, date=_day(s.date), date_precision=s.precision, articles=len(s.articles),
            outlets=len(s.outlets), locations="; ".join(s.locations),
            participants="; ".join(f"{k} {v}" for k, v in s.participant_names.items()),
            statuses=_counted(Counter(c.status for c in s.claims)),
            killed_reported=_reported([c.killed for c in s.claims]),
            injured_reported=_reported([c.injured for c in s.claims])) for s in story_events(con, run))
        yield "story_claims", (dict(
            story_id=s.id, article_id=c.article_id, event_id=c.event_id, source=c.source, published=_day(c.published),
            status=c.status, claimant_archive_actor_id=c.claimant, claimant_name=c.claimant_name, killed=c.killed,
            injured=c.injured, quantities=json.dumps(c.quantities, ensure_ascii=False) if c.quantities else None,
            evidence_text=c.evidence) for s in story_events(con, run) for c in s.claims)
    finally:
        con.close()


def _counted(counts: Counter) -> str:
    """"Donald Trump (12); Trump (5)": every value with how often it was seen, the most frequent first."""
    return "; ".join(f"{value} ({n})" for value, n in counts.most_common())


def _reported(values: list[int | None]) -> str | None:
    """Each distinct figure the sources give, side by side ("28; 38"), never averaged."""
    distinct = list(dict.fromkeys(v for v in values if v is not None))
    return "; ".join(str(v) for v in distinct) or None


def _day(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


class _TableWriter:
    """One table as CSV and Parquet at once, appended in batches."""

    def __init__(self, name: str, directory: Path):
        self.columns = TABLES[name]
        self.schema = pa.schema(self.columns)
        self.csv_path, self.parquet_path = directory / f"{name}.csv", directory / f"{name}.parquet"
        self._csv_tmp, self._pq_tmp = _tmp(self.csv_path), _tmp(self.parquet_path)
        self._csv_file = self._csv_tmp.open("w", encoding="utf-8", newline="")
        self._csv = csv.writer(self._csv_file)
        self._csv.writerow([name for name, _ in self.columns])
        self._parquet = pq.ParquetWriter(self._pq_tmp, self.schema)
        self._pending: list[Row] = []

    def add(self, batch: list[Row]) -> None:
        self._pending.extend(batch)
        if len(self._pending) >= BATCH_ROWS:
            self.flush()

    def flush(self) -> None:
        if not self._pending:
            return
        for row in self._pending:
            self._csv.writerow(["" if row[n] is None else _csv_value(row[n]) for n, _ in self.columns])
        columns = {n: [row[n] for row in self._pending] for n, _ in self.columns}
        self._parquet.write_table(pa.table(columns, schema=self.schema))
        self._pending.clear()

    def close(self, keep: bool = True) -> None:
        """Finish both files and move them into place (``keep=False``: discard them)."""
        if keep:
            self.flush()
        self._csv_file.close()
        self._parquet.close()
        for tmp, final in ((self._csv_tmp, self.csv_path), (self._pq_tmp, self.parquet_path)):
            if keep:
                os.replace(tmp, final)
            else:
                tmp.unlink(missing_ok=True)


def export_run(store: RunStore, run: str, directory: Path | None = None) -> ExportPaths:
    """Write every output of ``run`` into ``directory`` (default: the store's directory). The archive
    columns come from the registry as it stands: ``update_registry`` first (the run does)."""
    directory = Path(directory or store.directory)
    tables_dir = directory / "tables"
    tables_dir.mkdir(parents=True, exist_ok=True)
    results_path, failures_path = directory / RESULTS_FILE, directory / FAILURES_FILE
    writers = {name: _TableWriter(name, tables_dir) for name in TABLES}
    complete = False
    con = connect(store.directory)
    try:
        with _atomic(results_path) as results:
            for line in store.results(run):
                results.write(line + "\n")
                result = ArticleExtraction.model_validate_json(line)
                for name, batch in rows(result, article_archive_ids(con, run, result.article.id)).items():
                    writers[name].add(batch)
        for name, table_rows in archive_rows(store, run):
            for row in table_rows:
                writers[name].add([row])
        complete = True
    finally:
        con.close()
        for writer in writers.values():
            writer.close(keep=complete)
    with _atomic(failures_path) as failures:
        for failure in store.failures(run):
            failures.write(json.dumps(failure, ensure_ascii=False) + "\n")
    return ExportPaths(results_path, failures_path,
                       {name: (w.csv_path, w.parquet_path) for name, w in writers.items()})


def _tmp(path: Path) -> Path:
    return path.with_name(f".{path.name}.tmp")


class _atomic:
    """A text file written under a temporary name and renamed into place when complete."""

    def __init__(self, path: Path):
        self.path = path
        self.tmp = _tmp(path)

    def __enter__(self) -> Any:
        self.handle = self.tmp.open("w", encoding="utf-8")
        return self.handle

    def __exit__(self, exc_type: object, *exc: object) -> None:
        self.handle.close()
        if exc_type is None:
            os.replace(self.tmp, self.path)
        else:
            self.tmp.unlink(missing_ok=True)


def _csv_value(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value
