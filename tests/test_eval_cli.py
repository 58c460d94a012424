"""`extractor eval`: scores predictions or runs the extraction, and a second run makes no model call."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from extractor import Extractor
from extractor.cli import app
from tests.servers import serve, stand_in_model

runner = CliRunner()
POLNEAR = Path(__file__).parent / "data" / "fixtures" / "polnear" / "dev"


def test_rules_only_eval_prints_a_table_and_writes_the_report(tmp_path: Path) -> None:
    out = tmp_path / "report.json"
    result = runner.invoke(app, ["eval", str(POLNEAR), "--format", "polnear", "--steps", "none",
                                 "--cache", str(tmp_path / "cache"), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "quotes_direct" in result.output and "speaker accuracy" in result.output
    report = json.loads(out.read_text())
    assert report["documents"] == 1 and report["micro"]["quotes_direct"]["gold"] == 2
    assert report["micro"]["quotes_direct"]["recall"] == 1.0


def test_predictions_file_is_scored_without_running_anything(tmp_path: Path) -> None:
    text = (POLNEAR / "text" / "paper_2016-09-01_budget-vote.txt").read_text()
    with Extractor(backend="local", steps=()) as extractor:
        prediction = extractor.extract(text)
    predictions = tmp_path / "predictions.jsonl"
    predictions.write_text(prediction.model_dump_json() + "\n")
    result = runner.invoke(app, ["eval", str(POLNEAR), "--format", "polnear", "--predictions", str(predictions)])
    assert result.exit_code == 0, result.output
    assert "quotes_all" in result.output


def test_second_run_is_served_from_the_cache(tmp_path: Path) -> None:
    args = ["eval", str(POLNEAR), "--format", "polnear", "--steps", "entities", "--backend", "local",
            "--cache", str(tmp_path / "cache")]
    with serve(stand_in_model) as (url, log):
        first = runner.invoke(app, [*args, "--base-url", url + "/v1"])
        calls = len(log)
        second = runner.invoke(app, [*args, "--base-url", url + "/v1"])
    assert first.exit_code == 0 and second.exit_code == 0, first.output + second.output
    assert calls == 1 and len(log) == 1
    assert first.output.split("grounding rate")[0] == second.output.split("grounding rate")[0]


def test_unknown_format_is_a_clear_error() -> None:
    result = runner.invoke(app, ["eval", str(POLNEAR), "--format", "conll"])
    assert result.exit_code == 2 and "unknown gold format" in result.output
