"""The review page in a real browser: Debian's Chromium driven by Playwright (``make test`` installs
both). Every highlight covers exactly its item's offsets, a click shows an item's fields, filters
hide other articles, article text never runs as code, and bad input is shown, not lost."""

from __future__ import annotations

import json
import os
import shutil
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from extractor import extract, read_article_file
from extractor.cli import app
from extractor.output.results import read_results
from extractor.output.review import write_review_page
from extractor.schemas import Span
from tests.conftest import SAMPLE

CHROMIUM_ENV = "EXTRACTOR_CHROMIUM"
HOSTILE = ('Officials said <script>window.__pwned = 1</script> nothing happened. '
           '"We saw </textarea><img src=x onerror=\'window.__pwned = 2\'> and {{ 7*7 }}," said Anna Petrova, '
           "a resident of Kyiv.\n\nThe army said it shot down 5 drones over Kyiv on Tuesday. "
           "<!-- a comment --> ]]> </script><script>window.__pwned = 3</script> \u2028end.")


def chromium_path() -> str:
    """The system Chromium (``apt-get install chromium``); the test fails, never skips, without it."""
    path = os.environ.get(CHROMIUM_ENV) or shutil.which("chromium") or shutil.which("chromium-browser")
    if not path:
        pytest.fail("Chromium is not installed: `make test` installs it (apt-get install chromium)")
    return path


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=chromium_path(), args=["--no-sandbox"])
        yield launched
        launched.close()


@pytest.fixture
def open_page(browser):
    pages = []

    def opener(path: Path):
        page = browser.new_page(viewport={"width": 1400, "height": 900})
        page.errors = []
        page.on("pageerror", lambda error: page.errors.append(str(error)))
        page.on("dialog", lambda dialog: (page.errors.append("dialog: " + dialog.message), dialog.dismiss()))
        page.goto(path.resolve().as_uri())
        page.wait_for_selector("body[data-ready='1']")
        pages.append(page)
        return page

    yield opener
    for page in pages:
        page.close()


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A results file like a batch writes: the sample, the hostile article, a hand-edited result
    whose quote offsets no longer match, a malformed line, one with a mention that crosses the end
    of a quotation; and a failed record."""
    directory = tmp_path_factory.mktemp("run")
    sample = extract(read_article_file(SAMPLE), steps="none")
    hostile = extract(HOSTILE, published="2025-01-07", article_id="hostile", title="<b>Title</b> & co",
                      steps="none")
    edited = hostile.model_copy(deep=True)
    edited.article.id = "edited"
    edited.quotes[0].span.start += 3
    crossing = hostile.model_copy(deep=True)
    crossing.article.id = "crossing"
    quote = next(q for q in crossing.quotes if q.text.startswith("We saw"))
    start, end = quote.span.end - 6, quote.span.end + 6
    crossing.actors[0].mentions.append(Span(start=start, end=end, text=crossing.article.text[start:end]))
    lines = [sample.model_dump_json(), hostile.model_dump_json(), "{not json", edited.model_dump_json(),
             crossing.model_dump_json()]
    (directory / "results.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (directory / "failures.jsonl").write_text(json.dumps({"id": "blank", "origin": "in.jsonl:4", "kind": "input",
                                                          "reason": "article has no text", "attempts": 0}) + "\n")
    return directory


@pytest.fixture(scope="module")
def page_file(run_dir: Path) -> Path:
    return write_review_page(read_results(run_dir), run_dir / "review.html")


def _highlights(page) -> list[dict]:
    return page.eval_on_selector_all(
        "#text mark.hl", """marks => marks.map(m => ({kind: m.dataset.kind, id: m.dataset.id, n: m.dataset.n,
            start: +m.dataset.start, end: +m.dataset.end, text: m.textContent, part: !!m.dataset.part}))""")


def _show(page, article_id: str) -> None:
    page.click(f"#articles li[data-id='{article_id}']")


def test_every_highlight_covers_exactly_its_items_offsets(open_page, page_file: Path, run_dir: Path) -> None:
    results = {r.article.id: r for r in read_results(run_dir).results}
    page = open_page(page_file)
    for article_id, result in results.items():
        _show(page, article_id)
        marks = _highlights(page)
        joined: dict[tuple, str] = {}
        for mark in marks:
            key = (mark["kind"], mark["id"], mark["n"], mark["start"], mark["end"])
            joined[key] = joined.get(key, "") + mark["text"]
        text = result.article.text
        assert joined, article_id
        for (kind, item_id, n, start, end), shown in joined.items():
            assert shown == text[start:end], (article_id, kind, item_id)
        expected = {("actor", a.id, str(n)) for a in result.actors for n, m in enumerate(a.mentions)
                    if text[m.start:m.end] == m.text}
        expected |= {("quote", q.id, "0") for q in result.quotes if text[q.span.start:q.span.end] == q.span.text}
        assert expected <= {key[:3] for key in joined}
        assert any(mark["part"] for mark in marks) == (article_id == "crossing")
    assert page.errors == []


def test_clicking_a_quote_shows_its_speaker_and_an_event_its_date_and_claimant(open_page, page_file: Path) -> None:
    page = open_page(page_file)
    _show(page, "hostile")
    page.locator("#text mark.k-quote", has_text="We saw").first.click()
    detail = page.inner_text("#detail")
    assert "speaker\nAnna Petrova" in detail and "We saw </textarea><img src=x" in detail
    _show(page, "art_4ea5263f1473f5d8")
    page.click("#text mark.k-event[data-id='E1']")
    detail = page.inner_text("#detail")
    assert "trigger\nshot down" in detail
    assert "date\n2025-01-07 (day)" in detail and "date from\nTuesday" in detail
    assert "status\nclaimed" in detail and "claimed by\nUkraine’s military" in detail


def test_filters_hide_the_other_articles_and_navigation_skips_them(open_page, page_file: Path,
                                                                   run_dir: Path) -> None:
    results = {r.article.id: r for r in read_results(run_dir).results}
    page = open_page(page_file)
    visible = "#articles li:not([hidden])"
    shown = lambda: [li.get_attribute("data-id") for li in page.locator(visible).all()]  # noqa: E731
    assert shown() == [*results]
    page.fill("#f-actor", "Petrova")
    assert shown() == ["hostile", "edited", "crossing"]
    assert page.inner_text("#meta").startswith("hostile")
    page.click("#next")
    assert page.inner_text("#meta").startswith("edited")
    page.fill("#f-actor", "")
    sample_id = next(iter(results))
    only_sample = sorted({e.type.value for e in results[sample_id].events}
                         - {e.type.value for e in results["hostile"].events})
    page.select_option("#f-type", only_sample[0])
    assert shown() == [sample_id]
    assert page.inner_text("#meta").startswith(sample_id)
    page.select_option("#f-type", "")
    page.select_option("#f-status", "claimed")
    assert shown() == [i for i, r in results.items() if any(e.status.value == "claimed" for e in r.events)]
    page.select_option("#f-status", "")
    page.fill("#f-from", "2025-01-08")
    assert shown() == []
    page.fill("#f-from", "2025-01-07")
    assert shown() == [*results]


def test_article_text_and_titles_never_run_as_code(open_page, page_file: Path) -> None:
    page = open_page(page_file)
    _show(page, "hostile")
    assert page.evaluate("window.__pwned") is None
    assert page.locator("#text img, #text script, #article b").count() == 0
    assert page.inner_text("#title") == "<b>Title</b> & co"
    assert page.evaluate("document.getElementById('text').textContent") == extract(
        HOSTILE, published="2025-01-07", steps="none").article.text
    assert page.errors == []


def test_a_hand_edited_item_is_listed_as_unanchored_not_misplaced(open_page, page_file: Path) -> None:
    page = open_page(page_file)
    _show(page, "edited")
    assert page.locator("#text mark.k-quote[data-id='Q1']").count() == 0
    listed = page.locator("#unanchored li[data-id='Q1']")
    assert listed.count() == 1 and "<script>window.__pwned = 1</script> nothing happened" in listed.inner_text()


def test_failed_records_and_unreadable_lines_are_listed_with_their_reasons(open_page, page_file: Path) -> None:
    page = open_page(page_file)
    assert page.inner_text("#problems li.failure") == "blank: article has no text"
    assert page.get_attribute("#problems li.bad-line", "data-line") == "3"
    assert "line 3 is not JSON" in page.inner_text("#problems li.bad-line")


def test_a_thousand_articles_load_and_switch_quickly(open_page, tmp_path: Path) -> None:
    """Prints load and switch times (no timed assertion): one article is rendered at a time."""
    base = extract("The army said it shot down 5 drones over Kyiv on Tuesday. \"We heard them,\" said Anna "
                   "Petrova, a resident.", published="2025-01-07", steps="none")
    lines = []
    for i in range(1000):
        copy = base.model_copy(deep=True)
        copy.article.id = f"syn-{i:04d}"
        copy.article.title = f"Synthetic {i}"
        lines.append(copy.model_dump_json())
    (tmp_path / "results.jsonl").write_text("\n".join(lines) + "\n")
    page_path = write_review_page(read_results(tmp_path / "results.jsonl"), tmp_path / "review.html")
    started = time.perf_counter()
    page = open_page(page_path)
    loaded = time.perf_counter() - started
    started = time.perf_counter()
    for i in range(20):
        page.keyboard.press("j")
    page.wait_for_function("document.getElementById('meta').textContent.startsWith('syn-0020')")
    switch = (time.perf_counter() - started) / 20
    print(f"\nreview page, 1,000 articles ({page_path.stat().st_size / 1e6:.1f} MB): load {loaded * 1000:.0f} ms, "
          f"switch {switch * 1000:.0f} ms an article")
    assert page.locator("#articles li").count() == 1000
    assert page.errors == []


def test_cli_view_writes_the_page_and_reports_the_bad_line(run_dir: Path, tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["view", str(run_dir), "--out", str(tmp_path / "page.html")])
    assert result.exit_code == 0, result.output
    assert "line 3 is not JSON" in result.output
    assert "4 article(s), 1 failed record(s), 1 unreadable line(s)" in " ".join(result.output.split())
    html = (tmp_path / "page.html").read_text(encoding="utf-8")
    assert "<script>window.__pwned" not in html and "\\u003cscript\\u003ewindow.__pwned" in html


def test_the_map_puts_each_place_where_its_coordinates_say_and_the_filters_act_on_it(
        open_page, page_file: Path, run_dir: Path) -> None:
    results = {r.article.id: r for r in read_results(run_dir).results}
    sample_id = next(iter(results))
    sample = results[sample_id]
    page = open_page(page_file)
    markers = lambda: page.eval_on_selector_all(  # noqa: E731
        "#markers circle.marker", """cs => cs.map(c => ({place: c.dataset.place, article: c.dataset.article,
            events: c.dataset.event.split(' '), cx: +c.getAttribute('cx'), cy: +c.getAttribute('cy')}))""")
    kurakhove = [m for m in markers() if m["place"] == "Kurakhove"]
    expected = sorted(e.id for e in sample.events if any(p.name == "Kurakhove" for p in e.locations))
    assert [sorted(m["events"]) for m in kurakhove] == [expected] and expected
    place = next(p for e in sample.events for p in e.locations if p.name == "Kurakhove")
    assert kurakhove[0]["cx"] == pytest.approx(place.lon + 180, abs=0.01)
    assert kurakhove[0]["cy"] == pytest.approx(90 - place.lat, abs=0.01)
    hostile_places = {m["place"] for m in markers() if m["article"] == "hostile"}
    assert hostile_places == {"Kyiv"}
    _show(page, "hostile")
    page.click(f"#markers circle[data-article='{sample_id}'][data-place='Kurakhove']")
    assert page.inner_text("#meta").startswith(sample_id)
    assert (page.get_attribute("#detail", "data-kind"), page.get_attribute("#detail", "data-id")) == \
        ("event", expected[0])
    consult = {e.id for e in sample.events if e.type.value == "CONSULT"}
    page.select_option("#f-type", "CONSULT")
    shown = markers()
    assert shown and all(m["article"] == sample_id and set(m["events"]) <= consult for m in shown)
    assert "Kurakhove" not in {m["place"] for m in shown}
    bars = page.eval_on_selector_all("#timeline rect.bar", "bs => bs.map(b => [b.dataset.day, b.dataset.type])")
    assert {t for _, t in bars} == {"CONSULT"}
    page.select_option("#f-type", "")
    bars = page.eval_on_selector_all("#timeline rect.bar",
                                     "bs => bs.map(b => [b.dataset.day, b.dataset.type, +b.dataset.count])")
    dated = [e for r in results.values() if r.article.id in {"hostile", sample_id} for e in r.events
             if e.date and e.date.value and e.type.value == "ASSAULT" and e.date.value.isoformat() == "2025-01-07"]
    assert ["2025-01-07", "ASSAULT"] in [b[:2] for b in bars] and dated
    assert page.errors == []
