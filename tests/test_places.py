"""Places are places, geocoded offline; actors carry a country and a sector code."""

from __future__ import annotations

import re

import pytest

from extractor import Extractor
from extractor.linguistic.gazetteer import fold, gazetteer
from extractor.rules.codes import actor_codes
from extractor.rules.places import country_code, resolve
from extractor.schemas import ActorType


@pytest.fixture(scope="module")
def rules():
    with Extractor(steps=()) as extractor:
        yield extractor


def places_of(result) -> dict[str, tuple]:
    """Every located place of every event: name -> (feature, country, admin1, GeoNames id)."""
    return {p.name: (p.feature, p.country, p.admin1, p.geonames_id) for e in result.events for p in e.locations}


def test_cities_and_regions_are_places_not_actors(rules) -> None:
    text = ("Russian drones attacked the Kharkiv and Sumy regions overnight, the governor said. "
            "In the town of Kurakhove, two civilians were killed.")
    result = rules.extract(text, published="2025-01-07")
    assert not {a.name for a in result.actors} & {"Kharkiv", "Sumy", "Kurakhove"}
    places = places_of(result)
    assert places["Kharkiv"] == ("region", "UKR", "UA-63", 706482)
    assert places["Sumy"] == ("region", "UKR", "UA-59", 692196)
    assert places["Kurakhove"] == ("city", "UKR", "UA-14", 695357)
    kurakhove = next(p for e in result.events for p in e.locations if p.name == "Kurakhove")
    assert kurakhove.span.text == text[kurakhove.span.start:kurakhove.span.end] == "Kurakhove"
    assert kurakhove.lat == pytest.approx(47.98, abs=0.05) and kurakhove.lon == pytest.approx(37.28, abs=0.05)


def test_the_city_and_its_region_get_separate_ids(rules) -> None:
    city = rules.extract("A missile struck Kharkiv on Monday.", published="2025-01-07")
    region = rules.extract("A missile struck the Kharkiv region on Monday.", published="2025-01-07")
    assert places_of(city)["Kharkiv"] == ("city", "UKR", "UA-63", 706483)
    assert places_of(region)["Kharkiv"] == ("region", "UKR", "UA-63", 706482)


def test_the_articles_countries_decide_between_places_of_one_name_unless_one_dwarfs_the_other() -> None:
    assert resolve("Manchester", None, frozenset()).country == "GBR"
    assert resolve("Manchester", None, frozenset({"USA"})).country == "USA"
    assert resolve("Paris", None, frozenset({"USA"})).country == "FRA"  # Paris, Texas is 1/87 of Paris
    assert resolve("Georgia", None, frozenset({"USA"})).feature == "country"
    assert (resolve("Washington", None).admin1, resolve("Oklahoma", None).feature) == ("US-DC", "region")


def test_the_region_written_after_a_comma_decides(rules) -> None:
    result = rules.extract("Police arrested two men in Selma, Ala., on Friday.", published="2025-01-07")
    assert places_of(result)["Selma"] == ("city", "USA", "US-AL", 4089114)


def test_a_place_ner_misses_is_found_where_a_place_stands(rules) -> None:
    result = rules.extract("Ukrainian troops have fought in Kursk since August, officials said.",
                           published="2025-01-07")
    assert places_of(result)["Kursk"][:2] == ("city", "RUS")
    assert "Kursk" not in {a.name for a in result.actors}


def test_a_city_that_acts_stays_an_actor(rules) -> None:
    result = rules.extract("Kyiv denied the report on Tuesday.", published="2025-01-07")
    assert [a.name for a in result.actors] == ["Kyiv"]


def test_an_unknown_place_keeps_its_name_and_span_with_null_ids(rules) -> None:
    text = "Rebels attacked a checkpoint in the village of Zabrovka-Nizhnyaya on Monday."
    result = rules.extract(text, published="2025-01-07")
    place = next(p for e in result.events for p in e.locations)
    assert (place.name, place.feature, place.geonames_id, place.country, place.lat) == \
        ("Zabrovka-Nizhnyaya", None, None, None, None)
    assert text[place.span.start:place.span.end] == "Zabrovka-Nizhnyaya"


@pytest.mark.parametrize("name, code", [
    ("Ukraine", "UKR"), ("Ukrainian", "UKR"), ("Russians", "RUS"), ("the U.S.", "USA"), ("North Korean", "PRK"),
    ("Chinese", "CHN"), ("British", "GBR"), ("Nigerian", "NGA"), ("Niger", "NER"), ("German", "DEU"),
    ("Korean", None), ("Roman", None)])
def test_country_names_and_nationality_words_have_their_code(name: str, code: str | None) -> None:
    assert country_code(name) == code


@pytest.mark.parametrize("name, kind, title, codes", [
    ("Russia’s Defense Ministry", ActorType.GOVERNMENT, None, ("RUS", "GOV")),
    ("Ukrainian air force", ActorType.MILITARY, None, ("UKR", "MIL")),
    ("Antony Blinken", ActorType.PERSON, "U.S. Secretary of State", ("USA", "GOV")),
    ("Oleksandr Prokudin", ActorType.PERSON, "Kherson Governor", ("UKR", "GOV")),
    ("Hillary Clinton", ActorType.PERSON, None, (None, None)),
    ("North Korea", ActorType.COUNTRY, None, ("PRK", None)),
    ("NATO", ActorType.ORGANIZATION, None, (None, "IGO")),
    ("United Nations", ActorType.ORGANIZATION, None, (None, "IGO")),
    ("Kherson city council", ActorType.GOVERNMENT, None, ("UKR", "GOV")),
    ("French police", ActorType.ORGANIZATION, None, ("FRA", "COP")),
    ("Islamic State", ActorType.ORGANIZATION, None, (None, None)),
    ("Supreme Court", ActorType.ORGANIZATION, None, (None, "JUD"))])
def test_actor_codes_come_from_name_title_and_nationality(name, kind, title, codes) -> None:
    assert actor_codes(name, kind, title) == codes


def test_a_persons_own_name_is_no_place() -> None:
    assert gazetteer().lookup("Clinton") and actor_codes("Bill Clinton", ActorType.PERSON) == (None, None)


def test_names_fold_for_lookup() -> None:
    assert fold("Zaporizhzhia") == fold("ZAPORIZHZHIA") and fold("the U.S.") == "u s"
    assert fold("Kharkivs’ka Oblast’") == "kharkivska oblast"


def test_the_readme_table_of_sector_codes_is_the_schemas_table() -> None:
    from pathlib import Path

    from extractor.schemas import SECTORS

    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text("utf-8")
    rows = re.findall(r"^\s*\| `([A-Z]{3})` \| (.+?) \|$", readme, re.M)
    assert dict(rows) == SECTORS


def test_map_data_that_does_not_match_its_checksum_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    from extractor import DataError, ExtractorError
    from extractor.output import world_map

    world_map.world_path.cache_clear()
    monkeypatch.setattr(world_map, "ATLAS_SHA256", "0" * 64)
    try:
        with pytest.raises(DataError, match="does not match its sha256") as raised:
            world_map.world_path()
        assert isinstance(raised.value, ExtractorError)
    finally:
        world_map.world_path.cache_clear()
