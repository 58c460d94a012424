"""Model-facing response models: compact, offset-free, with short descriptions (they cost tokens).

The model never copies quotations: it judges candidates found deterministically (by id ``Q3``) and
points at numbered sentences (``s``). Validators check those references against the article held
in the validation context, so instructor can re-ask with the precise error.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field, ValidationInfo, field_validator

ActorTypeName = Literal["PERSON", "ORGANIZATION", "GOVERNMENT", "MILITARY", "COUNTRY",
                        "ARMED_GROUP", "MEDIA", "OTHER"]
EventTypeName = Literal["AGREE", "CONSULT", "SUPPORT", "CONCEDE", "COOPERATE", "AID", "RETREAT",
                        "REQUEST", "ACCUSE", "REJECT", "THREATEN", "PROTEST", "SANCTION", "MOBILIZE",
                        "COERCE", "ASSAULT", "OTHER"]
StatusName = Literal["asserted", "claimed", "denied", "unconfirmed"]


def compact_schema(schema: dict[str, Any]) -> dict[str, Any]:
    """Inline ``$defs`` and drop titles: the smallest schema that still constrains decoding."""
    defs = schema.get("$defs", {})

    def walk(node: Any) -> Any:
        if isinstance(node, dict):
            if "$ref" in node:
                return walk(defs[node["$ref"].rsplit("/", 1)[-1]])
            return {k: walk(v) for k, v in node.items() if k not in {"title", "$defs", "default"}}
        if isinstance(node, list):
            return [walk(v) for v in node]
        return node

    return walk(schema)


class CompactModel(BaseModel):
    """A response model whose JSON schema is inlined and title-free."""

    @classmethod
    def model_json_schema(cls, *args: Any, **kwargs: Any) -> dict[str, Any]:  # type: ignore[override]
        return compact_schema(super().model_json_schema(*args, **kwargs))


def _context(info: ValidationInfo) -> dict[str, Any]:
    return info.context or {}


class ActorItem(CompactModel):
    name: str = Field(description="full name as written, no title")
    type: ActorTypeName
    title: str | None = Field(None, description="title/role, e.g. 'Kherson Governor'")


class QuoteJudgement(CompactModel):
    id: str = Field(description="candidate id, e.g. Q1")
    quote: bool = Field(description="true if words someone said or wrote; false for scare quotes, titles, names")
    speaker: str | None = Field(None, description="name of who said it (resolve pronouns)")
    cue: str | None = Field(None, description="speech verb, e.g. said")

    @field_validator("id")
    @classmethod
    def _known_candidate(cls, value: str, info: ValidationInfo) -> str:
        ids = _context(info).get("candidate_ids")
        value = value.strip().strip("[]{}").upper()
        if ids is not None and value not in ids:
            raise ValueError(f"{value!r} is not a quote candidate id; use one of {sorted(ids)}")
        return value


class ReportedItem(CompactModel):
    s: int = Field(description="sentence number")
    speaker: str = Field(description="who says it")
    cue: str = Field(description="speech verb as written, e.g. said")

    @field_validator("s")
    @classmethod
    def _known_sentence(cls, value: int, info: ValidationInfo) -> int:
        count = _context(info).get("sentence_count")
        if count is not None and not 1 <= value <= count:
            raise ValueError(f"sentence {value} does not exist; sentences are numbered 1..{count}")
        return value


class EntitiesResponse(CompactModel):
    """Actors, judgements of quote candidates, and reported (indirect) speech."""

    actors: list[ActorItem]
    quotes: list[QuoteJudgement]
    reported: list[ReportedItem]


class NumberItem(CompactModel):
    value: float
    what: str = Field(description="what is counted, e.g. 'drones shot down', 'injured'")


class EventItem(CompactModel):
    s: int = Field(description="sentence number")
    type: EventTypeName
    mode: str | None = Field(None, description="drone, aerial, ground, artillery, ...")
    summary: str = Field(description="one short line")
    agent: str | None = None
    target: str | None = None
    where: list[str] = Field(default_factory=list)
    when: str | None = Field(None, description="time words as written, e.g. Monday")
    numbers: list[NumberItem] = Field(default_factory=list)
    claimed_by: str | None = Field(None, description="who claims it")
    status: StatusName = "asserted"

    @field_validator("s")
    @classmethod
    def _known_sentence(cls, value: int, info: ValidationInfo) -> int:
        return ReportedItem._known_sentence(value, info)


class EventsResponse(CompactModel):
    events: list[EventItem]
