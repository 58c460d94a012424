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
    """Inline ``$defs``; drop inner titles and descriptions (the prompt explains the fields)."""
    defs = schema.get("$defs", {})

    def walk(node: Any) -> Any:
        if isinstance(node, dict):
            if "$ref" in node:
                return walk(defs[node["$ref"].rsplit("/", 1)[-1]])
            return {k: walk(v) for k, v in node.items()
                    if k not in {"title", "$defs", "default", "description"}}
        if isinstance(node, list):
            return [walk(v) for v in node]
        return node

    compact = walk(schema)
    if "title" in schema:
        compact["title"] = schema["title"]
    return compact


def specialise(schema: dict[str, Any], candidate_ids: list[str], sentence_count: int) -> dict[str, Any]:
    """Narrow a compact schema to one article: quote ids and sentence numbers become enums.

    Under grammar-constrained decoding the model then cannot name a quotation or sentence that
    does not exist, nor judge more quotations than were found.
    """
    sentence_enum = list(range(1, max(1, sentence_count) + 1))

    def walk(node: Any, key: str | None = None) -> Any:
        if isinstance(node, list):
            return [walk(v) for v in node]
        if not isinstance(node, dict):
            return node
        out = {k: walk(v, k) for k, v in node.items()}
        props = out.get("properties")
        if isinstance(props, dict):
            if "s" in props:
                props["s"] = {**props["s"], "enum": sentence_enum}
            if "id" in props and "quote" in props:
                props["id"] = {**props["id"], "enum": list(candidate_ids) or ["Q0"]}
        if key == "quotes" and out.get("type") == "array":
            out["maxItems"] = len(candidate_ids)
        if key in ("events", "reported") and out.get("type") == "array":
            out["maxItems"] = max(1, sentence_count)
        return out

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
    what: str = Field(json_schema_extra={"maxLength": 40}, description="what is counted, e.g. 'injured'")


class EventItem(CompactModel):
    """One event; its date, claimant and status are derived from the cited sentence, not asked for.

    Length limits are in the schema (so constrained decoding stops early) but not enforced on
    parse: a hosted model that writes longer text is trimmed later, not re-asked.
    """

    s: int = Field(description="sentence number")
    type: EventTypeName
    mode: str | None = Field(None, json_schema_extra={"maxLength": 12}, description="drone, ground, ...")
    summary: str = Field(json_schema_extra={"maxLength": 80}, description="a few words")
    agent: str | None = Field(None, json_schema_extra={"maxLength": 48})
    target: str | None = Field(None, json_schema_extra={"maxLength": 48})
    where: list[str] = Field(default_factory=list, json_schema_extra={"maxItems": 3})
    numbers: list[NumberItem] = Field(default_factory=list, json_schema_extra={"maxItems": 4})

    @field_validator("s")
    @classmethod
    def _known_sentence(cls, value: int, info: ValidationInfo) -> int:
        return ReportedItem._known_sentence(value, info)


class EventsResponse(CompactModel):
    events: list[EventItem]
