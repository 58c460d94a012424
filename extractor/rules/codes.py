"""Country and sector codes of an actor, from its name, its title and its type.

- Country (ISO 3166-1 alpha-3): a country actor's own; otherwise the country its name or title
  names ("Russia’s Defense Ministry", "U.S. Secretary of State"), the nationality word it uses
  ("Ukrainian air force"), or the country of a city or region it names ("Kherson Governor"). A
  person's own name says nothing ("Clinton" is also a town): only the title counts.
  An intergovernmental organisation has none.
- Sector (``extractor.schemas.SECTORS``): an intergovernmental organisation from the table below;
  otherwise the sector word of its name (the last one written: "Defense Ministry" is GOV, "Russian
  military" MIL) or of its title ("Secretary of State": GOV), else what its type implies.
"""

from __future__ import annotations

import re

from extractor.linguistic.gazetteer import fold, gazetteer
from extractor.rules.places import country_code
from extractor.schemas import SECTORS, ActorType

IGOS = frozenset("""un|united nations|nato|north atlantic treaty organization|eu|european union|european commission|
    european parliament|council of europe|african union|au|osce|organization for security and co-operation in europe|
    imf|international monetary fund|world bank|who|world health organization|iaea|
    international atomic energy agency|icc|international criminal court|icj|international court of justice|opec|
    asean|arab league|league of arab states|g7|g20|unicef|unhcr|unesco|wto|world trade organization|interpol|
    security council|un security council|general assembly|un general assembly|ecowas|gulf cooperation council|gcc|
    organization of american states|oas|commonwealth|csto|shanghai cooperation organization|sco|unrwa|
    world food programme|wfp|ocha|europol|frontex""".replace("\n", "").split("|"))
"""Intergovernmental organisations (folded names): sector IGO, no country."""

SECTOR_WORDS: dict[str, str] = {
    **dict.fromkeys("""ministry ministries minister ministers government governments cabinet president presidents
        premier chancellor secretary governor governors mayor mayors kremlin administration official officials
        department embassy ambassador ambassadors diplomat diplomats envoy spokesman spokeswoman spokesperson
        authorities authority regime king queen prince sheikh emir commissioner council""".split(), "GOV"),
    **dict.fromkeys("""military militaries army armies navy force forces troops soldier soldiers general generals
        commander commanders command staff marines brigade battalion regiment division defence defense
        colonel lieutenant sergeant admiral guard guards""".split(), "MIL"),
    **dict.fromkeys("police policeman policemen officer officers sheriff gendarmerie constable".split(), "COP"),
    **dict.fromkeys("court courts judge judges justice justices prosecutor prosecutors attorney tribunal".split(),
                    "JUD"),
    **dict.fromkeys("""parliament congress senate senator senators lawmaker lawmakers legislator legislators
        legislature assembly duma congressman congresswoman representative representatives mp mps""".split(),
                    "LEG"),
    **dict.fromkeys("party parties democrats republicans".split(), "PTY"),
    **dict.fromkeys("""rebel rebels militant militants insurgent insurgents separatist separatists guerrilla
        guerrillas militia militias jihadist jihadists""".split(), "REB"),
    **dict.fromkeys("opposition dissident dissidents activist activists protester protesters demonstrators".split(),
                    "OPP"),
    **dict.fromkeys("""news press times post tribune herald journal tv television radio broadcaster agency
        journalist journalists reporter reporters newspaper magazine""".split(), "MED"),
    **dict.fromkeys("""company companies corporation corp inc ltd llc plc firm firms bank banks ceo executive
        executives group industries airlines""".split(), "BUS"),
    **dict.fromkeys("foundation charity ngo watch amnesty".split(), "NGO"),
    **dict.fromkeys("church churches pope bishop bishops imam imams cleric clerics vatican patriarch rabbi".split(),
                    "REL"),
    **dict.fromkeys("university universities college school schools professor professors institute".split(), "EDU"),
    **dict.fromkeys("hospital hospitals health doctor doctors medical clinic".split(), "HLH"),
    **dict.fromkeys("civilian civilians resident residents people villagers citizens".split(), "CVL"),
    **dict.fromkeys("gang gangs cartel cartels hackers hacker criminals".split(), "CRM"),
}
"""Words that give an actor its sector (the last one in a name decides: its head noun)."""

TYPE_SECTORS: dict[ActorType, str | None] = {
    ActorType.GOVERNMENT: "GOV", ActorType.MILITARY: "MIL", ActorType.MEDIA: "MED", ActorType.ARMED_GROUP: "REB",
    ActorType.COUNTRY: None, ActorType.PERSON: None, ActorType.ORGANIZATION: None, ActorType.OTHER: None,
}
"""The sector an actor type implies when no word of its name or title says one."""

_WORD = re.compile(r"[\w.’']+")


def actor_codes(name: str, kind: ActorType, title: str | None = None,
                aliases: tuple[str, ...] | list[str] = ()) -> tuple[str | None, str | None]:
    """(country alpha-3, sector code) of an actor; either is ``None`` when nothing says it."""
    names = [name, *aliases]
    if any(fold(n) in IGOS for n in names):
        return None, "IGO"
    if kind == ActorType.COUNTRY:
        return next((c for c in (country_code(n) for n in names) if c), None), None
    said = [title or ""] if kind == ActorType.PERSON else [*names, title or ""]
    country = next((c for c in map(_country_in, said) if c), None)
    sector = _sector_of(name) or _sector_of(title or "") or next((s for s in map(_sector_of, aliases) if s), None)
    if kind != ActorType.PERSON and kind in TYPE_SECTORS and TYPE_SECTORS[kind] is not None:
        sector = TYPE_SECTORS[kind] if sector is None or (kind == ActorType.MILITARY and sector == "GOV") else sector
    assert sector is None or sector in SECTORS
    return country, sector


def _sector_of(text: str) -> str | None:
    """The sector of the last sector word written ("Russia’s Defense Ministry": GOV)."""
    words = [w.lower().strip(".’'") for w in _WORD.findall(text)]
    return next((SECTOR_WORDS[w] for w in reversed(words) if w in SECTOR_WORDS), None)


def _country_in(text: str) -> str | None:
    """The first country a name or title names: a country's name or nationality word ("Russia’s",
    "U.S.", "North Korean"), else the country of a city or region it names ("Kherson Governor")."""
    words = [w for w in _WORD.findall(re.sub(r"[’']s\b", "", text)) if w[:1].isupper()]
    for size in (3, 2, 1):
        for i in range(len(words) - size + 1):
            phrase = " ".join(words[i:i + size])
            code = country_code(phrase)
            if code:
                return code
    for word in words:
        places = [e for e in gazetteer().lookup(word) if e.feature in {"city", "region"}]
        if places and len({e.country for e in places[:1]}) == 1 and len(word) >= 4:
            return places[0].country
    return None
