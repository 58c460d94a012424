"""Reported statements from the parse: a reporting verb with a clausal complement ("X said the
attacks injured one person"), a stance verb with its object ("X criticized the plan"), or
"according to X", with the speaker phrase, the cue and the content as exact spans. The approach
of the Gender Gap Tracker's quote extractor."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from extractor.linguistic.lexicon import (
    COMMITMENT_LEMMAS,
    REPORT_NOUNS,
    REPORTING_LEMMAS,
    SECTION_LABELS,
    STANCE_LEMMAS,
    TOPIC_PREPOSITIONS,
    TOPIC_VERBS,
)
from extractor.linguistic.sentences import Sentence, sentence_at

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token

_SUBJECTS = {"nsubj", "nsubjpass"}
_STANCE_CONTENT = {"dobj", "xcomp"}
_PERSONAL = {"he", "she", "they", "i", "we"}
_RELATIVES = {"who", "that", "which"}
_REPORTING_VERBS = REPORTING_LEMMAS | STANCE_LEMMAS | TOPIC_VERBS
_LEMMA_FIXES = {"hoped": "hope", "hoping": "hope", "hopes": "hope"}
"""Forms the pipeline's lemmatiser gets wrong ("hoped" -> "hop")."""
_GROUPS = {"those", "some", "many", "others", "most", "several", "few", "both", "all"}
"""Pronouns of people in number that can say something ("those close to him say ...", "many say ...")."""
_EDGE = " ,;:–—-“”\"'‘’"


@dataclass(frozen=True)
class ReportedCandidate:
    """``content`` is what was reported; ``speaker`` the phrase that reports it (may be a pronoun)."""

    sentence: int
    cue_start: int
    cue_end: int
    content_start: int
    content_end: int
    speaker: str | None
    speaker_start: int | None


MIN_REPORTED_WORDS = 3
"""Reported content shorter than this is no statement (the parse's and the model's alike)."""


def settled(text: str, candidate: ReportedCandidate) -> bool:
    """Whether the parse found this reported speech whole: a speaker and a content of
    ``MIN_REPORTED_WORDS`` words or more (assembly keeps it, and ignores the model there)."""
    content = text[candidate.content_start:candidate.content_end]
    return bool(candidate.speaker) and len(content.split()) >= MIN_REPORTED_WORDS


def find_reported(doc: Doc, sents: list[Sentence]) -> list[ReportedCandidate]:
    """Every reporting verb with a clausal complement, and every "according to X", in text order."""
    found = [h for h in (_headline_source(doc, s, sents[i - 1] if i else None) for i, s in enumerate(sents)) if h]
    for token in doc:
        sentence = sentence_at(sents, token.idx)
        if sentence is None:
            continue
        lemma = _LEMMA_FIXES.get(token.lower_, token.lemma_.lower())
        if token.pos_ == "VERB" and lemma in _REPORTING_VERBS:
            content = next((c for c in token.children if c.dep_ == "ccomp"), None)
            if content is None and lemma in STANCE_LEMMAS:
                deps = {"xcomp"} if lemma in COMMITMENT_LEMMAS else _STANCE_CONTENT
                content = next((c for c in token.children if c.dep_ in deps), None)
            if content is None:
                content = _topic(token, lemma)
            if content is None and token.dep_ == "parataxis" and lemma in REPORTING_LEMMAS:
                reported = _parenthetical(doc, sentence, token)
                if reported is not None:
                    found.append(reported)
                continue
            subject = _subject(token)
            if content is not None and subject is not None and (_speaker(subject) or _document(subject, token, lemma)):
                found.append(_candidate(doc, sentence, token, content, subject, _complement(token, content)))
        elif token.pos_ == "NOUN" and lemma in REPORT_NOUNS:
            reported = _report_noun(doc, sentence, token)
            if reported is not None:
                found.append(reported)
        elif token.lower_ == "according" and token.i + 1 < len(doc) and doc[token.i + 1].lower_ == "to":
            reported = _according(doc, sentence, token)
            if reported is not None:
                found.append(reported)
    return sorted((f for f in found if f.content_end - f.content_start > 0), key=lambda f: f.cue_start)


def _subject(verb: Token) -> Token | None:
    """The verb's subject, or for a verb without one the subject of the verb it continues: a
    participle ("X mocked it, saying ...", "X responded by saying ...") or a second verb ("X
    promised ... and said ..."); for a relative clause, the noun it describes ("voters who say ..."
    -> "voters")."""
    for _ in range(3):
        subject = next((c for c in verb.children if c.dep_ in _SUBJECTS), None)
        if subject is not None and subject.lower_ in _RELATIVES and verb.dep_ == "relcl":
            return verb.head
        if subject is None and verb.dep_ == "pcomp" and verb.head.dep_ == "prep":
            verb = verb.head.head  # "X responded by saying ...", "X began by saying ..."
            continue
        if subject is not None or verb.dep_ not in _CONTINUING or verb.head is verb:
            return subject
        if verb.dep_ == "advcl" and verb.tag_ != "VBG":
            return None
        verb = verb.head
    return None


_NOT_TOPICS = {"DATE", "TIME", "GPE", "LOC", "FAC", "CARDINAL", "PERSON", "NORP", "ORG"}


def _topic(verb: Token, lemma: str) -> Token | None:
    """The object of the verb's topic preposition ("spoke about X", "called for X"), unless it is
    a date, a place, a number or someone ("said on Tuesday", "spoke in Kyiv", "responded to the
    minister" say nothing), or the verb goes on to say it ("responded to X by saying ...")."""
    if any(c.dep_ == "pcomp" and c.lemma_.lower() in REPORTING_LEMMAS for prep in verb.children
           if prep.dep_ == "prep" for c in prep.children):
        return None
    for prep in verb.children:
        if prep.dep_ != "prep" or lemma not in TOPIC_PREPOSITIONS.get(prep.lower_, ()):
            continue
        target = next((c for c in prep.children if c.dep_ in ("pobj", "pcomp")), None)
        if target is not None and target.ent_type_ not in _NOT_TOPICS and target.pos_ != "PRON":
            return target
    return None


def _document(subject: Token | None, verb: Token, lemma: str) -> bool:
    """ "It says the campaign violated ...": a document or statement as subject of a reporting
    verb with a clause (its speaker stays unresolved, the statement is kept)."""
    return subject is not None and subject.lower_ == "it" and lemma in REPORTING_LEMMAS and \
        any(c.dep_ == "ccomp" for c in verb.children)


def _complement(verb: Token, content: Token) -> Token:
    """The last word of a statement's content: a stance's runs to the object's complement
    ("called the charges unsubstantiated"); a content ends before another speaker's statement
    joined to it ("said its forces captured a town, while officials cited casualties")."""
    predicate = next((c for c in verb.children if c.dep_ == "oprd" and c.i > content.i), None)
    last = predicate.right_edge if predicate is not None and content.dep_ == "dobj" else content.right_edge
    other = next((c for c in content.rights if c.dep_ in ("advcl", "conj") and c.pos_ == "VERB" and
                  c.lemma_.lower() in REPORTING_LEMMAS | STANCE_LEMMAS and
                  any(s.dep_ in _SUBJECTS for s in c.children)), None)
    if other is None:
        return last
    cut = other.left_edge.i - 1
    while cut > content.i and content.doc[cut].dep_ in ("cc", "mark", "punct"):
        cut -= 1
    return content.doc[cut]


def _speaker(subject: Token | None) -> bool:
    """A subject that can be a speaker: a noun phrase or a personal pronoun (not "it", "this",
    nor a stray determiner the parser made a subject)."""
    if subject is None:
        return False
    return subject.pos_ in {"NOUN", "PROPN"} or (subject.pos_ == "PRON" and subject.lower_ in _PERSONAL) or \
        subject.lower_ in _GROUPS


_DESCRIPTIONS = {"relcl", "appos", "acl"}
_CONTINUING = {"advcl", "conj"}


def _speaker_end(subject: Token) -> Token:
    """The last word of the speaker's own phrase: without a relative clause, an apposition or a
    comma after the name ("Dave Sloggett, who runs exercises ..." -> "Dave Sloggett")."""
    cut = [c.left_edge.i for c in subject.rights if c.dep_ in _DESCRIPTIONS or c.text == ","]
    last = min(cut, default=subject.right_edge.i + 1) - 1
    return subject.doc[max(last, subject.i)]


def _span(doc: Doc, first: Token, last: Token, sentence: Sentence) -> tuple[int, int]:
    """Character span from ``first`` to ``last`` inside the sentence, without edge punctuation
    (read from the sentence's own text: ``Doc.text`` joins every token again on each access)."""
    start, end = max(first.idx, sentence.start), min(last.idx + len(last.text), sentence.end)
    text, base = sentence.text, sentence.start
    while start < end and text[start - base] in _EDGE:
        start += 1
    while end > start and text[end - 1 - base] in _EDGE + ".":
        end -= 1
    return start, end


def _candidate(doc: Doc, sentence: Sentence, verb: Token, content: Token, subject: Token,
               last: Token) -> ReportedCandidate:
    content_start, content_end = _span(doc, content.left_edge, last, sentence)
    first = content.left_edge
    if first.lower_ == "that" and first.dep_ == "mark":
        content_start = max(content_start, first.idx + len(first.text))
        while content_start < content_end and doc.text[content_start] in _EDGE:
            content_start += 1
    speaker_start, speaker_end = _span(doc, subject.left_edge, _speaker_end(subject), sentence)
    speaker = sentence.text[speaker_start - sentence.start:speaker_end - sentence.start]
    return ReportedCandidate(sentence.index, verb.idx, verb.idx + len(verb.text), content_start, content_end,
                             speaker or None, speaker_start)


def _according(doc: Doc, sentence: Sentence, according: Token) -> ReportedCandidate | None:
    """ "X happened, according to Y" / "According to Y, X happened": the rest of the sentence is the content."""
    to = according.nbor(1)
    source = next((c for c in to.children if c.dep_ == "pobj"), None)
    if source is None:
        return None
    text = doc.text
    start, end = _larger_side(text, sentence, according.idx, source.right_edge.idx + len(source.right_edge.text))
    speaker_start, speaker_end = _span(doc, source.left_edge, source.right_edge, sentence)
    return ReportedCandidate(sentence.index, according.idx, to.idx + len(to.text), start, end,
                             text[speaker_start:speaker_end] or None, speaker_start)


_SOURCE_ENTITIES = {"PERSON", "ORG", "NORP", "GPE"}
_HEADLINE = re.compile(r"(?P<s>[A-Z][\w.’'&-]*(?:\s+[A-Z][\w.’'&-]*){0,3}):\s+(?P<c>\S[^\n]*)")


def _headline_source(doc: Doc, sentence: Sentence, before: Sentence | None) -> ReportedCandidate | None:
    """ "Pat Caddell: Democrat Voters Worried About ...": a paragraph opening with the name of a
    person or organisation (up to four words, as NER finds it) and a colon credits the rest of its
    line to that name (the headline form; "Poll:" or "Update:" name no one)."""
    if before is not None and before.paragraph == sentence.paragraph:
        return None
    match = _HEADLINE.match(sentence.text)
    if match is None or match.group("s").split()[0].lower() in SECTION_LABELS:
        return None
    name = doc.char_span(sentence.start, sentence.start + match.end("s"), alignment_mode="expand")
    if name is None or not all(t.ent_type_ in _SOURCE_ENTITIES for t in name):
        return None
    content = match.group("c").rstrip(_EDGE + ".")
    if len(content.split()) < MIN_REPORTED_WORDS:
        return None
    base = sentence.start
    return ReportedCandidate(sentence.index, base + match.end("s"), base + match.end("s") + 1,
                             base + match.start("c"), base + match.start("c") + len(content), match.group("s"), base)


def _report_noun(doc: Doc, sentence: Sentence, noun: Token) -> ReportedCandidate | None:
    """ "Trump's claim that there have been ...", "a New York Times report that ...": a report noun
    with a "that" clause and a named owner (its possessor, or the name compounded with it)."""
    clause = next((c for c in noun.children if c.dep_ in ("acl", "relcl", "ccomp")
                   and any(m.dep_ == "mark" and m.lower_ == "that" for m in c.children)), None)
    owner = next((c for c in noun.children if c.dep_ == "poss" and c.pos_ in ("NOUN", "PROPN")), None)
    if owner is None:
        owner = next((c for c in noun.children if c.dep_ == "compound" and c.pos_ == "PROPN"), None)
    if clause is None or owner is None:
        return None
    candidate = _candidate(doc, sentence, noun, clause, owner, clause.right_edge)
    if owner.dep_ == "compound":  # the name is every word before the noun but the determiner
        first, last = next(t for t in doc[owner.left_edge.i:noun.i] if t.dep_ != "det"), doc[noun.i - 1]
    else:  # the possessor without its "'s"
        first, last = owner.left_edge, owner.right_edge
        last = doc[last.i - 1] if last.dep_ == "case" and last.i > first.i else last
    start, end = _span(doc, first, last, sentence)
    return replace(candidate, speaker=doc.text[start:end] or None, speaker_start=start)


def _parenthetical(doc: Doc, sentence: Sentence, verb: Token) -> ReportedCandidate | None:
    """ "Acts of protest, Mr. Obama said, are acts of patriotism": a reporting verb set into the
    clause it reports; the content is the larger side of the clause around it."""
    subject = next((c for c in verb.children if c.dep_ in _SUBJECTS), None)
    if subject is None or not _speaker(subject):
        return None
    inner = list(verb.subtree)
    start, end = _larger_side(doc.text, sentence, inner[0].idx, inner[-1].idx + len(inner[-1].text))
    speaker_start, speaker_end = _span(doc, subject.left_edge, _speaker_end(subject), sentence)
    return ReportedCandidate(sentence.index, verb.idx, verb.idx + len(verb.text), start, end,
                             doc.text[speaker_start:speaker_end] or None, speaker_start)


def _larger_side(text: str, sentence: Sentence, inner_start: int, inner_end: int) -> tuple[int, int]:
    """The longer part of the sentence before or after an attribution set into it, without edge
    punctuation: the content a reader takes the attribution to be about."""
    before = text[sentence.start:inner_start].strip(_EDGE)
    after = text[inner_end:sentence.end].strip(_EDGE + ".")
    if len(before.split()) >= len(after.split()):
        lead = len(text[sentence.start:inner_start]) - len(text[sentence.start:inner_start].lstrip(_EDGE))
        return sentence.start + lead, sentence.start + lead + len(before)
    start = inner_end + (len(text[inner_end:sentence.end]) - len(text[inner_end:sentence.end].lstrip(_EDGE)))
    return start, start + len(after)
