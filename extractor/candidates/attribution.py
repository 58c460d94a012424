"""Rule-based attribution: who a quotation or report is credited to, from the sentence around it.

News style is regular ("“...,” Zelenskyy said." / "Prokudin said the attacks ..." / "..., the
source added."), so these patterns are precise where they match; the model's answer fills in
where they do not.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TypeGuard

from extractor.linguistic.lexicon import FUNCTION_WORDS
from extractor.linguistic.sentences import Sentence, paragraphs, sentence_at

SPEECH_VERBS = (
    "said|says|say|told|tells|added|adds|stated|states|declared|announced|announces|wrote|writes|"
    "asked|argued|argues|insisted|insists|warned|warns|noted|notes|explained|claimed|claims|"
    "reported|reports|confirmed|confirms|denied|denies|acknowledged|admitted|replied|responded|"
    "tweeted|posted|suggested|suggests|believes|thinks|predicted|cited|alleged|alleges|recalled|"
    "continued|concluded|stressed|emphasized|emphasised|promised|vowed|urged|has said|have said|"
    "had said|has argued|has claimed|said in a statement|has learned|wants|hopes|expects|proposes|proposed|"
    "is proposing|called for|calls for|described|describes|agreed|disagreed|pledged|asserted|contended|"
    "maintained|testified|estimated|indicated|shows|showed|found|finds|revealed|reveals|complained|charged|"
    "countered|boasted|joked|questioned|challenged|suggested|announced|predicts|told reporters|explained|"
    "demanded|shouted|yelled|remarked|quipped|conceded|asking|saying|tweeting|writing|adding|telling|declaring|"
    "noting|arguing|shot back|fired back|retorted|echoed|exclaimed|pointed out|points out"
)
QUOTE_VERBS = SPEECH_VERBS + "|sang|sings|read|reads|chanted|interrupted|lectured|snapped|observed|recounted"
"""Verbs that credit a quotation written beside them ("“…,” the letter reads"), but that report no
speech without one ("she sang at the rally")."""
_VERB = rf"(?:{SPEECH_VERBS})"
_QUOTE_VERB = rf"(?:{QUOTE_VERBS})"
_PRONOUN = r"(?:he|she|they|He|She|They)"
_TOKEN = r"(?:[A-Z]\.(?:[A-Z]\.)*|(?:Mr|Mrs|Ms|Dr|Jr|Sr|St|Gen|Gov|Sen|Rep|Lt|Col|Sgt|Capt|Prof|Rev)\.|[A-Z][\w’'-]*)"
_NAME = rf"(?:{_TOKEN}(?:\s+(?:of|the|de|van|von|al|bin|for)\s+|\s+)){{0,5}}{_TOKEN}"
_DETERMINER = r"(?:[Tt]he|[Aa]n?|[Aa]nother|[Tt]wo|[Tt]hree|[Ss]ome|[Mm]any)"
_NP = rf"(?:{_DETERMINER}\s+(?:[\w’'-]+\s+){{0,5}}[\w’'-]+|{_NAME}(?:’s|'s)?(?:\s+[a-z][\w-]*){{0,2}})"
_SUBJECT = rf"(?:{_PRONOUN}|{_NP})"

_FULL_NAME = rf"(?:{_TOKEN}\s+){{1,5}}{_TOKEN}"
_DESCRIPTION = r"(?:[\w’'./-]+\s+){0,6}?"
_AFTER_QUOTE = [
    re.compile(rf"^\s*,?\s*(?P<s>{_SUBJECT})\s+(?:also\s+)?(?P<v>{_QUOTE_VERB})\b"),
    re.compile(rf"^\s*,?\s*(?P<s>{_NAME})\s*,\s+[^“”\"\n]{{3,140}}?,\s+(?:also\s+)?(?P<v>{_QUOTE_VERB})\b"),
    re.compile(rf"^\s*,?\s*(?P<v>{_QUOTE_VERB})\s+(?P<s>{_NAME}|{_PRONOUN})\b"),
    re.compile(rf"^\s*,?\s*{_DESCRIPTION}(?P<s>{_FULL_NAME})\s+(?:also\s+)?(?P<v>{_QUOTE_VERB})\b"),
    re.compile(rf"^\s*,?\s*(?P<v>{_QUOTE_VERB})\s+{_DESCRIPTION}(?P<s>{_FULL_NAME})\b"),
    re.compile(rf"^\s*(?P<v>[―—–]+)\s*(?P<s>{_FULL_NAME})\b"),
]
"""After a quotation: "…,” X said", "…,” X, a spokesman, said", "…,” said X", then a name after a
description ("…,” Clinton campaign spokesman Brian Fallon said", "…,” said 9/11 widow Terry
Strada"), and the dash of a quotation list ("“…” ― Pamela Padilla")."""
_ASIDES = re.compile(r"\([^()\n]{1,40}\)|,\s*\d{1,3},")
"""What stands between a speaker and the verb without changing who speaks: a party and state
("Rep. Gwen Moore (D-Wis.) said"), an age ("Quina Jones, 25, said")."""
_ADVERB = r"(?:(?:also|once|later|then|again|just|earlier|previously|simply|finally)\s+)?"
_BEFORE_COLON = re.compile(rf"(?P<s>{_SUBJECT})\s+{_ADVERB}(?P<v>{_QUOTE_VERB})(?:\s+\w+){{0,3}}\s*[:,]\s*$")
_COLON_FORMS = [
    _BEFORE_COLON,
    re.compile(rf"(?P<s>{_NAME}),\s+[^“”\"\n,]{{3,100}},\s+{_ADVERB}(?P<v>{_QUOTE_VERB})(?:\s+\w+){{0,3}}\s*[:,]\s*$"),
    re.compile(rf",\s+(?P<s>{_FULL_NAME}),\s+{_ADVERB}(?P<v>{_QUOTE_VERB})(?:\s+\w+){{0,3}}\s*[:,]\s*$"),
    re.compile(rf"(?:^|[.!?]\s+){_DESCRIPTION}(?P<s>{_FULL_NAME})\s+{_ADVERB}(?P<v>{_QUOTE_VERB})(?:\s+\w+){{0,3}}\s*[:,]\s*$"),
    re.compile(rf"(?:^|[.!?]\s+)(?P<v>{_QUOTE_VERB})\s+(?P<s>{_NAME})\s*:\s*$"),
    re.compile(rf"(?:^|\n)\s*(?P<s>{_NAME})(?P<v>:)\s*$"),
]
"""Before a quotation: "X said: “…”", "X once said: “…”", "X, a spokesman, said: “…”", "her
adviser, Jake Sullivan, said: “…”", "Continued Stone: “…”", and a headline's "Kasich: ‘…’"."""
_LEAD_IN = re.compile(r"^(?:(?:On|Earlier|Later|In|At|During|After|Before|Speaking)\b[^,]{0,80},\s*)")
_SENTENCE_SUBJECT = re.compile(rf"^(?P<s>{_SUBJECT})\s+(?:(?:also|then|later|earlier|previously)\s+)?(?P<v>{_VERB})\b")
_TRAILING = re.compile(rf",\s*(?P<s>{_SUBJECT})\s+(?:also\s+)?(?P<v>{_VERB})(?:\s+\w+){{0,3}}[.!?”\"]*$")
_TRAILING_INVERTED = re.compile(rf",\s*(?P<v>{_VERB})\s+(?P<s>{_NAME})[.!?]*$")
_CLAUSE_SUBJECT = re.compile(rf"(?:^|[,;:—–]\s+|\b(?:and|but|while|as|because|after|when)\s+)"
                             rf"(?P<s>{_SUBJECT})\s+(?:(?:also|then|later|earlier|previously|has|have|had)\s+)?"
                             rf"(?P<v>{_VERB})\b")
_ACCORDING = re.compile(rf"\b[Aa]ccording to\s+(?P<s>{_NP})")


_ANY_CUE = re.compile(rf"\b(?:{SPEECH_VERBS}|according to)\b", re.I)


@dataclass(frozen=True)
class Attribution:
    speaker: str
    cue: str
    cue_start: int
    cue_end: int


def _result(match: re.Match[str], base: int) -> Attribution:
    return Attribution(match.group("s").strip(), match.group("v"), base + match.start("v"), base + match.end("v"))


_SPEAKER_FUNCTION_WORDS = frozenset({"the", "a", "an", "another", "one", "two", "three", "several", "some", "many",
                                     "both", "former", "top", "first", "last", "other", "of", "de", "for", "and"})
"""Stop words a speaker phrase may hold ("one of the organisers", "former President X")."""
_SUBJECT_PRONOUNS = frozenset({"he", "she", "they"})


def _speaker(match: re.Match[str] | None) -> TypeGuard[re.Match[str]]:
    """The match's subject can be a speaker: a pronoun, or a phrase holding no function word
    beyond determiners and name joiners ("He is not", "However", "On being" are clause openings
    the patterns catch, not speakers); an acronym ("US") is a name, not a stop word."""
    if match is None:
        return False
    words = match.group("s").split()
    if len(words) == 1 and words[0].lower() in _SUBJECT_PRONOUNS:
        return True
    return not any(w.lower().strip(".,") in FUNCTION_WORDS and w.lower().strip(".,") not in _SPEAKER_FUNCTION_WORDS
                   and not (len(w) > 1 and w.isupper()) for w in words)


def quotation_attribution(text: str, sents: list[Sentence], outer_start: int, outer_end: int) -> Attribution | None:
    """``attribute_quote`` for a quotation of the article: its sentence and paragraph looked up."""
    para_end = next((e for s, e in paragraphs(text) if s <= outer_start < e), len(text))
    return attribute_quote(text, outer_start, outer_end, sentence_at(sents, outer_start), para_end)


def attribute_quote(text: str, outer_start: int, outer_end: int, sentence: Sentence | None,
                    paragraph_end: int) -> Attribution | None:
    """The speaker of a quotation: ``“...,” X said`` / ``said X``, ``X said: “...”``, ``X said ... “...”``."""
    after = _ASIDES.sub(lambda m: " " * len(m.group()), text[outer_end:min(paragraph_end, outer_end + 160)])
    for pattern in _AFTER_QUOTE:
        if _speaker(match := pattern.match(after)):
            return _result(match, outer_end)
    start = sentence.start if sentence else max(0, outer_start - 300)
    before = text[start:outer_start]
    for pattern in _COLON_FORMS:
        if _speaker(match := pattern.search(before)):
            return _result(match, start)
    earlier = max(0, start - 200)
    if not before.strip() and text[earlier:start].rstrip().endswith(":"):  # a colon closing the paragraph before
        for pattern in _COLON_FORMS:
            if _speaker(match := pattern.search(text[earlier:start].rstrip())):
                return _result(match, earlier)
    lead = _LEAD_IN.match(before)
    offset = lead.end() if lead else 0
    if _speaker(match := _SENTENCE_SUBJECT.match(before[offset:])):
        return _result(match, start + offset)
    return None


def attribute_sentence(text: str, sentence: Sentence) -> Attribution | None:
    """The speaker and cue of a sentence of reported speech, or ``None`` when it is not one."""
    body = text[sentence.start:sentence.end]
    lead = _LEAD_IN.match(body)
    offset = lead.end() if lead else 0
    if _speaker(match := _SENTENCE_SUBJECT.match(body[offset:])):
        return _result(match, sentence.start + offset)
    for pattern in (_TRAILING, _TRAILING_INVERTED, _CLAUSE_SUBJECT):
        if _speaker(match := pattern.search(body)):
            return _result(match, sentence.start)
    if _speaker(match := _ACCORDING.search(body)):
        return Attribution(match.group("s").strip(), "according to", sentence.start + match.start(),
                           sentence.start + match.start() + len("according to"))
    return None


def find_speech_cue(text: str, sentence: Sentence) -> tuple[int, int] | None:
    """The first speech verb (or "according to") in the sentence, when the model named none we can find."""
    match = _ANY_CUE.search(text, sentence.start, sentence.end)
    return match.span() if match else None
