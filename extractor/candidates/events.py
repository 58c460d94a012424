"""Event candidates from the parse: verbs and eventive nouns, each with its sentence, its
subject and object mapped to actor groups, and the source of the reporting verb above it.
A negated verb ("did not attack") reports what did not happen and is no candidate, nor is a
hypothetical one ("could attack", "plans to attack", "potential talks").

A trigger is a verb or noun of the trigger lexicon (the PLOVER categories' usual words), and it
carries the types it can report. Neutral speech is left out: what someone says is a quote, and
the event is the verb of what was said. "X said Y attacked Z" gives one
candidate, "attacked", with agent Y, target Z and claimant X; "X said it shot down" is a
self-report, with X as agent and claimant. Participants are phrases ("a gunman", "three people"),
with the actor they name where there is one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from extractor.candidates.actors import ActorGroup
from extractor.linguistic.lexicon import (
    EVENT_TRIGGERS,
    INSTRUMENT_NOUNS,
    OBJECT_TRIGGERS,
    PERSON_NOUNS,
    PLACE_NOUNS,
    SPEECH_LEMMAS,
    STATEMENT_TYPES,
    VERB_ONLY_TRIGGERS,
)
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
class ParticipantCandidate:
    """One phrase the parse puts in a role of the trigger: ``article[start:end]`` is the noun phrase
    as written (without its relative clauses and appositions), ``head_start:head_end`` its head
    word; ``actor`` is the actor group it names or refers to, if any."""

    role: str
    start: int
    end: int
    head_start: int
    head_end: int
    actor: str | None = None
    self_report: bool = False
    """A pronoun subject under a speech verb ("X said it shot down"): the one who says so did it."""


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
    claimant: str | None = None
    time: tuple[int, int] | None = None
    """Where the time phrase of the trigger's own clause, or of a clause governing it, is written
    ("said Tuesday it shot down"); ``None`` when only other clauses have one."""
    claim_cue: int | None = None
    """Where the speech verb above the trigger is (``claimant`` is its subject); ``None`` when no
    speech verb governs the trigger's clause."""
    speech: bool = False
    """A statement about other actors (a possible accusation, threat, demand): its speaker is the agent."""
    types: tuple[str, ...] = ()
    """The event types the trigger can report, the likeliest first."""
    participants: tuple[ParticipantCandidate, ...] = ()
    """Every phrase in a role (agent, target, victim, instrument), named actor or not."""
    mention_of: str | None = None
    """The candidate this one is another mention of, when the parse says so and their types agree
    (decided at assembly): "the attacks" in "the attacks injured one person", "the offensive" in
    "the offensive caused 38,000 casualties", or "the strike" taking up an earlier strike."""

    @property
    def asks_model(self) -> bool:
        """The type needs a judgement: the trigger can report several ("strike": an attack or a
        walkout), or it is a statement about others (an accusation or no event). A word with one
        reading takes it (the embedded model, asked, confirmed the lexicon's type every time)."""
        return len(self.types) > 1 or self.speech


def find_event_candidates(doc: Doc, sents: list[Sentence], groups: list[ActorGroup]) -> list[EventCandidate]:
    """Every trigger in text order, numbered E1, E2, ...; its role phrases name actor groups by id
    where they name an actor."""
    owner = {(m.start, m.end): g.id for g in groups for m in g.mentions}
    found: list[EventCandidate] = []
    text, tokens = doc.text, []
    for token in doc:
        statement = _statement_about_others(token, owner)
        types = STATEMENT_TYPES if statement is not None else _by_object(token, trigger_types(token))
        if not types or any(c.dep_ == "neg" for c in token.children) or hypothetical(token):
            continue
        start, end = _trigger_span(token)
        sentence = sentence_at(sents, start)
        if sentence is None or is_credit_line(sentence.text):
            continue
        clause_start, clause_end = _clause(token, sentence)
        claimant, cue = (None, None) if statement else _claimant(token, owner)
        roles = participants(token, owner, claimant) if statement is None else _statement_roles(token, owner)
        found.append(EventCandidate(
            id=f"E{len(found) + 1}", sentence=sentence.index, start=start, end=end, text=text[start:end],
            lemma=token.lemma_.lower(), clause_start=clause_start, clause_end=clause_end, claimant=claimant,
            claim_cue=cue, speech=statement is not None, types=types, participants=roles,
            time=_time_of(token) or _continued_report_time(token, owner)))
        tokens.append(token)
    return _linked(found, tokens)


_ANAPHORIC = frozenset("the this that these those such".split())
ANAPHORA_SENTENCES = 3
"""How many sentences back a definite event noun ("the attacks") looks for the event it takes up."""


def _linked(found: list[EventCandidate], tokens: list[Token]) -> list[EventCandidate]:
    """Each candidate with ``mention_of`` set where the parse makes it another mention of an
    earlier-decided one: a noun trigger that is a role phrase of a verb trigger in its sentence
    ("the attacks injured"), or what the verb's telling object was given as ("paid 4 bitcoin in
    ransom"), two triggers that are the subject and object of one verb ("the
    offensive caused casualties"), and a definite noun trigger taking up the nearest earlier
    trigger of the same word within ``ANAPHORA_SENTENCES`` sentences."""
    index = {t.i: n for n, t in enumerate(tokens)}
    links: dict[int, int] = {}
    for n, token in enumerate(tokens):
        if token.pos_ != "NOUN" or found[n].speech:
            continue
        head = token.head
        antecedent = _antecedent(n, found, tokens, links)
        if head.i in index and token.dep_ in _SUBJECTS | _PASSIVE_SUBJECTS | _OBJECTS:
            links[n] = index[head.i]
            if antecedent is not None:  # "The attack killed three": the attack, the killing and the earlier attack
                links[index[head.i]] = links[n] = antecedent
            continue
        if token.dep_ in _SUBJECTS and head.pos_ in {"VERB", "AUX"}:
            other = next((index[c.i] for c in head.children if c.i in index and c.i != token.i
                          and c.dep_ in _OBJECTS and c.pos_ == "NOUN"), None)
            if other is not None:
                links[other] = n
                continue
        payer = head.head if token.dep_ == "pobj" and head.lower_ in {"in", "as"} else None
        given = OBJECT_TRIGGERS.get(found[index[payer.i]].lemma, frozenset()) if payer and payer.i in index else ()
        if payer is not None and token.lemma_.lower() in given:
            links[n] = index[payer.i]  # "paid 4 bitcoin in ransom": the ransom is what was paid
            continue
        if antecedent is not None:
            links[n] = antecedent
    return [replace(c, mention_of=found[links[n]].id) if n in links else c for n, c in enumerate(found)]


def _antecedent(n: int, found: list[EventCandidate], tokens: list[Token], links: dict[int, int]) -> int | None:
    """The earlier trigger a definite event noun takes up ("the attack" after "attacked"): the
    nearest of the same word in an earlier sentence, at most ``ANAPHORA_SENTENCES`` back."""
    if not any(c.dep_ == "det" and c.lower_ in _ANAPHORIC for c in tokens[n].children):
        return None
    for m in range(n - 1, -1, -1):
        if found[n].sentence - found[m].sentence > ANAPHORA_SENTENCES:
            return None
        if found[m].sentence < found[n].sentence and not found[m].speech and \
                _same_word(found[m].lemma, found[n].lemma):
            return links.get(m, m)
    return None


def _same_word(a: str, b: str) -> bool:
    """One word in two forms ("attack", "attacks", "attacked"; "strike", "struck" are not caught)."""
    return a == b or (min(len(a), len(b)) >= 5 and a[:5] == b[:5])


_TIME_LABELS = frozenset({"DATE", "TIME"})


def _time_of(token: Token) -> tuple[int, int] | None:
    """The time phrase attached to the trigger or to a word governing it (a date modifier, or a
    preposition whose object is a date), nearest first; words of other branches (a relative or
    adverbial clause of another verb) do not count."""
    node, came_from = token, None
    while True:
        for child in node.children:
            if came_from is not None and child.i == came_from.i:
                continue
            if child.ent_type_ in _TIME_LABELS and child.dep_ in {"npadvmod", "tmod", "advmod", "nmod", "obl", "pobj",
                                                                 "compound", "amod"}:
                return child.left_edge.idx, child.right_edge.idx + len(child.right_edge.text)
            dated = _dated_words(child) if child.dep_ == "prep" else []
            if dated:  # "on Monday", "in his nightly address Monday", "the loss of the town on Monday"
                return dated[0].idx, dated[-1].idx + len(dated[-1].text)
        if node.head.i == node.i:
            return None
        node, came_from = node.head, node


def _continued_report_time(token: Token, owner: dict[tuple[int, int], str]) -> tuple[int, int] | None:
    """The time of the report a sentence continues: when the trigger's sentence is a statement by
    X with no time of its own, and the sentence before is a dated statement by the same X ("Blinken
    said earlier Monday ... . Speaking during a visit, Blinken said ..."), that statement's time."""
    root = token.sent.root
    if root.lemma_.lower() not in SPEECH_LEMMAS or token.sent.start == 0:
        return None
    speaker = next((_actor_in(c, owner) for c in root.children if c.dep_ in _SUBJECTS), None)
    before = token.doc[token.sent.start - 1].sent.root
    if speaker is None or before.lemma_.lower() not in SPEECH_LEMMAS:
        return None
    if next((_actor_in(c, owner) for c in before.children if c.dep_ in _SUBJECTS), None) != speaker:
        return None
    return _time_of(before)


def _dated_words(prep: Token) -> list[Token]:
    """The time words of a prepositional phrase, not counting those inside a clause of its own."""
    found, stack = [], list(prep.children)
    while stack:
        word = stack.pop()
        if word.pos_ in {"VERB", "AUX"}:
            continue
        if word.ent_type_ in _TIME_LABELS:
            found.append(word)
        stack.extend(word.children)
    return sorted(found, key=lambda w: w.i)


def is_credit_line(sentence: str) -> bool:
    """A byline or credit ("Reporting by ...", "... contributed to this report") reports no event."""
    return bool(_CREDIT.search(sentence))


def trigger_types(token: Token) -> tuple[str, ...]:
    """The event types a word can report: a verb (not an auxiliary) or an event noun listed in
    the trigger lexicon by its lemma or its own form ("talks"); speech is a quote, not an event,
    and a noun that only modifies another ("rescue teams", "attack helicopter") names none."""
    if token.pos_ == "VERB" and token.dep_ not in {"aux", "auxpass"}:
        if _names_no_event(token):
            return ()
        lemma = _LEMMA_FIXES.get(token.lower_, token.lemma_.lower())
        return ("OTHER",) if _telling_object(token, lemma) else EVENT_TRIGGERS.get(lemma, ())
    if token.pos_ == "NOUN" and token.dep_ != "compound":
        lemma = token.lemma_.lower()
        word = lemma if lemma in EVENT_TRIGGERS else token.lower_
        return () if word in VERB_ONLY_TRIGGERS else EVENT_TRIGGERS.get(word, ())
    return ()


_LEMMA_FIXES = {"phished": "phish", "phishing": "phish"}
"""Forms the pipeline's lemmatiser gets wrong ("phished" -> "phishe")."""


def _telling_object(verb: Token, lemma: str) -> bool:
    """The verb's object (or passive subject, or what it was given "in" or "as") is one that makes it
    a happening (``OBJECT_TRIGGERS``)."""
    objects = OBJECT_TRIGGERS.get(lemma)
    if not objects:
        return False
    held = [c for c in verb.children if c.dep_ in {"dobj", "nsubjpass"}]
    held += [g for c in verb.children if c.dep_ == "prep" and c.lower_ in {"in", "as"} for g in c.children
             if g.dep_ == "pobj"]  # "paid 4 bitcoin in ransom"
    return any(c.lemma_.lower() in objects for c in held)


def _names_no_event(verb: Token) -> bool:
    """A trigger verb in a sense that reports nothing: "according to" (an attribution), "called"
    naming something ("a group called X", "so-called")."""
    lemma = verb.lemma_.lower()
    if lemma == "accord" and any(c.dep_ == "prep" and c.lower_ == "to" for c in verb.children):
        return True
    if lemma == "call":
        naming = verb.dep_ in {"acl", "amod"} or any(c.dep_ in {"oprd", "attr"} for c in verb.children)
        return naming or (verb.i > 0 and verb.doc[verb.i - 1].lower_ in {"so", "-"})
    return False


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


_VICTIM_LEMMAS = frozenset("kill injure wound murder slay execute behead massacre assassinate maim hurt stab "
                           "death killing injury casualty assassination execution".split())
"""Triggers whose target is a victim (a person harmed), not a thing acted on."""
_TAKING_LEMMAS = frozenset("steal theft rob seize take extort leak".split())
"""Verbs and nouns of taking: their "from" phrase is the one robbed ("stole data from X")."""
_UNDERGOING_LEMMAS = frozenset("die perish drown starve collapse suffer".split())
"""Verbs whose subject undergoes the event: who died is its victim, not its agent."""
_CAUSE_NOUNS = INSTRUMENT_NOUNS | frozenset("device blast explosion bombing attack fire shelling strike "
                                            "crash accident".split())
"""A subject that is a weapon or another event causes the event; it does not do it ("the blast
killed three", "an explosive device injured two"): an instrument, not an agent."""
_GOING_OFF_LEMMAS = frozenset("explode detonate blast".split())
"""Verbs whose subject is the weapon itself ("the bomb exploded", "it detonated")."""
_DEPLOYING_LEMMAS = frozenset("detonate explode fire launch drop plant hurl throw use".split())
"""Verbs whose weapon object is the instrument ("detonated 20 bombs"; "shot down drones" is not one)."""
_PATIENT_NOUNS = frozenset("arrest detention release capture execution killing death injury kidnapping abduction "
                           "trial conviction sentence deportation imprisonment".split())
"""Event nouns whose possessive pronoun is the one it happens to ("his arrest", "their release")."""
_ADDRESSED_TYPES = frozenset({"THREATEN", "REQUEST", "AID", "SUPPORT", "ACCUSE", "SANCTION"})
"""Event nouns addressed to someone: their "to" phrase is the target ("warnings to the police")."""


def _subject_role(verb: Token, subject: Token, owner: dict[tuple[int, int], str]) -> str:
    """What the subject of a trigger verb is: the victim of "die", the instrument of "explode" or
    when it is a weapon or an event that names no actor (the sender of "38 Russian drones" does
    what they do), else the agent."""
    lemma = verb.lemma_.lower()
    if lemma in _UNDERGOING_LEMMAS:
        return "victim"
    if lemma in _GOING_OFF_LEMMAS and not any(c.dep_ in _OBJECTS for c in verb.children):
        return "instrument"
    if subject.lemma_.lower() in _CAUSE_NOUNS and _actor_free(subject) and \
            _actor_in(subject, owner, _phrase(subject)) is None:
        return "instrument"
    return "agent"


def _actor_free(word: Token) -> bool:
    """The word names no person or organisation itself (a "Hamas attack" is Hamas's)."""
    return word.ent_type_ not in {"PERSON", "ORG", "NORP", "GPE"}


_PHRASE_CUT = {"relcl", "acl", "appos", "advcl", "cc", "conj", "punct", "prep", "parataxis"}
_INSTRUMENT_PREPS = {"with", "using"}


def participants(token: Token, owner: dict[tuple[int, int], str],
                 claimant: str | None = None) -> tuple[ParticipantCandidate, ...]:
    """The phrases in the trigger's roles, from the parse, for a verb: subject (for "that", "which",
    "who" the noun before it; a pronoun under "X said" is X: a self-report), object, passive subject
    and "by" phrase, "with" phrase, each conjunct of a coordination; the subject a controlling or
    coordinated verb lends ("ordered troops to attack"). For a noun: its possessor, "by" phrase,
    "on/against/of" phrase, and an actor or weapon modifying it ("Russian strikes", "drone attack")."""
    found: list[tuple[str, Token]] = []
    verb = token.pos_ == "VERB"
    lemma = token.lemma_.lower()
    for child in token.children:
        dep, form = child.dep_, child.lower_
        if verb and dep in _OBJECTS and any(r == "target" for r, _ in found):
            continue  # a second object is the parse's mistake, not a second target (coordination is)
        if child.ent_type_ in _TIME_LABELS:
            continue  # "Saturday’s attack": a time, not a participant
        if dep in _SUBJECTS:
            antecedent = child
            if child.tag_ in {"WDT", "WP"}:
                antecedent = token.head if token.dep_ == "relcl" else child.doc[max(0, child.i - 1)]
            found.append((_subject_role(token, antecedent, owner), antecedent))
        elif dep in _PASSIVE_SUBJECTS or (verb and dep in _OBJECTS):
            if child.tag_ in {"WDT", "WP"} and token.dep_ == "relcl":
                child = token.head  # "the shop, which was damaged": the shop
            deployed = verb and lemma in _DEPLOYING_LEMMAS and child.lemma_.lower() in INSTRUMENT_NOUNS
            found.append(("instrument" if deployed else "target", child))
        elif dep == "agent" or (dep == "prep" and form == "by" and not verb):
            found.extend(("agent", g) for g in child.children if g.dep_ == "pobj")
        elif dep == "prep" and form == "from" and lemma in _TAKING_LEMMAS:
            found.extend(("victim", g) for g in child.children if g.dep_ == "pobj")  # "stole data from X"
        elif not verb and dep == "prep" and form in {"at", "in"}:
            found.extend(("target", g) for g in child.children if g.dep_ == "pobj" and g.ent_type_ == "ORG")
        elif dep == "prep" and form in _INSTRUMENT_PREPS:
            found.extend(("instrument", g) for g in child.children if g.dep_ == "pobj")
        elif not verb and dep == "poss":
            patient = child.tag_ == "PRP$" and lemma in _PATIENT_NOUNS  # "his arrest": he is arrested
            found.append(("target" if patient else "agent", child))
        elif not verb and dep == "prep" and (form in {"on", "against", "of"} or
                                             (form == "to" and _ADDRESSED_TYPES & set(trigger_types(token)))):
            found.extend(("target", g) for g in child.children if g.dep_ == "pobj"
                         and not (g.pos_ == "PROPN" and g.ent_type_ in {"LOC", "FAC"}))  # "on Oxford Street": where
        elif not verb and dep in {"amod", "compound", "nmod"} and child.i < token.i:
            if child.ent_type_ in {"GPE", "LOC", "FAC"} and child.pos_ == "PROPN":
                continue  # "the Manchester bombing": where, not who
            if _actor_in(child, owner) is not None:  # "Russian strikes"; "Russian casualties" are the victims
                found.append(("target" if token.lemma_.lower() in _VICTIM_LEMMAS else "agent", child))
            elif child.lemma_.lower() in INSTRUMENT_NOUNS:
                found.append(("instrument", child))
    if not verb and not any(role == "agent" for role, _ in found):
        lender = _lending_verb(token)
        subject = next((c for c in lender.children if c.dep_ in _SUBJECTS), None) if lender is not None else None
        if subject is not None:
            found.append(("agent", subject))
    if verb and not any(role == "agent" for role, _ in found) and token.dep_ in {"xcomp", "conj", "advcl"}:
        lender = token.head
        subject = next((c for c in lender.children if c.dep_ in _SUBJECTS), None)
        obj = next((c for c in lender.children if c.dep_ in _OBJECTS), None)
        if token.dep_ == "xcomp" and obj is not None:
            found.append(("agent", obj))
        elif subject is not None:
            found.append((_subject_role(token, subject, owner), subject))
    if verb and token.dep_ == "conj" and not any(role == "target" for role, _ in found):
        shared = next((c for c in token.head.children if c.dep_ in _PASSIVE_SUBJECTS), None)
        if shared is not None:  # "12 people were killed and 40 injured": the passive subject is shared
            found.append(("target", shared))
    victim = token.lemma_.lower() in _VICTIM_LEMMAS
    result: list[ParticipantCandidate] = []
    for role, head in found:
        for word in _conjuncts(head):
            if role == "target" and victim:
                role = "victim"
            start, end = _phrase(word)
            actor = _actor_in(word, owner, (start, end))
            own = actor is None and word.tag_ == "PRP" and role == "agent" and claimant is not None
            item = ParticipantCandidate(role, start, end, word.idx, word.idx + len(word.text),
                                        claimant if own else actor, self_report=own)
            if not any(p.start == item.start and p.end == item.end for p in result):
                result.append(item)
    return tuple(result)


_LIGHT_VERBS = frozenset("launch carry conduct stage mount make wage unleash begin start continue intensify "
                         "escalate resume lead hold pay undertake".split())
_DURING = frozenset("during on after before at while amid".split())


def _lending_verb(noun: Token) -> Token | None:
    """The verb whose subject does what an event noun names: a light verb taking it as object
    ("Russian forces launched attacks"), or the verb a "during/after" phrase with it modifies, or
    the one that verb's clause depends on ("Speaking during a visit, Blinken said")."""
    head = noun.head
    if noun.dep_ in _OBJECTS and head.pos_ == "VERB" and head.lemma_.lower() in _LIGHT_VERBS:
        return head
    if noun.dep_ == "pobj" and head.dep_ == "prep" and head.lower_ in _DURING and head.head.pos_ == "VERB":
        verb = head.head
        if any(c.dep_ in _SUBJECTS for c in verb.children):
            return verb
        if verb.dep_ in {"advcl", "xcomp"} and verb.head.pos_ == "VERB":
            return verb.head
    return None


def _statement_roles(token: Token, owner: dict[tuple[int, int], str]) -> tuple[ParticipantCandidate, ...]:
    """A statement about others: its speaker is the agent, the actors it is about the targets."""
    subject = next((c for c in token.children if c.dep_ in _SUBJECTS), None)
    content = next((c for c in token.children if c.dep_ == "ccomp"), None)
    about = next((c for c in content.children if c.dep_ in _SUBJECTS | _PASSIVE_SUBJECTS), None) if content else None
    result = []
    for role, head in (("agent", subject), ("target", about)):
        if head is None:
            continue
        for word in _conjuncts(head) if role == "target" else [head]:
            start, end = _phrase(word)
            result.append(ParticipantCandidate(role, start, end, word.idx, word.idx + len(word.text),
                                               _actor_in(word, owner, (start, end))))
    return tuple(result)


def _conjuncts(word: Token) -> list[Token]:
    """The word and the words coordinated with it ("Russia and Iran")."""
    return [word, *[t for t in word.subtree if t.dep_ == "conj" and t.head.i == word.i
                    and t.pos_ in {"NOUN", "PROPN", "PRON", "NUM"}]]


def _phrase(word: Token) -> tuple[int, int]:
    """The noun phrase a head word makes: its subtree without clauses, appositions, coordinated
    words and prepositional phrases but "of" ("Russian forces" of "Russian forces in the east",
    "28 of 38 Russian drones")."""
    keep = {word.i}
    for child in word.children:
        if child.dep_ in _PHRASE_CUT and not (child.dep_ == "prep" and child.lower_ == "of" and child.i > word.i):
            continue
        if child.pos_ == "VERB" and any(c.dep_ in _SUBJECTS for c in child.children):
            continue  # a clause the parse hung on the noun ("areas" <- "that targeted")
        keep.update(t.i for t in child.subtree if t.dep_ not in {"relcl", "acl"} or t.head.i != child.i)
    tokens = sorted(keep)
    first, last = word.doc[tokens[0]], word.doc[tokens[-1]]
    while first.i < word.i and first.is_punct:
        first = word.doc[first.i + 1]
    while last.i > word.i and last.is_punct:
        last = word.doc[last.i - 1]
    return first.idx, last.idx + len(last.text)


def _claimant(token: Token, owner: dict[tuple[int, int], str]) -> tuple[str | None, int | None]:
    """The subject of the nearest neutral speech verb above the trigger ("X said ... attacked";
    "..., while officials cited ... casualties": the officials), and where that verb is."""
    head = token
    while head.head.i != head.i:
        head = head.head
        if head.pos_ == "VERB" and head.lemma_.lower() in SPEECH_LEMMAS:
            return next((_actor_in(c, owner) for c in head.children if c.dep_ in _SUBJECTS), None), head.idx
    return None, None


def _actor_at(word: Token, owner: dict[tuple[int, int], str]) -> str | None:
    """The actor group whose mention holds this very word."""
    return next((group for (start, end), group in owner.items()
                 if start <= word.idx and word.idx + len(word.text) <= end), None)


def _actor_in(phrase: Token, owner: dict[tuple[int, int], str], bounds: tuple[int, int] | None = None) -> str | None:
    """The actor group a phrase names: the mention holding its head word, else the first mention
    inside it (``bounds``, default its whole subtree: "Russian drones" -> Russia, the drones' sender)."""
    head_start, head_end = phrase.idx, phrase.idx + len(phrase.text)
    for (start, end), group in owner.items():
        if start <= head_start and head_end <= end:
            return group
    left, right = bounds or (phrase.left_edge.idx, phrase.right_edge.idx + len(phrase.right_edge.text))
    inside = sorted((start, group) for (start, end), group in owner.items() if left <= start and end <= right)
    return inside[0][1] if inside else None
