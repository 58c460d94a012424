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
from extractor.linguistic.lexicon import ORG_WORDS, TITLE_WORDS
from extractor.schemas import Actor, ActorType, Span

_POSSESSIVE = re.compile(r"[’']s?$")
FUZZY_SAME = 90.0


@dataclass
class _Cluster:
    names: list[str]
    type: ActorType
    title: str | None = None
    mentions: list[Span] = field(default_factory=list)
    adjectives: set[str] = field(default_factory=set)

    def canonical(self) -> str:
        """The fullest name used, never a nationality adjective ("Russia", not "Russian")."""
        names = [n for n in self.names if n not in self.adjectives] or self.names
        return max(names, key=lambda n: (len(_tokens(n)), len(n)))


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
    last_title = max((i for i, w in enumerate(words[:-1]) if w.lower().strip(".,") in TITLE_WORDS), default=-1)
    rest = words[last_title + 1:]
    if last_title >= 0 and 1 <= len(rest) <= 4 and all(w[:1].isupper() for w in rest) and \
            not any(w.lower() in ORG_WORDS for w in rest):
        return " ".join(rest), " ".join(words[:last_title + 1])
    return name, None


def _tokens(name: str) -> list[str]:
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


def same_actor(a: str, b: str, type_a: ActorType, type_b: ActorType) -> bool:
    """Equal (possessives and "the" aside), a person's surname form of the full name, a near
    spelling variant of a person's name, the same words with a country for its adjective
    ("Russia’s Defense Ministry" = "Russian Defense Ministry"), or an acronym of the other."""
    ta, tb = _tokens(a), _tokens(b)
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
        for cluster in self.clusters:
            if any(same_actor(cleaned, known, kind, cluster.type) for known in cluster.names):
                if cleaned not in cluster.names:
                    cluster.names.append(cleaned)
                    if adjective:
                        cluster.adjectives.add(cleaned)
                if cluster.type == ActorType.OTHER and kind != ActorType.OTHER and not guessed:
                    cluster.type = kind
                cluster.title = cluster.title or _clean_title(title, cleaned)
                return cluster
        cluster = _Cluster(names=[cleaned], type=kind, title=_clean_title(title, cleaned),
                           adjectives={cleaned} if adjective else set())
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
            canonical = cluster.canonical()
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
