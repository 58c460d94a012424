"""Relative and absolute dates resolved against the publication date (2025-01-07, a Tuesday)."""

from datetime import date

import pytest

from extractor.rules.dates import find_time_expressions, resolve

PUBLISHED = date(2025, 1, 7)


@pytest.mark.parametrize("expression,value,precision", [
    ("Tuesday", date(2025, 1, 7), "day"),
    ("Monday", date(2025, 1, 6), "day"),
    ("On Monday", date(2025, 1, 6), "day"),
    ("late Monday", date(2025, 1, 6), "day"),
    ("Sunday", date(2025, 1, 5), "day"),
    ("Wednesday", date(2025, 1, 1), "day"),
    ("last Tuesday", date(2024, 12, 31), "day"),
    ("overnight", date(2025, 1, 7), "day"),
    ("yesterday", date(2025, 1, 6), "day"),
    ("five months ago", date(2024, 8, 1), "month"),
    ("two weeks ago", date(2024, 12, 24), "week"),
    ("last week", date(2024, 12, 30), "week"),
    ("last month", date(2024, 12, 1), "month"),
    ("last year", date(2024, 1, 1), "year"),
    ("February 2022", date(2022, 2, 1), "month"),
    ("Jan. 6, 2025", date(2025, 1, 6), "day"),
    ("6 January 2025", date(2025, 1, 6), "day"),
    ("Dec. 25", date(2024, 12, 25), "day"),
    ("in 2022", date(2022, 1, 1), "year"),
    ("2024-11-05", date(2024, 11, 5), "day"),
])
def test_resolves_against_publication_date(expression: str, value: date, precision: str) -> None:
    resolved = resolve(expression, PUBLISHED)
    assert (resolved.value, resolved.precision) == (value, precision)


@pytest.mark.parametrize("expression", ["Monday", "five months ago", "yesterday", "Dec. 25", "last week"])
def test_relative_dates_stay_unresolved_without_publication_date(expression: str) -> None:
    assert resolve(expression, None).value is None


def test_absolute_dates_resolve_without_publication_date() -> None:
    assert resolve("February 2022", None).value == date(2022, 2, 1)


def test_every_time_expression_in_the_sample_article(sample_raw: str) -> None:
    from extractor.input.article import make_article

    article = make_article(sample_raw)
    found = [(e.text, resolve(e.text, article.published).value) for e in find_time_expressions(article.text)]
    assert found == [
        ("Tuesday", date(2025, 1, 7)), ("overnight", date(2025, 1, 7)), ("Tuesday", date(2025, 1, 7)),
        ("On Monday", date(2025, 1, 6)), ("on Monday", date(2025, 1, 6)), ("late Monday", date(2025, 1, 6)),
        ("Monday", date(2025, 1, 6)), ("five months ago", date(2024, 8, 1)), ("Monday", date(2025, 1, 6)),
        ("February 2022", date(2022, 2, 1)),
    ]
