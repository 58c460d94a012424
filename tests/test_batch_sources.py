"""Batch inputs: every kind of source is streamed into records, and every bad record becomes a
failure with a reason (the run goes on)."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from warcio.warcwriter import WARCWriter
from warcio.statusandheaders import StatusAndHeaders

from extractor.batch import FieldMap, InputFailure, InputRecord, SourceOptions, read_inputs
from extractor.schemas import Article

ARTICLE = ('Ukraine said on Tuesday it had shot down 28 of 38 drones. "We saw the fire from the window," '
           "said Anna Petrova, a resident of Kyiv.")
HTML = (f"<html><head><title>Drones downed</title></head><body><nav>Home | World | Sport</nav>"
        f"<article><h1>Drones downed</h1><p>{ARTICLE}</p><p>The attack lasted several hours, officials said, "
        f"and no one was hurt in the capital.</p></article><script>var tracking = 1;</script></body></html>")


def _items(*inputs: object, **options: object) -> list[InputRecord | InputFailure]:
    return list(read_inputs(inputs, SourceOptions(**options)))  # type: ignore[arg-type]


def test_directory_of_txt_json_and_html_files_gives_records_named_by_relative_path(tmp_path: Path) -> None:
    (tmp_path / "b").mkdir()
    (tmp_path / "a.txt").write_text(f"date 2025-01-07\n\n{ARTICLE}")
    (tmp_path / "b" / "c.json").write_text(json.dumps({"id": "given-7", "text": ARTICLE, "date": "2025-01-08",
                                                       "title": "T", "url": "https://example.org/x"}))
    (tmp_path / "b" / "d.html").write_text(HTML)
    (tmp_path / "notes.md").write_text("not an input")
    a, c, d = _items(tmp_path)
    assert (a.id, a.text, a.published) == ("a.txt", f"date 2025-01-07\n\n{ARTICLE}", None)
    assert (c.id, c.published, c.title, c.url) == ("given-7", "2025-01-08", "T", "https://example.org/x")
    assert d.id == "b/d.html" and d.title == "Drones downed"
    assert ARTICLE in d.text and "tracking" not in d.text and "Home | World" not in d.text


def test_jsonl_with_custom_field_names_and_content_hash_ids(tmp_path: Path) -> None:
    path = tmp_path / "in.jsonl"
    path.write_text(json.dumps({"body": ARTICLE, "published_on": "2025-01-07", "headline": "H"}) + "\n\n"
                    + json.dumps({"key": "k2", "body": ARTICLE + " More."}) + "\n")
    fields = FieldMap(id="key", text="body", date="published_on", title="headline")
    first, second = _items(path, fields=fields)
    assert first.id == Article.content_id(ARTICLE) and first.published == "2025-01-07" and first.title == "H"
    assert second.id == "k2" and second.origin == f"{path}:3"


def test_csv_rows_including_multiline_quoted_text(tmp_path: Path) -> None:
    path = tmp_path / "in.csv"
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "date", "text"])
        writer.writerow(["r1", "2025-01-07", ARTICLE + "\n\nSecond paragraph."])
        writer.writerow(["r2", "", ARTICLE])
    r1, r2 = _items(path)
    assert r1.text.endswith("\n\nSecond paragraph.") and r1.published == "2025-01-07"
    assert r2.id == "r2" and r2.published is None


def test_warc_html_responses_become_articles_and_other_records_are_skipped(tmp_path: Path) -> None:
    path = tmp_path / "crawl.warc.gz"
    with path.open("wb") as handle:
        writer = WARCWriter(handle, gzip=True)
        for uri, content_type, body in (("https://news.example/a", "text/html; charset=utf-8", HTML.encode()),
                                        ("https://news.example/logo.png", "image/png", b"\x89PNG\r\n"),
                                        ("https://news.example/empty", "text/html", b"<html><body></body></html>")):
            headers = StatusAndHeaders("200 OK", [("Content-Type", content_type)], protocol="HTTP/1.1")
            writer.write_record(writer.create_warc_record(uri, "response", payload=io.BytesIO(body),
                                                          http_headers=headers))
    article, empty = _items(path)
    assert isinstance(article, InputRecord) and article.url == "https://news.example/a" and ARTICLE in article.text
    assert isinstance(empty, InputFailure) and empty.reason == "HTML page has no article body"
    assert "@" in article.origin and article.id != empty.id


@pytest.mark.parametrize("line, reason", [
    (b'{"id": "x", "text": ', "malformed JSONL line"),
    (b'{"id": "x"}', "no text (field 'text' is missing or empty)"),
    (b'{"id": "x", "text": "   "}', "article has no text"),
    (b'["a list"]', "JSONL line is a list, not an object"),
    (b'{"id": "x", "text": "caf\xe9"}', "not UTF-8 text (byte 24: invalid continuation byte)"),
    (b'{"id": "x", "text": "a\\u0000b"}', "text contains NUL bytes; it looks like a binary file"),
])
def test_bad_jsonl_lines_become_failures_with_their_reason(tmp_path: Path, line: bytes, reason: str) -> None:
    path = tmp_path / "in.jsonl"
    path.write_bytes(line + b"\n" + json.dumps({"id": "ok", "text": ARTICLE}).encode() + b"\n")
    bad, good = _items(path)
    assert isinstance(bad, InputFailure) and bad.reason.startswith(reason)
    assert bad.origin == f"{path}:1"
    assert isinstance(good, InputRecord) and good.id == "ok"


def test_oversized_articles_and_files_are_refused_without_reading_them_whole(tmp_path: Path) -> None:
    (tmp_path / "big.txt").write_text("word " * 500)
    (tmp_path / "huge.txt").write_text("x" * 5000)
    big, huge = _items(tmp_path, max_chars=1000)
    assert big.reason == "article has 2,500 characters; the limit is 1,000"
    assert huge.reason == "file is 5,000 bytes; the article limit is 1,000 characters"


def test_undecodable_file_and_missing_path_are_failures(tmp_path: Path) -> None:
    (tmp_path / "latin1.txt").write_bytes("Caf\xe9 au lait".encode("latin-1"))
    failure, missing = _items(tmp_path, tmp_path / "nope.jsonl")
    assert failure.reason == "not UTF-8 text (byte 3: invalid continuation byte)"
    assert missing.reason == f"input {tmp_path / 'nope.jsonl'} does not exist"


def test_python_dicts_and_records_are_accepted_directly() -> None:
    record = InputRecord(id="r", text=ARTICLE, origin="mine")
    first, second = _items({"id": 5, "text": ARTICLE, "date": "2025-01-07T10:00:00Z"}, record)
    assert (first.id, first.published) == ("5", "2025-01-07")
    assert second is record


def test_an_input_that_breaks_mid_way_keeps_what_was_read_and_the_next_input_is_read(tmp_path: Path) -> None:
    import gzip

    good = gzip.compress(b"".join(json.dumps({"id": f"g{i}", "text": ARTICLE}).encode() + b"\n" for i in range(3)))
    broken = tmp_path / "broken.jsonl.gz"
    broken.write_bytes(good[: len(good) - 8])
    after = tmp_path / "after.jsonl"
    after.write_text(json.dumps({"id": "next", "text": ARTICLE}) + "\n")
    items = _items(broken, after)
    assert [i.id for i in items if isinstance(i, InputRecord)] == ["g0", "g1", "g2", "next"]
    (failure,) = [i for i in items if isinstance(i, InputFailure)]
    assert failure.id == f"{broken}#after-3" and failure.reason.startswith(
        "input could not be read past record 3: EOFError: Compressed file ended before the end-of-stream marker")
