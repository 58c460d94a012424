"""Who said a quotation is a closed question, asked only where the rules leave a choice and only
of the models it pays for: a quotation no attribution pattern names a speaker for is listed after
"Who said", answered with a listed actor's id or NONE; a hosted model is asked, the embedded one
is not (on dev its answers lowered speaker accuracy)."""

from __future__ import annotations

import pytest

from extractor import ConfigError, Extractor, PipelineOptions, resolve_endpoint
from tests.servers import recording, serve, stand_in_model

TEXT = ("The mayor, Anna Berg, visited the flooded district on Monday. Residents waited on the roofs. "
        "The army brought boats. “We were left alone for three days.” The council met in the evening. "
        "“We will rebuild every house,” Berg said.")
OPEN = "We were left alone for three days."


def _extract(backend: str, options: PipelineOptions | None = None) -> tuple[object, list[dict]]:
    bodies: list[dict] = []
    with serve(recording(stand_in_model, bodies)) as (url, _):
        endpoint = resolve_endpoint(backend=backend, base_url=url + "/v1", model="stand-in", api_key="sk-test",
                                    mode="json")
        with Extractor(endpoint, options=options or PipelineOptions(steps=("entities",))) as extractor:
            result = extractor.extract(TEXT)
    return result, bodies


def _user_message(body: dict) -> str:
    return next(m["content"] for m in body["messages"] if m["role"] == "user")


def test_a_hosted_model_is_asked_who_said_only_the_quotation_no_pattern_attributes() -> None:
    result, (body,) = _extract("openai")
    open_id, attributed_id = [q.id for q in sorted(result.quotes, key=lambda q: q.span.start)]
    assert f"Who said: {open_id}" in _user_message(body)
    speakers = body["response_format"]["schema"]["properties"]["speakers"]
    assert list(speakers["properties"]) == [open_id] and attributed_id not in speakers["properties"]
    berg = next(a.id for a in result.actors if a.name == "Anna Berg")
    assert speakers["properties"][open_id]["enum"] == [berg, "NONE"]  # the listed actors: Berg (the army is new)
    # the stand-in answers the first id offered: Berg, where the rules alone leave no speaker
    assert {q.text: q.speaker_name for q in result.quotes} == {OPEN: "Anna Berg", "We will rebuild every house": "Anna Berg"}


def test_the_embedded_model_is_not_asked_and_the_open_quotation_keeps_no_speaker() -> None:
    result, (body,) = _extract("local")
    assert "Who said" not in _user_message(body) and "speakers:" not in body["messages"][0]["content"]
    assert {q.text: q.speaker_name for q in result.quotes} == {OPEN: None, "We will rebuild every house": "Anna Berg"}


def test_a_profile_is_overridden_per_run_and_unknown_questions_are_refused() -> None:
    result, (body,) = _extract("local", PipelineOptions(steps=("entities",), unasked=()))
    assert "Who said: Q" in _user_message(body)
    assert {q.text: q.speaker_name for q in result.quotes}[OPEN] == "Anna Berg"
    with pytest.raises(ConfigError, match=r"unknown optional questions \['quotes'\]"):
        PipelineOptions(unasked=("quotes",))
