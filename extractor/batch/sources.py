"""Stream input records from files, directories, JSONL, CSV, WARC archives and standard input.

Every item read becomes either an ``InputRecord`` or an ``InputFailure`` with its reason (no text,
undecodable bytes, too large, malformed JSONL line, HTML without an article body), so a bad record
is reported and the run goes on. Nothing is loaded whole: files are read one record at a time.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import os
import sys
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

from extractor.batch.html import article_from_html
from extractor.errors import InputError
from extractor.input.article import check_text
from extractor.schemas import Article
from extractor.settings import MAX_ARTICLE_CHARS
DIRECTORY_SUFFIXES = {".txt", ".json", ".html", ".htm"}
DATE_FALLBACKS = ("published", "published_at", "publication_date", "date")


@dataclass(frozen=True)
class FieldMap:
    """Names of the fields holding each value in JSON, JSONL and CSV records."""

    id: str = "id"
    text: str = "text"
    date: str = "date"
    title: str = "title"
    url: str = "url"
    source: str = "source"


@dataclass(frozen=True)
class InputRecord:
    """One article to extract. ``origin`` says where it came from (file, line or WARC offset)."""

    id: str
    text: str
    origin: str
    published: str | None = None
    title: str | None = None
    url: str | None = None
    source: str | None = None

    @property
    def content_hash(self) -> str:
        return Article.content_id(self.text)


@dataclass(frozen=True)
class InputFailure:
    """An input that cannot become an article, with the reason."""

    id: str
    origin: str
    reason: str
    content_hash: str = ""


Item = InputRecord | InputFailure


@dataclass
class SourceOptions:
    fields: FieldMap = field(default_factory=FieldMap)
    max_chars: int = MAX_ARTICLE_CHARS
    format: str = "auto"


def read_inputs(inputs: Iterable[str | Path | Mapping[str, Any] | InputRecord],
                options: SourceOptions | None = None) -> Iterator[Item]:
    """Every record of every input, in order: paths (``-`` is JSONL on stdin), dicts or records."""
    options = options or SourceOptions()
    for entry in inputs:
        if isinstance(entry, InputRecord):
            yield _checked(entry, options)
        elif isinstance(entry, Mapping):
            yield _from_mapping(entry, "python", options)
        elif str(entry) == "-":
            yield from _guarded(_jsonl(sys.stdin.buffer, "stdin", options), "stdin")
        else:
            yield from _guarded(_read_path(Path(entry), options), str(entry))


def _guarded(items: Iterator[Item], origin: str) -> Iterator[Item]:
    """An input that breaks mid-way (unreadable file, corrupt gzip or WARC) ends as one recorded
    failure naming the cause; the records read before it stand and the next input is read."""
    count = 0
    try:
        for item in items:
            count += 1
            yield item
    except (OSError, EOFError, ValueError) as exc:
        yield InputFailure(f"{origin}#after-{count}", origin,
                           f"input could not be read past record {count}: {type(exc).__name__}: {exc}")


def _read_path(path: Path, options: SourceOptions) -> Iterator[Item]:
    if path.is_dir():
        yield from _directory(path, options)
        return
    if not path.exists():
        yield InputFailure(id=str(path), origin=str(path), reason=f"input {path} does not exist")
        return
    kind = options.format if options.format != "auto" else _format_of(path)
    if kind == "jsonl":
        with (gzip.open(path, "rb") if path.suffix.lower() == ".gz" else path.open("rb")) as handle:
            yield from _jsonl(handle, str(path), options)
    elif kind == "csv":
        yield from _csv(path, options)
    elif kind == "warc":
        yield from _warc(path, options)
    else:
        yield from _one_file(path, path.name, options)


def _format_of(path: Path) -> str:
    name = path.name.lower()
    if name.endswith((".jsonl", ".ndjson", ".jsonl.gz")):
        return "jsonl"
    if name.endswith(".csv"):
        return "csv"
    if name.endswith((".warc", ".warc.gz", ".arc", ".arc.gz")):
        return "warc"
    return "file"


def _directory(root: Path, options: SourceOptions) -> Iterator[Item]:
    """Files below ``root`` in sorted order (stable across runs); ids are the relative paths."""
    for folder, dirs, files in os.walk(root):
        dirs.sort()
        for name in sorted(files):
            path = Path(folder) / name
            if path.suffix.lower() in DIRECTORY_SUFFIXES:
                yield from _one_file(path, path.relative_to(root).as_posix(), options)


def _one_file(path: Path, record_id: str, options: SourceOptions) -> Iterator[Item]:
    origin = str(path)
    size = path.stat().st_size
    if size > options.max_chars * 4:
        yield InputFailure(record_id, origin, f"file is {size:,} bytes; the article limit is "
                                              f"{options.max_chars:,} characters")
        return
    data = path.read_bytes()
    text = _decode(data)
    if text is None:
        yield InputFailure(record_id, origin, _undecodable(data))
        return
    suffix = path.suffix.lower()
    if suffix == ".json":
        yield from _json_document(text, record_id, origin, options)
    elif suffix in (".html", ".htm"):
        yield _from_html(text, record_id, origin, None, options)
    else:
        yield _checked(InputRecord(id=record_id, text=text, origin=origin), options)


def _json_document(text: str, record_id: str, origin: str, options: SourceOptions) -> Iterator[Item]:
    try:
        data = json.loads(text)
    except ValueError as exc:
        yield InputFailure(record_id, origin, f"not valid JSON: {exc}")
        return
    items = data if isinstance(data, list) else [data]
    for number, item in enumerate(items, 1):
        where = origin if len(items) == 1 else f"{origin}[{number}]"
        fallback = record_id if len(items) == 1 else f"{record_id}[{number}]"
        if not isinstance(item, Mapping):
            yield InputFailure(fallback, where, f"expected a JSON object, got {type(item).__name__}")
        else:
            yield _from_mapping(item, where, options, fallback_id=fallback if options.fields.id not in item else None)


def _jsonl(handle: BinaryIO, origin: str, options: SourceOptions) -> Iterator[Item]:
    for number, raw in enumerate(handle, 1):
        where = f"{origin}:{number}"
        if not raw.strip():
            continue
        if len(raw) > options.max_chars * 4:
            yield InputFailure(where, where, f"line is {len(raw):,} bytes; the article limit is "
                                             f"{options.max_chars:,} characters")
            continue
        line = _decode(raw.rstrip(b"\r\n"))
        if line is None:
            yield InputFailure(where, where, _undecodable(raw))
            continue
        try:
            item = json.loads(line)
        except ValueError as exc:
            yield InputFailure(where, where, f"malformed JSONL line: {exc}")
            continue
        if not isinstance(item, Mapping):
            yield InputFailure(where, where, f"JSONL line is a {type(item).__name__}, not an object")
            continue
        yield _from_mapping(item, where, options)


def _csv(path: Path, options: SourceOptions) -> Iterator[Item]:
    csv.field_size_limit(min(sys.maxsize, 2**31 - 1))
    with path.open("rb") as raw:
        text = io.TextIOWrapper(raw, encoding="utf-8-sig", errors="surrogateescape", newline="")
        reader = csv.DictReader(text)
        if reader.fieldnames is None:
            return
        for row in reader:
            where = f"{path}:{reader.line_num}"
            if any(isinstance(v, str) and _has_surrogates(v) for v in row.values()):
                yield InputFailure(row.get(options.fields.id) or where, where,
                                   "row holds bytes that are not UTF-8")
                continue
            yield _from_mapping(row, where, options)


def _warc(path: Path, options: SourceOptions) -> Iterator[Item]:
    """HTML responses of a WARC file; other records (requests, metadata, images, CSS) are not articles."""
    from warcio.archiveiterator import ArchiveIterator

    with path.open("rb") as handle:
        iterator = ArchiveIterator(handle)
        for record in iterator:
            if record.rec_type != "response" or record.http_headers is None:
                continue
            content_type = record.http_headers.get_header("Content-Type") or ""
            if "html" not in content_type.lower():
                continue
            url = record.rec_headers.get_header("WARC-Target-URI")
            record_id = (record.rec_headers.get_header("WARC-Record-ID") or url or "").strip("<>")
            record_id = record_id.removeprefix("urn:uuid:")
            body = record.content_stream().read(options.max_chars * 4 + 1)
            where = f"{path}@{iterator.get_record_offset()}"
            if len(body) > options.max_chars * 4:
                yield InputFailure(record_id, where, f"page is over {options.max_chars * 4:,} bytes")
                continue
            text = _decode(body, _charset(content_type))
            if text is None:
                yield InputFailure(record_id, where, _undecodable(body))
                continue
            yield _from_html(text, record_id, where, url, options)


def _from_html(html: str, record_id: str, origin: str, url: str | None, options: SourceOptions) -> Item:
    try:
        page = article_from_html(html, url)
    except Exception as exc:  # noqa: BLE001 - a parser failure is this record's failure
        return InputFailure(record_id, origin, f"HTML could not be parsed: {exc}")
    if page is None:
        return InputFailure(record_id, origin, "HTML page has no article body")
    return _checked(InputRecord(id=record_id, text=page.text, origin=origin, published=page.published,
                                title=page.title, url=page.url), options)


def _from_mapping(item: Mapping[str, Any], origin: str, options: SourceOptions,
                  fallback_id: str | None = None) -> Item:
    names = options.fields
    text = item.get(names.text)
    given = item.get(names.id)
    record_id = str(given) if given not in (None, "") else fallback_id
    if not isinstance(text, str) or not text:
        return InputFailure(record_id or origin, origin, f"no text (field {names.text!r} is missing or empty)")
    published = item.get(names.date)
    if published is None and names.date == FieldMap.date:
        published = next((item[k] for k in DATE_FALLBACKS if item.get(k)), None)
    record = InputRecord(id=record_id or Article.content_id(text), text=text, origin=origin,
                         published=str(published)[:10] if published else None,
                         title=_optional(item.get(names.title)), url=_optional(item.get(names.url)),
                         source=_optional(item.get(names.source)))
    return _checked(record, options)


def _checked(record: InputRecord, options: SourceOptions) -> Item:
    """The record, or its failure when the extractor would refuse its text (or it is over ``max_chars``)."""
    if len(record.text) > options.max_chars:
        return InputFailure(record.id, record.origin, f"article has {len(record.text):,} characters; "
                                                      f"the limit is {options.max_chars:,}", record.content_hash)
    try:
        check_text(record.text)
    except InputError as exc:
        return InputFailure(record.id, record.origin, str(exc))
    return record


def _optional(value: Any) -> str | None:
    return str(value) if value not in (None, "") else None


def _decode(data: bytes, charset: str | None = None) -> str | None:
    for encoding in (charset, "utf-8-sig"):
        if not encoding:
            continue
        try:
            return data.decode(encoding)
        except (UnicodeDecodeError, LookupError):
            continue
    return None


def _undecodable(data: bytes) -> str:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        return f"not UTF-8 text (byte {exc.start}: {exc.reason})"
    return "not decodable text"


def _charset(content_type: str) -> str | None:
    for part in content_type.split(";"):
        key, _, value = part.strip().partition("=")
        if key.lower() == "charset" and value:
            return value.strip("\"'")
    return None


def _has_surrogates(value: str) -> bool:
    return any("\udc80" <= ch <= "\udcff" for ch in value)
