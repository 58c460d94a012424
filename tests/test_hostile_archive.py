"""What a messy real archive holds: lone surrogates from JSON, broken links and FIFOs in a
directory, impossible dates, cut and false WARC files. Each input ends as a result or as a failure
with its reason, and the rest of the archive is read."""

from __future__ import annotations

import io
import json
import os
from pathlib import Path

import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from extractor import Extractor, InputError
from extractor.batch import InputFailure, InputRecord, SourceOptions, read_inputs
from extractor.rules.dates import resolve

ARTICLE = 'Officials said on Tuesday that 3 drones were shot down over Kyiv. "We saw it," said Anna Petrova.'
SURROGATE_LINE = '{"id":"s","text":"Smith said \\"hello \\ud800 world\\" today."}'


def _items(*inputs: object) -> list[InputRecord | InputFailure]:
    return list(read_inputs(inputs, SourceOptions()))  # type: ignore[arg-type]


def _html(n: int) -> bytes:
    return (f"<html><head><title>Story {n}</title></head><body><article><p>{ARTICLE}</p><p>Story number {n} "
            "goes on for a while, officials said, and the city was quiet afterwards.</p></article></body></html>"
            ).encode()


def write_warc(path: Path, pages: int, *, gzip: bool = False) -> list[int]:
    """A WARC file of ``pages`` HTML responses; the offsets at which each record ends."""
    ends = []
    with path.open("wb") as handle:
        writer = WARCWriter(handle, gzip=gzip)
        for n in range(pages):
            headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1")
            writer.write_record(writer.create_warc_record(f"https://news.example/{n}", "response",
                                                          payload=io.BytesIO(_html(n)), http_headers=headers))
            ends.append(handle.tell())
    return ends


def test_a_json_lone_surrogate_is_that_records_failure_and_the_next_record_is_read(tmp_path: Path) -> None:
    path = tmp_path / "in.jsonl"
    path.write_text(SURROGATE_LINE + "\n" + json.dumps({"id": "t", "text": ARTICLE}) + "\n")
    bad, good = _items(path)
    assert isinstance(bad, InputFailure) and bad.id == "s"
    assert bad.reason == ("text holds an unpaired UTF-16 surrogate (U+D800) at character 18: it is not valid "
                          "Unicode (a JSON \\ud800 escape without its pair)")
    assert isinstance(good, InputRecord) and good.id == "t"


def test_a_lone_surrogate_in_an_id_is_kept_as_its_escape() -> None:
    (record,) = _items({"id": "x\ud800y", "text": ARTICLE})
    assert isinstance(record, InputRecord) and record.id == "x\\ud800y" and record.text == ARTICLE


def test_extract_refuses_a_lone_surrogate_with_an_input_error() -> None:
    with Extractor(steps=()) as extractor, pytest.raises(InputError, match=r"unpaired UTF-16 surrogate \(U\+DC00\)"):
        extractor.extract("Smith said \udc00 today.")


def test_a_broken_link_and_a_fifo_in_a_directory_are_failures_and_the_other_files_are_read(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(ARTICLE)
    (tmp_path / "b.txt").symlink_to(tmp_path / "gone.txt")
    (tmp_path / "c.txt").write_text(ARTICLE + " More.")
    os.mkfifo(tmp_path / "f.txt")
    a, b, c, f = _items(tmp_path)
    assert isinstance(a, InputRecord) and isinstance(c, InputRecord) and (a.id, c.id) == ("a.txt", "c.txt")
    assert (b.id, b.reason) == ("b.txt", f"broken symbolic link (it points to {tmp_path / 'gone.txt'}, "
                                         "which does not exist)")
    assert (f.id, f.reason) == ("f.txt", "not a regular file: a FIFO (named pipe); skipped")


@pytest.mark.parametrize("expression, published", [("2024-02-30", None), ("June 31, 2024", None),
                                                   ("February 30", "2025-01-07")])
def test_an_impossible_day_stays_unresolved_and_is_marked(expression: str, published: str | None) -> None:
    from datetime import date

    resolved = resolve(expression, date.fromisoformat(published) if published else None)
    assert (resolved.value, resolved.precision, resolved.impossible) == (None, None, True)


def test_an_article_with_an_impossible_date_is_extracted_with_a_warning() -> None:
    with Extractor(steps=()) as extractor:
        result = extractor.extract("Officials said the attack on 2024-02-30 killed three people.")
    assert result.events and {(e.date.expression, e.date.value) for e in result.events if e.date} == {("2024-02-30", None)}
    assert "date(s) that name no calendar day left unresolved: 2024-02-30" in result.warnings


@pytest.mark.parametrize("gzip", [False, True])
def test_a_warc_cut_inside_a_record_reports_the_cut_and_gives_no_fragment(tmp_path: Path, gzip: bool) -> None:
    path = tmp_path / ("crawl.warc.gz" if gzip else "crawl.warc")
    ends = write_warc(path, 6, gzip=gzip)
    data = path.read_bytes()
    cut = ends[3] + (ends[4] - ends[3]) // 2
    path.write_bytes(data[:cut])
    items = _items(path)
    done = [i for i in items if isinstance(i, InputRecord)]
    failures = [i for i in items if isinstance(i, InputFailure)]
    assert [d.url for d in done] == [f"https://news.example/{n}" for n in range(4)]
    assert all(ARTICLE in d.text for d in done)
    (failure,) = failures
    assert failure.origin == f"{path}@{ends[3]}" and f"offset {ends[3]}" in failure.reason
    assert f"{path.name} ends in {cut - ends[3]:,} bytes" in failure.reason


def test_every_cut_of_a_plain_warc_gives_whole_records_and_reports_the_rest(tmp_path: Path) -> None:
    full = tmp_path / "full.warc"
    ends = write_warc(full, 3)
    data = full.read_bytes()
    path = tmp_path / "cut.warc"
    for cut in range(40, len(data), 97):
        path.write_bytes(data[:cut])
        items = _items(path)
        whole = sum(end - len(b"\r\n\r\n") <= cut for end in ends)  # the block is whole before its CRLFs
        assert [i.url for i in items if isinstance(i, InputRecord)] == [f"https://news.example/{n}"
                                                                        for n in range(whole)], cut
        assert len([i for i in items if isinstance(i, InputFailure)]) == (0 if any(end - 4 <= cut <= end for end in ends) else 1), cut


def test_a_file_that_is_no_warc_is_one_clear_failure(tmp_path: Path) -> None:
    path = tmp_path / "notes.warc"
    path.write_text("These are my notes, not an archive.\n")
    (failure,) = _items(path)
    assert isinstance(failure, InputFailure)
    assert failure.reason == "notes.warc is not a WARC file: it begins with 'These are my not', not 'WARC/'"
