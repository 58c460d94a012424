"""Answers cut off by the token limit keep their complete items."""

import json

import pytest

from extractor.call.recovery import repair_truncated

FULL = {"actors": [{"name": "A", "type": "PERSON"}, {"name": "B", "type": "COUNTRY"}],
        "quotes": [{"id": "Q1", "quote": True}, {"id": "Q2", "quote": False}]}


def test_complete_json_is_returned_as_is() -> None:
    assert repair_truncated(json.dumps(FULL)) == FULL


@pytest.mark.parametrize("cut,expected", [
    ('{"actors": [{"name": "A", "type": "PERSON"}, {"name": "B", "ty', {"actors": [{"name": "A", "type": "PERSON"}]}),
    ('{"actors": [{"name": "A", "type": "PERSON"}, {"name": "B", "type": "COUNTRY"}], "quotes": [{"id": "Q1", "quo',
     {"actors": FULL["actors"]}),
    ('{"actors": [{"name": "A, with \\"quotes\\" and ]", "type": "PERSON"}, {"na',
     {"actors": [{"name": 'A, with "quotes" and ]', "type": "PERSON"}]}),
])
def test_truncated_json_keeps_complete_items(cut: str, expected: dict) -> None:
    assert repair_truncated(cut) == expected


def test_nothing_recoverable() -> None:
    assert repair_truncated('{"actors": [{"na') is None
    assert repair_truncated("not json") is None
