"""Named actors come from spaCy's NER, repaired with the parse, and merge into one actor each."""

from __future__ import annotations

from pathlib import Path

import pytest

from extractor import Extractor, ModelError, read_article_file
from extractor.candidates.actors import find_actor_candidates
from extractor.linguistic import nlp
from extractor.linguistic.names import is_acronym_of, same_actor, same_nation
from extractor.schemas import ActorType
from tests.scenarios import SAMPLE


@pytest.fixture(scope="module")
def candidates():
    article = read_article_file(SAMPLE.article)
    return article.text, find_actor_candidates(nlp.parse(article.text))


def test_titles_are_split_off_and_kept(candidates) -> None:
    text, found = candidates
    people = {c.text: c.title for c in found if c.label == "PERSON"}
    assert people == {"Oleksandr Prokudin": "Kherson Governor", "Volodymyr Zelenskyy": "Russian President",
                      "Antony Blinken": "U.S. Secretary of State"}
    for candidate in found:
        assert text[candidate.start:candidate.end] == candidate.text


def test_places_coordinated_with_places_are_neither_people_nor_actors(candidates) -> None:
    _, found = candidates
    places = {"Cherkasy", "Kharkiv", "Kherson", "Kirovohrad", "Mykolaiv", "Poltava", "Sumy", "Zaporizhzhia",
              "Belgorod", "Kurakhove", "Kursk", "Donetsk"}
    assert not {c.text for c in found} & places
    assert {c.text for c in found if c.label == "GPE"} >= {"Ukraine", "Russia", "North Korea", "China", "South Korea"}


def test_a_possessor_country_joins_its_organisation(candidates) -> None:
    _, found = candidates
    orgs = [c.text for c in found if c.label == "ORG"]
    assert "Russia’s Defense Ministry" in orgs and "Russian Defense Ministry" in orgs


def test_rules_only_actors_are_merged_typed_and_titled() -> None:
    with Extractor(steps=()) as extractor:
        result = extractor.extract(read_article_file(SAMPLE.article))
    by_name = {a.name: a for a in result.actors}
    ministries = [a for a in result.actors if "Defense Ministry" in a.name]
    assert len(ministries) == 1 and ministries[0].type == ActorType.GOVERNMENT
    assert {m.text for m in ministries[0].mentions} == {"Russia’s Defense Ministry", "Russian Defense Ministry"}
    assert by_name["North Korea"].type == by_name["China"].type == ActorType.COUNTRY
    assert by_name["Russia"].type == ActorType.COUNTRY and "Russian" in by_name["Russia"].aliases
    assert by_name["Antony Blinken"].title == "U.S. Secretary of State"
    assert by_name["Oleksandr Prokudin"].title == "Kherson Governor"
    assert by_name["Associated Press"].type == ActorType.MEDIA
    for actor in result.actors:
        for mention in actor.mentions:
            assert result.article.text[mention.start:mention.end] == mention.text


@pytest.mark.parametrize(("a", "b", "same"), [
    ("Russia’s Defense Ministry", "Russian Defense Ministry", True), ("Russia", "Russian", True),
    ("Ukraine", "Ukrainians", True), ("China", "Chinese", True), ("North Korea", "North Korean", True),
    ("South Korea", "North Korean", False), ("Austria", "Australian", False), ("Iran", "Iraqi", False),
    ("Russia", "Russian military", False), ("AP", "Associated Press", True), ("U.S.", "United States", True),
    ("AFP", "Agence France-Presse", True), ("UN", "Associated Press", False)])
def test_organisations_and_countries_merge_by_nationality_and_acronym(a: str, b: str, same: bool) -> None:
    kind = {1: ActorType.COUNTRY}.get(len(a.split()), ActorType.ORGANIZATION)
    assert same_actor(a, b, kind, ActorType.ORGANIZATION) is same


def test_surname_endings_and_mixed_case_words_are_no_nationality_or_acronym() -> None:
    assert same_nation("roberts", "robert") is False
    assert not is_acronym_of("Al", "Anna Lee")


def test_a_pipeline_that_is_not_the_pinned_one_is_refused(unpinned_pipeline: Path) -> None:
    with pytest.raises(ModelError, match="is not the pinned one"):
        nlp.load_pipeline()


@pytest.mark.parametrize("text, people", [
    ("Black Lawmakers Rip Donald Trump As A ‘Disgusting Fraud.’\n\nDonald Trump said on Monday that he would win.",
     [("Donald Trump", None), ("Donald Trump", None)]),
    ("Only 24 Percent of Hillary Clinton’s Contributors Are Small Donors.\n\nHillary Clinton spoke in Ohio.",
     [("Hillary Clinton", None), ("Hillary Clinton", None)]),
    ("Rush Limbaugh: Hillary Asking Moderator To Fact Check Trump Reeks of Fear.\n\nHillary Clinton said nothing.",
     [("Rush Limbaugh", None), ("Hillary", None), ("Hillary Clinton", None)]),
    ("Activist Angela Davis talks to DuVernay about the issue of mass incarceration.",
     [("Angela Davis", "Activist")]),
    ("Several women lead the department - including Leslie Caldwell and Vanita Gupta - officials said.",
     [("Leslie Caldwell", None), ("Vanita Gupta", None)]),
    ("Myanmar leader Aung San Suu Kyi met Obama. Suu Kyi said little.",  # outside a headline, a name stays whole
     [("Aung San Suu Kyi", None), ("Obama", None), ("Suu Kyi", None)]),
])
def test_a_persons_name_holds_no_headline_words_possessed_nouns_verbs_or_stray_punctuation(
        text: str, people: list[tuple[str, str | None]]) -> None:
    found = [c for c in find_actor_candidates(nlp.parse(text)) if c.label == "PERSON"]
    assert [(c.text, c.title) for c in found] == people
    assert all(text[c.start:c.end] == c.text for c in found)
