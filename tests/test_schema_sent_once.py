"""The response schema travels once: as the server's grammar for the embedded model (our compact
grammar, written from the narrowed schema), in the prompt only where nothing else enforces it."""

from __future__ import annotations

from extractor import Extractor, resolve_endpoint
from extractor.call.grammar import compact_grammar
from extractor.settings import STEPS
from tests.servers import recording, request_schema, serve, stand_in_model

TEXT = "The army said on Monday that rebels captured the convoy after a strike hit the bus depot."


def _requests(**endpoint_args: object) -> tuple[list[dict], Extractor]:
    bodies: list[dict] = []
    with serve(recording(stand_in_model, bodies)) as (url, _):
        extractor = Extractor(resolve_endpoint(base_url=url + "/v1", model="m", mode="json", **endpoint_args),
                              steps=STEPS)
        with extractor:
            extractor.extract(TEXT)
    return bodies, extractor


def test_the_embedded_server_gets_the_schema_as_a_grammar_and_the_prompt_as_rendered() -> None:
    bodies, extractor = _requests(backend="local")
    calls = extractor.plan(TEXT).calls
    assert [c.step for c in calls] == ["entities", "events"] and len(bodies) == 2
    by_system = {request["messages"][0]["content"]: request for request in bodies}
    for call in calls:
        request = by_system[call.prompt.messages[0]["content"]]
        assert request["messages"][0] == call.prompt.messages[0]
        assert "json_schema" not in request["messages"][0]["content"]
        assert request["grammar"] == compact_grammar(call.schema)
        assert request["response_format"] == {"type": "text"}


def test_the_events_grammar_offers_each_marked_word_only_its_own_types() -> None:
    bodies, extractor = _requests(backend="local")
    events = {e.text: e.id for e in extractor.plan(TEXT).events}
    (request,) = [b for b in bodies if "events" in request_schema(b)["properties"]]
    properties = request_schema(request)["properties"]["events"]["properties"]
    assert properties == {events["captured"]: {"enum": ["ASSAULT", "COERCE", "NONE"]},
                          events["strike"]: {"enum": ["ASSAULT", "PROTEST", "NONE"]}}
    assert "hit" in events and events["hit"] not in properties


def test_another_endpoint_in_json_mode_gets_the_schema_in_the_prompt() -> None:
    bodies, extractor = _requests(backend="openai", api_key="sk-test-key")
    calls = extractor.plan(TEXT).calls
    for call, request in zip(calls, bodies):
        system = request["messages"][0]["content"]
        assert system.startswith(call.prompt.messages[0]["content"]) and "json_schema" in system
