"""Geocode place mentions against the offline gazetteer, with the article as context.

Of the places a name can be (``resolve``), the choice is narrowed, in order, by:
1. the kind the words around it say: "the Kharkiv region" is the oblast, "the town of Kurakhove" a
   settlement;
2. the region or country written after it ("Selma, Ala.");
3. a country (or continent) of that name, which wins outright;
4. the article's regions and countries (those it names, or whose nationality it uses), unless a
   namesake elsewhere is ten times as populous;
5. population; and a region gives way to the city of its name in it.

Country codes of names and nationality words live here too (``country_code``): the actors' codes
and the article's countries both use them.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from extractor.candidates.places import PlaceMention
from extractor.linguistic.gazetteer import GazetteerEntry, fold, gazetteer
from extractor.linguistic.lexicon import CITY_WORDS, REGION_WORDS
from extractor.linguistic.names import same_nation
from extractor.schemas import Place, Span


def article_countries(names: Iterable[str]) -> frozenset[str]:
    """The alpha-3 codes of the countries among ``names`` (country names and nationality words:
    "Ukraine", "Ukrainian", "North Korean")."""
    return frozenset(code for code in (country_code(n) for n in names) if code)


def country_code(name: str) -> str | None:
    """The country a name or nationality word stands for ("the U.S." -> USA, "Russian" -> RUS)."""
    named = gazetteer().country_named(name)
    return named.country if named is not None else demonym_country(name)


@dataclass(frozen=True)
class Context:
    """What the article says about where it is: the countries it names (or whose nationality it
    uses) and the first-level regions it names (their ISO 3166-2 codes)."""

    countries: frozenset[str] = frozenset()
    regions: frozenset[str] = frozenset()


MAJOR_CITY = 500_000
"""A city this populous is what its bare name means, even where a region has the same name
("Washington" is the capital, not the state)."""

DWARFED = 10
"""A place of the article's countries or regions gives way to a namesake elsewhere this many times
as populous ("Paris" in an article about US politics is still the French capital, not Paris, Texas)."""


@lru_cache(maxsize=65536)
def resolve(name: str, feature_word: str | None, context: Context | frozenset[str] = Context(),
            within: GazetteerEntry | None = None) -> GazetteerEntry | None:
    """The place a name most likely is: ``None`` when the gazetteer has none of that name.

    The candidates are the places of that name (their own names before other places' alternate
    names), narrowed by the feature word written with it ("region", "town") and by the place it is
    said to lie in (``within``: "Selma, Ala."). A country wins outright; then a place in the
    article's regions or countries unless a namesake elsewhere dwarfs it; otherwise the most
    populous. A region gives way to the city of its name in it ("Kharkiv" is the city, "the Kharkiv
    region" the oblast), but not to an "X City" ("Oklahoma" is the state)."""
    if isinstance(context, frozenset):
        context = Context(countries=context)
    found = gazetteer().lookup(name)
    words = name.split()
    if not found and len(words) > 1 and fold(words[-1]) in REGION_WORDS:  # "Idlib province"
        found, feature_word = gazetteer().lookup(" ".join(words[:-1])), words[-1]
    if not found:
        return None
    key = fold(name)
    pool = [e for e in found if e.feature != "city" or fold(e.name) == key] or found
    word = (feature_word or "").lower()
    wanted = "region" if word in REGION_WORDS else "city" if word in CITY_WORDS else None
    if wanted is not None and any(e.feature == wanted for e in found) and not any(e.feature == "country"
                                                                                 for e in pool):
        pool = [e for e in found if e.feature == wanted]
    if within is not None:
        inside = [e for e in pool if e.country == within.country and
                  (within.feature == "country" or e.admin1 == within.admin1)]
        pool = inside or pool
    country = next((e for e in pool if e.feature in {"country", "continent"}), None)
    if country is not None:
        return country
    best = max(pool, key=lambda e: e.population)
    local = [e for e in pool if e.admin1 in context.regions] or [e for e in pool if e.country in context.countries]
    if local:
        nearest = max(local, key=lambda e: e.population)
        if best.population < DWARFED * max(nearest.population, 1):
            best = nearest
    if best.feature == "region" and wanted != "region":
        city = next((e for e in found if e.feature == "city" and fold(e.name) != key + " city"
                     and e.country == best.country
                     and (e.admin1 == best.admin1 or (fold(e.name) == key and e.population >= MAJOR_CITY))), None)
        best = city or best
    return best


_WITHIN = re.compile(r",\s*((?:[A-Z][\w’'.-]*\.?\s?){1,3})")


def _within(text: str, mention: PlaceMention) -> GazetteerEntry | None:
    """The region or country written right after a place, after a comma ("Selma, Ala.",
    "Quincy, Massachusetts", "Bagram, Afghanistan"): of the regions and countries of that name, the
    one that holds a place of the mention's name."""
    match = _WITHIN.match(text, mention.end)
    if match is None:
        return None
    words = match.group(1).split()
    places = gazetteer().lookup(mention.text)
    for size in range(len(words), 0, -1):
        for entry in gazetteer().lookup(" ".join(words[:size])):
            if entry.feature in {"region", "country"} and any(
                    p.country == entry.country and (entry.feature == "country" or p.admin1 == entry.admin1)
                    for p in places):
                return entry
    return None


def geocode(text: str, mention: PlaceMention, context: Context | frozenset[str] = Context()) -> Place:
    """The output place of a mention: its name and span as written, and what the gazetteer has."""
    span = Span(start=mention.start, end=mention.end, text=text[mention.start:mention.end], alignment="detected")
    if mention.feature_word == "facility":
        return Place(name=span.text, span=span, feature="facility")
    entry = resolve(mention.text, mention.feature_word, context, _within(text, mention))
    if entry is None:
        return Place(name=span.text, span=span)
    return Place(name=span.text, span=span, geonames_id=entry.geonames_id or None, country=entry.country or None,
                 admin1=entry.admin1, lat=entry.lat, lon=entry.lon, feature=entry.feature)


def geocode_article(text: str, mentions: list[PlaceMention], countries: frozenset[str]) -> list[Place]:
    """Every mention geocoded with the article as context: first with its countries, then again
    with the regions that pass resolved as well ("Williamsburg" in an article that names Virginia)."""
    first = [geocode(text, m, Context(countries)) for m in mentions]
    regions = frozenset(p.admin1 for p in first if p.feature == "region" and p.admin1)
    if not regions:
        return first
    return [geocode(text, m, Context(countries, regions)) for m in mentions]


_IRREGULAR_DEMONYMS = {"german": "DEU", "germans": "DEU", "french": "FRA", "dutch": "NLD", "swiss": "CHE",
                       "greek": "GRC", "irish": "IRL", "welsh": "GBR", "scottish": "GBR", "english": "GBR",
                       "turkish": "TUR", "turk": "TUR",
                       "filipino": "PHL", "thai": "THA", "afghan": "AFG", "saudi": "SAU", "emirati": "ARE",
                       "lebanese": "LBN", "danish": "DNK", "swedish": "SWE", "finnish": "FIN", "polish": "POL",
                       "spanish": "ESP", "portuguese": "PRT", "norwegian": "NOR", "icelandic": "ISL",
                       "kiwi": "NZL", "czech": "CZE", "slovak": "SVK", "kurdish": None, "palestinian": "PSE",
                       "american": "USA", "americans": "USA", "soviet": None, "british": "GBR", "brits": "GBR",
                       "israeli": "ISR", "israelis": "ISR", "yemeni": "YEM", "qatari": "QAT",
                       "omani": "OMN", "bahraini": "BHR", "kuwaiti": "KWT", "iraqi": "IRQ", "iraqis": "IRQ",
                       "pakistani": "PAK", "bangladeshi": "BGD", "nepali": "NPL", "somali": "SOM",
                       "congolese": "COD", "malagasy": "MDG", "burmese": "MMR", "vietnamese": "VNM",
                       "taiwanese": "TWN", "cypriot": "CYP", "maltese": "MLT", "monegasque": "MCO"}
"""Nationality words the shared-stem rule (``same_nation``) cannot derive from a country's name."""


@lru_cache(maxsize=8192)
def demonym_country(word: str) -> str | None:
    """The country of a nationality word ("ukrainian", "north korean", "chinese"): the irregular
    ones from the table, the rest by the shared-stem rule against every name of every country
    (the longest shared stem wins: "Nigerian" is Nigeria's, not Niger's)."""
    key = fold(word)
    if key in _IRREGULAR_DEMONYMS:
        return _IRREGULAR_DEMONYMS[key]
    if len(key) < 4:
        return None
    matches = [(len(os.path.commonprefix([name, key])), code) for name, code in gazetteer().country_names
               if same_nation(name, key)]
    return max(matches)[1] if matches else None
