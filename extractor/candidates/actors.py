"""Actor candidates from spaCy's NER and parse: every named person, organisation, country and
nationality or group (NORP), with exact offsets and the title written before it. A city or region
is a place (``extractor.candidates.places``), unless it acts ("Kyiv said").

NER spans are repaired with the tagger, because the small pipeline splits and mislabels names:
adjacent proper nouns join ("Oleksandr" + "Prokudin"), a leading "The" is dropped, a possessor
country joins its organisation ("Russia’s Defense Ministry"), and title words before a person
("Kherson Governor", "U.S. Secretary of State") become the title, not part of the name. A person's
name is a name: it ends before a possessive or a verb, and words a title-case headline or an
epithet glued to it ("Black Lawmakers Rip Donald Trump", "Crooked Hillary Clinton") are cut down
to the name the article writes on its own.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from extractor.candidates.places import is_place_name
from extractor.linguistic.lexicon import FACILITY_NOUNS, ORG_WORDS, PLACE_NOUNS, TITLE_NOUNS
from extractor.linguistic.names import joins, rule_type, tokens
from extractor.schemas import ActorType

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token
    from spacy.tokens import Span as SpacySpan

ACTOR_LABELS = frozenset({"PERSON", "ORG", "GPE", "NORP"})
_JOINERS = frozenset({"of", "the", "for", "and"})
MAX_TITLE_TOKENS = 8


@dataclass(frozen=True)
class ActorCandidate:
    """One named mention: ``text`` is ``article[start:end]``; ``title`` is written right before it."""

    id: str
    start: int
    end: int
    text: str
    label: str
    title: str | None = None
    adjective: bool = False
    """A nationality adjective or plural ("Russian", "Ukrainians"): it joins its country, never names it."""


def find_actor_candidates(doc: Doc) -> list[ActorCandidate]:
    """Named actor mentions in text order, numbered C1, C2, ...; a country nested in an
    organisation's name or a title is a candidate of its own, other words of a title are not."""
    names: dict[tuple[int, int], tuple[str, tuple[int, int] | None]] = {}
    titles: list[tuple[int, int]] = []
    known = _known_person_names(doc)
    for ent in doc.ents:
        if ent.label_ not in ACTOR_LABELS:
            continue
        start, end = _name_tokens(doc, ent)
        label = _label(doc, start, end, ent.label_)
        title = None
        if label == "PERSON":
            start, title = _split_title(doc, start, end)
            if title is not None:
                titles.append(title)
            start, end = _person_name(doc, start, end, known)
        if start >= end or not _names_something(doc, start, end, label) or is_place_name(doc, start, end, label):
            continue
        names.setdefault((start, end), (label, title))
    result: list[ActorCandidate] = []
    text = doc.text
    for (start, end), (label, title) in sorted(names.items()):
        in_title = any(a <= start < b for a, b in titles)
        if in_title and (label != "GPE" or doc[start - 1].lower_ == "of"):
            continue
        s, e = doc[start].idx, _end_char(doc[end - 1])
        title_text = text[doc[title[0]].idx:_end_char(doc[title[1] - 1])] if title else None
        adjective = label == "NORP" or (end - start == 1 and doc[start].tag_ in {"JJ", "NNPS"} and label == "GPE")
        result.append(ActorCandidate(id=f"C{len(result) + 1}", start=s, end=e, text=text[s:e], label=label,
                                     title=title_text, adjective=adjective))
    return result


_VERB_TAGS = frozenset({"VBD", "VBG", "VBN", "VBP", "VBZ", "MD"})


def _person_name(doc: Doc, start: int, end: int, known: dict[tuple[str, ...], bool]) -> tuple[int, int]:
    """The tokens of a person's name inside ``[start, end)``: up to a possessive or a verb, without
    punctuation or lower-case words at its edges, and, in a title-case headline, only the name the
    article writes on its own outside headlines (``known``), if it holds one: the rest is the
    headline's words. Outside headlines capitalised words before a name are as often part of it
    ("Keith Lamont Scott", "Aung San Suu Kyi") as not, so they stay."""
    for k in range(start, end):
        if doc[k].tag_ == "POS" or doc[k].lower_ in {"’s", "'s"} or (k > start and doc[k].tag_ in _VERB_TAGS):
            end = k
            break
    while start < end and not _name_word(doc[start]):
        start += 1
    while end > start and not _name_word(doc[end - 1]) and (end - 1 == start or doc[end - 2].whitespace_):
        end -= 1
    if start >= end:
        return start, end
    words = tuple(doc[k].lower_ for k in range(start, end))
    headline = _in_headline(doc, start)
    for size in range(len(words) - 1, 0, -1):
        for offset in range(len(words) - size + 1):
            name = words[offset:offset + size]
            if headline and known.get(name):
                return start + offset, start + offset + size
    return start, end


def _name_word(token: Token) -> bool:
    """A word a name can begin or end with: capitalised, or an initial."""
    return token.text[:1].isupper() or (token.text[:1].isalpha() and token.text.endswith(".") and len(token.text) <= 3)


def _known_person_names(doc: Doc) -> dict[tuple[str, ...], bool]:
    """The names of people the NER finds on their own (lower-case words), each with whether it is
    written outside a headline: what a headline's name holding one is cut down to."""
    known: dict[tuple[str, ...], bool] = {}
    for ent in doc.ents:
        if ent.label_ != "PERSON":
            continue
        words = [t for t in ent if _name_word(t) and t.tag_ != "POS" and t.lower_ not in {"’s", "'s"}]
        if words and words[-1].i - words[0].i + 1 == len(words):
            name = tuple(t.lower_ for t in words)
            known[name] = known.get(name, False) or not _in_headline(doc, ent.start)
    return known


def _in_headline(doc: Doc, index: int) -> bool:
    """The token's line is a title-case headline: most of its longer words are capitalised."""
    text = doc.text
    at = doc[index].idx
    line = text[text.rfind("\n", 0, at) + 1:(text.find("\n", at) + 1 or len(text) + 1) - 1]
    words = [w for w in line.split() if len(w) > 3 and w[:1].isalpha()]
    return len(words) >= 3 and sum(w[:1].isupper() for w in words) >= 0.75 * len(words)


def _names_something(doc: Doc, start: int, end: int, label: str) -> bool:
    """A name has a capitalised word that is not a stop word, no markup, and (unless a country)
    does not end in a place or facility noun ("Oxford Street", "Bagram Airfield" are places)."""
    words = [doc[i] for i in range(start, end)]
    if not any(t.text[:1].isupper() and (not t.is_stop or t.text.isupper()) for t in words):
        return False
    if any(ch in t.text for t in words for ch in "=|{}[]<>"):
        return False
    return label in {"GPE", "NORP"} or words[-1].lower_ not in FACILITY_NOUNS


def _end_char(token: Token) -> int:
    return token.idx + len(token.text)


def _proper(token: Token) -> bool:
    return token.tag_ in {"NNP", "NNPS"} and token.text[:1].isupper()


def _name_tokens(doc: Doc, ent: SpacySpan) -> tuple[int, int]:
    """A person's or organisation's entity widened over adjacent capitalised proper nouns of its
    sentence that belong to no other entity, without a leading "The"; an organisation keeps a
    possessor country written before it ("Russia’s Defense Ministry")."""
    start, end = ent.start, ent.end
    if ent.label_ in {"PERSON", "ORG"}:
        sentence = ent.sent
        while start > sentence.start and _joinable(doc[start - 1], ent.label_):
            start -= 1
        while end < sentence.end and _joinable(doc[end], ent.label_):
            end += 1
    while start < end - 1 and doc[start].lower_ == "the":
        start += 1
    if ent.label_ == "ORG" and start >= 2 and doc[start - 1].tag_ == "POS" and doc[start - 2].ent_type_ == "GPE":
        start -= 2
    return start, end


def _joinable(token: Token, label: str) -> bool:
    """A capitalised proper noun outside other entities (a person's title words count)."""
    return _proper(token) and (token.ent_type_ in {"", label} or
                               (label == "PERSON" and token.lower_.strip(".") in TITLE_NOUNS))


def _label(doc: Doc, start: int, end: int, label: str) -> str:
    """GPE for a name coordinated with places or modifying a place noun ("Kherson, Mykolaiv and
    Sumy regions"); PERSON when any word of the widened name was tagged a person and none is an
    organisation word ("Kherson Governor Oleksandr Prokudin"); otherwise the entity's own label."""
    words = [doc[i] for i in range(start, end)]
    if label in {"PERSON", "ORG"} and end - start == 1 and _in_place_context(words[0]):
        return "GPE"
    if any(t.ent_type_ == "PERSON" for t in words) and label != "NORP" and \
            not any(t.lower_ in ORG_WORDS for t in words):
        return "PERSON"
    return label


def _in_place_context(token: Token) -> bool:
    """The token is one of a coordination of places: a conjunct of a place noun or of a place
    entity, or the group modifies a place noun."""
    first = token
    while first.dep_ == "conj" and first.head.i != first.i:
        first = first.head
    group = [first, *[t for t in first.subtree if t.dep_ == "conj" and t.head in (first, *first.subtree)]]
    if first.lower_ in PLACE_NOUNS or (first.dep_ == "compound" and first.head.lower_ in PLACE_NOUNS):
        return True
    if first.dep_ == "pobj" and any(t.lower_ in PLACE_NOUNS for t in first.head.subtree if t.i > first.i):
        return True
    return any(t.ent_type_ in {"GPE", "LOC"} for t in group if t.i != token.i)


def _split_title(doc: Doc, start: int, end: int) -> tuple[int, tuple[int, int] | None]:
    """Where a person's name starts and the token range of its title, if one is written: title
    words inside the widened name ("Governor Oleksandr Prokudin") or right before it
    ("U.S. Secretary of State Antony Blinken")."""
    inside = max((k for k in range(start, end - 1) if doc[k].lower_.strip(".") in TITLE_NOUNS), default=None)
    name_start = inside + 1 if inside is not None else start
    title_start = _title_start(doc, start, name_start)
    return name_start, (title_start, name_start) if title_start is not None else None


def _title_start(doc: Doc, start: int, name_start: int) -> int | None:
    """The first token of the capitalised title phrase that ends at ``name_start`` (scanning left
    from ``start``), or ``None`` when the phrase holds no title noun."""
    i = start
    while i > max(0, start - MAX_TITLE_TOKENS):
        previous = doc[i - 1]
        if previous.text[:1].isupper() and previous.pos_ in {"PROPN", "ADJ", "NOUN"} and previous.ent_type_ != "DATE":
            i -= 1
        elif previous.lower_ in _JOINERS and i - 2 >= 0 and doc[i - 2].text[:1].isupper():
            i -= 1
        else:
            break
    while i < name_start and doc[i].lower_ in _JOINERS:
        i += 1
    return i if any(doc[k].lower_.strip(".") in TITLE_NOUNS for k in range(i, name_start)) else None


@dataclass(frozen=True)
class ActorGroup:
    """Mentions that name one actor by the rules (surname of a full name, a country and its
    adjective, an acronym); the model sees groups by id and types those the rules cannot."""

    id: str
    name: str
    type: ActorType
    title: str | None
    mentions: tuple[ActorCandidate, ...]

    @property
    def adjectives(self) -> frozenset[str]:
        return frozenset(m.text for m in self.mentions if m.adjective)

    @property
    def uncertain(self) -> bool:
        """The rules cannot tell what kind of actor this is: an organisation whose name holds no
        military, government or media word. A person and a country are what NER says they are."""
        return self.type in (ActorType.ORGANIZATION, ActorType.OTHER)


def group_candidates(candidates: list[ActorCandidate]) -> list[ActorGroup]:
    """Group the mentions of one actor, numbered A1, A2, ... in order of first mention; each
    group is named by its fullest name that is not a nationality adjective."""
    groups: list[list[ActorCandidate]] = []
    kinds: list[ActorType] = []
    for candidate in candidates:
        kind = rule_type(candidate.label, candidate.text)
        for index, members in enumerate(groups):
            if joins(candidate.text, kind, [m.text for m in members], kinds[index]):
                members.append(candidate)
                break
        else:
            groups.append([candidate])
            kinds.append(kind)
    result = []
    for index, (members, kind) in enumerate(zip(groups, kinds), start=1):
        names = [m.text for m in members if not m.adjective] or [m.text for m in members]
        name = max(names, key=lambda n: (len(tokens(n)), len(n)))
        title = next((m.title for m in members if m.title), None)
        result.append(ActorGroup(id=f"A{index}", name=name, type=kind, title=title, mentions=tuple(members)))
    return result
