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


WARC_RECORD_BYTES = 701
"""The size of each record ``write_warc`` writes uncompressed (the tests cut files at record bounds)."""


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


def test_batch_exits_0_when_every_record_is_done_and_3_when_the_run_holds_failures(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from extractor.cli import app

    archive = tmp_path / "in.jsonl"
    archive.write_text(json.dumps({"id": "t", "text": ARTICLE}) + "\n")
    runner = CliRunner()
    clean = runner.invoke(app, ["batch", str(archive), "--out", str(tmp_path / "clean"), "--steps", "none",
                                "--no-progress"])
    assert clean.exit_code == 0, clean.output
    archive.write_text(SURROGATE_LINE + "\n" + json.dumps({"id": "t", "text": ARTICLE}) + "\n")
    failed = runner.invoke(app, ["batch", str(archive), "--out", str(tmp_path / "failed"), "--steps", "none",
                                 "--no-progress"])
    assert failed.exit_code == 3, failed.output
    assert "unpaired UTF-16 surrogate" in " ".join(failed.output.split())


def test_a_request_timeout_of_zero_is_refused() -> None:
    from extractor import ConfigError, resolve_endpoint

    assert resolve_endpoint(backend="local", base_url="http://127.0.0.1:9/v1", timeout_s=2.5).timeout_s == 2.5
    with pytest.raises(ConfigError, match="the request timeout must be more than 0 seconds"):
        resolve_endpoint(backend="local", base_url="http://127.0.0.1:9/v1", timeout_s=0)


def test_an_unterminated_csv_quote_is_a_failure_naming_its_line_and_the_next_rows_are_read(tmp_path: Path) -> None:
    path = tmp_path / "in.csv"
    path.write_text("id,text\nr1,Officials said one thing today in Kyiv.\n"
                    'r2,"An unclosed quote starts here and\n'
                    "r3,Plain row about drones over Kyiv today.\nr4,Another row about a strike in Lviv.\n")
    r1, bad, r3, r4 = _items(path)
    assert [(r.id, r.text) for r in (r1, r3, r4)] == [
        ("r1", "Officials said one thing today in Kyiv."), ("r3", "Plain row about drones over Kyiv today."),
        ("r4", "Another row about a strike in Lviv.")]
    assert (bad.id, bad.reason) == (f"{path}:3", "CSV row at line 3 cannot be read: a quoted field is never closed "
                                                 "(an unterminated quote); the lines after it are read as rows again")


def test_a_csv_quote_closed_by_the_next_rows_quote_is_reported_not_merged(tmp_path: Path) -> None:
    path = tmp_path / "in.csv"
    path.write_text('id,text\nr1,"Officials said one thing today.\nr2,"He said, ""hi"" and left the room."\n')
    bad, r2 = _items(path)
    assert bad.reason.startswith("CSV row at line 2 cannot be read: a quote closes a field before its end")
    assert (r2.id, r2.text, r2.origin) == ("r2", 'He said, "hi" and left the room.', f"{path}:3")


def test_a_second_batch_into_the_same_directory_is_refused_until_the_first_is_gone(tmp_path: Path) -> None:
    import signal
    import subprocess
    import sys

    from extractor import ConfigError
    from extractor.batch import BatchOptions, extract_many

    out = tmp_path / "run"
    holder = subprocess.Popen(
        [sys.executable, "-c", "import sys, time; from extractor.batch.store import BatchLock; "
                               "lock = BatchLock(sys.argv[1]); print('held', flush=True); time.sleep(120)",
         str(out)], stdout=subprocess.PIPE, text=True, cwd=Path(__file__).parent.parent)
    try:
        assert holder.stdout is not None and holder.stdout.readline() == "held\n"
        records = [{"id": "t", "text": ARTICLE}]
        with pytest.raises(ConfigError) as refused:
            extract_many(records, out, options=BatchOptions(steps=()))
        assert str(refused.value) == (f"another batch is running into {out} (pid {holder.pid}); wait for it to end, "
                                      "or give this one another --out")
        holder.send_signal(signal.SIGKILL)
        holder.wait()
        summary = extract_many(records, out, options=BatchOptions(steps=()))
        assert (summary.totals.done, summary.totals.failed) == (1, 0)
    finally:
        holder.kill()
        holder.wait()


def _hostile_archive(root: Path) -> list[str]:
    """One directory and loose files with every case above, and 24 good articles; the inputs."""
    folder = root / "dir"
    folder.mkdir()
    for n in range(24):
        (folder / f"n{n:02d}.txt").write_text(f"Report {n}. {ARTICLE}")
    (folder / "b-link.txt").symlink_to(root / "gone.txt")
    os.mkfifo(folder / "f-pipe.txt")
    (folder / "g-date.txt").write_text("Officials said the attack on 2024-02-30 killed three people.")
    (root / "in.jsonl").write_text(SURROGATE_LINE + "\n" + json.dumps({"id": "t", "text": ARTICLE}) + "\n{oops\n")
    (root / "in.csv").write_text('id,text\nc1,"An unclosed quote starts here\nc2,Plain row about drones over Kyiv.\n')
    ends = write_warc(root / "cut.warc", 3)
    assert ends == [WARC_RECORD_BYTES * n for n in (1, 2, 3)]
    (root / "cut.warc").write_bytes((root / "cut.warc").read_bytes()[: ends[1] + 50])
    (root / "notes.warc").write_text("These are my notes.\n")
    return [str(folder), str(root / "in.jsonl"), str(root / "in.csv"), str(root / "cut.warc"),
            str(root / "notes.warc")]


def _outcomes(out: Path) -> tuple[list[str], dict[str, str]]:
    done = [json.loads(line)["article"]["id"] for line in (out / "results.jsonl").read_text().splitlines()]
    failed = [json.loads(line) for line in (out / "failures.jsonl").read_text().splitlines()]
    reasons = {f["id"]: f["reason"] for f in failed}
    assert len(reasons) == len(failed) and not set(done) & set(reasons) and len(set(done)) == len(done)
    return done, reasons


def test_a_hostile_archive_ends_each_input_once_and_a_resume_after_sigkill_changes_nothing(tmp_path: Path) -> None:
    import signal
    import sqlite3
    import subprocess
    import sys
    import time

    from tests.servers import serve, slow, stand_in_model

    inputs = _hostile_archive(tmp_path)
    root = Path(__file__).parent.parent
    with serve(slow(stand_in_model, 0.05)) as (url, _):
        def batch(out: Path) -> list[str]:
            return [sys.executable, "-m", "extractor", "batch", *inputs, "--out", str(out), "--backend", "local",
                    "--base-url", url + "/v1", "--steps", "entities", "--concurrency", "1", "--no-progress",
                    "--no-cache"]

        whole = subprocess.run(batch(tmp_path / "whole"), cwd=root, capture_output=True, text=True, timeout=300)
        assert whole.returncode == 3, whole.stderr
        killed = subprocess.Popen(batch(tmp_path / "killed"), cwd=root, stdout=subprocess.DEVNULL,
                                  stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 120
        done_at_kill = 0
        while time.monotonic() < deadline and done_at_kill < 5:
            time.sleep(0.02)
            try:
                with sqlite3.connect(tmp_path / "killed" / "run.sqlite", timeout=5) as db:
                    done_at_kill = db.execute("SELECT COUNT(*) FROM records WHERE status = 'done'").fetchone()[0]
            except sqlite3.Error:
                pass
        killed.send_signal(signal.SIGKILL)
        killed.wait()
        resumed = subprocess.run(batch(tmp_path / "killed"), cwd=root, capture_output=True, text=True, timeout=300)
        assert resumed.returncode == 3, resumed.stderr
    done, reasons = _outcomes(tmp_path / "whole")
    assert 5 <= done_at_kill < len(done)
    assert _outcomes(tmp_path / "killed") == (done, reasons)
    good = {f"n{n:02d}.txt" for n in range(24)} | {"g-date.txt", "t", "c2"}
    assert good <= set(done) and len(set(done) - good) == 2  # the cut WARC's two whole records
    cut = f"{tmp_path / 'cut.warc'}@{WARC_RECORD_BYTES * 2}"
    assert reasons == {
        "b-link.txt": f"broken symbolic link (it points to {tmp_path / 'gone.txt'}, which does not exist)",
        "f-pipe.txt": "not a regular file: a FIFO (named pipe); skipped",
        "s": "text holds an unpaired UTF-16 surrogate (U+D800) at character 18: it is not valid Unicode "
             "(a JSON \\ud800 escape without its pair)",
        f"{tmp_path / 'in.jsonl'}:3": "malformed JSONL line: Expecting property name enclosed in double quotes: "
                                      "line 1 column 2 (char 1)",
        f"{tmp_path / 'in.csv'}:2": "CSV row at line 2 cannot be read: a quoted field is never closed (an "
                                    "unterminated quote); the lines after it are read as rows again",
        cut: reasons[cut],
        str(tmp_path / "notes.warc"): "notes.warc is not a WARC file: it begins with 'These are my not', not 'WARC/'",
    }
    assert reasons[cut].startswith(f"WARC record at offset {WARC_RECORD_BYTES * 2} of cut.warc cannot be read "
                                   "(the file is cut or corrupt there")
