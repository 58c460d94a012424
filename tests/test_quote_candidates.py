"""Quotation detection: every case pins the exact inner text and offsets."""

import pytest

from extractor.candidates.quotes import find_quotes

CASES = [
    # (text, [(inner text, start)])
    ('He said "we will win" today.', [("we will win", 9)]),
    ("“We will win,” she said.", [("We will win", 1)]),
    ("«Nous gagnerons», a-t-il dit.", [("Nous gagnerons", 1)]),
    ("„Wir gewinnen“, sagte er.", [("Wir gewinnen", 1)]),
    ("The headline read 'Pence: no regrets' on Monday.", [("Pence: no regrets", 19)]),
    ("Russia’s army and the officials’ claims don't match.", []),
    ("He called it a “special operation” and left.", [("special operation", 16)]),
    ("“This is the start.\n\n“And this is the rest,” he said.",
     [("This is the start.\n\n“And this is the rest", 1)]),
    ("“An unclosed quote runs to the paragraph end.\n\nNext paragraph.", [("An unclosed quote runs to the paragraph end.", 1)]),
    ("“She told me ‘never again’ and meant it,” he said.", [("She told me ‘never again’ and meant it", 1)]),
    ('Height 5\'11" is not a quote but "this is".', [("this is", 33)]),
]


@pytest.mark.parametrize("text,expected", CASES)
def test_quotations_are_found_with_exact_offsets(text: str, expected: list[tuple[str, int]]) -> None:
    found = find_quotes(text)
    assert [(q.text, q.start) for q in found] == expected
    for q in found:
        assert text[q.start:q.end] == q.text


def test_sample_article_quotes(sample_raw: str) -> None:
    from extractor.input.article import make_article

    article = make_article(sample_raw)
    found = find_quotes(article.text)
    assert [q.id for q in found] == ["Q1", "Q2"]
    assert found[0].text.startswith("The Russians have deployed their strongest units to Kursk")
    assert found[0].text.endswith("the Kharkiv region or Zaporizhzhia")
    assert (found[1].text, found[1].start, found[1].end) == ("biggest ongoing drivers", 1642, 1665)
