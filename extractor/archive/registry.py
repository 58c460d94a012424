"""The archive actor registry: one id per real-world actor across a run's articles, kept in ``run.sqlite``.

``update_registry`` places the actors of every done record the registry has not seen yet (at the
end of a batch, and again on each resume): first every actor with a full name, then
organisations named like a person (one named exactly like a known person is that person), then
people named by surname alone, so an archive's full names are known before a surname is placed. One
transaction per update: a process killed mid-way leaves the registry as it was, and the next
update redoes the same records. Ids are never renumbered: a key once given an archive actor keeps
it, and a placed actor keeps its archive actor.
"""

from __future__ import annotations

import json
import sqlite3
from array import array
from bisect import bisect_left
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from extractor.archive.actors import ActorRecord, ArchiveActor, NameKey, name_key, pick_by_surname
from extractor.schemas import ActorType
from extractor.settings import STORE_NAME

ID_PREFIX = "AA"
WRITE_ROWS = 10_000
READ_ROWS = 500

_SCHEMA = """
CREATE TABLE IF NOT EXISTS archive_actors (
    id INTEGER PRIMARY KEY,
    grp TEXT NOT NULL,
    surname TEXT,
    first_date TEXT,
    last_date TEXT,
    titles TEXT NOT NULL DEFAULT '[]',
    gender TEXT,
    members INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS archive_keys (key TEXT PRIMARY KEY, archive_actor INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS archive_members (
    run TEXT NOT NULL,
    record_id TEXT NOT NULL,
    article_id TEXT NOT NULL,
    actor_id TEXT NOT NULL,
    archive_actor INTEGER NOT NULL,
    how TEXT NOT NULL,
    name TEXT NOT NULL,
    type TEXT NOT NULL,
    title TEXT,
    aliases TEXT NOT NULL DEFAULT '[]',
    published TEXT,
    country TEXT,
    sector TEXT,
    PRIMARY KEY (run, article_id, actor_id)
);
CREATE INDEX IF NOT EXISTS archive_members_actor ON archive_members (archive_actor);
CREATE TABLE IF NOT EXISTS archive_records (run TEXT NOT NULL, record_id TEXT NOT NULL, PRIMARY KEY (run, record_id));
"""


def archive_id(number: int) -> str:
    """The printed form of an archive actor's number: ``AA000042``."""
    return f"{ID_PREFIX}{number:06d}"


def parse_archive_id(text: str) -> int | None:
    rest = text.strip().upper().removeprefix(ID_PREFIX)
    return int(rest) if text.strip().upper().startswith(ID_PREFIX) and rest.isdigit() else None


@dataclass
class RegistryUpdate:
    """What one update did."""

    records: int = 0
    actors: int = 0
    placed: int = 0
    new_archive_actors: int = 0
    how: Counter = field(default_factory=Counter)


def connect(directory: str | Path) -> sqlite3.Connection:
    """The run store's database with the registry's tables (created if missing)."""
    con = sqlite3.connect(Path(directory) / STORE_NAME, timeout=30, isolation_level=None)
    con.execute("PRAGMA journal_mode=WAL")
    con.executescript(_SCHEMA)
    columns = {row[1] for row in con.execute("PRAGMA table_info(archive_members)")}
    for column in ("country", "sector"):
        if column not in columns:  # a store written before the actors carried codes
            con.execute(f"ALTER TABLE archive_members ADD COLUMN {column} TEXT")
    return con


class _State:
    """The registry in memory for one update: archive actors, keys and the people by surname."""

    def __init__(self, con: sqlite3.Connection):
        self.actors: dict[int, ArchiveActor] = {}
        for number, grp, surname, first, last, titles, gender, members in con.execute(
                "SELECT id, grp, surname, first_date, last_date, titles, gender, members FROM archive_actors"):
            self.actors[number] = ArchiveActor(number, grp, surname, _date(first), _date(last), json.loads(titles),
                                               gender, members)
        self.keys: dict[str, int] = dict(con.execute("SELECT key, archive_actor FROM archive_keys"))
        self.by_surname: dict[str, list[ArchiveActor]] = defaultdict(list)
        for actor in self.actors.values():
            if actor.surname:
                self.by_surname[actor.surname].append(actor)
        self.next_id = max(self.actors, default=0) + 1
        self.new_keys: dict[str, int] = {}
        self.touched: set[int] = set()
        self.created: set[int] = set()

    def new(self, group: str, surname: str | None) -> ArchiveActor:
        actor = ArchiveActor(self.next_id, group, surname)
        self.actors[actor.id] = actor
        self.next_id += 1
        self.created.add(actor.id)
        if surname:
            self.by_surname[surname].append(actor)
        return actor

    def place_named(self, key: NameKey) -> tuple[ArchiveActor, str]:
        """The archive actor of a full name: the one its first known key names, or a new one.

        An organisation named exactly like a known person is that person (NER's type is the
        weaker evidence)."""
        if key.person_key in self.keys:
            return self.actors[self.keys[key.person_key]], "person name"
        known = [self.keys[k] for k in key.keys if k in self.keys]
        if known:
            actor, how = self.actors[known[0]], "name" if key.keys[0] in self.keys else "acronym"
        else:
            actor, how = self.new(key.group, key.surname), "new"
        for k in key.keys:
            if k not in self.keys:
                self.keys[k] = self.new_keys[k] = actor.id
        return actor, how

    def place_surname(self, key: NameKey, when: date | None, shared: Callable[[ArchiveActor], int]
                      ) -> tuple[ArchiveActor, str]:
        """A surname alone: the one person it can be, else an archive actor of its own."""
        picked = pick_by_surname(key, self.by_surname.get(key.surname or "", []), when, shared)
        return picked if picked else (self.new("person", None), "alone")


def update_registry(directory: str | Path, run: str) -> RegistryUpdate:
    """Place the actors of every done record of ``run`` not placed yet; a no-op when there are none."""
    con = connect(directory)
    try:
        return _update(con, run)
    finally:
        con.close()


def _update(con: sqlite3.Connection, run: str) -> RegistryUpdate:
    report = RegistryUpdate()
    con.execute("BEGIN IMMEDIATE")
    try:
        state = _State(con)
        members: list[tuple[Any, ...]] = []
        person_named: list[tuple[str, ActorRecord, NameKey]] = []
        neighbours: dict[str, tuple[int, ...]] = {}
        surnames: list[tuple[str, ActorRecord, NameKey]] = []
        for record_id, result in _unplaced(con, run):
            report.records += 1
            con.execute("INSERT INTO archive_records (run, record_id) VALUES (?, ?)", (run, record_id))
            placed_here: set[int] = set()
            waiting = False
            for record in actor_records(result):
                report.actors += 1
                key = name_key(record)
                if key is None:
                    continue
                if key.person_key:
                    person_named.append((record_id, record, key))
                elif not key.keys:
                    surnames.append((record_id, record, key))
                    waiting = True
                else:
                    members.append(_member(run, record_id, record, *state.place_named(key), key, state))
                    placed_here.add(members[-1][4])
                    if len(members) >= WRITE_ROWS:
                        report.placed += _write_members(con, members)
            if waiting:
                neighbours[record_id] = tuple(placed_here)
        for record_id, record, key in person_named:
            members.append(_member(run, record_id, record, *state.place_named(key), key, state))
        report.placed += _write_members(con, members)
        seen_with = _CoOccurrence(con)
        for record_id, record, key in surnames:
            around = neighbours.get(record_id, ())
            placed = state.place_surname(key, record.published, lambda c: seen_with.shared(c.id, around))
            members.append(_member(run, record_id, record, *placed, key, state))
        report.placed += _write_members(con, members)
        _write_state(con, state)
        report.new_archive_actors = len(state.created)
        report.how = Counter(how for (how,) in con.execute(
            "SELECT how FROM archive_members WHERE run = ?", (run,)))
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    return report


class _CoOccurrence:
    """Which archive actors each archive actor has appeared with (asked only to break a surname tie).

    A frequent actor appears with most of the archive, so each profile is a sorted array of ids
    (8 bytes an id; a set of ints takes five times that)."""

    def __init__(self, con: sqlite3.Connection):
        self.con = con
        self.profiles: dict[int, array[int]] = {}

    def shared(self, number: int, around: Iterable[int]) -> int:
        """How many of ``around`` have appeared in an article with archive actor ``number``."""
        if number not in self.profiles:
            self.profiles[number] = array("q", (other for (other,) in self.con.execute(
                """SELECT DISTINCT m.archive_actor FROM archive_members m JOIN archive_members c
                   ON m.run = c.run AND m.article_id = c.article_id WHERE c.archive_actor = ?
                   ORDER BY m.archive_actor""", (number,))))
        profile = self.profiles[number]
        return sum(1 for other in set(around) - {number} if _holds(profile, other))


def _holds(profile: array[int], value: int) -> bool:
    at = bisect_left(profile, value)
    return at < len(profile) and profile[at] == value


def _member(run: str, record_id: str, record: ActorRecord, actor: ArchiveActor, how: str, key: NameKey,
            state: _State) -> tuple[Any, ...]:
    actor.saw(record, key.title, key.gender)
    state.touched.add(actor.id)
    return (run, record_id, record.article_id, record.actor_id, actor.id, how, record.name, record.type.value,
            record.title, json.dumps(list(record.aliases), ensure_ascii=False),
            record.published.isoformat() if record.published else None, record.country, record.sector)


def _write_members(con: sqlite3.Connection, members: list[tuple[Any, ...]]) -> int:
    """Write and forget the pending members; how many there were."""
    con.executemany("""INSERT OR IGNORE INTO archive_members (run, record_id, article_id, actor_id, archive_actor, how,
                       name, type, title, aliases, published, country, sector)
                       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""", members)
    written = len(members)
    members.clear()
    return written


def _write_state(con: sqlite3.Connection, state: _State) -> None:
    con.executemany(
        """INSERT INTO archive_actors (id, grp, surname, first_date, last_date, titles, gender, members)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?)
           ON CONFLICT (id) DO UPDATE SET first_date = excluded.first_date, last_date = excluded.last_date,
             titles = excluded.titles, gender = excluded.gender, members = excluded.members""",
        [(a.id, a.group, a.surname, _iso(a.first), _iso(a.last), json.dumps(a.titles, ensure_ascii=False), a.gender,
          a.members)
         for a in (state.actors[n] for n in sorted(state.touched | state.created))])
    con.executemany("INSERT OR IGNORE INTO archive_keys (key, archive_actor) VALUES (?, ?)",
                    list(state.new_keys.items()))


def _unplaced(con: sqlite3.Connection, run: str) -> Iterator[tuple[str, str]]:
    """Done records of the run the registry has not placed, in the order they were read."""
    rowids = [rowid for (rowid,) in con.execute(
        """SELECT rowid FROM records WHERE run = ? AND status = 'done' AND result IS NOT NULL
           AND id NOT IN (SELECT record_id FROM archive_records WHERE run = ?) ORDER BY rowid""", (run, run))]
    for start in range(0, len(rowids), READ_ROWS):
        chunk = rowids[start:start + READ_ROWS]
        yield from con.execute(f"SELECT id, result FROM records WHERE rowid IN ({','.join('?' * len(chunk))}) "
                               "ORDER BY rowid", chunk).fetchall()


def actor_records(result_json: str) -> Iterable[ActorRecord]:
    """The actors of one stored result, read straight from its JSON (no model validation: speed)."""
    result = json.loads(result_json)
    article = result["article"]
    published = _date(article.get("published"))
    for actor in result.get("actors", []):
        try:
            kind = ActorType(actor.get("type"))
        except ValueError:
            continue
        yield ActorRecord(article["id"], actor["id"], actor.get("name") or "", kind, actor.get("title"),
                          tuple(actor.get("aliases") or ()), published, actor.get("country"), actor.get("sector"))


def _date(text: str | None) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


def article_archive_ids(con: sqlite3.Connection, run: str, article_id: str) -> dict[str, str]:
    """Actor id → archive actor id for one article of the run."""
    return {actor_id: archive_id(number) for actor_id, number in con.execute(
        "SELECT actor_id, archive_actor FROM archive_members WHERE run = ? AND article_id = ?", (run, article_id))}


@dataclass
class ArchiveActorSummary:
    """One archive actor as the ``archive_actors`` table shows it, over one run."""

    id: str
    name: str
    type: str
    titles: Counter
    aliases: Counter
    articles: set[str]
    first: str | None
    last: str | None
    members: list[tuple[str, str, str]] = field(default_factory=list)
    codes: Counter = field(default_factory=Counter)
    """(country, sector) of its members, counted; the most common pair is the actor's."""

    @property
    def country(self) -> str | None:
        return self._code(0)

    @property
    def sector(self) -> str | None:
        return self._code(1)

    def _code(self, index: int) -> str | None:
        known = Counter({pair[index]: n for pair, n in self.codes.items() if pair[index]})
        return known.most_common(1)[0][0] if known else None
    """(record id, article id, actor id) of every article actor it holds."""

    @property
    def article_count(self) -> int:
        return len(self.articles)


def archive_actors(con: sqlite3.Connection, run: str, name: str | None = None) -> Iterator[ArchiveActorSummary]:
    """Every archive actor with members in the run (``name``: those with a name containing it), by id."""
    current: ArchiveActorSummary | None = None
    types: Counter = Counter()
    where, args = "run = ?", [run]
    if name:
        where += """ AND archive_actor IN (SELECT archive_actor FROM archive_members WHERE run = ?
                     AND (name LIKE ? ESCAPE '\\' OR aliases LIKE ? ESCAPE '\\'))"""
        pattern = "%" + name.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        args += [run, pattern, pattern]
    for number, record_id, article_id, actor_id, member_name, kind, title, aliases, published, country, sector in \
            con.execute(f"""SELECT archive_actor, record_id, article_id, actor_id, name, type, title, aliases,
                            published, country, sector
                            FROM archive_members WHERE {where} ORDER BY archive_actor, rowid""", args):
        if current is None or current.id != archive_id(number):
            if current is not None:
                yield _finish(current, types)
            current, types = ArchiveActorSummary(archive_id(number), "", "", Counter(), Counter(), set(), None,
                                                 None), Counter()
        current.members.append((record_id, article_id, actor_id))
        current.articles.add(article_id)
        types[kind] += 1
        current.codes[(country, sector)] += 1
        current.aliases[member_name] += 1
        for alias in json.loads(aliases):
            if alias != member_name:
                current.aliases[alias] += 1
        if title:
            current.titles[title] += 1
        if published:
            current.first = min(current.first or published, published)
            current.last = max(current.last or published, published)
    if current is not None:
        yield _finish(current, types)


def _finish(summary: ArchiveActorSummary, types: Counter) -> ArchiveActorSummary:
    """The display name: the most used name of two words or more (a full name over a surname)."""
    summary.type = types.most_common(1)[0][0]
    full = [n for n in summary.aliases if len(n.split()) >= 2] or list(summary.aliases)
    summary.name = max(full, key=lambda n: (summary.aliases[n], len(n)))
    return summary
