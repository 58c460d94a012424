"""Exports other tools read: PLOVER event records, Label Studio pre-annotations (and their corrected
export back as gold for ``extractor eval``), brat standoff."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from extractor import extract, read_article_file
from extractor.cli import app
from extractor.output.brat import ann_file, fragments
from extractor.output.plover import PLOVER_CATEGORY, plover_records
from extractor.output.results import read_results
from extractor.schemas import ArticleExtraction, EventType
from tests.conftest import SAMPLE

SHORT = ('Russia accused Ukraine of shelling Belgorod on Tuesday. "We will answer," said Dmitry Peskov, '
         "the Kremlin spokesman.\nUkraine's army said it shot down 12 drones over Kyiv on Monday.")


@pytest.fixture(scope="module")
def sample() -> ArticleExtraction:
    return extract(read_article_file(SAMPLE), steps="none")


@pytest.fixture(scope="module")
def short() -> ArticleExtraction:
    return extract(SHORT, published="2025-01-08", article_id="short", steps="none", title="Short")


def _results(tmp_path: Path, *results: ArticleExtraction, extra: str = "") -> Path:
    path = tmp_path / "results.jsonl"
    path.write_text("".join(r.model_dump_json() + "\n" for r in results) + extra, encoding="utf-8")
    return path


def test_plover_record_has_plovers_fields_markup_and_our_offsets(sample: ArticleExtraction) -> None:
    records, skipped = plover_records(sample, date(2026, 1, 2))
    first = next(r for r in records if r["extractor"]["eventId"] == "E1")
    assert first["id"] == f"{sample.article.id}-E1"
    assert (first["event"], first["date"], first["eventText"], first["dateCoded"]) == (
        "ASSAULT", "2025-01-07", "shot down", "2026-01-02")
    assert first["textInfo"]["markup"].startswith(  # a self-report: the one who says so did it
        "(SRC: Ukraine’s military) said Tuesday it (EVT: shot down) 28 of 38 (TAR: Russian) drones")
    assert [s["actorText"] for s in first["source"]] == ["Ukraine’s military"]
    assert first["text"] == sample.article.text[first["extractor"]["evidence"][0]:first["extractor"]["evidence"][1]]
    assert (first["extractor"]["status"], first["extractor"]["claimedBy"]) == ("claimed", "Ukraine’s military")
    assert set(first) >= {"id", "date", "event", "mode", "context", "source", "target", "eventText", "text",
                          "textInfo", "language", "publication", "coder", "version", "dateCoded", "comment"}
    assert skipped == sum(e.type is EventType.OTHER for e in sample.events)
    assert len(records) + skipped == len(sample.events)


def test_plover_categories_use_plovers_names_and_drop_other(short: ArticleExtraction) -> None:
    assert (PLOVER_CATEGORY[EventType.REQUEST], PLOVER_CATEGORY[EventType.ACCUSE]) == ("DEMAND", "DISAPPROVE")
    assert PLOVER_CATEGORY[EventType.OTHER] is None
    edited = short.model_copy(deep=True)
    edited.events[0].type = EventType.OTHER
    records, skipped = plover_records(edited, date(2026, 1, 2))
    assert skipped == 1 and len(records) == len(short.events) - 1
    accused = short.model_copy(deep=True)
    accused.events[0].type = EventType.ACCUSE
    assert plover_records(accused, date(2026, 1, 2))[0][0]["event"] == "DISAPPROVE"


def test_plover_markup_marks_source_and_target_words(short: ArticleExtraction) -> None:
    event = short.events[0].model_copy(deep=True)
    russia = next(a for a in short.actors if a.name == "Russia")
    ukraine = next(a for a in short.actors if a.name == "Ukraine")
    from extractor.schemas import Participant

    event.participants = [Participant(actor_id=russia.id, role="agent"), Participant(actor_id=ukraine.id,
                                                                                      role="target")]
    edited = short.model_copy(update={"events": [event]})
    record = plover_records(edited, date(2026, 1, 2))[0][0]
    assert record["source"] == [{"actorText": "Russia", "code": "RUS", "country": "RUS"}]
    assert record["target"] == [{"actorText": "Ukraine", "code": "UKR", "country": "UKR"}]
    assert "(SRC: Russia)" in record["textInfo"]["markup"] and "(TAR: Ukraine)" in record["textInfo"]["markup"]


def test_brat_ann_has_attributions_in_polnears_scheme_events_and_line_fragments(short: ArticleExtraction) -> None:
    ann, dropped = ann_file(short)
    lines = ann.splitlines()
    text = short.article.text
    assert dropped == 0
    quote = short.quotes[0]
    content = next(line for line in lines if line.split("\t")[1].startswith("Content "))
    assert content.split("\t")[1] == f"Content {quote.span.start} {quote.span.end}"
    assert content.split("\t")[2] == quote.text
    attribution = next(line for line in lines if line.startswith("E") and "\tAttribution:" in line)
    assert f"Content:{content.split(chr(9))[0]}" in attribution and "Source:" in attribution and "Cue:" in attribution
    source_id = attribution.split("Source:")[1].split()[0]
    source = next(line for line in lines if line.startswith(source_id + "\t"))
    assert source.split("\t")[2] == "Dmitry Peskov"
    for line in lines:
        if line.startswith("T"):
            label, offsets = line.split("\t")[1].split(" ", 1)
            pieces = [text[int(a):int(b)] for a, b in (p.split() for p in offsets.split(";"))]
            assert " ".join(" ".join(pieces).split()) == line.split("\t")[2]
    assert any(line.startswith("A") and "\tStatus E" in line for line in lines)
    assert fragments("ab\ncd", 0, 5) == "0 2;3 5"


def test_export_cli_writes_each_format_and_reports_a_bad_line(tmp_path: Path, sample: ArticleExtraction,
                                                              short: ArticleExtraction) -> None:
    source = _results(tmp_path, sample, short, extra="[1, 2]\n")
    runner = CliRunner()
    result = runner.invoke(app, ["export", str(source), "--format", "plover", "--out", str(tmp_path / "p.jsonl")])
    assert result.exit_code == 0, result.output
    assert "line 3 is not an extraction result" in result.output
    records = [json.loads(line) for line in (tmp_path / "p.jsonl").read_text().splitlines()]
    assert {r["extractor"]["articleId"] for r in records} == {sample.article.id, "short"}
    result = runner.invoke(app, ["export", str(source), "--format", "brat", "--out", str(tmp_path / "brat")])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "brat" / "short.txt").read_text() == short.article.text
    assert (tmp_path / "brat" / "annotation.conf").is_file()
    result = runner.invoke(app, ["export", str(source), "--format", "csv", "--out", str(tmp_path / "x")])
    assert result.exit_code == 2 and "unknown export format 'csv'" in result.output


def _corrected(tasks: list[dict], edit) -> list[dict]:  # noqa: ANN001 - a function editing one task's result
    """Label Studio's export after annotation: the predictions accepted as annotations, edited."""
    exported = []
    for number, task in enumerate(tasks, start=1):
        result = json.loads(json.dumps(task["predictions"][0]["result"]))
        edit(task["data"]["article_id"], result)
        exported.append({"id": number, "data": task["data"], "annotations": [{"id": number, "result": result,
                                                                              "was_cancelled": False}]})
    return exported


def _eval(gold: Path, predictions: Path, out: Path) -> dict:
    result = CliRunner().invoke(app, ["eval", str(gold), "--format", "labelstudio", "--predictions",
                                      str(predictions), "--out", str(out)])
    assert result.exit_code == 0, result.output
    return json.loads(out.read_text())


def test_label_studio_round_trip_scores_follow_the_annotators_edits(tmp_path: Path, sample: ArticleExtraction,
                                                                    short: ArticleExtraction) -> None:
    source = _results(tmp_path, sample, short)
    result = CliRunner().invoke(app, ["export", str(source), "--format", "labelstudio",
                                      "--out", str(tmp_path / "tasks.json")])
    assert result.exit_code == 0, result.output
    tasks = json.loads((tmp_path / "tasks.json").read_text())
    assert "<Relation value=\"speaker\"/>" in (tmp_path / "tasks.label_config.xml").read_text()
    assert [t["data"]["article_id"] for t in tasks] == [sample.article.id, "short"]

    untouched = tmp_path / "untouched.json"
    untouched.write_text(json.dumps(_corrected(tasks, lambda _id, result: None)))
    scores = _eval(untouched, source, tmp_path / "r0.json")
    assert scores["micro"]["quotes_all"]["precision"] == scores["micro"]["quotes_all"]["recall"] == 1.0
    assert scores["micro"]["statements"]["precision"] == scores["micro"]["statements"]["recall"] == 1.0
    assert scores["micro"]["statements"]["gold"] == scores["micro"]["statements"]["pred"]
    assert scores["micro"]["actors"]["f1"] == scores["micro"]["events"]["f1"] == 1.0
    assert scores["micro"]["event_arguments"]["f1"] == 1.0
    assert scores["speaker_accuracy"]["all"] == 1.0

    predicted_quotes = scores["micro"]["quotes_all"]["pred"]

    def drop_a_quote(article_id: str, result: list[dict]) -> None:
        if article_id == "short":
            quote = next(r for r in result if r.get("from_name") == "quote")
            result[:] = [r for r in result if r is not quote and r.get("from_id") != quote["id"]]

    edited = tmp_path / "edited.json"
    edited.write_text(json.dumps(_corrected(tasks, drop_a_quote)))
    scores = _eval(edited, source, tmp_path / "r1.json")
    quotes_all = scores["micro"]["quotes_all"]
    assert quotes_all["recall"] == 1.0
    assert quotes_all["precision"] == pytest.approx((predicted_quotes - 1) / predicted_quotes, abs=1e-4)

    def give_a_quote_to_someone_else(article_id: str, result: list[dict]) -> None:
        if article_id == "short":
            speaker = next(r for r in result if r.get("labels") == ["speaker"])
            speaker["to_id"] = next(r["id"] for r in result if r.get("from_name") == "actor"
                                    and r["value"]["text"] == "Russia")

    reassigned = tmp_path / "reassigned.json"
    reassigned.write_text(json.dumps(_corrected(tasks, give_a_quote_to_someone_else)))
    scores = _eval(reassigned, source, tmp_path / "r2.json")
    assert scores["micro"]["quotes_all"]["f1"] == 1.0
    assert scores["speaker_accuracy"]["all"] < 1.0


def test_a_label_studio_export_without_annotations_is_refused_with_the_reason(tmp_path: Path,
                                                                              short: ArticleExtraction) -> None:
    source = _results(tmp_path, short)
    CliRunner().invoke(app, ["export", str(source), "--format", "labelstudio", "--out", str(tmp_path / "t.json")])
    result = CliRunner().invoke(app, ["eval", str(tmp_path / "t.json"), "--format", "labelstudio",
                                      "--predictions", str(source)])
    assert result.exit_code == 2 and "holds no annotated task" in " ".join(result.output.split())


def test_read_results_reports_bad_lines_by_number_and_keeps_the_rest(tmp_path: Path,
                                                                     short: ArticleExtraction) -> None:
    path = _results(tmp_path, short, extra="{oops\n\n" + short.model_dump_json() + "\n")
    found = read_results(path)
    assert [r.article.id for r in found.results] == ["short", "short"]
    assert [(b.number, b.reason.split(":")[0]) for b in found.bad_lines] == [(2, "results.jsonl line 2 is not JSON")]
    one = tmp_path / "one.json"
    one.write_text(json.dumps(json.loads(short.model_dump_json()), indent=2))
    assert [r.article.id for r in read_results(one).results] == ["short"]


EMOJI_ARTICLE = ('Kyiv \U0001F600 \U0001F1FA\U0001F1E6 update. "We held the line," said Anna Petrova, a '
                 "soldier, as Joe Biden met Emmanuel Macron in Paris.")


def _as_annotated(exported: dict, path: Path) -> Path:
    """The exported task as Label Studio exports it once an annotator accepted every prediction."""
    path.write_text(json.dumps([{"id": 1, "data": exported["data"],
                                 "annotations": [{"result": exported["predictions"][0]["result"]}]}]))
    return path


def test_label_studio_regions_count_code_points_after_an_emoji_and_come_back_as_ours(tmp_path: Path) -> None:
    """Label Studio's Text regions count code points: 😀 and 🇺🇦 (three of them) move nothing."""
    from extractor.evaluation.loaders import load_labelstudio
    from extractor.output.labelstudio import task

    result = extract(EMOJI_ARTICLE, published="2025-01-07", article_id="emoji", steps="none")
    quote = next(q for q in result.quotes if q.kind.value == "direct")
    exported, dropped = task(result)
    regions = [r for r in exported["predictions"][0]["result"] if r["type"] == "labels"]
    assert dropped == 0 and regions
    for region in regions:  # what the region says it covers is the text at its offsets, in code points
        assert EMOJI_ARTICLE[region["value"]["start"]:region["value"]["end"]] == region["value"]["text"]
    assert {r["value"]["text"] for r in regions} >= {"Joe Biden", "Emmanuel Macron", "Anna Petrova"}
    gold = load_labelstudio(_as_annotated(exported, tmp_path / "export.json"))[0]
    assert [(q.start, q.end) for q in gold.quotes] == [(quote.span.start, quote.span.end)]
    assert gold.quotes[0].speaker == "Anna Petrova" and gold.warnings == []


def test_label_studio_regions_in_utf16_units_from_an_earlier_export_are_read_with_a_warning(tmp_path: Path) -> None:
    from extractor.evaluation.loaders import load_labelstudio
    from extractor.output.labelstudio import task

    result = extract(EMOJI_ARTICLE, published="2025-01-07", article_id="emoji", steps="none")
    exported, _ = task(result)
    regions = [r for r in exported["predictions"][0]["result"] if r["type"] == "labels"]
    after = [r for r in regions if r["value"]["start"] > EMOJI_ARTICLE.index("update")]
    for region in after:  # as the earlier export wrote them: 😀 and each flag letter count two units
        region["value"]["start"] += 3
        region["value"]["end"] += 3
    gold = load_labelstudio(_as_annotated(exported, tmp_path / "export.json"))[0]
    assert {EMOJI_ARTICLE[s:e] for actor in gold.actors for s, e in actor.mentions} >= {"Joe Biden", "Emmanuel Macron"}
    assert after and gold.warnings == [f"{len(after)} region(s) in UTF-16 units read as code points (an export from an "
                             "earlier version)"]


def test_label_studio_quotation_regions_keep_their_statement_so_accepting_them_scores_statements_1(
        tmp_path: Path) -> None:
    from extractor.evaluation import score_documents
    from extractor.evaluation.loaders import load_labelstudio
    from extractor.output.labelstudio import task

    result = extract("Trump spoke in Ohio on Monday. “We certainly can’t afford to do this anymore,” Trump said. "
                     "“NATO is costing us a fortune, and yes, we’re protecting Europe.” The crowd cheered.",
                     published="2025-01-07", article_id="split", steps="none")
    assert [q.statement for q in result.quotes] == ["S1", "S1"]
    exported, _ = task(result)
    (gold,) = load_labelstudio(_as_annotated(exported, tmp_path / "export.json"))
    assert [q.fragments for q in gold.quotes] == [tuple((q.span.start, q.span.end) for q in result.quotes)]
    statements = score_documents([(gold, result)]).as_dict()["micro"]["statements"]
    assert (statements["gold"], statements["pred"], statements["recall"]) == (1, 1, 1.0)
    for region in exported["predictions"][0]["result"]:  # an annotator's own regions name no statement
        region.pop("meta", None)
    (unnoted,) = load_labelstudio(_as_annotated(exported, tmp_path / "unnoted.json"))
    assert len(unnoted.quotes) == 2
