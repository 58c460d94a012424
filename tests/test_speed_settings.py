"""What the speed work changed, as behaviour: an article's calls go side by side to a server with
slots, the server's timings reach the provenance, caches key on who answers, ``--fast`` picks the
small model, and the events step sees only the sentences around its marked words."""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path

import httpx
import pytest

from extractor import Extractor, resolve_endpoint
from extractor.call.model_store import FAST_MODEL
from extractor.call.response_cache import ResponseCache
from extractor.errors import ConfigError
from extractor.evaluation.gold import GoldDocument
from extractor.evaluation.predictions import cache_file
from extractor.settings import STEPS
from tests.servers import completion, json_reply, serve, stand_in_answer

TEXT = ("The army said rebels captured the convoy on Monday. The convoy carried food. Roads were closed. "
        "Officials said dock workers went on strike in the port on Tuesday.")


def _timed_model(in_flight: list[int], timings: dict | None = None):  # noqa: ANN202
    """The stand-in model, answering after 0.3 s and counting the requests in flight."""
    lock, current = threading.Lock(), [0]

    def reply(method: str, path: str, body: bytes):  # noqa: ANN202
        if method == "GET":
            return json_reply(200, {"object": "list", "data": [{"id": "m", "object": "model"}]})
        with lock:
            current[0] += 1
            in_flight.append(current[0])
        time.sleep(0.3)
        request = json.loads(body)
        answer = completion(request, stand_in_answer(request))
        if timings:
            answer["timings"] = timings
        with lock:
            current[0] -= 1
        return json_reply(200, answer)
    return reply


@pytest.mark.parametrize("slots, most", [(2, 2), (1, 1)])
def test_an_articles_calls_run_side_by_side_on_a_server_with_slots(slots: int, most: int) -> None:
    in_flight: list[int] = []
    with serve(_timed_model(in_flight)) as (url, _):
        endpoint = resolve_endpoint(backend="local", base_url=url + "/v1", model="m", local_slots=slots)
        with Extractor(endpoint, steps=STEPS) as extractor:
            result = extractor.extract(TEXT)
    assert len(in_flight) == result.provenance.usage.calls == 2 and max(in_flight) == most
    assert {"captured", "strike"} <= {e.trigger.text for e in result.events}


def test_llama_cpp_timings_and_cached_prompt_tokens_reach_the_provenance() -> None:
    timings = {"cache_n": 300, "prompt_n": 120, "prompt_ms": 1500.5, "predicted_n": 40, "predicted_ms": 1600.5}
    with serve(_timed_model([], timings)) as (url, _):
        with Extractor(resolve_endpoint(backend="local", base_url=url + "/v1", model="m"), steps=STEPS) as extractor:
            usage = extractor.extract(TEXT).provenance.usage
    assert (usage.calls, usage.cached_tokens, usage.prompt_ms, usage.generation_ms) == (2, 600, 3001.0, 3201.0)


def test_the_events_step_sees_only_the_sentences_around_its_marked_words() -> None:
    plan = Extractor(resolve_endpoint(backend="local", base_url="http://127.0.0.1:9/v1"), steps=STEPS).plan(TEXT)
    (events,) = [c for c in plan.calls if c.step == "events"]
    user = events.prompt.messages[1]["content"]
    assert "(1) The army said rebels [E1]captured the convoy on Monday." in user
    assert "(3) Roads were closed.\n(4) Officials said dock workers went on [E2]strike in the port" in user
    assert "(2)" not in user and "on Monday.\n\n…\n(3) Roads" in user
    (entities,) = [c for c in plan.calls if c.step == "entities"]
    assert "(2) The convoy carried food." in entities.prompt.messages[1]["content"]


def test_result_caches_key_on_the_weights_and_the_server_settings(tmp_path: Path) -> None:
    doc = GoldDocument(id="d1", text=TEXT)
    one, two = (Extractor(resolve_endpoint(backend="local", local_slots=n), steps=STEPS) for n in (1, 2))
    python = Extractor(resolve_endpoint(backend="local", local_server="llama-cpp-python"), steps=STEPS)
    files = {cache_file(tmp_path, doc, e).name for e in (one, two, python)}
    assert len(files) == 3
    assert one.fingerprint()["server"].endswith("slots=1 ctx=8192")
    assert python.fingerprint()["server"] == "llama-cpp-python slots=1 ctx=8192"
    assert one.fingerprint()["weights"].startswith("sha256:")


def test_the_response_cache_does_not_replay_an_answer_from_another_server(tmp_path: Path) -> None:
    request = httpx.Request("POST", "http://127.0.0.1:1/v1/chat/completions", content=b'{"model": "m"}')
    response = httpx.Response(200, headers={"content-type": "application/json"}, content=b"{}")
    slots_one = ResponseCache(tmp_path / "r.sqlite", answerer="llama-server b1 slots=1")
    slots_one.put(request, response, b"{}")
    assert slots_one.get(request) is not None
    assert ResponseCache(tmp_path / "r.sqlite", answerer="llama-server b1 slots=2").get(request) is None


def test_fast_runs_the_small_embedded_model_and_only_there() -> None:
    assert resolve_endpoint(backend="local", fast=True).model == FAST_MODEL.name
    with pytest.raises(ConfigError, match="cannot be combined with --model"):
        resolve_endpoint(backend="local", fast=True, model="other")
    with pytest.raises(ConfigError, match="hosted endpoint"):
        resolve_endpoint(api_key="sk-test", fast=True, env={})
    with pytest.raises(ConfigError, match="unknown local server"):
        resolve_endpoint(backend="local", local_server="vllm")


def test_the_model_is_offered_only_the_reported_speech_the_rules_leave_open() -> None:
    text = ("The bridge in Kyiv was closed on Monday. Asked about the talks, the minister declined to comment. "
            "Officials said the bridge would reopen next week. The repairs, according to the city, will cost millions.")
    plan = Extractor(resolve_endpoint(backend="local", base_url="http://127.0.0.1:9/v1"), steps=STEPS).plan(text)
    reported = plan.calls[0].schema["properties"]["reported"]
    assert (reported["maxItems"], reported["items"]["properties"]["s"]["enum"]) == (1, [2])


def test_an_article_whose_statements_the_rules_settle_asks_for_none(sample_raw: str) -> None:
    plan = Extractor(resolve_endpoint(backend="local", base_url="http://127.0.0.1:9/v1"), steps=STEPS).plan(sample_raw)
    assert plan.calls[0].schema["properties"]["reported"]["maxItems"] == 0
    assert len({r.sentence for r in plan.reported}) >= 6


def test_each_backend_is_asked_only_the_questions_that_pay_unless_the_steps_are_given() -> None:
    """The embedded model is not asked the events questions: on dev they changed no figure but
    down (README, Ablation); a hosted model is asked both, and given steps always win."""
    local = Extractor(resolve_endpoint(backend="local", base_url="http://127.0.0.1:9/v1"))
    hosted = Extractor(resolve_endpoint(backend="openai", base_url="http://127.0.0.1:9/v1", api_key="sk-test"))
    assert (local.steps, hosted.steps) == (("entities",), ("entities", "events"))
    assert [call.step for call in local.plan(TEXT).calls] == ["entities"]
    given = Extractor(resolve_endpoint(backend="local", base_url="http://127.0.0.1:9/v1"), steps="entities,events")
    assert given.steps == STEPS and Extractor(steps=()).steps == ()
