"""Articles whose model responses are recorded in ``cassettes/`` (see ``tests/record.py``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"


@dataclass(frozen=True)
class Scenario:
    cassette: str
    article: Path
    meta: dict[str, str] = field(default_factory=dict)


SAMPLE = Scenario("sample_article.yaml", DATA / "ukraine-drones-2025-01-07.txt")
INJECTION = Scenario("injection_article.yaml", DATA / "injection-2025-03-04.txt")
SCENARIOS = [SAMPLE, INJECTION]
