"""Stream input records from files, directories, JSONL, CSV, WARC archives and standard input.

Every item read becomes either an ``InputRecord`` or an ``InputFailure`` with its reason (no text,
undecodable bytes, too large, malformed JSONL line, HTML without an article body), so a bad record
is reported and the run goes on. Nothing is loaded whole: files are read one record at a time.
"""

from __future__ import annotations

import csv
import gzip
import io
import itertools
import json
import os
import stat
import sys
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from extractor.errors import InputError
from extractor.input.article import HTML_SUFFIXES, LONE_SURROGATE, check_text
from extractor.input.html import article_from_html
from extractor.schemas import Article
from extractor.settings import MAX_ARTICLE_CHARS

DIRECTORY_SUFFIXES = {".txt", ".json", *HTML_SUFFIXES}
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
            items: Iterable[Item] = [_checked(entry, options)]
        elif isinstance(entry, Mapping):
            items = [_from_mapping(entry, "python", options)]
        elif str(entry) == "-":
            items = _guarded(_jsonl(sys.stdin.buffer, "stdin", options), "stdin")
        else:
            items = _guarded(_read_path(Path(entry), options), str(entry))
        for item in items:
            yield _storable(item)


def _storable(item: Item) -> Item:
    """The item with every field but the text free of lone surrogates (a JSON ``\\ud800`` escape,
    a file name that is not UTF-8): shown as the escape itself, so the run store and the outputs
    can hold them. A text with one is refused by ``check_text``."""
    names = [n for n in item.__dataclass_fields__ if n != "text"]
    dirty = {n: _escaped(getattr(item, n)) for n in names
             if isinstance(getattr(item, n), str) and LONE_SURROGATE.search(getattr(item, n))}
    return replace(item, **dirty) if dirty else item  # type: ignore[arg-type]  # names from the dataclass


def _escaped(value: str) -> str:
    return value.encode("utf-8", "backslashreplace").decode("utf-8")


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
    """Files below ``root`` in sorted order (stable across runs); ids are the relative paths. A
    file that cannot be read (a broken link, a FIFO or device, no permission) is that file's
    failure, and the next file is read."""
    for folder, dirs, files in os.walk(root):
        dirs.sort()
        for name in sorted(files):
            path = Path(folder) / name
            if path.suffix.lower() not in DIRECTORY_SUFFIXES:
                continue
            record_id = path.relative_to(root).as_posix()
            reason = not_a_regular_file(path)
            if reason is not None:
                yield InputFailure(record_id, str(path), reason)
                continue
            try:
                yield from _one_file(path, record_id, options)
            except OSError as exc:
                yield InputFailure(record_id, str(path), f"file could not be read: {exc.strerror or exc}")


def not_a_regular_file(path: Path) -> str | None:
    """Why ``path`` is no file to read as an article (reading a FIFO or a device would wait forever),
    or ``None`` for a regular file (or a link to one)."""
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        if path.is_symlink():
            return f"broken symbolic link (it points to {os.readlink(path)}, which does not exist)"
        return "file disappeared while the directory was read"
    except OSError as exc:
        return f"file could not be read: {exc.strerror or exc}"
    if stat.S_ISREG(mode):
        return None
    kinds = ((stat.S_ISFIFO, "a FIFO (named pipe)"), (stat.S_ISSOCK, "a socket"),
             (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"))
    kind = next((name for test, name in kinds if test(mode)), "not a regular file")
    return f"not a regular file: {kind}; skipped"


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
    elif suffix in HTML_SUFFIXES:
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


def _jsonl(handle: Iterable[bytes], origin: str, options: SourceOptions) -> Iterator[Item]:
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
    """Rows of a CSV file with a header, read strictly: a row the CSV rules cannot parse (a quote
    never closed would swallow every later row into one text) is a failure naming its line, and
    reading goes on from the line after it."""
    csv.field_size_limit(min(sys.maxsize, 2**31 - 1))
    fieldnames: list[str] | None = None
    skip = 0
    while True:
        with path.open("rb") as raw:
            text = io.TextIOWrapper(raw, encoding="utf-8-sig", errors="surrogateescape", newline="")
            reader = csv.DictReader(itertools.islice(text, skip, None), fieldnames=fieldnames, strict=True)
            if reader.fieldnames is None:
                return
            fieldnames = list(reader.fieldnames)
            parsed = reader.line_num
            try:
                for row in reader:
                    where = f"{path}:{skip + reader.line_num}"
                    parsed = reader.line_num
                    if any(isinstance(v, str) and _has_surrogates(v) for v in row.values()):
                        yield InputFailure(row.get(options.fields.id) or where, where,
                                           "row holds bytes that are not UTF-8")
                        continue
                    yield _from_mapping(row, where, options)
                return
            except csv.Error as exc:
                line = skip + parsed + 1
                yield InputFailure(f"{path}:{line}", f"{path}:{line}", f"CSV row at line {line} cannot be read: "
                                   f"{_csv_problem(exc)}; the lines after it are read as rows again")
                skip = line


def _csv_problem(exc: csv.Error) -> str:
    text = str(exc)
    if "unexpected end of data" in text:
        return "a quoted field is never closed (an unterminated quote)"
    if "expected after" in text:
        return "a quote closes a field before its end (a quote inside a quoted field must be doubled)"
    return text


WARC_STARTS = (b"WARC/", b"filedesc://")
"""How a WARC record (and an ARC file's first record) begins, after any gzip layer."""


def _warc(path: Path, options: SourceOptions) -> Iterator[Item]:
    """HTML responses of a WARC file; other records (requests, metadata, images, CSS) are not
    articles. A file that is no WARC is one failure; a record cut off (the file ends early, or is
    corrupt from some offset on) is a failure naming the file and offset, never a fragment."""
    from warcio.archiveiterator import ArchiveIterator

    reason = _not_warc(path)
    if reason is not None:
        yield InputFailure(str(path), str(path), reason)
        return
    offset = 0
    with path.open("rb") as handle:
        iterator = ArchiveIterator(handle)
        try:
            for record in iterator:
                offset = iterator.offset
                item = _warc_record(record, f"{path}@{offset}", options)
                cut = _cut_off(record)
                if cut is not None:
                    yield InputFailure(item.id if item is not None else f"{path}@{offset}", f"{path}@{offset}",
                                       f"WARC record at offset {offset} of {path.name} is cut off: {cut}")
                elif item is not None:
                    yield item
        except Exception as exc:  # noqa: BLE001 - warcio raises what it meets in a corrupt file
            broken = max(offset, int(iterator.offset or 0))
            yield InputFailure(f"{path}@{broken}", f"{path}@{broken}",
                               f"WARC record at offset {broken} of {path.name} cannot be read (the file is cut or "
                               f"corrupt there; warcio: {type(exc).__name__}: {str(exc)[:200]})")
            return
    read_to = iterator.offset
    size = path.stat().st_size
    if read_to < size:
        yield InputFailure(f"{path}@{read_to}", f"{path}@{read_to}",
                           f"{path.name} ends in {size - read_to:,} bytes that are no complete WARC record "
                           f"(from offset {read_to}; the file is cut or corrupt)")


def _not_warc(path: Path) -> str | None:
    """Why ``path`` is no WARC (or ARC) file, judged by its first bytes; ``None`` if it is one."""
    with path.open("rb") as handle:
        head = handle.read(2)
    try:
        if head == b"\x1f\x8b":
            with gzip.open(path, "rb") as unzipped:
                head = unzipped.read(16)
        else:
            with path.open("rb") as handle:
                head = handle.read(16)
    except (OSError, EOFError) as exc:
        return f"{path.name} is not a WARC file: its gzip layer cannot be read ({exc})"
    if head.lstrip(b"\r\n").startswith(WARC_STARTS):
        return None
    shown = head.decode("utf-8", "replace").split("\n")[0]
    return f"{path.name} is not a WARC file: it begins with {shown!r}, not 'WARC/'"


def _warc_record(record: Any, where: str, options: SourceOptions) -> Item | None:
    """One WARC record as an article, its failure, or ``None`` when it is no HTML response."""
    if record.rec_type != "response" or record.http_headers is None:
        return None
    content_type = record.http_headers.get_header("Content-Type") or ""
    if "html" not in content_type.lower():
        return None
    url = record.rec_headers.get_header("WARC-Target-URI")
    record_id = (record.rec_headers.get_header("WARC-Record-ID") or url or "").strip("<>")
    record_id = record_id.removeprefix("urn:uuid:")
    body = record.content_stream().read(options.max_chars * 4 + 1)
    if len(body) > options.max_chars * 4:
        return InputFailure(record_id, where, f"page is over {options.max_chars * 4:,} bytes")
    text = _decode(body, _charset(content_type))
    if text is None:
        return InputFailure(record_id, where, _undecodable(body))
    return _from_html(text, record_id, where, url, options)


def _cut_off(record: Any) -> str | None:
    """Read what is left of a record's block and say what is missing from it, if anything: a
    header without its length (the file ends inside it), or bytes the length promised."""
    if record.length is None:
        return "its header is incomplete (the file ends inside it)"
    raw = record.raw_stream
    while raw.read(65536):
        pass
    missing = int(getattr(raw, "limit", 0) or 0)
    return f"{missing:,} of its {record.length:,} bytes are missing (the file ends early)" if missing else None


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
