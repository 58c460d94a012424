"""Find every quotation in an article deterministically, with exact offsets.

The model later judges these candidates by id (quotation or scare quote, who said it); it never
copies quote text, so a direct quote can only ever be ``article.text[start:end]``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

DOUBLE_PAIRS = {"“": "”", "«": "»", "„": "“", "‹": "›", '"': '"', "「": "」", "『": "』"}
SINGLE_OPEN = "‘'"
SINGLE_CLOSE = "’'"
_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n\s*")
_SINGLE_MAX = 400


@dataclass(frozen=True)
class QuoteCandidate:
    """A quotation: ``start:end`` is its inner text, ``outer_start:outer_end`` includes the marks."""

    id: str
    start: int
    end: int
    outer_start: int
    outer_end: int
    closed: bool
    text: str

    @property
    def words(self) -> int:
        return word_count(self.text)


_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]")


def word_count(text: str) -> int:
    """Words in ``text``; scripts written without spaces (Chinese, Japanese) count two characters a word."""
    count = 0
    for token in text.split():
        cjk = len(_CJK.findall(token))
        count += max(1, cjk // 2 + (1 if len(token) > cjk else 0)) if cjk else 1
    return count


def find_quotes(text: str) -> list[QuoteCandidate]:
    """All top-level quotations in ``text`` in order, numbered Q1, Q2, ..."""
    spans = _double_quotes(text)
    spans += _single_quotes(text, spans)
    spans.sort()
    candidates: list[QuoteCandidate] = []
    for outer_start, outer_end, closed in spans:
        inner_start = outer_start + 1
        inner_end = outer_end - 1 if closed else outer_end
        inner_start, inner_end = _trim(text, inner_start, inner_end)
        if inner_end <= inner_start:
            continue
        candidates.append(QuoteCandidate(
            id=f"Q{len(candidates) + 1}", start=inner_start, end=inner_end,
            outer_start=outer_start, outer_end=outer_end, closed=closed,
            text=text[inner_start:inner_end]))
    return candidates


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    """Drop surrounding whitespace and the trailing comma that news style puts inside the marks."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and (text[end - 1].isspace() or text[end - 1] == ","):
        end -= 1
    return start, end


def _double_quotes(text: str) -> list[tuple[int, int, bool]]:
    """Double-quote and guillemet quotations, following news style across paragraphs.

    A paragraph that opens a quote without closing it continues into the next paragraph when
    that one starts with an opening mark; otherwise the quote ends with its paragraph (unclosed).
    """
    found: list[tuple[int, int, bool]] = []
    i, n = 0, len(text)
    open_at, closer = -1, ""
    while i < n:
        ch = text[i]
        if open_at < 0:
            if ch in DOUBLE_PAIRS and (ch != '"' or _can_open(text, i)):
                open_at, closer = i, DOUBLE_PAIRS[ch]
            i += 1
            continue
        if ch == closer and (closer != '"' or _can_close(text, i)):
            found.append((open_at, i + 1, True))
            open_at = -1
            i += 1
            continue
        brk = _PARAGRAPH_BREAK.match(text, i) if ch == "\n" else None
        if brk:
            nxt = brk.end()
            if nxt < n and text[nxt] in DOUBLE_PAIRS and DOUBLE_PAIRS[text[nxt]] == closer:
                i = nxt + 1
                continue
            found.append((open_at, _rstrip(text, i), False))
            open_at = -1
            i = nxt
            continue
        if ch in "“«" and closer in "”»" and ch != closer:
            open_at = i
        i += 1
    if open_at >= 0:
        found.append((open_at, _rstrip(text, n), False))
    return found


def _rstrip(text: str, end: int) -> int:
    while end > 0 and text[end - 1].isspace():
        end -= 1
    return end


def _can_open(text: str, i: int) -> bool:
    before = text[i - 1] if i else " "
    after = text[i + 1] if i + 1 < len(text) else " "
    return (before.isspace() or before in "([{—–-/") and not after.isspace()


def _can_close(text: str, i: int) -> bool:
    before = text[i - 1] if i else " "
    after = text[i + 1] if i + 1 < len(text) else " "
    return not before.isspace() and (after.isspace() or not after.isalnum())


def _single_quotes(text: str, doubles: list[tuple[int, int, bool]]) -> list[tuple[int, int, bool]]:
    """Single-quote quotations outside double quotes (headlines, British style).

    An opening mark must follow a space or bracket and precede a letter; a closing mark must
    follow a non-space and not precede a letter, so apostrophes ("don't", "Russia’s") never pair.
    """
    covered = [(s, e) for s, e, _ in doubles]
    found: list[tuple[int, int, bool]] = []
    for match in re.finditer(r"(?:(?<=^)|(?<=[\s(\[—–:]))[‘'](?=\w)", text, re.M):
        start = match.start()
        if any(s <= start < e for s, e in covered) or (found and start < found[-1][1]):
            continue
        limit = min(len(text), start + _SINGLE_MAX)
        for j in range(start + 2, limit):
            ch = text[j]
            if ch == "\n":
                break
            if ch in SINGLE_CLOSE and not text[j - 1].isspace() and \
                    (j + 1 >= len(text) or not text[j + 1].isalnum()) and \
                    not (text[j - 1] in "sS" and j + 1 < len(text) and text[j + 1] == " "
                         and _closes_later(text, j, limit)):
                found.append((start, j + 1, True))
                break
    return found


def _closes_later(text: str, j: int, limit: int) -> bool:
    """True when a later closing mark exists on the line: then ``s’ `` was a possessive."""
    rest = text[j + 1:limit].split("\n", 1)[0]
    return bool(re.search(r"\S[’'](?!\w)", rest))
