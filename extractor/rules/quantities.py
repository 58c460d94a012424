"""Numbers written in a sentence and what each counts ("38 Russian drones" -> 38, "Russian drones")."""

from __future__ import annotations

import re
from collections.abc import Sequence

from extractor.schemas import Alignment, Span

_KILLED = re.compile(r"\b(kill|dead|death|died|fatalit)", re.I)
_INJURED = re.compile(r"\b(injur|wound|hurt)", re.I)


def casualty_kind(what: str) -> str | None:
    """ "killed" or "injured" when a count's label says so ("people killed", "wounded"), else ``None``."""
    if _KILLED.search(what):
        return "killed"
    if _INJURED.search(what):
        return "injured"
    return None


_HARVEST = re.compile(r"(?<![\w.,])(\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)(?![\w]|[.,]\d)"
                      r"(?=\s+(?:of\s+\d[\d,]*\s+)?(?P<noun>(?:[A-Za-z’'-]+\s+){0,2}[A-Za-z’'-]+))?")
_STOP = frozenset("that which who whom and or but in on at of to for from by with the a an were was is are had has "
                  "have will would said".split())


def harvest_numbers(text: str, start: int, end: int,
                    skip: Sequence[tuple[int, int]] = ()) -> list[tuple[float, Span, str]]:
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
