"""Event candidates from the parse: verbs and eventive nouns, each with its sentence, its
subject and object mapped to actor groups, and the source of the reporting verb above it.
A negated verb ("did not attack") reports what did not happen and is no candidate, nor is a
hypothetical one ("could attack", "plans to attack", "potential talks").

A trigger is a verb or noun of the trigger lexicon (the PLOVER categories' usual words), and it
carries the types it can report. Neutral speech is left out: what someone says is a quote, and
the event is the verb of what was said. "X said Y attacked Z" gives one
candidate, "attacked", with agent Y, target Z and claimant X, so the one who reports an event is
never taken for the one who did it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from extractor.candidates.actors import ActorGroup
from extractor.linguistic.lexicon import (EVENT_TRIGGERS, PERSON_NOUNS, PLACE_NOUNS, SPEECH_LEMMAS, STATEMENT_TYPES,
                                         VERB_ONLY_TRIGGERS)
from extractor.linguistic.sentences import Sentence, sentence_at

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token

_CREDIT = re.compile(r"\b(?:contributed to this report|information for this report|reporting by|editing by|"
                     r"writing by|this report was provided|this story was provided)\b", re.I)
_SUBJECTS = {"nsubj", "csubj"}
_CLAUSES = {"relcl", "advcl", "ccomp", "conj", "parataxis", "acl", "xcomp"}
_PASSIVE_SUBJECTS = {"nsubjpass", "csubjpass"}
_OBJECTS = {"dobj", "obj", "attr", "dative"}


@dataclass(frozen=True)
class EventCandidate:
    """A possible event: ``text`` is its trigger, ``article[start:end]``."""

    id: str
    sentence: int
    start: int
    end: int
    text: str
    lemma: str
    clause_start: int
    clause_end: int
    agent: str | None = None
    target: str | None = None
    claimant: str | None = None
    targets: tuple[str, ...] = ()
    """All actors the event is done to (a statement about "North Korea and China" has two)."""
    speech: bool = False
    """A statement about other actors (a possible accusation, threat, demand): its speaker is the agent."""
    types: tuple[str, ...] = ()
    """The event types the trigger can report, the likeliest first."""

    @property
    def asks_model(self) -> bool:
        """The type needs a judgement: the trigger can report several ("strike": an attack or a
        walkout), or it is a statement about others (an accusation or no event). A word with one
        reading takes it (the embedded model, asked, confirmed the lexicon's type every time)."""
        return len(self.types) > 1 or self.speech


def find_event_candidates(doc: Doc, sents: list[Sentence], groups: list[ActorGroup]) -> list[EventCandidate]:
    """Every trigger in text order, numbered E1, E2, ...; roles are actor group ids or ``None``."""
    owner = {(m.start, m.end): g.id for g in groups for m in g.mentions}
    found, text = [], doc.text
    for token in doc:
        statement = _statement_about_others(token, owner)
        types = STATEMENT_TYPES if statement is not None else _by_object(token, trigger_types(token))
        if not types or any(c.dep_ == "neg" for c in token.children) or hypothetical(token):
            continue
        start, end = _trigger_span(token)
        sentence = sentence_at(sents, start)
        if sentence is None or is_credit_line(sentence.text):
            continue
        agent, target = _roles(token, owner) if statement is None else statement[:2]
        targets = (target,) if statement is None and target else (statement[2] if statement else ())
        clause_start, clause_end = _clause(token, sentence)
        found.append(EventCandidate(
            id=f"E{len(found) + 1}", sentence=sentence.index, start=start, end=end, text=text[start:end],
            lemma=token.lemma_.lower(), clause_start=clause_start, clause_end=clause_end, agent=agent,
            target=target, claimant=None if statement else _claimant(token, owner),
            targets=targets, speech=statement is not None, types=types))
    return found


def is_credit_line(sentence: str) -> bool:
    """A byline or credit ("Reporting by ...", "... contributed to this report") reports no event."""
    return bool(_CREDIT.search(sentence))


def trigger_types(token: Token) -> tuple[str, ...]:
    """The event types a word can report: a verb (not an auxiliary) or an event noun listed in
    the trigger lexicon by its lemma or its own form ("talks"); speech is a quote, not an event,
    and a noun that only modifies another ("rescue teams", "attack helicopter") names none."""
    if token.pos_ == "VERB" and token.dep_ not in {"aux", "auxpass"}:
        return EVENT_TRIGGERS.get(token.lemma_.lower(), ())
    if token.pos_ == "NOUN" and token.dep_ != "compound":
        lemma = token.lemma_.lower()
        word = lemma if lemma in EVENT_TRIGGERS else token.lower_
        return () if word in VERB_ONLY_TRIGGERS else EVENT_TRIGGERS.get(word, ())
    return ()


_HYPOTHETICAL_MODIFIERS = frozenset("potential possible future planned proposed prospective likely".split())
_INTENT_LEMMAS = frozenset("plan want seek hope intend aim prepare try threaten vow promise".split())


def _by_object(token: Token, types: tuple[str, ...]) -> tuple[str, ...]:
    """An attack or a coercion, as the object says when the trigger can be either ("captured the
    town" takes territory: ASSAULT; "captured two soldiers" takes people: COERCE)."""
    if not {"ASSAULT", "COERCE"} <= set(types):
        return types
    obj = next((c for c in token.children if c.dep_ in {"dobj", "nsubjpass"}), None)
    if obj is None:
        return types
    if obj.ent_type_ in {"GPE", "LOC", "FAC"} or obj.lower_ in PLACE_NOUNS:
        return ("ASSAULT",)
    if obj.ent_type_ == "PERSON" or obj.lemma_.lower() in PERSON_NOUNS:
        return ("COERCE",)
    return types


def hypothetical(token: Token) -> bool:
    """The word names an event that has not happened: under a modal ("could attack", "will
    meet"), intended ("plans to attack"), or qualified as potential ("potential future talks")."""
    if token.pos_ == "NOUN":
        return any(c.dep_ == "amod" and c.lower_ in _HYPOTHETICAL_MODIFIERS for c in token.children) or \
            _under_imperative(token)
    if any(c.dep_ == "aux" and c.tag_ == "MD" for c in token.children):
        return True
    return (token.dep_ == "xcomp" and token.head.lemma_.lower() in _INTENT_LEMMAS) or _under_imperative(token)


def _under_imperative(token: Token) -> bool:
    """The word lies under a command ("Report that 500 people were killed"): the sentence's root
    is a verb in its base form with no auxiliary (a present tense would be tagged VBP/VBZ), so
    what it governs is asked for, not reported."""
    root = token
    while root.head.i != root.i:
        root = root.head
    return root.i != token.i and root.tag_ == "VB" and not any(c.dep_ in {"aux", "auxpass"} for c in root.children)


def _clause(token: Token, sentence: Sentence) -> tuple[int, int]:
    """The trigger's own clause (its subtree without subordinate clauses), inside its sentence:
    "it shot down 28 of 38 Russian drones"."""
    excluded: set[int] = set()
    for word in token.subtree:
        if word.i != token.i and word.dep_ in _CLAUSES:
            excluded.update(t.i for t in word.subtree)
    words = [t for t in token.subtree if t.i not in excluded]
    start = max(sentence.start, min(t.idx for t in words))
    end = min(sentence.end, max(t.idx + len(t.text) for t in words))
    return start, end


def _trigger_span(token: Token) -> tuple[int, int]:
    """The trigger with its particle ("shot down", "carried out")."""
    end = token.idx + len(token.text)
    for child in token.children:
        if child.dep_ == "prt" and child.i == token.i + 1:
            end = child.idx + len(child.text)
    return token.idx, end


def _statement_about_others(token: Token, owner: dict[tuple[int, int], str]
                            ) -> tuple[str, str | None, tuple[str, ...]] | None:
    """A speech verb whose speaker is a listed actor and whose reported clause is about other listed
    actors ("Blinken said North Korea and China are ..."): speaker, first target, all targets."""
    if token.pos_ != "VERB" or token.lemma_.lower() not in SPEECH_LEMMAS:
        return None
    speaker = next((_actor_in(c, owner) for c in token.children if c.dep_ in _SUBJECTS), None)
    content = next((c for c in token.children if c.dep_ == "ccomp"), None)
    if speaker is None or content is None:
        return None
    subject = next((c for c in content.children if c.dep_ in _SUBJECTS | _PASSIVE_SUBJECTS), None)
    if subject is None:
        return None
    about = []
    for word in [subject, *[c for c in subject.subtree if c.dep_ == "conj" and c.head.i == subject.i]]:
        group = _actor_at(word, owner)
        if group and group != speaker and group not in about:
            about.append(group)
    return (speaker, about[0], tuple(about)) if about else None


def _roles(token: Token, owner: dict[tuple[int, int], str]) -> tuple[str | None, str | None]:
    """Agent and target from the parse: the subject (or the passive's "by" phrase; for "that",
    "which" or "who" the noun before it) and the object (or the passive subject); for a noun, its
    possessor or "by" phrase and its "of/on/against" phrase."""
    agent = target = None
    for child in token.children:
        if child.dep_ in _SUBJECTS and child.tag_ in {"WDT", "WP"} and child.i > 0:
            agent = agent or _actor_in(child.doc[child.i - 1], owner)
        elif child.dep_ in _SUBJECTS:
            agent = agent or _actor_in(child, owner)
        elif child.dep_ in _PASSIVE_SUBJECTS or child.dep_ in _OBJECTS:
            target = target or _actor_in(child, owner)
        elif child.dep_ == "agent":
            agent = agent or next((_actor_in(g, owner) for g in child.children if g.dep_ == "pobj"), None)
        elif child.dep_ == "poss" and token.pos_ == "NOUN":
            agent = agent or _actor_in(child, owner)
        elif child.dep_ == "prep" and child.lower_ in {"on", "against", "of"} and token.pos_ == "NOUN":
            target = target or next((_actor_in(g, owner) for g in child.children if g.dep_ == "pobj"), None)
    if agent is None and token.dep_ == "relcl":
        agent = _actor_in(token.head, owner)
    if agent is None and token.dep_ in {"xcomp", "conj"} and token.head.pos_ == "VERB":
        agent = next((_actor_in(c, owner) for c in token.head.children if c.dep_ in _SUBJECTS), None)
    return agent, (target if target != agent else None)


def _claimant(token: Token, owner: dict[tuple[int, int], str]) -> str | None:
    """The subject of the nearest neutral speech verb above the trigger ("X said ... attacked")."""
    head = token
    while head.head.i != head.i:
        head = head.head
        if head.pos_ == "VERB" and head.lemma_.lower() in SPEECH_LEMMAS:
            return next((_actor_in(c, owner) for c in head.children if c.dep_ in _SUBJECTS), None)
    return None


def _actor_at(word: Token, owner: dict[tuple[int, int], str]) -> str | None:
    """The actor group whose mention holds this very word."""
    return next((group for (start, end), group in owner.items()
                 if start <= word.idx and word.idx + len(word.text) <= end), None)


def _actor_in(phrase: Token, owner: dict[tuple[int, int], str]) -> str | None:
    """The actor group a phrase names: the mention holding its head word, else the first mention
    inside it ("Russian drones" -> Russia, the drones' sender)."""
    head_start, head_end = phrase.idx, phrase.idx + len(phrase.text)
    for (start, end), group in owner.items():
        if start <= head_start and head_end <= end:
            return group
    left, right = phrase.left_edge.idx, phrase.right_edge.idx + len(phrase.right_edge.text)
    inside = sorted((start, group) for (start, end), group in owner.items() if left <= start and end <= right)
    return inside[0][1] if inside else None
