"""Align a piece of text the model produced to exact character offsets in the article.

Three tiers, tried in order (LangExtract's resolver does the same): exact substring; normalised
(case, whitespace, quote marks, dashes, apostrophes folded, with an offset map back to the
original); fuzzy (rapidfuzz ``partial_ratio_alignment``) at or above ``FUZZY_THRESHOLD``.
"""

from __future__ import annotations

import re

from rapidfuzz import fuzz

from extractor.schemas import Alignment, Span

FUZZY_THRESHOLD = 88.0
_FOLD = str.maketrans({"“": '"', "”": '"', "„": '"', "«": '"', "»": '"', "‘": "'", "’": "'", "‚": "'",
                       "‛": "'", "–": "-", "—": "-", "‐": "-", "‑": "-", "−": "-", "\u00a0": " "})
_ZERO_WIDTH = {"\u200b", "\u200c", "\u200d", "\ufeff", "\u00ad"}


def normalise(text: str) -> tuple[str, list[int]]:
    """Fold case, quotes, dashes and whitespace runs; return the text and, per char, its source index."""
    out: list[str] = []
    index: list[int] = []
    last_space = True
    for i, ch in enumerate(text):
        if ch in _ZERO_WIDTH:
            continue
        ch = ch.translate(_FOLD).lower()
        if ch.isspace():
            if last_space:
                continue
            ch, last_space = " ", True
        else:
            last_space = False
        out.append(ch)
        index.append(i)
    while out and out[-1] == " ":
        out.pop()
        index.pop()
    return "".join(out), index


def align(needle: str, text: str, start: int = 0, end: int | None = None,
          threshold: float = FUZZY_THRESHOLD) -> Span | None:
    """Find ``needle`` in ``text[start:end]``; ``None`` when no tier matches."""
    end = len(text) if end is None else end
    needle = needle.strip()
    if not needle:
        return None
    found = text.find(needle, start, end)
    if found >= 0:
        return Span(start=found, end=found + len(needle), text=needle, alignment=Alignment.EXACT)
    window = text[start:end]
    norm_window, index = normalise(window)
    norm_needle, _ = normalise(needle)
    if not norm_needle:
        return None
    pos = norm_window.find(norm_needle)
    if pos >= 0:
        s = start + index[pos]
        e = start + index[pos + len(norm_needle) - 1] + 1
        return Span(start=s, end=e, text=text[s:e], alignment=Alignment.NORMALISED)
    if len(norm_needle) < 4:
        return None
    result = fuzz.partial_ratio_alignment(norm_needle, norm_window, score_cutoff=threshold)
    if result is None or result.dest_end <= result.dest_start:
        return None
    s = start + index[result.dest_start]
    e = start + index[result.dest_end - 1] + 1
    s, e = _snap_to_words(text, s, e, start, end)
    s, e = _tighten(norm_needle, text, s, e)
    return Span(start=s, end=e, text=text[s:e], alignment=Alignment.FUZZY)


def _tighten(norm_needle: str, text: str, s: int, e: int) -> tuple[int, int]:
    """Drop edge words from a fuzzy window while that raises the similarity to the needle."""
    def score(a: int, b: int) -> float:
        return fuzz.ratio(norm_needle, normalise(text[a:b])[0])

    best = score(s, e)
    improved = True
    while improved:
        improved = False
        for a, b in ((_next_word(text, s, e), e), (s, _prev_word(text, s, e))):
            if a < b and (candidate := score(a, b)) > best:
                s, e, best, improved = a, b, candidate, True
                break
    return s, e


def _next_word(text: str, s: int, e: int) -> int:
    """Start of the second word in ``text[s:e]``."""
    i = s
    while i < e and not text[i].isspace():
        i += 1
    while i < e and text[i].isspace():
        i += 1
    return i


def _prev_word(text: str, s: int, e: int) -> int:
    """End of the second-to-last word in ``text[s:e]``."""
    i = e
    while i > s and not text[i - 1].isspace():
        i -= 1
    while i > s and text[i - 1].isspace():
        i -= 1
    return i


def _snap_to_words(text: str, s: int, e: int, lo: int, hi: int) -> tuple[int, int]:
    """Widen a fuzzy match to whole words so a span never cuts a word in half."""
    while s > lo and text[s - 1].isalnum() and text[s].isalnum():
        s -= 1
    while e < hi and text[e - 1].isalnum() and e < len(text) and text[e].isalnum():
        e += 1
    return s, e


def find_all(name: str, text: str) -> list[Span]:
    """Every whole-word occurrence of ``name`` (case-sensitive; possessives like "Russia’s" count)."""
    if not name.strip():
        return []
    pattern = re.compile(r"(?<!\w)" + re.escape(name).replace(r"\ ", r"\s+") + r"(?!\w)")
    return [Span(start=m.start(), end=m.end(), text=m.group(0), alignment=Alignment.EXACT)
            for m in pattern.finditer(text)]
