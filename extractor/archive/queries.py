"""Questions across a run's articles: ``Run(dir).actor("Zelenskyy").quotes()``.

>>> run = Run("out/run")                                  # doctest: +SKIP
>>> [a.name for a in run.actors(name="Trump")]            # doctest: +SKIP
>>> for q in run.actor("Donald Trump").quotes():          # doctest: +SKIP
...     print(q.published, q.quote.text)

Opening a run brings its registry up to date (articles finished since the last update are placed),
so the answers cover every done record.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from extractor.archive.registry import ArchiveActorSummary, archive_actors, connect, parse_archive_id, update_registry
from extractor.archive.stories import Story, story_events
from extractor.errors import ArchiveLookupError, InputError
from extractor.schemas import ArticleExtraction, Event, Quote
from extractor.settings import STORE_NAME

LOOKUP_RATIO = 5
"""A name asked for means the actor that used it this many times as often as all others together."""


@dataclass(frozen=True)
class ArchiveQuote:
    """A quote by an archive actor, with the article it is in."""

    archive_actor_id: str
    article_id: str
    published: date | None
    source: str | None
    quote: Quote


@dataclass(frozen=True)
class ArchiveEvent:
    """An event an archive actor takes part in (``role``: agent, target, ..., or "claimant")."""

    archive_actor_id: str
    article_id: str
    published: date | None
    source: str | None
    role: str
    event: Event


@dataclass
class ArchiveActor:
    """One archive actor over the run: its names and titles with counts, articles, first and last date."""

    id: str
    name: str
    type: str
    titles: dict[str, int]
    aliases: dict[str, int]
    articles: int
    first_date: date | None
    last_date: date | None
    _run: "Run" = field(repr=False)
    _members: list[tuple[str, str, str]] = field(repr=False, default_factory=list)

    def quotes(self) -> list[ArchiveQuote]:
        """Every quote this actor is the speaker of, in article order."""
        found = []
        for record_id, article_id, actor_id in self._members:
            result = self._run._result(record_id)
            found += [ArchiveQuote(self.id, article_id, result.article.published, result.article.source, quote)
                      for quote in result.quotes if quote.speaker == actor_id]
        return found

    def events(self) -> list[ArchiveEvent]:
        """Every event this actor takes part in or claims, in article order."""
        found = []
        for record_id, article_id, actor_id in self._members:
            result = self._run._result(record_id)
            for event in result.events:
                roles = [p.role for p in event.participants if p.actor_id == actor_id]
                roles += ["claimant"] if event.claimed_by == actor_id else []
                found += [ArchiveEvent(self.id, article_id, result.article.published, result.article.source, role,
                                       event) for role in roles]
        return found

    def article_ids(self) -> list[str]:
        return list(dict.fromkeys(article_id for _, article_id, _ in self._members))


class Run:
    """A batch output directory, read across its articles (the newest run in it unless ``run`` is given)."""

    def __init__(self, directory: str | Path, run: str | None = None):
        self.directory = Path(directory)
        if not (self.directory / STORE_NAME).is_file():
            raise InputError(f"{self.directory} holds no run store ({STORE_NAME}): give a batch output directory")
        self._con = connect(self.directory)
        self.run = run or self._newest()
        update_registry(self.directory, self.run)
        self._results: dict[str, ArticleExtraction] = {}

    def close(self) -> None:
        self._con.close()

    def __enter__(self) -> "Run":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def actors(self, name: str | None = None) -> list[ArchiveActor]:
        """Archive actors, those with the most articles first (``name``: a name or alias containing it)."""
        found = [self._actor(s) for s in archive_actors(self._con, self.run, name)]
        return sorted(found, key=lambda a: (-a.articles, a.id))

    def actor(self, name_or_id: str) -> ArchiveActor:
        """The one archive actor an id or a name means.

        A name means the actors with that exact name or alias (else those containing it); among
        several, the one that used it ``LOOKUP_RATIO`` times as often as all the others together.
        Otherwise ``ArchiveLookupError`` lists the candidates, to ask again by id.
        """
        number = parse_archive_id(name_or_id)
        candidates = self.actors(name_or_id if number is None else None)
        if number is not None:
            candidates = [a for a in candidates if parse_archive_id(a.id) == number]
        if not candidates:
            raise ArchiveLookupError(f"no archive actor is named {name_or_id!r} in {self.directory}")
        wanted = name_or_id.strip().lower()
        uses = {a.id: sum(n for alias, n in a.aliases.items() if alias.lower() == wanted) or a.articles
                for a in candidates}
        exact = [a for a in candidates if any(alias.lower() == wanted for alias in a.aliases)]
        candidates = sorted(exact or candidates, key=lambda a: (-uses[a.id], a.id))
        top, rest = candidates[0], sum(uses[a.id] for a in candidates[1:])
        if len(candidates) > 1 and uses[top.id] < LOOKUP_RATIO * rest:
            listed = ", ".join(f"{a.id} {a.name} ({a.articles} articles)" for a in candidates[:8])
            raise ArchiveLookupError(f"{name_or_id!r} may be any of {len(candidates)}: {listed}; ask by id")
        return top

    def stories(self) -> list[Story]:
        """Story events: the same event across articles, each article's claim beside the others'."""
        return list(story_events(self._con, self.run))

    def _actor(self, summary: ArchiveActorSummary) -> ArchiveActor:
        return ArchiveActor(summary.id, summary.name, summary.type, dict(summary.titles.most_common()),
                            dict(summary.aliases.most_common()), summary.article_count, _day(summary.first),
                            _day(summary.last), self, summary.members)

    def _newest(self) -> str:
        row = self._con.execute("SELECT key FROM runs ORDER BY last_started DESC, created DESC LIMIT 1").fetchone()
        if row is None:
            raise InputError(f"{self.directory} holds no run yet")
        return row[0]

    def _result(self, record_id: str) -> ArticleExtraction:
        if record_id not in self._results:
            row = self._con.execute("SELECT result FROM records WHERE run = ? AND id = ?",
                                    (self.run, record_id)).fetchone()
            self._results[record_id] = ArticleExtraction.model_validate_json(row[0])
        return self._results[record_id]


def _day(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


__all__ = ["ArchiveActor", "ArchiveEvent", "ArchiveQuote", "Run", "Story"]

