"""The CLI mirrors the API: extract prints a summary and writes JSON; errors are clear, exit 2."""

import json
from pathlib import Path

from typer.testing import CliRunner

from extractor.cli import app
from tests.cassette_config import cassette
from tests.scenarios import SAMPLE

runner = CliRunner()


def test_extract_writes_json_and_prints_a_summary(tmp_path: Path) -> None:
    out = tmp_path / "result.json"
    with cassette(SAMPLE.cassette):
        result = runner.invoke(app, ["extract", str(SAMPLE.article), "--out", str(out),
                                     "--backend", "local", "--base-url", "http://127.0.0.1:9/v1"])
    assert result.exit_code == 0, result.output
    assert "Actors" in result.output and "Quotes" in result.output and "Volodymyr Zelenskyy" in result.output
    data = json.loads(out.read_text())
    assert data["article"]["published"] == "2025-01-07"
    assert any(q["text"] == "biggest ongoing drivers" for q in data["quotes"])


def test_missing_local_model_is_a_clear_error(tmp_path: Path) -> None:
    result = runner.invoke(app, ["extract", str(SAMPLE.article), "--backend", "local"])
    assert result.exit_code == 2
    assert "not installed" in result.output and "extractor model install" in result.output


def test_empty_article_is_a_clear_error(tmp_path: Path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_text(" date 2025-01-07 \n")
    result = runner.invoke(app, ["extract", str(empty)])
    assert result.exit_code == 2 and "article has no text" in result.output


def test_schema_command_prints_the_output_schema() -> None:
    result = runner.invoke(app, ["schema"])
    assert result.exit_code == 0 and json.loads(result.output)["title"] == "ArticleExtraction"


def test_rules_only_needs_no_model(tmp_path: Path) -> None:
    out = tmp_path / "rules.json"
    result = runner.invoke(app, ["extract", str(SAMPLE.article), "--steps", "none", "--out", str(out), "--quiet"])
    assert result.exit_code == 0, result.output
    data = json.loads(out.read_text())
    assert data["provenance"]["usage"]["calls"] == 0
    shot_down = data["events"][0]
    assert (shot_down["type"], shot_down["trigger"]["text"]) == ("ASSAULT", "shot down")
    assert data["events"][0]["trigger"] == {"start": 35, "end": 44, "text": "shot down", "alignment": "detected"}
    zelenskyy = next(q for q in data["quotes"] if q["kind"] == "direct" and q["text"].startswith("The Russians"))
    speaker = next(a for a in data["actors"] if a["id"] == zelenskyy["speaker"])
    assert speaker["name"] == "Volodymyr Zelenskyy"


def test_fast_asks_for_the_small_model_when_it_is_not_installed() -> None:
    result = runner.invoke(app, ["extract", str(SAMPLE.article), "--fast"])
    said = " ".join(result.output.split())
    assert result.exit_code == 2
    assert "qwen2.5-coder-0.5b-instruct-q4_k_m is not installed" in said
    assert "extractor model install --model qwen2.5-coder-0.5b-instruct-q4_k_m" in said


def test_server_path_says_how_to_build_the_server() -> None:
    result = runner.invoke(app, ["server", "path"])
    assert result.exit_code == 2 and "extractor server install" in result.output
