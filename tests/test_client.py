"""Backend choice: arguments, then OPENAI_* variables, else the embedded local model."""

import instructor
import pytest

from extractor.call.client import make_client, request_options
from extractor.call.grammar import UnsupportedSchema, compact_grammar
from extractor.call.endpoint import resolve_endpoint


def test_nothing_configured_means_the_local_model_in_constrained_json_mode() -> None:
    config = resolve_endpoint(env={})
    assert (config.backend, config.mode, config.base_url) == ("local", "json", None)
    assert config.model == "qwen2.5-coder-1.5b-instruct-q4_k_m"
    assert config.instructor_mode == instructor.Mode.JSON


def test_api_key_in_the_environment_selects_openai_with_tools_mode() -> None:
    config = resolve_endpoint(env={"OPENAI_API_KEY": "sk-env"})
    assert (config.backend, config.mode, config.model, config.api_key) == ("openai", "tools", "gpt-4o-mini", "sk-env")


def test_base_url_alone_selects_an_openai_compatible_server() -> None:
    config = resolve_endpoint(env={"OPENAI_BASE_URL": "http://127.0.0.1:11434/v1", "EXTRACTOR_MODEL": "qwen2.5:1.5b"})
    assert (config.backend, config.base_url, config.model) == ("openai", "http://127.0.0.1:11434/v1", "qwen2.5:1.5b")


def test_arguments_win_over_the_environment() -> None:
    config = resolve_endpoint(model="gpt-4.1", base_url="http://vllm:8000/v1", mode="json",
                            env={"OPENAI_API_KEY": "sk-env", "OPENAI_BASE_URL": "http://other/v1"})
    assert (config.base_url, config.model, config.mode) == ("http://vllm:8000/v1", "gpt-4.1", "json")


def test_local_backend_can_use_an_already_running_server() -> None:
    config = resolve_endpoint(backend="local", base_url="http://127.0.0.1:8080/v1", env={})
    assert (config.backend, config.base_url, config.mode) == ("local", "http://127.0.0.1:8080/v1", "json")


def test_bad_choices_are_explained() -> None:
    with pytest.raises(ValueError, match="unknown backend"):
        resolve_endpoint(backend="cloud", env={})
    with pytest.raises(ValueError, match="unknown mode"):
        resolve_endpoint(mode="xml", env={})
    with pytest.raises(ValueError, match="needs OPENAI_API_KEY"):
        resolve_endpoint(backend="openai", env={})


def test_json_mode_requests_carry_the_schema_for_constrained_decoding() -> None:
    schema = {"type": "object", "properties": {"ok": {"type": "boolean"}}, "required": ["ok"]}
    local = request_options(resolve_endpoint(env={}), schema)
    assert local["extra_body"] == {"response_format": {"type": "text"},
                                   "grammar": compact_grammar(schema)}
    assert (local["temperature"], local["seed"]) == (0.0, 0)
    hosted_json = request_options(resolve_endpoint(env={"OPENAI_API_KEY": "k"}, mode="json"), schema)
    assert hosted_json["extra_body"] == {"response_format": {"type": "json_object", "schema": schema}}
    tools = request_options(resolve_endpoint(env={"OPENAI_API_KEY": "k"}), schema)
    assert "extra_body" not in tools


def test_a_schema_beyond_the_compact_grammar_goes_to_a_local_server_as_json_schema() -> None:
    schema = {"type": "object", "properties": {"tags": {"type": "object", "additionalProperties": True}}}
    with pytest.raises(UnsupportedSchema, match="free-form"):
        compact_grammar(schema)
    options = request_options(resolve_endpoint(env={}), schema)
    assert options["extra_body"]["response_format"] == {"type": "json_object", "schema": schema}


def test_the_local_client_needs_a_running_server() -> None:
    with pytest.raises(RuntimeError, match="no server URL"):
        make_client(resolve_endpoint(env={}))
