"""Split article text into paragraphs and sentences, keeping exact character offsets."""

from __future__ import annotations

import re
from dataclasses import dataclass

ABBREVIATIONS = frozenset(
    """mr mrs ms dr prof gov sen rep gen lt col maj capt sgt adm cmdr st jr sr rev hon pres supt
    insp det u.s u.k u.n e.u u.s.a d.c no vs etc inc corp co ltd jan feb mar apr jun jul aug sep sept
    oct nov dec mt ft approx est dept univ a.m p.m i.e e.g""".split()
)

_INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff"
_BOUNDARY = re.compile(r"""[.!?]+[”"’'»)\]]*(?=[\s%s]+[“"‘'«(\[A-Z0-9])|[。！？]+[”」』）]*""" % _INVISIBLE)
_PARAGRAPH = re.compile(r"\n\s*\n")


@dataclass(frozen=True)
class Sentence:
    index: int
    start: int
    end: int
    paragraph: int
    text: str


def paragraphs(text: str) -> list[tuple[int, int]]:
    """Offsets of the non-blank paragraphs (separated by blank lines)."""
    spans, pos = [], 0
    for match in _PARAGRAPH.finditer(text):
        spans.append((pos, match.start()))
        pos = match.end()
    spans.append((pos, len(text)))
    return [_strip(text, s, e) for s, e in spans if text[s:e].strip()]


def _blank(ch: str) -> bool:
    """Whitespace, including the zero-width characters that web text is full of."""
    return ch.isspace() or ch in _INVISIBLE


def _strip(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and _blank(text[start]):
        start += 1
    while end > start and _blank(text[end - 1]):
        end -= 1
    return start, end


def _is_abbreviation(text: str, dot: int) -> bool:
    word_start = dot
    while word_start > 0 and (text[word_start - 1].isalpha() or text[word_start - 1] == "."):
        word_start -= 1
    word = text[word_start:dot].lower()
    return word in ABBREVIATIONS or (len(word) == 1 and word.isalpha())


def sentences(text: str) -> list[Sentence]:
    """Sentences numbered from 1; a newline always ends one, abbreviations ("U.S.", "Sept.") do not;
    CJK full stops end one without a following space."""
    result: list[Sentence] = []
    for para_index, (p_start, p_end) in enumerate(paragraphs(text)):
        for line in re.finditer(r"[^\n]+", text[p_start:p_end]):
            l_start, l_end = p_start + line.start(), p_start + line.end()
            cut = l_start
            for match in _BOUNDARY.finditer(text, l_start, l_end):
                if text[match.start()] == "." and match.end() - match.start() == 1 and \
                        _is_abbreviation(text, match.start()):
                    continue
                result.append(_sentence(text, cut, match.end(), para_index, len(result)))
                cut = match.end()
            if text[cut:l_end].strip():
                result.append(_sentence(text, cut, l_end, para_index, len(result)))
    return result


def _sentence(text: str, start: int, end: int, paragraph: int, count: int) -> Sentence:
    start, end = _strip(text, start, end)
    return Sentence(count + 1, start, end, paragraph, text[start:end])


def sentence_at(sents: list[Sentence], offset: int) -> Sentence | None:
    """The sentence containing ``offset`` (or the last one starting before it)."""
    found = None
    for sent in sents:
        if sent.start <= offset:
            found = sent
        else:
            break
    return found


def sentence_by_number(sents: list[Sentence], number: int) -> Sentence | None:
    """Sentence ``number`` (numbered from 1, as the prompts show them), or ``None`` outside the text."""
    return sents[number - 1] if 1 <= number <= len(sents) else None
