"""Find time expressions in text and resolve them against the publication date.

News convention: a bare weekday means the most recent such day on or before publication
("Tuesday" in a Tuesday story is that day, "Monday" the day before). Without a publication date,
relative expressions stay unresolved (``None``); they are never guessed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

Precision = Literal["day", "week", "month", "year"]

WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
MONTHS = {name: i for i, names in enumerate(
    [("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"), ("may",),
     ("june", "jun"), ("july", "jul"), ("august", "aug"), ("september", "sep", "sept"),
     ("october", "oct"), ("november", "nov"), ("december", "dec")], start=1) for name in names}
NUMBER_WORDS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
                "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
                "several": None, "few": None, "a few": None}

_WD = "|".join(WEEKDAYS)
_MON = "|".join(sorted(MONTHS, key=len, reverse=True))
_NUM = r"\d+|" + "|".join(k for k in NUMBER_WORDS if NUMBER_WORDS[k])
_PATTERNS = [
    ("iso", r"\b\d{4}-\d{2}-\d{2}\b"),
    ("month_day_year", rf"\b(?:{_MON})\.?\s+\d{{1,2}}(?:st|nd|rd|th)?(?:,?\s+\d{{4}})?\b"),
    ("day_month_year", rf"\b\d{{1,2}}(?:st|nd|rd|th)?\s+(?:{_MON})\.?(?:,?\s+\d{{4}})?\b"),
    ("month_year", rf"\b(?:{_MON})\.?,?\s+\d{{4}}\b"),
    ("ago", rf"\b(?:{_NUM})\s+(?:day|week|month|year)s?\s+(?:ago|earlier)\b"),
    ("last_unit", r"\b(?:last|this|next)\s+(?:week|month|year)\b"),
    ("weekday", rf"\b(?:(?:early|late|last|this|on)\s+)?(?:{_WD})(?:\s+(?:morning|afternoon|evening|night))?\b"),
    ("relative_day", r"\b(?:yesterday|today|tonight|last\s+night|overnight|this\s+(?:morning|afternoon|evening))\b"),
    ("year", r"\b(?:in|since|by|during|of)\s+(?:19|20)\d{2}\b"),
]
_TIME = re.compile("|".join(f"(?P<{name}>{pat})" for name, pat in _PATTERNS), re.I)


@dataclass(frozen=True)
class TimeExpression:
    start: int
    end: int
    text: str
    kind: str


@dataclass(frozen=True)
class Resolved:
    value: date | None
    precision: Precision | None
    impossible: bool = False
    """The expression names a day no calendar has ("2024-02-30", "June 31, 2024"), or one out of
    range: it stays unresolved, and the article carries a warning."""


def find_time_expressions(text: str, start: int = 0, end: int | None = None) -> list[TimeExpression]:
    """Time expressions in ``text[start:end]``, with offsets into ``text``."""
    end = len(text) if end is None else end
    found = []
    for match in _TIME.finditer(text, start, end):
        kind = match.lastgroup or ""
        found.append(TimeExpression(match.start(), match.end(), match.group(0), kind))
    return found


def _shift_months(day: date, months: int) -> date:
    index = day.year * 12 + (day.month - 1) + months
    return date(index // 12, index % 12 + 1, 1)


def _number(word: str) -> int | None:
    word = word.lower()
    return int(word) if word.isdigit() else NUMBER_WORDS.get(word)


def resolve(expression: str, published: date | None) -> Resolved:
    """Resolve one expression; unknown or unresolvable gives ``Resolved(None, None)``, and an
    impossible day (or one past the calendar's range) ``impossible=True``: never an exception."""
    try:
        return _resolve(expression, published)
    except (ValueError, OverflowError):
        return Resolved(None, None, impossible=True)


def _resolve(expression: str, published: date | None) -> Resolved:
    expr = " ".join(expression.lower().replace(",", " ").split())
    unresolved = Resolved(None, None)
    if match := re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", expr):
        return Resolved(date(*map(int, match.groups())), "day")
    absolute = _absolute(expr, published)
    if absolute is not None:
        return absolute
    if published is None:
        return unresolved
    if re.search(r"\b(today|tonight|overnight|this (morning|afternoon|evening))\b", expr):
        return Resolved(published, "day")
    if re.search(r"\b(yesterday|last night)\b", expr):
        return Resolved(published - timedelta(days=1), "day")
    if match := re.search(rf"\b({_WD})\b", expr):
        target = WEEKDAYS.index(match.group(1))
        back = (published.weekday() - target) % 7
        if back == 0 and re.search(r"\blast\s+" + match.group(1), expr):
            back = 7
        return Resolved(published - timedelta(days=back), "day")
    if match := re.search(rf"\b({_NUM}) (day|week|month|year)s? (?:ago|earlier)\b", expr):
        count, unit = _number(match.group(1)), match.group(2)
        if count is None:
            return unresolved
        if unit == "day":
            return Resolved(published - timedelta(days=count), "day")
        if unit == "week":
            return Resolved(published - timedelta(weeks=count), "week")
        if unit == "month":
            return Resolved(_shift_months(published, -count), "month")
        return Resolved(date(published.year - count, 1, 1), "year")
    if match := re.search(r"\b(last|this|next) (week|month|year)\b", expr):
        step = {"last": -1, "this": 0, "next": 1}[match.group(1)]
        unit = match.group(2)
        if unit == "week":
            monday = published - timedelta(days=published.weekday()) + timedelta(weeks=step)
            return Resolved(monday, "week")
        if unit == "month":
            return Resolved(_shift_months(published, step), "month")
        return Resolved(date(published.year + step, 1, 1), "year")
    return unresolved


def _absolute(expr: str, published: date | None) -> Resolved | None:
    """Calendar dates: "Jan. 6, 2025", "6 January", "February 2022", "in 2022"."""
    expr = expr.replace(".", "")
    month_day = re.search(rf"\b({_MON}) (\d{{1,2}})(?:st|nd|rd|th)?(?: (\d{{4}}))?\b", expr)
    day_month = re.search(rf"\b(\d{{1,2}})(?:st|nd|rd|th)? ({_MON})(?: (\d{{4}}))?\b", expr)
    if month_day or day_month:
        if month_day:
            mon, day, year = month_day.group(1), int(month_day.group(2)), month_day.group(3)
        else:
            assert day_month is not None
            day, mon, year = int(day_month.group(1)), day_month.group(2), day_month.group(3)
        if year is None:
            if published is None:
                return Resolved(None, None)
            guess = _safe_date(published.year, MONTHS[mon], day)
            if guess is None or guess > published + timedelta(days=7):
                guess = _safe_date(published.year - 1, MONTHS[mon], day) or guess
            if guess is None:
                raise ValueError(f"{mon} {day} is no day of any year")
            return Resolved(guess, "day")
        return Resolved(date(int(year), MONTHS[mon], day), "day")
    if match := re.search(rf"\b({_MON}) (\d{{4}})\b", expr):
        return Resolved(date(int(match.group(2)), MONTHS[match.group(1)], 1), "month")
    if match := re.fullmatch(r"(?:in|since|by|during|of) ((?:19|20)\d{2})", expr):
        return Resolved(date(int(match.group(1)), 1, 1), "year")
    return None


def _safe_date(year: int, month: int, day: int) -> date | None:
    """The date, or ``None`` for an impossible one ("February 30")."""
    try:
        return date(year, month, day)
    except ValueError:
        return None
