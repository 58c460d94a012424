"""Read extraction results back: a run directory, a ``results.jsonl`` or one result's JSON.

What reads results (the review page, the exports, ``eval --predictions``) shares this reader, so a
malformed line is reported the same way everywhere, by its line number, and never stops the rest.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from extractor.errors import InputError
from extractor.schemas import ArticleExtraction

RESULTS_FILE = "results.jsonl"
FAILURES_FILE = "failures.jsonl"


@dataclass(frozen=True)
class BadLine:
    """A line of a results file that is not an ``ArticleExtraction``, and why."""

    number: int
    reason: str


@dataclass
class Results:
    """What a results source holds: the results, the lines that were not results, and (for a run
    directory) the records that failed with their reasons."""

    source: Path
    results: list[ArticleExtraction] = field(default_factory=list)
    bad_lines: list[BadLine] = field(default_factory=list)
    failures: list[dict[str, Any]] = field(default_factory=list)


def read_results(path: str | Path) -> Results:
    """Every result of ``path`` (a run directory, JSONL, a JSON object or a JSON list); lines
    that do not parse or validate are kept as ``BadLine`` with their number."""
    path = Path(path)
    if path.is_dir():
        results_path = path / RESULTS_FILE
        if not results_path.is_file():
            raise InputError(f"{path} holds no {RESULTS_FILE}; is it a batch output directory?")
        found = Results(source=path)
        _read_lines(results_path, found)
        failures = path / FAILURES_FILE
        if failures.is_file():
            found.failures = [row for _, row in _json_lines(failures, found)]
        return found
    if not path.is_file():
        raise InputError(f"no such results file or run directory: {path}")
    found = Results(source=path)
    head = path.read_text(encoding="utf-8", errors="replace").lstrip()[:1]
    if head == "[" or (head == "{" and _single_object(path)):
        _read_document(path, found)
    else:
        _read_lines(path, found)
    return found


def _single_object(path: Path) -> bool:
    """A whole-file JSON object (one result, maybe pretty-printed), not JSONL."""
    try:
        return isinstance(json.loads(path.read_text(encoding="utf-8")), dict)
    except (json.JSONDecodeError, UnicodeDecodeError):
        return False


def _read_document(path: Path, found: Results) -> None:
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        found.bad_lines.append(BadLine(1, f"not JSON: {exc}"))
        return
    for number, item in enumerate(raw if isinstance(raw, list) else [raw], start=1):
        _validated(item, number, found)


def _read_lines(path: Path, found: Results) -> None:
    for number, item in _json_lines(path, found):
        _validated(item, number, found)


def _json_lines(path: Path, found: Results) -> Iterator[tuple[int, Any]]:
    with path.open("rb") as handle:
        for number, raw in enumerate(handle, start=1):
            if not raw.strip():
                continue
            try:
                yield number, json.loads(raw.decode("utf-8"))
            except (json.JSONDecodeError, UnicodeDecodeError) as exc:
                found.bad_lines.append(BadLine(number, f"{path.name} line {number} is not JSON: {exc}"))


def _validated(item: Any, number: int, found: Results) -> None:
    try:
        found.results.append(ArticleExtraction.model_validate(item))
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "record"
        found.bad_lines.append(BadLine(number, f"line {number} is not an extraction result: {where}: {first['msg']}"))
