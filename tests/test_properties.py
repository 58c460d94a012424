"""Property-based tests (Hypothesis) over the whole rules-only path: on generated text (any
Unicode, quotation marks, dates real and impossible, numbers, markup, lone surrogates from JSON)
``extract`` raises nothing but ``InputError``, every span is the text at its offsets, and every date
is a real calendar day or none.

The run is bounded (``max_examples``) and, under CI, derandomized; no example database is kept."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from extractor import Extractor, InputError
from extractor.schemas import ArticleExtraction

FRAGMENTS = [
    'Officials said ', '"We saw the fire," said Anna Petrova. ', "“Nothing was left,” she said. ", "«Non», a-t-il dit. ",
    "'quoted' ", '"', "“", "”", "‘", "’", "« ", " »", "„", "The army said it shot down 28 of 38 drones. ",
    "on Tuesday", " on 2024-02-30", " on June 31, 2024", " on February 29", " on 2025-01-07", " last week",
    " in 1999", " 3 people were killed", " 1,200 ", " 4.5 million ", " -7 ", " 10^400 ", "<p>", "</p>", "&amp;",
    "<script>x()</script>", "\n\n", "\t", " ", ". ", "? ", "! ", "\u200b", "\ufeff", "Kyiv", " Ukraine ",
    "Donald Trump ", "Hillary Clinton’s ", "U.S. ", "Mr. Smith said ", "\ud800", "\udc00", "😀", "🇺🇦", "中文。",
]

TEXT = st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=12)), min_size=1, max_size=30).map("".join)

PROPERTIES = settings(max_examples=120, deadline=None, database=None, derandomize=bool(os.environ.get("CI")),
                      suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])


@pytest.fixture(scope="module")
def extractor() -> Iterator[Extractor]:
    with Extractor(steps=()) as rules_only:
        yield rules_only


def _spans(value: Any) -> Iterator[dict[str, Any]]:
    """Every span object in a dumped result (anything with start, end and text)."""
    if isinstance(value, dict):
        if {"start", "end", "text"} <= set(value) and isinstance(value["start"], int):
            yield value
        for inner in value.values():
            yield from _spans(inner)
    elif isinstance(value, list):
        for inner in value:
            yield from _spans(inner)


def _extract(extractor: Extractor, text: str) -> ArticleExtraction | None:
    try:
        return extractor.extract(text, published="2025-01-07")
    except InputError:
        return None


@PROPERTIES
@given(text=TEXT)
@example(text="中文。0*ñg")  # found by Hypothesis: a person's name cut to nothing once held an IndexError
def test_rules_only_extraction_raises_nothing_but_input_error(extractor: Extractor, text: str) -> None:
    _extract(extractor, text)


@PROPERTIES
@given(text=TEXT)
def test_every_span_is_the_text_at_its_offsets(extractor: Extractor, text: str) -> None:
    result = _extract(extractor, text)
    if result is None:
        return
    article = result.article.text
    for span in _spans(result.model_dump(mode="json")):
        assert 0 <= span["start"] <= span["end"] <= len(article)
        assert article[span["start"]:span["end"]] == span["text"], span


@PROPERTIES
@given(text=TEXT)
def test_every_date_is_a_calendar_day_or_none(extractor: Extractor, text: str) -> None:
    result = _extract(extractor, text)
    if result is None:
        return
    for event in result.events:
        if event.date is not None:
            assert event.date.value is None or isinstance(event.date.value, date)
            assert (event.date.value is None) == (event.date.precision is None)


def test_text_with_a_lone_surrogate_is_an_input_error_not_a_crash(extractor: Extractor) -> None:
    with pytest.raises(InputError, match="unpaired UTF-16 surrogate"):
        extractor.extract('Officials said "hello \ud800 world" today.')
