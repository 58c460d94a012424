"""Cluster the names the model returns into one canonical actor each, and find every mention.

"Zelenskyy", "President Zelenskyy" and "Volodymyr Zelenskyy" become one actor named by the
fullest form that occurs in the article; titles go to ``title``. Names that never occur in the
article (hallucinated) are refused so nothing ungrounded reaches the output.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from extractor.grounding.align import align, find_all
from extractor.linguistic.gender import HONORIFICS, PRONOUN_GENDER, Gender, first_name_gender, title_gender
from extractor.linguistic.lexicon import ORG_WORDS
from extractor.linguistic.names import PRONOUNS, clean_name, guess_type, joins, same_actor, tokens
from extractor.rules.codes import actor_codes
from extractor.schemas import Actor, ActorType, Span


@dataclass
class _Cluster:
    names: list[str]
    type: ActorType
    title: str | None = None
    mentions: list[Span] = field(default_factory=list)
    adjectives: set[str] = field(default_factory=set)
    key: str = ""

    def canonical(self) -> str:
        """The fullest name used, never a nationality adjective ("Russia", not "Russian")."""
        names = [n for n in self.names if n not in self.adjectives] or self.names
        return max(names, key=lambda n: (len(tokens(n)), len(n)))


class ActorRegistry:
    """Accumulates names, merges aliases, and hands out stable actor ids."""

    def __init__(self, text: str):
        self.text = text
        self.clusters: list[_Cluster] = []
        self.rejected: list[str] = []

    def add(self, name: str, type_: ActorType | str | None = None, title: str | None = None,
            adjective: bool = False) -> _Cluster | None:
        """Add a name (merging with a known actor); ``None`` when it does not occur in the text.
        An ``adjective`` ("Russian") joins its country but never names it."""
        cleaned, found_title = clean_name(name)
        if not cleaned or cleaned.lower() in PRONOUNS:
            return None
        if not find_all(cleaned, self.text):
            surface = align(cleaned, self.text, threshold=101.0)
            if surface is None or not _word_bounded(self.text, surface.start, surface.end):
                if cleaned not in self.rejected:
                    self.rejected.append(cleaned)
                return None
            cleaned = surface.text
        guessed = not type_
        kind = ActorType(type_) if type_ else guess_type(cleaned)
        if found_title and kind in (ActorType.GOVERNMENT, ActorType.OTHER, ActorType.MILITARY) and \
                guess_type(cleaned) == ActorType.PERSON:
            kind = ActorType.PERSON
        title = title or found_title
        described = self._described(cleaned)
        for cluster in self.clusters:
            if cluster in described or joins(cleaned, kind, cluster.names, cluster.type):
                if cleaned not in cluster.names:
                    cluster.names.append(cleaned)
                    if adjective:
                        cluster.adjectives.add(cleaned)
                vague = (ActorType.OTHER, ActorType.ORGANIZATION)
                if cluster.type in vague and kind not in vague and (not guessed or cluster in described):
                    cluster.type = kind  # "the air force" (an organisation) is the Ukrainian air force
                cluster.title = cluster.title or _clean_title(title, cleaned)
                return cluster
        cluster = _Cluster(names=[cleaned], type=kind, title=_clean_title(title, cleaned),
                           adjectives={cleaned} if adjective else set(), key=f"#{len(self.clusters)}")
        self.clusters.append(cluster)
        return cluster

    def add_group(self, names: list[str], type_: ActorType, title: str | None,
                  adjectives: frozenset[str] = frozenset()) -> _Cluster | None:
        """Add the names of one actor found together (an NER group): the first joins or founds a
        cluster and the others join that cluster, whatever the name rules would say."""
        cluster = None
        for name in names:
            if cluster is None:
                cluster = self.add(name, type_, title, adjective=name in adjectives)
                continue
            cleaned = clean_name(name)[0]
            if cleaned and cleaned not in cluster.names:
                cluster.names.append(cleaned)
                if name in adjectives:
                    cluster.adjectives.add(cleaned)
        return cluster

    def relabel(self, cluster: _Cluster, type_: ActorType | str) -> None:
        """The model's type for an actor the rules could not type."""
        cluster.type = ActorType(type_)

    def resolve_pronoun(self, before: int, pronoun: str = "") -> str | None:
        """The person mentioned last before offset ``before`` whom ``pronoun`` can stand for."""
        earlier = [key for start, key in self.people(pronoun) if start < before]
        return earlier[-1] if earlier else None

    def people(self, pronoun: str = "") -> list[tuple[int, str]]:
        """(offset, key) of each mention of a person ``pronoun`` can stand for, in text order: "she"
        skips a man that the name list, an honorific or a title makes one; a governor the model
        typed GOVERNMENT is still a person, a capitalised phrase of no gender and no title not."""
        wanted = PRONOUN_GENDER.get(pronoun.strip().lower())
        found = []
        for cluster in self.clusters:
            gender = self.gender(cluster) if _person_like(cluster) else None
            if not _person_like(cluster) or (wanted and gender not in (None, wanted)) or \
                    (cluster.type != ActorType.PERSON and not cluster.title and gender is None):
                continue
            found += [(span.start, self.key(cluster)) for known in cluster.names for span in find_all(known, self.text)]
        return sorted(set(found))

    def gender(self, cluster: _Cluster) -> Gender | None:
        """Whether a person is "he" or "she": a gendered title ("spokeswoman"), an honorific before
        a mention ("Mrs. Clinton"), else the first name of their fullest name; unknown otherwise."""
        found = title_gender(cluster.title or "")
        for name in cluster.names:
            found = found or title_gender(" ".join(tokens(name)[:-1]))
            for span in find_all(name, self.text) if not found else ():
                before = _HONORIFIC_BEFORE.search(self.text, max(0, span.start - 12), span.start)
                found = HONORIFICS.get(before.group(1).lower()) if before else None
                if found:
                    break
        if found or cluster.type not in (ActorType.PERSON, ActorType.OTHER):
            return found
        for name in sorted(cluster.names, key=lambda n: len(tokens(n)), reverse=True):
            words = tokens(name)
            if len(words) >= 2:
                return first_name_gender(words[0])
        return None

    def resolve(self, name: str | None, create: bool = True) -> str | None:
        """The actor id for a name (speaker, agent, ...), adding it when it occurs in the text."""
        if not name or name.strip().lower() in {"null", "none", "unknown", "n/a"}:
            return None
        cluster = self.add(name) if create else None
        if cluster is None:
            cleaned, _ = clean_name(name)
            cluster = next((c for c in self.clusters if any(
                same_actor(cleaned, known, c.type, c.type) for known in c.names)), None)
        return self.key(cluster) if cluster else None

    def _ordered(self) -> list[_Cluster]:
        """Clusters in order of their first mention in the text (unmentioned ones last)."""
        def first(cluster: _Cluster) -> int:
            spans = [s.start for n in cluster.names for s in find_all(n, self.text)]
            return min(spans) if spans else len(self.text)
        return sorted(self.clusters, key=first)

    def key(self, cluster: _Cluster) -> str:
        """A provisional key; ``final_ids`` maps it to the published id once all names are in."""
        return cluster.key

    def final_ids(self) -> dict[str, str]:
        """Provisional key -> output id (``A1``, ``A2``, ... in order of first mention)."""
        return {self.key(c): f"A{i}" for i, c in enumerate(self._ordered(), start=1)}

    def _mentions(self, cluster: _Cluster) -> list[Span]:
        """Every occurrence of the cluster's names, longest names first, without overlaps, in text order."""
        mentions: list[Span] = []
        for name in sorted(cluster.names, key=len, reverse=True):
            for span in find_all(name, self.text):
                if not any(m.start < span.end and span.start < m.end for m in mentions):
                    mentions.append(span)
        return sorted(mentions, key=lambda s: s.start)

    def _described(self, name: str) -> list[_Cluster]:
        """The one actor a lower-case description and a name ending in its words both stand for
        ("air force" and the "Ukrainian air force", in either order), when exactly one qualifies."""
        words = tokens(name)
        if not words:
            return []

        def ends_in(longer: str, shorter: str) -> bool:
            a, b = tokens(longer), tokens(shorter)
            return len(a) > len(b) > 0 and a[-len(b):] == b

        if name[:1].islower():
            found = [c for c in self.clusters if c.type != ActorType.PERSON and any(ends_in(n, name) for n in c.names)]
        else:
            found = [c for c in self.clusters if c.type != ActorType.PERSON and
                     all(n[:1].islower() and ends_in(name, n) for n in c.names)]
        return found if len(found) == 1 else []

    def actors(self) -> list[Actor]:
        """Output actors, ids in order of first mention, each with all its non-overlapping mentions;
        a mention inside a longer name of another actor ("Tsarnaev" in "Dzhokhar Tsarnaev" when
        a brother is "Tamerlan Tsarnaev") is that actor's, not this one's."""
        ordered = self._ordered()
        found = [self._mentions(cluster) for cluster in ordered]
        result = []
        for index, (cluster, spans) in enumerate(zip(ordered, found), start=1):
            canonical = cluster.canonical()
            others = [o for j, other in enumerate(found) if j != index - 1 for o in other]
            mentions = [m for m in spans if not any(o.start <= m.start and m.end <= o.end and
                                                    o.end - o.start > m.end - m.start for o in others)]
            aliases = sorted(n for n in cluster.names if n != canonical)
            country, sector = actor_codes(canonical, cluster.type, cluster.title, aliases)
            result.append(Actor(id=f"A{index}", name=canonical, type=cluster.type, title=cluster.title,
                                country=country, sector=sector, aliases=aliases, mentions=mentions))
        return result


_HONORIFIC_BEFORE = re.compile(r"\b([A-Za-z]+)\.?\s+$")
"""The word just before a mention, for an honorific ("Mrs. ", "Mr ")."""


def _word_bounded(text: str, start: int, end: int) -> bool:
    return (start == 0 or not text[start - 1].isalnum()) and (end == len(text) or not text[end].isalnum())


def _clean_title(title: str | None, name: str) -> str | None:
    """A title worth keeping: not empty, not a null-like word, not the name itself."""
    if not title:
        return None
    title = " ".join(title.split()).strip(" ,.")
    if not title or title.lower() in {"null", "none"} or title.lower() == name.lower():
        return None
    return title


def _person_like(cluster: _Cluster) -> bool:
    """A person, or an individual typed as their institution: a title, or a personal name
    (two to four capitalised words, none of them an organisation word)."""
    if cluster.type == ActorType.PERSON or cluster.title:
        return True
    words = cluster.names[0].split()
    return 2 <= len(words) <= 4 and all(w[:1].isupper() for w in words) and \
        not any(w.lower().strip("’'s") in ORG_WORDS for w in words) and cluster.type != ActorType.COUNTRY
