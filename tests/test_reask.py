"""Invalid answers are sent back with the precise error (instructor re-ask); what still fails is
dropped item by item and counted in warnings."""

from __future__ import annotations

import json

from extractor import Extractor, resolve_endpoint
from tests.servers import json_reply, request_schema, serve

TEXT = "The army said rebels captured 12 trucks on Monday. Dock workers went on strike in Kyiv."


def _completion(answer: dict, finish: str = "stop", content: str | None = None) -> tuple:
    return json_reply(200, {"id": "x", "object": "chat.completion", "created": 0, "model": "m",
                            "choices": [{"index": 0, "finish_reason": finish, "message": {
                                "role": "assistant", "content": content or json.dumps(answer)}}],
                            "usage": {"prompt_tokens": 50, "completion_tokens": 5, "total_tokens": 55}})


def _events_of(request: dict) -> list[str]:
    return list(request_schema(request)["properties"]["events"]["properties"])


def _model(first: str, second: str, seen: list[dict]):
    """Entities: nothing to add. Events: ``first`` as the id of an ASSAULT, then ``second`` once re-asked."""
    def reply(method: str, path: str, body: bytes):
        request = json.loads(body)
        seen.append(request)
        if "events" not in request_schema(request)["properties"]:
            return _completion({"actors": {}, "other": [{"name": "The army", "type": "MILITARY"}], "quotes": [],
                                "speakers": {}, "reported": []})
        retry = any("is not a marked event id" in str(m.get("content")) for m in request["messages"])
        marks = {mark: "NONE" for mark in _events_of(request)}
        return _completion({"events": {**marks, (second if retry else first): "ASSAULT"}})
    return reply


def _run(first: str, second: str) -> tuple:
    seen: list[dict] = []
    with serve(_model(first, second, seen)) as (url, _):
        endpoint = resolve_endpoint(backend="openai", base_url=url + "/v1", api_key="sk-test", mode="json", model="m")
        with Extractor(endpoint) as extractor:
            return extractor.extract(TEXT, published="2025-01-07"), seen


def test_an_unknown_event_id_is_re_asked_with_the_error_and_then_accepted() -> None:
    result, seen = _run("E9", "E1")
    event_requests = [r for r in seen if "events" in request_schema(r)["properties"]]
    assert len(event_requests) == 2
    assert "'E9' is not a marked event id; use one of ['E1', 'E2']" in json.dumps(event_requests[1]["messages"])
    assert [(e.type.value, e.trigger.text) for e in result.events] == [("ASSAULT", "captured")]
    assert [q.value for q in result.events[0].quantities] == [12]


def test_what_still_fails_is_dropped_and_counted_in_warnings() -> None:
    result, seen = _run("E9", "E8")
    assert len([r for r in seen if "events" in request_schema(r)["properties"]]) == 3
    assert result.events == []
    assert any(w.startswith("events step: kept the valid part of the last answer") for w in result.warnings)
    assert [(a.name, a.type.value) for a in result.actors] == [("army", "MILITARY")]  # Kyiv is a place here


def test_an_answer_cut_off_by_the_token_limit_keeps_its_complete_items() -> None:
    def reply(method: str, path: str, body: bytes):
        request = json.loads(body)
        if "events" in request_schema(request)["properties"]:
            return _completion({"events": {}})
        cut = '{"actors": {}, "other": [{"name": "The army", "type": "MILITARY"}, {"name": "Offici'
        return _completion({}, finish="length", content=cut)

    with serve(reply) as (url, _):
        with Extractor(resolve_endpoint(backend="local", base_url=url + "/v1")) as extractor:
            result = extractor.extract(TEXT, published="2025-01-07")
    assert [a.name for a in result.actors] == ["army"]
    assert any(w.startswith("entities step: kept the valid part of the last answer") for w in result.warnings)
