"""Locate the content of reported (indirect) speech in its sentence, given the cue verb.

"Kherson Governor Oleksandr Prokudin said the attacks injured one person." → content
"the attacks injured one person"; "..., the source added." → the part before the comma.
"""

from __future__ import annotations

import re

from extractor.linguistic.sentences import Sentence
from extractor.rules.dates import find_time_expressions
from extractor.schemas import Alignment, Span

_LEAD = re.compile(r"(?:[,:\s]+|that\b\s*|on\b\s*|earlier\b\s*)+", re.I)
_THAT = re.compile(r"\bthat\s+", re.I)
_THAT_WINDOW = 8
_ADVERBIAL = re.compile(r"(?:in|at|during|on|via|through|after|before|to|from|earlier|later|again)\b", re.I)
_MIN_WORDS = 3


def cue_span(text: str, sentence: Sentence, cue: str | None) -> Span | None:
    """The cue verb's first whole-word occurrence in the sentence."""
    if not cue or not cue.strip():
        return None
    pattern = re.compile(r"(?<!\w)" + re.escape(cue.strip()).replace(r"\ ", r"\s+") + r"(?!\w)", re.I)
    match = pattern.search(text, sentence.start, sentence.end)
    if not match:
        return None
    return Span(start=match.start(), end=match.end(), text=match.group(0), alignment=Alignment.EXACT)


def content_span(text: str, sentence: Sentence, cue: Span) -> Span | None:
    """What was reported: after the cue ("said that X"), else before it ("X, officials said")."""
    end = sentence.end
    while end > cue.end and text[end - 1] in ".!?”\"’ ":
        end -= 1
    start = _skip_lead(text, cue.end, end)
    that = _THAT.search(text, start, end)
    if that and len(text[start:that.start()].split()) <= _THAT_WINDOW and _ADVERBIAL.match(text, start):
        start = that.end()
    if len(text[start:end].split()) >= _MIN_WORDS:
        return _span(text, start, end)
    comma = text.rfind(",", sentence.start, cue.start)
    if comma > sentence.start:
        start = sentence.start
        if len(text[start:comma].split()) >= _MIN_WORDS:
            return _span(text, start, comma)
    return None


def _skip_lead(text: str, start: int, end: int) -> int:
    """Skip "that", commas and a leading time expression ("said Tuesday it ...")."""
    while True:
        match = _LEAD.match(text, start, end)
        moved = match.end() if match and match.end() > start else start
        times = find_time_expressions(text, moved, end)
        if times and times[0].start == moved:
            moved = times[0].end
        if moved == start:
            return start
        start = moved


def _span(text: str, start: int, end: int) -> Span:
    """The content span without edge spaces and trailing punctuation that joins it to the sentence."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1] in " ,;:":
        end -= 1
    return Span(start=start, end=end, text=text[start:end], alignment=Alignment.DETECTED)
