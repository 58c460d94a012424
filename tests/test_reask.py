"""Ungrounded answers are sent back with the precise error (instructor re-ask); what still fails is
dropped and counted in warnings."""

from __future__ import annotations

import json

from extractor import Extractor, resolve_endpoint
from tests.servers import json_reply, serve

TEXT = "The army said it shot down 12 drones on Monday. Officials met in Kyiv."


def _completion(answer: dict) -> tuple:
    return json_reply(200, {"id": "x", "object": "chat.completion", "created": 0, "model": "m",
                            "choices": [{"index": 0, "finish_reason": "stop", "message": {
                                "role": "assistant", "content": json.dumps(answer)}}],
                            "usage": {"prompt_tokens": 50, "completion_tokens": 5, "total_tokens": 55}})


def _model(first_number: float, second_number: float, seen: list[dict]):
    def reply(method: str, path: str, body: bytes):
        request = json.loads(body)
        seen.append(request)
        if "events" not in request["response_format"]["schema"]["properties"]:
            return _completion({"actors": [{"name": "The army", "type": "MILITARY"}], "quotes": [], "reported": []})
        retry = any("is not written in sentence" in str(m.get("content")) for m in request["messages"])
        value = second_number if retry else first_number
        return _completion({"events": [{"s": 1, "type": "ASSAULT", "summary": "drones shot down",
                                        "numbers": [{"value": value, "what": "drones"}]}]})
    return reply


def _run(first: float, second: float) -> tuple:
    seen: list[dict] = []
    with serve(_model(first, second, seen)) as (url, _):
        config = resolve_endpoint(backend="openai", base_url=url + "/v1", api_key="sk-test", mode="json", model="m")
        with Extractor(config) as extractor:
            return extractor.extract(TEXT, published="2025-01-07"), seen


def test_a_number_not_in_the_evidence_is_re_asked_with_the_error_and_then_accepted() -> None:
    result, seen = _run(13, 12)
    event_requests = [r for r in seen if "events" in r["response_format"]["schema"]["properties"]]
    assert len(event_requests) == 2
    assert "number 13 (drones) is not written in sentence 1" in json.dumps(event_requests[1]["messages"])
    assert [q.value for q in result.events[0].quantities] == [12]


def test_what_still_fails_is_dropped_and_counted_in_warnings() -> None:
    result, seen = _run(13, 14)
    assert len([r for r in seen if "events" in r["response_format"]["schema"]["properties"]]) == 3
    assert [e.summary for e in result.events] == ["drones shot down"]
    assert [q.value for q in result.events[0].quantities] == [12]
    assert any(w.startswith("events step: kept the valid part of the last answer") for w in result.warnings)
    assert any("dropped 1 event number(s) not written in their evidence: 14 (drones)" in w for w in result.warnings)
    assert [(a.name, a.type.value) for a in result.actors] == [("army", "MILITARY"), ("Kyiv", "COUNTRY")]


def test_an_answer_cut_off_by_the_token_limit_keeps_its_complete_items() -> None:
    def reply(method: str, path: str, body: bytes):
        request = json.loads(body)
        if "events" in request["response_format"]["schema"]["properties"]:
            return _completion({"events": []})
        cut = '{"actors": [{"name": "The army", "type": "MILITARY"}, {"name": "Offici'
        return json_reply(200, {"id": "x", "object": "chat.completion", "created": 0, "model": "m",
                                 "choices": [{"index": 0, "finish_reason": "length",
                                              "message": {"role": "assistant", "content": cut}}],
                                 "usage": {"prompt_tokens": 50, "completion_tokens": 5, "total_tokens": 55}})

    with serve(reply) as (url, _):
        config = resolve_endpoint(backend="local", base_url=url + "/v1")
        with Extractor(config) as extractor:
            result = extractor.extract(TEXT, published="2025-01-07")
    assert [a.name for a in result.actors] == ["army", "Kyiv"]
    assert any(w.startswith("entities step: kept the valid part of the last answer") for w in result.warnings)
