"""Gold annotations in one shape, whatever corpus they come from; and our own simple gold format.

Native gold is JSONL, one document a line::

    {"id": "a1", "text": "...", "published": "2025-01-07",
     "quotes": [{"start": 10, "end": 42, "kind": "direct", "speaker": "Jane Roe"}],
     "actors": [{"name": "Jane Roe", "type": "PERSON", "mentions": [[0, 8]]}],
     "events": [{"type": "ASSAULT", "start": 50, "end": 90,
                 "arguments": [{"role": "agent", "name": "the army"}]}]}

Offsets are character offsets into ``text``; every list may be omitted (then it is not scored).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from extractor.errors import InputError


@dataclass(frozen=True)
class GoldQuote:
    fragments: tuple[tuple[int, int], ...]
    direct: bool
    speaker: str = ""
    speaker_start: int = -1
    """Where the source phrase begins (-1 unknown): a pronoun source's antecedent is looked up before it."""

    @property
    def start(self) -> int:
        return min(s for s, _ in self.fragments)

    @property
    def end(self) -> int:
        return max(e for _, e in self.fragments)


@dataclass(frozen=True)
class GoldActor:
    name: str
    type: str
    mentions: tuple[tuple[int, int], ...]


@dataclass(frozen=True)
class GoldEvent:
    type: str
    start: int
    end: int
    arguments: tuple[tuple[str, str], ...] = ()
    source_type: str = ""
    roles: tuple[tuple[str, str, int, int], ...] = ()
    """The arguments as the corpus names them, with offsets: (field role, text, start, end)."""
    hopper: int | None = None
    """The happening this mention is of (CASIE's event coreference): mentions sharing it are one."""


@dataclass
class GoldDocument:
    id: str
    text: str
    published: str | None = None
    quotes: list[GoldQuote] | None = None
    actors: list[GoldActor] | None = None
    events: list[GoldEvent] | None = None
    meta: dict[str, str] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    """What the loader had to repair or could not read in this document (``extractor eval`` prints it)."""


def load_native(path: Path) -> list[GoldDocument]:
    """Read our own gold format (see module docstring); errors name the line."""
    docs = []
    for number, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            raw = json.loads(line)
            docs.append(GoldDocument(
                id=str(raw["id"]), text=raw["text"], published=raw.get("published"),
                quotes=None if "quotes" not in raw else [
                    GoldQuote(((q["start"], q["end"]),), q.get("kind", "direct") == "direct", q.get("speaker", ""))
                    for q in raw["quotes"]],
                actors=None if "actors" not in raw else [
                    GoldActor(a["name"], a.get("type", "OTHER"), tuple(tuple(m) for m in a.get("mentions", [])))
                    for a in raw["actors"]],
                events=None if "events" not in raw else [
                    GoldEvent(e["type"], e["start"], e["end"],
                              tuple((a["role"], a["name"]) for a in e.get("arguments", [])))
                    for e in raw["events"]]))
        except (KeyError, TypeError, ValueError) as exc:
            raise InputError(f"{path}:{number}: not a gold document ({exc})") from exc
    return docs
