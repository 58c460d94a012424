"""Check that a number the model reports is written in the evidence, and find where."""

from __future__ import annotations

import re

from extractor.schemas import Alignment, Span

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
