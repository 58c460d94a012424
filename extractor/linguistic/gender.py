"""Which pronoun a person's name, title or honorific takes: "he", "she", or unknown.

First names come from ``nomquamgender`` (MIT; name-gender frequencies from 36 sources, Van
Buskirk et al. 2023): a name is gendered when at least ``MIN_COUNT`` people carried it and at
least ``MIN_SHARE`` of them one way. Its package data is read directly (the package's own module
imports pandas); the names that pass are cached per machine as a small index.
"""

from __future__ import annotations

import json
import os
import unicodedata
from functools import lru_cache
from typing import Literal

from extractor.errors import DataError

Gender = Literal["m", "f"]

BUILD = 1
"""The version of the cached index below; it is rebuilt when this or the package changes."""
MIN_COUNT = 500
"""People who carried a first name before its share counts (rare spellings say little)."""
MIN_SHARE = 0.9
"""Share of one gender a first name needs to decide a pronoun ("Jean", "Pat" decide nothing)."""

HONORIFICS: dict[str, Gender] = {
    "mr": "m", "mister": "m", "sir": "m", "lord": "m", "king": "m", "prince": "m", "pope": "m",
    "mrs": "f", "ms": "f", "miss": "f", "madam": "f", "lady": "f", "dame": "f", "queen": "f", "princess": "f",
}
"""Words before a name that say its pronoun ("Mr. Trump", "Ms. Clinton")."""

GENDERED_NOUNS: dict[str, Gender] = {
    "spokesman": "m", "congressman": "m", "chairman": "m", "businessman": "m", "councilman": "m",
    "husband": "m", "father": "m", "son": "m", "brother": "m", "uncle": "m", "man": "m", "boy": "m",
    "grandfather": "m", "nephew": "m", "widower": "m", "actor": "m",
    "spokeswoman": "f", "congresswoman": "f", "chairwoman": "f", "businesswoman": "f", "councilwoman": "f",
    "wife": "f", "mother": "f", "daughter": "f", "sister": "f", "aunt": "f", "woman": "f", "girl": "f",
    "grandmother": "f", "niece": "f", "widow": "f", "actress": "f", "mom": "f", "dad": "m",
}
"""Nouns of a title or description that say the pronoun ("the spokeswoman", "his wife")."""

PRONOUN_GENDER: dict[str, Gender] = {"he": "m", "him": "m", "his": "m", "she": "f", "her": "f", "hers": "f"}
"""The pronouns that name a gender, and which."""


def first_name_gender(name: str) -> Gender | None:
    """The gender a first name decides, if the name list is sure of it; ``None`` otherwise."""
    key = _fold(name)
    return _first_names().get(key) if key else None


def title_gender(words: str) -> Gender | None:
    """The gender an honorific or a gendered noun among ``words`` says ("Mrs.", "spokeswoman")."""
    for word in words.lower().replace(".", " ").split():
        found = HONORIFICS.get(word) or GENDERED_NOUNS.get(word)
        if found:
            return found
    return None


def _fold(name: str) -> str:
    """Lower case without accents: the name list's keys ("andrás" is "andras")."""
    decomposed = unicodedata.normalize("NFKD", name.strip().lower())
    folded = "".join(c for c in decomposed if not unicodedata.combining(c))
    return folded if folded.isalpha() else ""


@lru_cache(maxsize=1)
def _first_names() -> dict[str, Gender]:
    """First name to gender, from the cached index, built from the package data on first use."""
    from importlib.metadata import version

    from extractor.settings import cache_dir

    path = cache_dir() / f"first-names-{BUILD}-{version('nomquamgender')}-{MIN_COUNT}-{MIN_SHARE}.json"
    try:
        return json.loads(path.read_text("utf-8"))
    except (OSError, ValueError):
        index = _build()
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(f".{os.getpid()}.tmp")
        partial.write_text(json.dumps(index, separators=(",", ":")), "utf-8")
        os.replace(partial, path)
        return index


def _build() -> dict[str, Gender]:
    """The names of the package's table that pass ``MIN_COUNT`` and ``MIN_SHARE``; its rows are
    ``[sources, count, share female, ...]``."""
    from importlib.util import find_spec
    from pathlib import Path

    spec = find_spec("nomquamgender")  # found, not imported: its __init__ imports pandas
    if spec is None or not spec.submodule_search_locations:
        raise DataError("the name list package nomquamgender is not installed; reinstall the extractor")
    table = Path(list(spec.submodule_search_locations)[0]) / "name_data.json"
    rows = json.loads(table.read_text("utf-8"))
    index: dict[str, Gender] = {}
    for name, row in rows.items():
        count, female = row[1], row[2]
        if count >= MIN_COUNT and name.isalpha() and (female >= MIN_SHARE or female <= 1 - MIN_SHARE):
            index[name] = "f" if female >= MIN_SHARE else "m"
    return index
