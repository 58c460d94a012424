"""Place mentions: the names of cities, regions, districts and facilities, found by NER and by the
gazetteer, with the feature word written with them ("the Kharkiv region", "the town of Kurakhove").

A city or region is a place, not an actor, unless it acts in the clause ("Kyiv said", "Moscow
denied"): ``is_place_name`` decides that for the actor layer. A country stays an actor; a country in
a locative phrase ("in Ukraine") is also where an event happened.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from extractor.linguistic.gazetteer import fold, gazetteer
from extractor.linguistic.lexicon import EVENT_TRIGGERS, PLACE_NOUNS, SPEECH_LEMMAS, TITLE_NOUNS

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token
    from spacy.tokens import Span as SpacySpan

PLACE_LABELS = frozenset({"GPE", "LOC", "FAC"})
_NAME_LABELS = frozenset({"GPE", "LOC", "FAC", "NORP", "PERSON", "ORG", "PRODUCT", "WORK_OF_ART", "EVENT"})
_CHAIN = frozenset({"compound", "conj", "appos", "nmod"})
_STATIVE = frozenset("be have remain lie sit become seem look suffer host border".split())
_LOCATIVE = frozenset("in at near outside inside around across over into throughout within toward towards "
                      "against from".split())
"""Prepositions after which a name NER did not call a place is one ("in Kursk", "against Sumy");
"for Clinton", "with Obama" or "by Holt" name people."""
NAMED_AFTER_OF = 100_000
_HONORIFICS = TITLE_NOUNS | frozenset("mr mrs ms dr sir lord lady".split())
_COMPASS = frozenset("north south east west northern southern eastern western central".split())


@dataclass(frozen=True)
class PlaceMention:
    """A place name as written, ``article[start:end]``; ``feature_word`` is the place noun written
    with it ("region", "town"), ``located`` whether it stands where a place stands (the object of
    a preposition: "over Kursk", "in the Donetsk region"), so an event there is located there."""

    start: int
    end: int
    text: str
    label: str
    feature_word: str | None = None
    located: bool = True


def find_places(doc: Doc) -> list[PlaceMention]:
    """Every located place mention in text order: NER's places, names NER gave another label in a
    list of places ("Kherson, Mykolaiv and Sumy regions"), and proper nouns NER missed that the
    gazetteer knows, written where a place stands ("the offensive in Kursk")."""
    found: dict[int, PlaceMention] = {}
    for ent in doc.ents:
        if ent.label_ in PLACE_LABELS or (ent.label_ in _NAME_LABELS and _mislabelled_place(ent)):
            found[ent.start_char] = _mention(ent, ent.label_ if ent.label_ in PLACE_LABELS else "GPE")
    for run in _proper_runs(doc):
        if run.start_char not in found and _mislabelled_place(run):
            found[run.start_char] = _mention(run, "GPE")
    return [m for _, m in sorted(found.items()) if m.located]


def is_place_name(doc: Doc, start: int, end: int, label: str) -> bool:
    """A named mention (tokens ``[start, end)``) is a place rather than an actor: a GPE that is no
    country, or a name the gazetteer knows as a city or region written with a place noun or in a
    list of places, that does not act in its clause (subject of a speech or event verb)."""
    span = doc[start:end]
    if gazetteer().country_named(span.text) is not None or _acts(span.root):
        return False
    return label == "GPE" or _mislabelled_place(span)


def _mislabelled_place(span: SpacySpan) -> bool:
    """A name NER labels otherwise that is written with a place noun ("the village of X"), or a city
    or region of the gazetteer written where a place stands: in a list of places, or as one word
    after a preposition or as what an attack hits ("against Sumy", "in Kursk", "struck Kharkiv")."""
    if _feature_word(span.root) is not None:
        return True
    if not _known_place(span.text, own_name=True) or _names_a_person(span):
        return False
    prepositions = _LOCATIVE | {"of"} if _major_place(span.text) else _LOCATIVE
    return _listed_place(span) or (len(span) == 1 and (_placed(span.root, prepositions) or _struck(span.root)))


def _major_place(name: str) -> bool:
    """A region, or a city of 100,000 people or more, of this name: "the annexation of Crimea",
    "the Central Hospital of Maracay" name it even after "of"."""
    return any(e.feature == "region" or (e.feature == "city" and e.population >= NAMED_AFTER_OF)
               for e in gazetteer().lookup(name) if e.feature == "region" or fold(e.name) == fold(name))


def _names_a_person(span: SpacySpan) -> bool:
    """The name is a person's: written after an honorific or title ("Mr. Obama", "President Clinton"),
    or a word of a longer person's name in the article ("Hillary Clinton")."""
    before = span.doc[span.start - 1] if span.start > 0 else None
    if before is not None and before.lower_.strip(".") in _HONORIFICS:
        return True
    words = frozenset(t.lower_ for t in span)
    return any(len(words) < len(name) and words <= name for name in _person_names(span.doc))


@lru_cache(maxsize=4)
def _person_names(doc: Doc) -> tuple[frozenset[str], ...]:
    """The lower-case words of each person NER names in the document (computed once per document)."""
    return tuple(frozenset(t.lower_ for t in ent) for ent in doc.ents if ent.label_ == "PERSON")


def _mention(span: SpacySpan, label: str) -> PlaceMention:
    """The mention, located where it stands as a place: after a preposition, written with a place
    noun, or (a city or region) as what an attack hits."""
    word = _feature_word(span.root)
    feature = "facility" if label == "FAC" else word
    country = gazetteer().country_named(span.text) is not None
    located = _placed(span.root) or (not country and (word is not None or _struck(span.root)))
    return PlaceMention(span.start_char, span.end_char, span.text, label, feature, located)


@lru_cache(maxsize=65536)
def _known_place(name: str, own_name: bool = False) -> bool:
    """The gazetteer has a city or region of this name; with ``own_name``, as its own name or a
    region's alias, not among a city's alternate names (those hold nicknames and old names:
    "Dzhokhar" is one of Grozny's). Acronyms and compass words never count ("BBC", "the West")."""
    if own_name and (name.isupper() or name.lower() in _COMPASS):
        return False
    key = fold(name)
    return any(e.feature != "country" and (not own_name or e.feature == "region" or fold(e.name) == key)
               for e in gazetteer().lookup(name))


def _acts(token: Token) -> bool:
    """The name is the subject of a verb that says or does something ("Kyiv said", "Moscow
    launched"), not of being, having or suffering."""
    while token.dep_ in {"compound", "conj"} and token.head.i != token.i:
        token = token.head
    head = token.head
    lemma = head.lemma_.lower()
    return token.dep_ == "nsubj" and head.pos_ in {"VERB", "AUX"} and lemma not in _STATIVE and \
        (lemma in SPEECH_LEMMAS or lemma in EVENT_TRIGGERS or head.pos_ == "VERB")


def _listed_place(span: SpacySpan) -> bool:
    """The name is one of a list of places or modifies a place noun ("Cherkasy, Kherson and Sumy
    regions", "the Kharkiv region")."""
    token = span.root
    first = token
    while first.dep_ == "conj" and first.head.i != first.i:
        first = first.head
    if _feature_word(first) is not None or first.lower_ in PLACE_NOUNS:
        return True
    group = [first, *[t for t in first.subtree if t.dep_ == "conj"]]
    return any(t.ent_type_ in {"GPE", "LOC"} and t.i not in range(span.start, span.end) for t in group)


def _feature_word(token: Token) -> str | None:
    """The place noun a name is written with: the noun it modifies ("Kharkiv region", "Kherson and
    Sumy regions") or the one it names after "of" ("the town of Kurakhove")."""
    while token.dep_ in _CHAIN and token.head.i != token.i and token.head.i > token.i - 40:
        if token.head.lower_ in PLACE_NOUNS and token.head.i > token.i:
            return token.head.lower_
        token = token.head
    if token.dep_ == "pobj" and token.head.lower_ == "of" and token.head.head.lower_ in PLACE_NOUNS:
        return token.head.head.lower_
    return None


def _struck(token: Token) -> bool:
    """The name (or the place noun it modifies) is what an attack verb hits: its object, or its
    passive subject ("struck Kharkiv", "the Sumy region was shelled")."""
    while token.dep_ in _CHAIN and token.head.i != token.i:
        token = token.head
    head = token.head
    return token.dep_ in {"dobj", "nsubjpass"} and head.pos_ == "VERB" and \
        "ASSAULT" in EVENT_TRIGGERS.get(head.lemma_.lower(), ())


def _placed(token: Token, prepositions: frozenset[str] | None = None) -> bool:
    """The word heads a prepositional object (of one of ``prepositions``, if given), directly or
    through a compound, a coordination or the place noun it modifies ("over the Cherkasy and Sumy
    regions")."""
    while token.dep_ in _CHAIN and token.head.i != token.i:
        token = token.head
    return token.dep_ == "pobj" and token.tag_ not in {"JJ"} and \
        (prepositions is None or token.head.lower_ in prepositions)


def _proper_runs(doc: Doc) -> list[SpacySpan]:
    """Maximal runs of capitalised proper nouns outside every entity."""
    runs, start = [], None
    for token in [*doc, None]:
        inside = token is not None and token.pos_ == "PROPN" and not token.ent_type_ and token.text[:1].isupper()
        if inside and start is None:
            start = token.i
        elif not inside and start is not None:
            runs.append(doc[start:token.i if token is not None else len(doc)])
            start = None
    return runs
