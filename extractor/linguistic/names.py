"""Names: split a title off, compare two names, guess an actor's kind from its words.

Shared by the candidates (grouping NER mentions before the model sees them) and the rules
(merging every name the model or the rules use into one actor).
"""

from __future__ import annotations

import re

from rapidfuzz import fuzz

from extractor.linguistic.lexicon import ORG_WORDS, TITLE_WORDS
from extractor.schemas import ActorType

_POSSESSIVE = re.compile(r"[’']s?$")
FUZZY_SAME = 90.0

_TITLE_JOINERS = frozenset({"of", "the"})
"""Title words that never end a title: a name after "of" is an organisation's complement
("General Directorate of Security"), not a person's name."""

PRONOUNS = frozenset("he she they him her them it we i you his hers their".split())


def clean_name(name: str) -> tuple[str, str | None]:
    """Split a title off a person's name: "Kherson Governor Oleksandr Prokudin" -> name, "Kherson Governor".

    Everything up to the last title word goes to the title when what follows looks like a
    person's name (1-4 capitalised words, no organisation words); organisations keep their name.
    """
    name = " ".join(name.replace("\n", " ").split()).strip(" ,;:\"“”")
    if not re.search(r"(?:^|[\s.])[A-Z]\.$", name):
        name = name.rstrip(".")
    name = _POSSESSIVE.sub("", name)
    if name.lower().startswith("the "):
        name = name[4:]
    words = name.split()
    last_title = max((i for i, w in enumerate(words[:-1]) if w.lower().strip(".,") in TITLE_WORDS
                      and w.lower() not in _TITLE_JOINERS), default=-1)
    rest = words[last_title + 1:]
    if last_title >= 0 and 1 <= len(rest) <= 4 and all(w[:1].isupper() for w in rest) and \
            not any(w.lower() in ORG_WORDS for w in rest):
        return " ".join(rest), " ".join(words[:last_title + 1])
    return name, None


def tokens(name: str) -> list[str]:
    """Lower-case words of a name without possessive endings and a leading "the"."""
    words = re.findall(r"\w+", _POSSESSIVE_WORD.sub("", name).lower())
    return words[1:] if len(words) > 1 and words[0] == "the" else words


_POSSESSIVE_WORD = re.compile(r"[’']s\b")
_DEMONYM_ENDINGS = ("ians", "ans", "ese", "ish", "ian", "an", "ns", "n", "i")
_COUNTRY_ENDINGS = ("", "a", "e", "y", "ia", "ain", "land")
_ACRONYM_SKIP = frozenset({"of", "the", "and", "for", "de"})


def same_nation(a: str, b: str) -> bool:
    """A country and its people's adjective or plural: "Russia"/"Russian", "Ukraine"/"Ukrainians",
    "China"/"Chinese", "Britain"/"British" (a shared stem of 4+ letters and the usual endings)."""
    if a == b:
        return True
    stem = 0
    while stem < min(len(a), len(b)) and a[stem] == b[stem]:
        stem += 1
    if stem < 4:
        return False
    rest_a, rest_b = a[stem:], b[stem:]
    return any(rest_a == c and rest_b.endswith(d) and len(rest_b) <= 4 or
               rest_b == c and rest_a.endswith(d) and len(rest_a) <= 4
               for c in _COUNTRY_ENDINGS for d in _DEMONYM_ENDINGS)


def is_acronym_of(short: str, long_: str) -> bool:
    """ "AP" of "Associated Press", "U.S." of "United States", "AFP" of "Agence France-Presse"."""
    letters = short.replace(".", "")
    if not (2 <= len(letters) <= 6 and letters.isalpha() and letters.isupper()):
        return False
    words = [w for w in re.split(r"[\s-]+", long_) if w and w.lower() not in _ACRONYM_SKIP]
    return len(words) >= 2 and "".join(w[0] for w in words).upper() == letters


def joins(name: str, kind: ActorType, members: list[str], member_kind: ActorType) -> bool:
    """A name belongs with an actor's names: it is the same actor as one of them and contradicts
    none, so a shared surname does not make "Dzhokhar Tsarnaev" of "Tamerlan Tsarnaev" through
    a bare "Tsarnaev"."""
    if not any(same_actor(name, m, kind, member_kind) for m in members):
        return False
    if ActorType.PERSON not in (kind, member_kind) or len(tokens(name)) < 2:
        return True
    return all(same_actor(name, m, kind, member_kind) for m in members if len(tokens(m)) >= 2)


def same_actor(a: str, b: str, type_a: ActorType, type_b: ActorType) -> bool:
    """Equal (possessives and "the" aside), a person's surname or first-name form of the full name, a near
    spelling variant of a person's name, the same words with a country for its adjective
    ("Russia’s Defense Ministry" = "Russian Defense Ministry"), or an acronym of the other."""
    ta, tb = tokens(a), tokens(b)
    if not ta or not tb:
        return False
    if ta == tb:
        return True
    short, long_ = (ta, tb) if len(ta) < len(tb) else (tb, ta)
    person = ActorType.PERSON in (type_a, type_b)
    if not person and len(ta) == len(tb) and all(same_nation(x, y) for x, y in zip(ta, tb)):
        return True
    if not person and (is_acronym_of(a, b) or is_acronym_of(b, a)):
        return True
    if person and len(short) == 1 and short[0] in (long_[0], long_[-1]):
        return True
    if person and type_a == type_b and fuzz.ratio(" ".join(ta), " ".join(tb)) >= FUZZY_SAME:
        return True
    if person and len(short) == 1 and len(long_) > 1 and fuzz.ratio(short[0], long_[-1]) >= FUZZY_SAME:
        return True
    return False


def rule_type(label: str, name: str) -> ActorType:
    """The type an NER label implies: a person, a country (GPE and nationalities stand for their
    country), or for an organisation the kind its words say (military, government, media)."""
    if label == "PERSON":
        return ActorType.PERSON
    if label in {"GPE", "NORP"}:
        return ActorType.COUNTRY
    guessed = guess_type(name)
    return ActorType.ORGANIZATION if guessed == ActorType.PERSON else guessed


def guess_type(name: str) -> ActorType:
    """A type for a name the model used as speaker or participant without listing it as an actor."""
    low = name.lower()
    if re.search(r"\b(military|army|forces?|air force|navy|general staff|troops|command)\b", low):
        return ActorType.MILITARY
    if re.search(r"\b(ministry|government|officials?|department|office|kremlin|white house|council)\b", low):
        return ActorType.GOVERNMENT
    if re.search(r"\b(news|press|times|post|reuters|associated press|agence|tv|radio)\b", low):
        return ActorType.MEDIA
    if len(name.split()) in (2, 3) and all(w[:1].isupper() for w in name.split()):
        return ActorType.PERSON
    return ActorType.ORGANIZATION
