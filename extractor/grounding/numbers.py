"""Check that a number the model reports is written in the evidence, and find where."""

from __future__ import annotations

import re

from schemas import Alignment, Span

_WORDS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
          "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen",
          "nineteen", "twenty"]
_SCALES = {"thousand": 1_000, "million": 1_000_000, "billion": 1_000_000_000}


def spellings(value: float) -> list[str]:
    """Ways news text writes ``value``: 38,000 / 38000 / 38 000 / 2.5 / one / 38 thousand / 1.2 million."""
    forms: list[str] = []
    if value == int(value):
        n = int(value)
        forms += [f"{n:,}", str(n), f"{n:,}".replace(",", " "), f"{n:,}".replace(",", ".")]
        if 0 <= n < len(_WORDS):
            forms.append(_WORDS[n])
        for word, scale in _SCALES.items():
            if n >= scale and n % (scale // 10) == 0:
                short = n / scale
                forms.append(f"{short:g} {word}")
    else:
        forms += [f"{value:g}", f"{value:,.2f}".rstrip("0").rstrip(".")]
    seen: list[str] = []
    for form in forms:
        if form not in seen:
            seen.append(form)
    return sorted(seen, key=len, reverse=True)


def find_number(value: float, text: str, start: int = 0, end: int | None = None) -> Span | None:
    """The first whole-token occurrence of ``value`` in ``text[start:end]``."""
    end = len(text) if end is None else end
    for form in spellings(value):
        pattern = re.compile(r"(?<![\w.,])" + re.escape(form) + r"(?![\w]|[.,]\d)", re.I)
        match = pattern.search(text, start, end)
        if match:
            return Span(start=match.start(), end=match.end(), text=match.group(0), alignment=Alignment.EXACT)
    return None


_HARVEST = re.compile(r"(?<![\w.,])(\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)(?![\w]|[.,]\d)"
                      r"(?=\s+(?:of\s+\d[\d,]*\s+)?(?P<noun>(?:[A-Za-z’'-]+\s+){0,2}[A-Za-z’'-]+))?")
_STOP = frozenset("that which who whom and or but in on at of to for from by with the a an were was is are had has "
                  "have will would said".split())


def harvest_numbers(text: str, start: int, end: int, skip: list[tuple[int, int]] = ()) -> list[tuple[float, Span, str]]:
    """Numbers written with digits in ``text[start:end]`` (outside ``skip`` ranges, e.g. dates),
    each with the words after it as what it counts ("38 Russian drones" -> "Russian drones")."""
    found = []
    for match in _HARVEST.finditer(text, start, end):
        s, e = match.span(1)
        if any(a <= s < b for a, b in skip):
            continue
        value = float(match.group(1).replace(",", ""))
        words = []
        for word in (match.group("noun") or "").split():
            if word.lower() in _STOP:
                break
            words.append(word)
        noun = " ".join(words)
        found.append((value, Span(start=s, end=e, text=match.group(1), alignment=Alignment.EXACT), noun))
    return found
