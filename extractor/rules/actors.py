"""Cluster the names the model returns into one canonical actor each, and find every mention.

"Zelenskyy", "President Zelenskyy" and "Volodymyr Zelenskyy" become one actor named by the
fullest form that occurs in the article; titles go to ``title``. Names that never occur in the
article (hallucinated) are refused so nothing ungrounded reaches the output.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from rapidfuzz import fuzz

from extractor.grounding.align import align, find_all
from extractor.schemas import Actor, ActorType, Span

TITLE_WORDS = frozenset(
    """president vice prime minister secretary governor gov mayor senator sen representative rep
    general gen commander chief spokesman spokeswoman spokesperson ambassador chancellor king queen
    prince sheikh pope foreign defense defence interior state deputy mr mrs ms dr sir lord lady
    lieutenant colonel col major maj captain capt sergeant admiral judge justice attorney former
    acting supreme leader director head chairman chairwoman speaker of the u.s. us""".split()
)
_POSSESSIVE = re.compile(r"[’']s?$")
FUZZY_SAME = 90.0


@dataclass
class _Cluster:
    names: list[str]
    type: ActorType
    title: str | None = None
    mentions: list[Span] = field(default_factory=list)


ORG_WORDS = frozenset(
    """ministry military army force forces staff office department government council party agency
    press news service services committee commission command navy guard police court parliament
    administration union bank company corporation group university officials""".split()
)
PRONOUNS = frozenset("he she they him her them it we i you his hers their".split())


def clean_name(name: str) -> tuple[str, str | None]:
    """Split a title off a person's name: "Kherson Governor Oleksandr Prokudin" -> name, "Kherson Governor".

    Everything up to the last title word goes to the title when what follows looks like a
    person's name (1-4 capitalised words, no organisation words); organisations keep their name.
    """
    name = " ".join(name.replace("\n", " ").split()).strip(" ,.;:\"“”")
    name = _POSSESSIVE.sub("", name)
    if name.lower().startswith("the "):
        name = name[4:]
    words = name.split()
    last_title = max((i for i, w in enumerate(words[:-1]) if w.lower().strip(".,") in TITLE_WORDS), default=-1)
    rest = words[last_title + 1:]
    if last_title >= 0 and 1 <= len(rest) <= 4 and all(w[:1].isupper() for w in rest) and \
            not any(w.lower() in ORG_WORDS for w in rest):
        return " ".join(rest), " ".join(words[:last_title + 1])
    return name, None


def _tokens(name: str) -> list[str]:
    return re.findall(r"\w+", name.lower())


def same_actor(a: str, b: str, type_a: ActorType, type_b: ActorType) -> bool:
    """Equal, a person's surname form of the full name, or a near spelling variant."""
    ta, tb = _tokens(a), _tokens(b)
    if not ta or not tb:
        return False
    if ta == tb:
        return True
    short, long_ = (ta, tb) if len(ta) < len(tb) else (tb, ta)
    person = ActorType.PERSON in (type_a, type_b)
    if person and len(short) == 1 and short[0] == long_[-1]:
        return True
    if person and type_a == type_b and fuzz.ratio(" ".join(ta), " ".join(tb)) >= FUZZY_SAME:
        return True
    if person and len(short) == 1 and len(long_) > 1 and fuzz.ratio(short[0], long_[-1]) >= FUZZY_SAME:
        return True
    return False


ACTOR_HEADS = ORG_WORDS | frozenset(
    """officials troops soldiers rebels militants insurgents authorities ministry spokesman spokeswoman
    spokesperson leaders lawmakers prosecutors investigators""".split()
)


def looks_like_actor(name: str) -> bool:
    """Whether a participant phrase names an actor ("Ukrainian officials", "Antony Blinken"), not a
    thing or place ("Russian drones", "important town"): a person-like name or an actor head noun."""
    words = clean_name(name)[0].split()
    if not words:
        return False
    if words[-1].lower() in ACTOR_HEADS:
        return True
    return 2 <= len(words) <= 4 and all(w[:1].isupper() for w in words)


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


class ActorRegistry:
    """Accumulates names, merges aliases, and hands out stable actor ids."""

    def __init__(self, text: str):
        self.text = text
        self.clusters: list[_Cluster] = []
        self.rejected: list[str] = []

    def add(self, name: str, type_: ActorType | str | None = None, title: str | None = None) -> _Cluster | None:
        """Add a name (merging with a known actor); ``None`` when it does not occur in the text."""
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
        for cluster in self.clusters:
            if any(same_actor(cleaned, known, kind, cluster.type) for known in cluster.names):
                if cleaned not in cluster.names:
                    cluster.names.append(cleaned)
                if cluster.type == ActorType.OTHER and kind != ActorType.OTHER and not guessed:
                    cluster.type = kind
                cluster.title = cluster.title or _clean_title(title, cleaned)
                return cluster
        cluster = _Cluster(names=[cleaned], type=kind, title=_clean_title(title, cleaned))
        self.clusters.append(cluster)
        return cluster

    def resolve_pronoun(self, before: int) -> str | None:
        """The person mentioned last before offset ``before`` (for "he said"); a governor the model
        typed GOVERNMENT is still a person."""
        best, best_start = None, -1
        for cluster in self.clusters:
            if not _person_like(cluster):
                continue
            for known in cluster.names:
                for span in find_all(known, self.text):
                    if best_start < span.start < before:
                        best, best_start = cluster, span.start
        return self._id(best) if best else None

    def resolve(self, name: str | None, create: bool = True) -> str | None:
        """The actor id for a name (speaker, agent, ...), adding it when it occurs in the text."""
        if not name or name.strip().lower() in {"null", "none", "unknown", "n/a"}:
            return None
        cluster = self.add(name) if create else None
        if cluster is None:
            cleaned, _ = clean_name(name)
            cluster = next((c for c in self.clusters if any(
                same_actor(cleaned, known, c.type, c.type) for known in c.names)), None)
        return self._id(cluster) if cluster else None

    def _ordered(self) -> list[_Cluster]:
        """Clusters in order of their first mention in the text (unmentioned ones last)."""
        def first(cluster: _Cluster) -> int:
            spans = [s.start for n in cluster.names for s in find_all(n, self.text)]
            return min(spans) if spans else len(self.text)
        return sorted(self.clusters, key=first)

    def _id(self, cluster: _Cluster) -> str:
        """A provisional key; ``final_ids`` maps it to the published id once all names are in."""
        return f"#{self.clusters.index(cluster)}"

    def final_ids(self) -> dict[str, str]:
        """Provisional key -> output id (``A1``, ``A2``, ... in order of first mention)."""
        return {self._id(c): f"A{i}" for i, c in enumerate(self._ordered(), start=1)}

    def actors(self) -> list[Actor]:
        """Output actors, ids in order of first mention, each with all its non-overlapping mentions."""
        result = []
        for index, cluster in enumerate(self._ordered(), start=1):
            canonical = max(cluster.names, key=lambda n: (len(_tokens(n)), len(n)))
            mentions: list[Span] = []
            for name in sorted(cluster.names, key=len, reverse=True):
                for span in find_all(name, self.text):
                    if not any(m.start < span.end and span.start < m.end for m in mentions):
                        mentions.append(span)
            mentions.sort(key=lambda s: s.start)
            result.append(Actor(id=f"A{index}", name=canonical, type=cluster.type, title=cluster.title,
                                aliases=sorted(n for n in cluster.names if n != canonical),
                                mentions=mentions))
        return result


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
