"""Story events: the same event as several articles report it, each source's claim kept beside the others.

Two events are one story when they have the same type and the same day, share an archive actor
among their agents and targets, do not name different agents, and no place of one contradicts
the other's. Events that name no actor join only on the same place and the same trigger word
("attack" in Paris on one day). Events dated only to a week, month or year, ``OTHER`` events and undated
events stay stories of their own: their dates cannot tell two events apart. Numbers are never
merged: every claim keeps the figures its own article gives.
"""

from __future__ import annotations

import hashlib
import heapq
import itertools
import json
import pickle
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from extractor.archive.registry import READ_ROWS, article_archive_ids

LINKING_ROLES = frozenset({"agent", "target"})


@dataclass
class StoryClaim:
    """One article's report of the story's event."""

    article_id: str
    event_id: str
    source: str | None
    published: str | None
    status: str
    claimant: str | None
    claimant_name: str | None
    killed: int | None
    injured: int | None
    quantities: list[dict[str, Any]]
    evidence: str
    participants: dict[str, str] = field(default_factory=dict)
    """archive actor id → the name this article gives it."""
    locations: list[str] = field(default_factory=list)


@dataclass
class Story:
    id: str
    type: str
    date: str | None
    precision: str | None
    claims: list[StoryClaim]

    @property
    def articles(self) -> list[str]:
        return list(dict.fromkeys(c.article_id for c in self.claims))

    @property
    def outlets(self) -> list[str]:
        return list(dict.fromkeys(c.source for c in self.claims if c.source))

    @property
    def locations(self) -> list[str]:
        return list(dict.fromkeys(loc for c in self.claims for loc in c.locations))

    @property
    def participant_names(self) -> dict[str, str]:
        names: dict[str, str] = {}
        for claim in self.claims:
            for archive, name in claim.participants.items():
                names.setdefault(archive, name)
        return names


@dataclass
class _Event:
    type: str
    date: str | None
    precision: str | None
    claim: StoryClaim
    actors: set[str]
    agents: set[str]
    places: set[str]
    trigger: str


def story_events(con: sqlite3.Connection, run: str) -> Iterator[Story]:
    """Every story of the run's placed articles, the earliest dated first (needs the registry updated).

    Streamed, so that memory does not grow with the archive: the events go into a private scratch
    database on disk, and only one day's linkable events are held at once (events link only within
    a day); the others are stories of their own and come back in order from the scratch database."""
    scratch = sqlite3.connect("")
    try:
        scratch.execute("CREATE TABLE events (seq INTEGER PRIMARY KEY, day TEXT, linkable INTEGER, story TEXT, "
                        "event BLOB)")
        scratch.executemany("INSERT INTO events (day, linkable, story, event) VALUES (?, ?, ?, ?)",
                            ((e.date or LAST_DAY, int(_linkable(e)), _story_id(e), pickle.dumps(e))
                             for e in _events(con, run)))
        scratch.execute("CREATE INDEX events_order ON events (linkable, day, story)")
        yield from heapq.merge(_linked_stories(scratch), _single_stories(scratch),
                               key=lambda story: (story.date or LAST_DAY, story.id))
    finally:
        scratch.close()


LAST_DAY = "9999"
"""Where undated stories sort: after every date."""


def _linkable(event: _Event) -> bool:
    """Only events dated to a day, of a known type, can be told to be the same event as another."""
    return event.precision == "day" and bool(event.date) and event.type != "OTHER"


def _single_stories(scratch: sqlite3.Connection) -> Iterator[Story]:
    for (event,) in scratch.execute("SELECT event FROM events WHERE linkable = 0 ORDER BY day, story"):
        yield _story([pickle.loads(event)])


def _linked_stories(scratch: sqlite3.Connection) -> Iterator[Story]:
    rows = scratch.execute("SELECT day, event FROM events WHERE linkable = 1 ORDER BY day, seq")
    for _, day in itertools.groupby(rows, key=lambda row: row[0]):
        yield from sorted(_one_day([pickle.loads(event) for _, event in day]), key=lambda story: story.id)


def _one_day(events: list[_Event]) -> list[Story]:
    """The stories of one day's linkable events, in the order the archive holds them."""
    parent = list(range(len(events)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    first_seen: dict[tuple[str, ...], int] = {}
    for i, event in enumerate(events):
        keys = [("actor", event.type, a) for a in event.actors] or [("place", event.type, p) for p in event.places]
        for key in keys:
            j = first_seen.setdefault(key, i)
            if j != i and _compatible(events[j], event):
                parent[root(i)] = root(j)
    groups: dict[int, list[_Event]] = {}
    for i, event in enumerate(events):
        groups.setdefault(root(i), []).append(event)
    return [_story(members) for members in groups.values()]


def _compatible(a: _Event, b: _Event) -> bool:
    """Linked by a shared actor (and no two different agents), or, with no actors, by place and trigger."""
    if a.places and b.places and not a.places & b.places:
        return False
    if a.agents and b.agents and not a.agents & b.agents:
        return False
    if a.actors or b.actors:
        return bool(a.actors & b.actors)
    return bool(a.places & b.places) and bool(a.trigger) and a.trigger == b.trigger


def _story(members: list[_Event]) -> Story:
    """A story is named after its earliest reported claim, so adding later articles keeps its id."""
    members.sort(key=lambda e: (e.claim.published or "", e.claim.article_id, e.claim.event_id))
    first = members[0]
    return Story(_story_id(first), first.type, first.date, first.precision, [m.claim for m in members])


def _story_id(event: _Event) -> str:
    return "S" + hashlib.sha1(f"{event.claim.article_id}/{event.claim.event_id}".encode()).hexdigest()[:10]


def _events(con: sqlite3.Connection, run: str) -> Iterator[_Event]:
    rowids = [rowid for (rowid,) in con.execute(
        "SELECT rowid FROM records WHERE run = ? AND status = 'done' AND result IS NOT NULL ORDER BY rowid", (run,))]
    for start in range(0, len(rowids), READ_ROWS):
        chunk = rowids[start:start + READ_ROWS]
        for (result,) in con.execute(f"SELECT result FROM records WHERE rowid IN ({','.join('?' * len(chunk))}) "
                                     "ORDER BY rowid", chunk).fetchall():
            yield from _article_events(con, run, json.loads(result))


def _article_events(con: sqlite3.Connection, run: str, result: dict[str, Any]) -> Iterator[_Event]:
    article = result["article"]
    if not result.get("events"):
        return
    archive = article_archive_ids(con, run, article["id"])
    names = {a["id"]: a.get("name") for a in result.get("actors", [])}
    for event in result["events"]:
        when = event.get("date") or {}
        linking = {archive[p["actor_id"]]: names.get(p["actor_id"]) or "" for p in event.get("participants", [])
                   if p.get("role") in LINKING_ROLES and p.get("actor_id") in archive}
        claimant = event.get("claimed_by")
        casualties = event.get("casualties") or {}
        places = [p if isinstance(p, dict) else {"name": p} for p in event.get("locations") or []]
        locations = [p.get("name") or "" for p in places]
        claim = StoryClaim(article["id"], event["id"], article.get("source"),
                           article.get("published"), event.get("status", "asserted"),
                           archive.get(claimant) if claimant else None, names.get(claimant) if claimant else None,
                           casualties.get("killed"), casualties.get("injured"), event.get("quantities") or [],
                           (event.get("evidence") or {}).get("text", ""), linking, locations)
        agents = {archive[p["actor_id"]] for p in event.get("participants", [])
                  if p.get("role") == "agent" and p.get("actor_id") in archive}
        trigger = ((event.get("trigger") or {}).get("text") or "").lower().strip()
        yield _Event(event["type"], when.get("value"), when.get("precision"), claim, set(linking), agents,
                     {str(p.get("geonames_id") or " ".join((p.get("name") or "").lower().split())) for p in places},
                     trigger.removesuffix("s"))
