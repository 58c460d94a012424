"""A batch parses its next records together (spaCy's ``nlp.pipe``); each is then used once."""

from __future__ import annotations

from extractor.linguistic.nlp import parse, parse_ahead


def test_a_text_parsed_ahead_is_handed_out_once_then_parsed_anew() -> None:
    first, second = "Police arrested two men in Lyon on Friday.", "Russia attacked Kyiv with drones."
    docs = parse_ahead([first, second, first])
    assert [d.text for d in docs] == [first, second]
    assert parse(second) is docs[1]
    again = parse(second)
    assert again is not docs[1] and [e.text for e in again.ents] == [e.text for e in docs[1].ents]
    assert parse(first) is docs[0]
