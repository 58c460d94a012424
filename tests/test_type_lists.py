"""The event types are one list (``schemas.output.EventType``): the trigger lexicon, the PLOVER
export, the KAIROS scoring map, the model's closed list and the committed JSON Schema all agree
with it, so a new type that one of them misses fails here."""

from __future__ import annotations

import json
from pathlib import Path

from extractor.evaluation.kairos import PREFIX_TO_PLOVER
from extractor.linguistic.lexicon import EVENT_TRIGGERS, VERB_ONLY_TRIGGERS
from extractor.output.plover import PLOVER_CATEGORY
from extractor.schemas import EVENT_TYPE_HINTS, EventType
from extractor.schemas.response import NO_EVENT, EventsResponse

ROOT = Path(__file__).resolve().parent.parent
TYPES = {t.value for t in EventType}


def test_every_type_has_trigger_words_and_every_trigger_a_known_type() -> None:
    reported = {t for types in EVENT_TRIGGERS.values() for t in types}
    assert reported == TYPES
    assert VERB_ONLY_TRIGGERS <= set(EVENT_TRIGGERS)


def test_the_exports_and_the_scorer_name_only_known_types() -> None:
    assert set(PLOVER_CATEGORY) == set(EventType)
    assert {t for t in PREFIX_TO_PLOVER.values() if t is not None} <= TYPES
    assert set(EVENT_TYPE_HINTS) <= set(EventType)


def test_the_model_chooses_among_the_types_and_none() -> None:
    schema = EventsResponse.model_json_schema()
    assert set(schema["properties"]["events"]["additionalProperties"]["enum"]) == TYPES | {NO_EVENT}


def test_the_committed_schema_lists_every_type() -> None:
    committed = json.loads(next((ROOT / "schemas").glob("*.json")).read_text())
    listed = {v for node in _walk(committed) if isinstance(node, dict) and isinstance(node.get("enum"), list)
              for v in node["enum"] if v in TYPES}
    assert listed == TYPES


def _walk(node: object):  # noqa: ANN202 - every nested node of a JSON document
    yield node
    children = node.values() if isinstance(node, dict) else node if isinstance(node, list) else ()
    for child in children:
        yield from _walk(child)
