"""Which archive actor an article's actor is: the conservative clustering rules of the registry.

An article's actor joins an archive actor on its name key: a person's first and last name (middle
names, initials and titles dropped, "Jr." kept), an organisation's or country's whole name (and
an acronym the article pairs with it). A person named by surname alone ("Trump", "Mrs. Clinton")
joins only when the archive holds exactly one person of that surname active within
``SURNAME_PERIOD_DAYS`` of the article, or when a title or honorific picks one of them out;
otherwise it stays an archive actor of its own. Two existing archive actors are never merged, so
ids stay stable and a wrong merge made by a later article is impossible: a split is cheaper.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta

from extractor.linguistic.lexicon import FUNCTION_WORDS, ORG_WORDS, TITLE_WORDS
from extractor.linguistic.names import clean_name, is_acronym_of, tokens
from extractor.schemas import ActorType

SURNAME_PERIOD_DAYS = 365
"""A surname-only mention considers the people of that surname seen within this many days of it."""
MAX_TITLES = 20
"""Titles remembered per archive actor for the title check (the most recent ones)."""
COOCCUR_MIN = 8
COOCCUR_RATIO = 8
"""Co-occurrence decides between people of one surname only with this many shared actors, and this
many times as many as the next candidate."""
DOMINANCE_RATIO = 10
DOMINANCE_MIN_ARTICLES = 20
"""A surname alone also joins the person of that surname who has at least ``DOMINANCE_RATIO``
times as many articles as all the others of the period together, and at least
``DOMINANCE_MIN_ARTICLES``: how reporters write of the most prominent bearer of a name ("Obama")."""

GROUPS: dict[ActorType, str] = {
    ActorType.PERSON: "person", ActorType.COUNTRY: "country",
    ActorType.ORGANIZATION: "organisation", ActorType.GOVERNMENT: "organisation",
    ActorType.MILITARY: "organisation", ActorType.ARMED_GROUP: "organisation", ActorType.MEDIA: "organisation",
}
"""Actor types that may share an archive actor (``OTHER`` joins none: "police" in two articles
are rarely the same police)."""

_SUFFIXES = frozenset({"jr", "sr", "ii", "iii", "iv"})
_HONORIFICS = {"mr": "m", "mrs": "f", "ms": "f", "miss": "f"}


@dataclass(frozen=True)
class ActorRecord:
    """One article's actor, as the registry needs it."""

    article_id: str
    actor_id: str
    name: str
    type: ActorType
    title: str | None = None
    aliases: tuple[str, ...] = ()
    published: date | None = None
    country: str | None = None
    sector: str | None = None


@dataclass
class ArchiveActor:
    """What the registry remembers of an archive actor to place later mentions."""

    id: int
    group: str
    surname: str | None = None
    first: date | None = None
    last: date | None = None
    titles: list[str] = field(default_factory=list)
    gender: str | None = None
    members: int = 0

    def saw(self, record: ActorRecord, title: str | None, gender: str | None) -> None:
        """Widen the active period and remember the title and honorific of a new member."""
        self.members += 1
        when = record.published
        if when:
            self.first = min(self.first or when, when)
            self.last = max(self.last or when, when)
        if title and title.lower() not in self.titles:
            self.titles = (self.titles + [title.lower()])[-MAX_TITLES:]
        if gender:
            self.gender = gender if self.gender in (None, gender) else "?"

    def active_near(self, when: date | None) -> bool:
        if when is None or self.first is None or self.last is None:
            return True
        window = timedelta(days=SURNAME_PERIOD_DAYS)
        return self.first - window <= when <= self.last + window


@dataclass(frozen=True)
class NameKey:
    """The keys an actor is found under, and the surname when it is a person named by it alone."""

    group: str
    keys: tuple[str, ...]
    surname: str | None = None
    title: str | None = None
    gender: str | None = None
    person_key: str | None = None
    """For an organisation named like a person ("Donald Trump" tagged ORG): that person's key."""


def name_key(record: ActorRecord) -> NameKey | None:
    """The keys of an actor's name, or ``None`` for an actor the registry does not hold.

    Unnamed actors ("police", "officials"), one-letter names and ``OTHER`` actors hold no key.
    """
    group = GROUPS.get(record.type)
    if group is None or not _is_name(record.name):
        return None
    if group == "person":
        return _person_key(record)
    name = clean_name(record.name)[0]
    words = tokens(name)
    if not words or len("".join(words)) < 2:
        return None
    keys = [f"{group[0]}:{' '.join(words)}"]
    for alias in record.aliases:
        if is_acronym_of(alias, name):
            keys.append(f"{group[0]}:{alias.replace('.', '').lower()}")
        elif is_acronym_of(name, alias):
            keys.append(f"{group[0]}:{' '.join(tokens(alias))}")
    person = _person_key(record) if group == "organisation" and person_like(name) else None
    return NameKey(group, tuple(dict.fromkeys(keys)), person_key=person.keys[0] if person and person.keys else None)


def _person_key(record: ActorRecord) -> NameKey | None:
    """First and last name of the canonical name; a surname alone when that is all it has.

    Only capitalised words count ("A defensive Obama" and "anti-Obama" are "Obama"); a name with a
    function or title word among its words ("Hears About Obama", "Presidents Obama") keeps only
    its last word. An alias with more words that ends in the same surname gives the full name.
    """
    title, gender = record.title, _HONORIFICS.get((record.title or "").lower().rstrip("."))
    if gender:
        title = None
    words: list[str] = []
    for form in (record.name, *record.aliases):
        name, form_title = clean_name(form)
        if form_title:
            last_word = form_title.lower().rstrip(".").split()[-1]
            gender = gender or _HONORIFICS.get(last_word)
            title = title or (None if last_word in _HONORIFICS else form_title)
        found = _name_words(name)
        if not words or (len(found) > len(words) and found[-1:] == words[-1:]):
            words = found
    if not words:
        return None
    suffix = words[-1] if len(words) > 2 and words[-1] in _SUFFIXES else None
    core = words[:-1] if suffix else words
    if len(core) == 1:
        return NameKey("person", (), surname=core[0], title=title, gender=gender)
    key = f"p:{core[0]} {core[-1]}" + (f" {suffix}" if suffix else "")
    return NameKey("person", (key,), surname=None if suffix else core[-1], title=title, gender=gender)


def _name_words(name: str) -> list[str]:
    """The lower-cased words of a person's name: capitalised ones, initials and a dateline dropped."""
    name = re.split(r"\s[-–—]\s", name)[-1]
    raw = [w for w in re.split(r"[\s\-]+", name) if w]
    capital = [w for w in raw if w[:1].isupper()]
    words = [w.lower() for w in tokens(" ".join(capital)) if len(w) > 1]
    if any(w in FUNCTION_WORDS or w in TITLE_WORDS or w.rstrip("s") in TITLE_WORDS for w in words[:-1]):
        words = words[-1:]
    return words


def person_like(name: str) -> bool:
    """An organisation's name that is a person's full name (2-3 capitalised words, no organisation word)."""
    words = name.split()
    return 2 <= len(words) <= 3 and all(w[:1].isupper() for w in words) and \
        not any(w.lower().strip(".,") in ORG_WORDS for w in words)


def _is_name(name: str) -> bool:
    """A proper name: some capital letter and two letters at least ("police" and "X" are not)."""
    letters = re.sub(r"[^\w]", "", name)
    return len(letters) >= 2 and any(c.isupper() for c in name)


def pick_by_surname(key: NameKey, candidates: list[ArchiveActor], when: date | None,
                    shared: Callable[[ArchiveActor], int] | None = None) -> tuple[ArchiveActor, str] | None:
    """The one person a surname-only mention can be, and why; ``None`` when it is not certain.

    Only people active near the article's date count. One of them: that one. Several: the one
    with ``DOMINANCE_RATIO`` times the others' articles, else the one whose titles include the
    mention's title, or the only one of the honorific's gender, else the one that shares at least
    ``COOCCUR_MIN`` of the article's other actors and ``COOCCUR_RATIO`` times as many as any other
    candidate (``shared``: how many of the article's archive actors a candidate has appeared with).
    """
    near = [c for c in candidates if c.active_near(when)]
    if len(near) == 1:
        return near[0], "surname"
    if len(near) < 2:
        return None
    top = max(near, key=lambda c: c.members)
    rest = sum(c.members for c in near) - top.members
    if top.members >= DOMINANCE_MIN_ARTICLES and top.members >= DOMINANCE_RATIO * rest:
        return top, "prominent"
    if key.title:
        titled = [c for c in near if key.title.lower() in c.titles]
        if len(titled) == 1:
            return titled[0], "title"
    if key.gender:
        same = [c for c in near if c.gender == key.gender]
        if len(same) == 1 and all(c.gender not in (None, "?") for c in near):
            return same[0], "honorific"
    if shared is not None:
        counts = sorted(((shared(c), c.id, c) for c in near), key=lambda t: (-t[0], t[1]))
        best, runner_up = counts[0][0], counts[1][0]
        if best >= COOCCUR_MIN and best >= COOCCUR_RATIO * runner_up:
            return counts[0][2], "co-occurrence"
    return None
