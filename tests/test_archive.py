"""The archive registry and story events: one id per real-world actor across articles, conservative by design.

Each test writes articles' results into a real run store, as a batch does, and reads the tables,
the Python API or the CLI back.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from extractor.archive.queries import Run
from extractor.archive.registry import update_registry
from extractor.batch.export import export_run
from extractor.batch.store import RunStore
from extractor.cli import app
from extractor.errors import ArchiveLookupError
from extractor.schemas import ArticleExtraction

RUN = "run1"


def actor(actor_id: str, name: str, kind: str = "PERSON", title: str | None = None,
          aliases: tuple[str, ...] = ()) -> dict:
    return {"id": actor_id, "name": name, "type": kind, "title": title, "aliases": list(aliases),
            "mentions": [{"start": 0, "end": len(name), "text": name}]}


def article(article_id: str, published: str, actors: list[dict], *, events: list[dict] = (),
            quotes: list[dict] = (), source: str = "wire") -> str:
    text = " ".join(a["name"] for a in actors) + " said things."
    return ArticleExtraction.model_validate({
        "article": {"id": article_id, "text": text, "published": published, "source": source},
        "actors": actors, "events": list(events), "quotes": list(quotes),
        "provenance": {"backend": "test", "model": "none", "prompt_templates": {}}}).model_dump_json()


def store_articles(directory: Path, results: list[str], failures: int = 0) -> None:
    with RunStore(directory) as store:
        store.begin_run(RUN, {"model": "none"})
        for result in results:
            record = json.loads(result)["article"]["id"]
            store.claim_pending(RUN, record, "test", "", "c")
            store.save_result(RUN, record, result, prompt_tokens=0, completion_tokens=0, calls=0, wall_s=0.0)
        for n in range(failures):
            store.record_failure(RUN, f"bad{n}", "test", "no text", "input")


def export(directory: Path) -> dict[str, list[dict]]:
    update_registry(directory, RUN)
    with RunStore(directory) as store:
        paths = export_run(store, RUN)
    return {name: list(csv.DictReader(csv_path.open(encoding="utf-8")))
            for name, (csv_path, _) in paths.tables.items()}


def archive_ids(tables: dict[str, list[dict]]) -> dict[tuple[str, str], str]:
    return {(row["article_id"], row["actor_id"]): row["archive_actor_id"] for row in tables["actors"]}


def test_one_person_under_three_names_is_one_archive_actor(tmp_path: Path) -> None:
    store_articles(tmp_path, [
        article("a", "2016-01-01", [actor("A1", "Donald Trump", aliases=("Trump",))]),
        article("b", "2016-02-01", [actor("A1", "Donald J. Trump", title="Republican candidate")]),
        article("c", "2016-03-01", [actor("A1", "Trump", title="Mr.")]),
        article("d", "2016-03-02", [actor("A1", "Donald Trump")]),
    ])
    tables = export(tmp_path)
    ids = archive_ids(tables)
    assert ids[("a", "A1")] == ids[("b", "A1")] == ids[("c", "A1")] == ids[("d", "A1")] == "AA000001"
    [row] = tables["archive_actors"]
    assert row["name"] == "Donald Trump" and row["articles"] == "4"
    assert row["first_date"] == "2016-01-01" and row["last_date"] == "2016-03-02"
    assert row["aliases"] == "Donald Trump (2); Trump (2); Donald J. Trump (1)"
    assert row["titles"] == "Republican candidate (1); Mr. (1)"


def test_two_people_of_one_surname_never_merge_and_the_surname_alone_stays_apart(tmp_path: Path) -> None:
    store_articles(tmp_path, [
        article("a", "2016-01-01", [actor("A1", "John Smith")]),
        article("b", "2016-01-02", [actor("A1", "Jane Smith")]),
        article("c", "2016-01-03", [actor("A1", "Smith")]),
        article("d", "2016-01-04", [actor("A1", "Smith")]),
    ])
    ids = archive_ids(export(tmp_path))
    assert len({ids[("a", "A1")], ids[("b", "A1")], ids[("c", "A1")], ids[("d", "A1")]}) == 4


def test_a_title_picks_one_of_two_people_of_a_surname(tmp_path: Path) -> None:
    store_articles(tmp_path, [
        article("a", "2016-01-01", [actor("A1", "John Smith", title="Senator")]),
        article("b", "2016-01-02", [actor("A1", "Jane Smith", title="Governor")]),
        article("c", "2016-01-03", [actor("A1", "Smith", title="Governor")]),
    ])
    ids = archive_ids(export(tmp_path))
    assert ids[("c", "A1")] == ids[("b", "A1")] != ids[("a", "A1")]


def test_only_people_active_near_the_article_count_for_a_surname(tmp_path: Path) -> None:
    store_articles(tmp_path, [
        article("a", "2010-01-01", [actor("A1", "John Smith")]),
        article("b", "2016-01-02", [actor("A1", "Jane Smith")]),
        article("c", "2016-03-01", [actor("A1", "Smith")]),
    ])
    ids = archive_ids(export(tmp_path))
    assert ids[("c", "A1")] == ids[("b", "A1")]


def test_organisations_join_by_name_or_the_acronym_an_article_pairs_with_it(tmp_path: Path) -> None:
    store_articles(tmp_path, [
        article("a", "2016-01-01", [actor("A1", "Federal Bureau of Investigation", "GOVERNMENT", aliases=("FBI",))]),
        article("b", "2016-01-02", [actor("A1", "FBI", "ORGANIZATION")]),
        article("c", "2016-01-03", [actor("A1", "the Federal Bureau of Investigation", "GOVERNMENT")]),
        article("d", "2016-01-04", [actor("A1", "Federal Reserve", "GOVERNMENT")]),
    ])
    ids = archive_ids(export(tmp_path))
    assert ids[("a", "A1")] == ids[("b", "A1")] == ids[("c", "A1")] != ids[("d", "A1")]


def test_a_person_and_an_organisation_of_one_name_stay_apart_unless_it_is_a_known_full_name(tmp_path: Path) -> None:
    store_articles(tmp_path, [
        article("a", "2016-01-01", [actor("A1", "Walt Disney", "ORGANIZATION"), actor("A2", "Ford", "ORGANIZATION")]),
        article("b", "2016-01-02", [actor("A1", "Walt Disney"), actor("A2", "Ford")]),
    ])
    ids = archive_ids(export(tmp_path))
    assert ids[("a", "A1")] == ids[("b", "A1")]
    assert ids[("a", "A2")] != ids[("b", "A2")]


def test_unnamed_one_letter_and_other_actors_get_no_archive_id(tmp_path: Path) -> None:
    store_articles(tmp_path, [article("a", "2016-01-01", [
        actor("A1", "X"), actor("A2", "police", "GOVERNMENT"), actor("A3", "the crowd", "OTHER"),
        actor("A4", "Ana Lopez")])])
    ids = archive_ids(export(tmp_path))
    assert [ids[("a", a)] for a in ("A1", "A2", "A3", "A4")] == ["", "", "", "AA000001"]


def test_ids_never_change_when_the_run_resumes_with_more_articles(tmp_path: Path) -> None:
    store_articles(tmp_path, [article("a", "2016-01-01", [actor("A1", "Ana Lopez"), actor("A2", "Ben Ode")])])
    first = archive_ids(export(tmp_path))
    store_articles(tmp_path, [article("b", "2016-01-02", [actor("A1", "Carl Marsh"), actor("A2", "Ben Ode")])])
    second = archive_ids(export(tmp_path))
    assert all(second[key] == value for key, value in first.items())
    assert second[("b", "A2")] == first[("a", "A2")] and second[("b", "A1")] == "AA000003"
    assert update_registry(tmp_path, RUN).records == 0
    assert len(export(tmp_path)["actors"]) == 4


def test_an_empty_run_and_a_run_of_failures_give_empty_tables(tmp_path: Path) -> None:
    store_articles(tmp_path, [], failures=2)
    tables = export(tmp_path)
    assert tables["archive_actors"] == [] and tables["story_events"] == []
    with Run(tmp_path) as run:
        assert run.actors() == [] and run.stories() == []
        with pytest.raises(ArchiveLookupError, match="no archive actor is named 'Smith'"):
            run.actor("Smith")


def _event(event_id: str, agent: str, target: str, *, killed: int, status: str, claimed_by: str | None,
           day: str = "2025-01-07", kind: str = "ASSAULT") -> dict:
    return {"id": event_id, "type": kind, "summary": "strike", "evidence": {"start": 0, "end": 5, "text": "drone"},
            "date": {"value": day, "precision": "day", "expression": "on Tuesday"},
            "participants": [{"actor_id": agent, "role": "agent"}, {"actor_id": target, "role": "target"}],
            "casualties": {"killed": killed}, "claimed_by": claimed_by, "status": status, "locations": [{"name": "Kherson", "span": {"start": 0, "end": 7, "text": "Kherson"}}]}


def test_one_event_in_two_outlets_is_one_story_with_both_figures_side_by_side(tmp_path: Path) -> None:
    sides = [actor("A1", "Russian Armed Forces", "MILITARY"), actor("A2", "Kherson", "COUNTRY"),
             actor("A3", "Ukraine", "COUNTRY")]
    store_articles(tmp_path, [
        article("kyiv", "2025-01-08", sides, source="Kyiv Post",
                events=[_event("E1", "A1", "A2", killed=28, status="claimed", claimed_by="A3")]),
        article("tass", "2025-01-08", sides[:2] + [actor("A3", "Russia", "COUNTRY")], source="TASS",
                events=[_event("E1", "A1", "A2", killed=3, status="denied", claimed_by="A3"),
                        _event("E2", "A3", "A2", killed=0, status="asserted", claimed_by=None, kind="CONSULT")]),
    ])
    tables = export(tmp_path)
    assault = [s for s in tables["story_events"] if s["type"] == "ASSAULT"]
    assert len(assault) == 1 and len(tables["story_events"]) == 2
    story = assault[0]
    assert story["articles"] == "2" and story["outlets"] == "2" and story["date"] == "2025-01-07"
    assert story["killed_reported"] == "28; 3" and story["statuses"] == "claimed (1); denied (1)"
    claims = [c for c in tables["story_claims"] if c["story_id"] == story["story_id"]]
    assert [(c["source"], c["status"], c["killed"], c["claimant_name"]) for c in claims] == [
        ("Kyiv Post", "claimed", "28", "Ukraine"), ("TASS", "denied", "3", "Russia")]


def test_different_agents_or_days_are_different_stories(tmp_path: Path) -> None:
    people = [actor("A1", "Ana Lopez"), actor("A2", "Ben Ode"), actor("A3", "Carl Marsh")]
    store_articles(tmp_path, [
        article("a", "2016-06-10", people, events=[_event("E1", "A1", "A3", killed=0, status="asserted",
                                                          claimed_by=None, day="2016-06-09", kind="SUPPORT")]),
        article("b", "2016-06-10", people, events=[_event("E1", "A2", "A3", killed=0, status="asserted",
                                                          claimed_by=None, day="2016-06-09", kind="SUPPORT")]),
        article("c", "2016-06-10", people, events=[_event("E1", "A1", "A3", killed=0, status="asserted",
                                                          claimed_by=None, day="2016-06-08", kind="SUPPORT")]),
    ])
    assert [s["articles"] for s in export(tmp_path)["story_events"]] == ["1", "1", "1"]


def _quoted(article_id: str, speaker: str, words: str, published: str) -> str:
    people = [actor("A1", speaker)]
    result = json.loads(article(article_id, published, people))
    text = result["article"]["text"] + f' "{words}," {speaker} said.'
    start = text.index(words)
    result["article"]["text"] = text
    result["quotes"] = [{"id": "Q1", "text": words, "kind": "direct", "speaker": "A1", "speaker_name": speaker,
                         "cue": "said", "span": {"start": start, "end": start + len(words), "text": words}}]
    return ArticleExtraction.model_validate(result).model_dump_json()


def test_python_api_finds_an_actor_by_name_and_its_quotes_across_articles(tmp_path: Path) -> None:
    store_articles(tmp_path, [
        _quoted("a", "Volodymyr Zelenskyy", "We will hold the line", "2025-01-07"),
        _quoted("b", "Zelenskyy", "Help is coming", "2025-01-09"),
        _quoted("c", "Olena Zelenska", "Children first", "2025-01-09"),
    ])
    with Run(tmp_path) as run:
        zelenskyy = run.actor("Volodymyr Zelenskyy")
        assert [(q.article_id, q.published.isoformat(), q.quote.text) for q in zelenskyy.quotes()] == [
            ("a", "2025-01-07", "We will hold the line"), ("b", "2025-01-09", "Help is coming")]
        assert [(a.name, a.articles) for a in run.actors(name="Zelensk")] == [("Volodymyr Zelenskyy", 2),
                                                                              ("Olena Zelenska", 1)]
        assert run.actor(zelenskyy.id) == zelenskyy


def test_a_name_many_actors_share_is_an_error_that_lists_them(tmp_path: Path) -> None:
    store_articles(tmp_path, [
        article("a", "2016-01-01", [actor("A1", "John Smith", aliases=("Smith",))]),
        article("b", "2016-01-02", [actor("A1", "Jane Smith", aliases=("Smith",))]),
    ])
    with Run(tmp_path) as run, pytest.raises(ArchiveLookupError) as caught:
        run.actor("Smith")
    assert "'Smith' may be any of 2: AA000001 John Smith (1 articles), AA000002 Jane Smith (1 articles)" in str(
        caught.value)


def test_cli_lists_actors_and_a_speakers_quotes_as_csv(tmp_path: Path) -> None:
    store_articles(tmp_path, [
        _quoted("a", "Volodymyr Zelenskyy", "We will hold the line", "2025-01-07"),
        _quoted("b", "Volodymyr Zelenskyy", "Help is coming", "2025-01-09"),
    ])
    runner = CliRunner()
    listed = runner.invoke(app, ["actors", str(tmp_path), "--csv"])
    assert listed.exit_code == 0, listed.output
    assert listed.output.splitlines()[1] == ("AA000001,Volodymyr Zelenskyy,PERSON,2,2025-01-07,2025-01-09,"
                                              "Volodymyr Zelenskyy (2),")
    quotes = runner.invoke(app, ["quotes", str(tmp_path), "--speaker", "AA000001", "--csv"])
    assert quotes.exit_code == 0, quotes.output
    rows = list(csv.reader(quotes.output.splitlines()))
    assert [(r[1], r[4]) for r in rows[1:]] == [("2025-01-07", "We will hold the line"),
                                                ("2025-01-09", "Help is coming")]
    missing = runner.invoke(app, ["quotes", str(tmp_path), "--speaker", "Nobody"])
    assert missing.exit_code == 2 and "no archive actor is named 'Nobody'" in missing.output


def test_a_surname_joins_the_person_whose_company_it_keeps_only_when_that_is_overwhelming(tmp_path: Path) -> None:
    circle = [actor(f"A{n}", f"Member{'abcdefghijk'[n]} Circle") for n in range(2, 11)]
    store_articles(tmp_path, [
        article("a", "2016-01-01", [actor("A1", "John Smith"), *circle]),
        article("b", "2016-01-02", [actor("A1", "Jane Smith"), actor("A2", "Other Person")]),
        article("c", "2016-01-03", [actor("A1", "Smith"), *circle]),
        article("d", "2016-01-04", [actor("A1", "Smith"), *circle[:7]]),
    ])
    ids = archive_ids(export(tmp_path))
    assert ids[("c", "A1")] == ids[("a", "A1")] != ids[("b", "A1")]
    assert ids[("d", "A1")] not in {ids[("a", "A1")], ids[("b", "A1")]}
