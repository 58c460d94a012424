"""Reading articles: the ``date YYYY-MM-DD`` header, offsets, and clear errors for bad input."""

from datetime import date
from pathlib import Path

import pytest

from extractor import InputError, make_article, read_article_file
from extractor.linguistic.sentences import sentences


def test_header_gives_the_date_and_is_not_part_of_the_text(sample_raw: str) -> None:
    article = make_article(sample_raw)
    assert article.published == date(2025, 1, 7)
    assert article.text.startswith("Ukraine’s military said Tuesday")
    assert sample_raw[article.body_offset:] == article.text
    assert article.id == make_article(sample_raw).id and article.id.startswith("art_")


def test_explicit_date_wins_over_header(sample_raw: str) -> None:
    assert make_article(sample_raw, published="2025-01-08").published == date(2025, 1, 8)


@pytest.mark.parametrize("raw,message", [
    ("", "no text"), ("   \n ", "no text"), (" date 2025-01-07 ", "no text"), ("a\x00b", "NUL"),
])
def test_bad_text_is_rejected_with_a_reason(raw: str, message: str) -> None:
    with pytest.raises(InputError, match=message):
        make_article(raw)


def test_bad_date_is_rejected() -> None:
    with pytest.raises(InputError, match="not an ISO date"):
        make_article("Some text.", published="07/01/2025")


def test_undecodable_file_is_rejected(tmp_path: Path) -> None:
    path = tmp_path / "bad.txt"
    path.write_bytes(b"caf\xe9 au lait")
    with pytest.raises(InputError, match="not UTF-8"):
        read_article_file(path)


def test_sentences_keep_abbreviations_together(sample_raw: str) -> None:
    article = make_article(sample_raw)
    sents = sentences(article.text)
    assert len(sents) == 13
    assert sents[10].text.startswith("U.S. Secretary of State Antony Blinken said earlier Monday")
    assert all(article.text[s.start:s.end] == s.text for s in sents)
