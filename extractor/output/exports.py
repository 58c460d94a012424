"""``extractor export``: results in the formats other tools read, chosen by name.

Each format is one module (``plover``, ``labelstudio``, ``brat``); this registry maps the name to
its writer and says what was written. Items whose offsets do not match their article's text are
left out of the annotation formats (they would mark the wrong words) and counted in the notes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from extractor.errors import ConfigError
from extractor.output.brat import write_brat
from extractor.output.labelstudio import write_labelstudio
from extractor.output.plover import write_plover
from extractor.output.results import Results


@dataclass
class ExportReport:
    """What an export wrote: its files, a one-line summary, and notes on what was left out."""

    paths: list[Path]
    summary: str
    notes: list[str] = field(default_factory=list)


def _plover(found: Results, out: Path) -> ExportReport:
    written, skipped = write_plover(found, out)
    notes = [f"{skipped} event(s) of type OTHER left out: PLOVER has no such category"] if skipped else []
    return ExportReport([out], f"{written} PLOVER event record(s) from {len(found.results)} article(s)", notes)


def _labelstudio(found: Results, out: Path) -> ExportReport:
    tasks, config, count, dropped = write_labelstudio(found, out)
    notes = [f"{dropped} item(s) left out: their offsets do not match the article text"] if dropped else []
    notes.append(f"set the project's labelling interface from {config.name}")
    return ExportReport([tasks, config], f"{count} Label Studio task(s) with predictions", notes)


def _brat(found: Results, out: Path) -> ExportReport:
    written, dropped = write_brat(found, out)
    notes = [f"{dropped} item(s) left out: their offsets do not match the article text"] if dropped else []
    return ExportReport([out], f"{len(written)} brat document(s) and annotation.conf", notes)


EXPORTERS: dict[str, Callable[[Results, Path], ExportReport]] = {
    "plover": _plover, "labelstudio": _labelstudio, "brat": _brat}
"""Export format name -> writer; the CLI's ``--format`` choices."""


def export_results(found: Results, fmt: str, out: str | Path) -> ExportReport:
    """Write ``found`` in format ``fmt`` at ``out`` (a file, or a directory for brat)."""
    writer = EXPORTERS.get(fmt)
    if writer is None:
        raise ConfigError(f"unknown export format {fmt!r}; use one of {', '.join(EXPORTERS)}")
    return writer(found, Path(out))
