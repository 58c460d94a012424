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


PAGE = """<html><head><title>Drones over Kyiv</title>
<meta property="article:published_time" content="2025-01-07T09:00:00Z"></head>
<body><nav>Home | World | Sport</nav><article><h1>Drones over Kyiv</h1>
<p>Ukraine's military said Tuesday it shot down 28 of 38 Russian drones launched overnight.</p>
<p>The attacks injured one person in the Kyiv region, the regional governor said on Telegram.</p>
</article><footer>Subscribe to our newsletter</footer></body></html>"""


def test_an_html_page_is_read_as_its_article_text_and_metadata(tmp_path: Path) -> None:
    page = tmp_path / "drones.html"
    page.write_text(PAGE, encoding="utf-8")
    article = read_article_file(page)
    assert "shot down 28 of 38 Russian drones" in article.text and "injured one person" in article.text
    assert "<p>" not in article.text and "Subscribe" not in article.text and "Home | World" not in article.text
    assert article.title == "Drones over Kyiv" and article.published == date(2025, 1, 7)
    assert read_article_file(page, title="Given title").title == "Given title"


def test_an_html_page_without_an_article_body_is_a_clear_error(tmp_path: Path) -> None:
    page = tmp_path / "empty.html"
    page.write_text("<html><head><title>Index</title></head><body><img src=\"a.png\"></body></html>", encoding="utf-8")
    with pytest.raises(InputError, match="empty.html holds no article body"):
        read_article_file(page)
