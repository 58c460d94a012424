"""Model-facing response models: compact, offset-free, with short descriptions (they cost tokens).

The model never copies quotations: it judges candidates found deterministically (by id ``Q3``) and
points at numbered sentences (``s``). Validators check those references against the article held
in the validation context, so instructor can re-ask with the precise error.
"""

from __future__ import annotations

import copy
import weakref
from typing import Any, Literal

from pydantic import BaseModel, Field, ValidationInfo, field_validator, model_validator

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


def specialise(schema: dict[str, Any], candidate_ids: list[str], sentence_numbers: list[int]) -> dict[str, Any]:
    """Narrow a compact schema to one article: quote ids and sentence numbers become enums.

    Under grammar-constrained decoding the model then cannot name a quotation or sentence that
    does not exist, and judges exactly as many quotations as were found.
    """
    sentence_enum = sorted(sentence_numbers) or [1]

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
            out["minItems"] = out["maxItems"] = len(candidate_ids)
        if key in ("events", "reported") and out.get("type") == "array":
            out["maxItems"] = max(1, len(sentence_enum))
        return out

    return walk(schema)


_SCHEMAS: weakref.WeakKeyDictionary[type, dict[str, Any]] = weakref.WeakKeyDictionary()


class CompactModel(BaseModel):
    """A response model whose JSON schema is inlined and title-free."""

    @classmethod
    def model_json_schema(cls, *args: Any, **kwargs: Any) -> dict[str, Any]:  # type: ignore[override]
        """Computed once per class (pydantic takes milliseconds, asked twice per request) and copied;
        weakly keyed, so the classes instructor derives per request are not kept alive."""
        if args or kwargs:
            return compact_schema(super().model_json_schema(*args, **kwargs))
        if cls not in _SCHEMAS:
            _SCHEMAS[cls] = compact_schema(super().model_json_schema())
        return copy.deepcopy(_SCHEMAS[cls])


def _context(info: ValidationInfo) -> dict[str, Any]:
    return info.context or {}


class ActorItem(CompactModel):
    name: str = Field(description="full name as written, no title")
    type: ActorTypeName
    title: str | None = Field(None, description="title/role, e.g. 'Kherson Governor'")

    @field_validator("name")
    @classmethod
    def _named_in_article(cls, value: str, info: ValidationInfo) -> str:
        context = _context(info)
        if context.get("strict") and context.get("article_text") is not None:
            from extractor.grounding.align import normalise

            if normalise(value)[0] not in normalise(context["article_text"])[0]:
                raise ValueError(f"actor {value!r} does not occur in the article; copy names exactly as written")
        return value


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
        numbers = _context(info).get("sentence_numbers")
        if numbers is not None and value not in numbers:
            raise ValueError(f"sentence {value} is not in the text; use one of {min(numbers)}..{max(numbers)}")
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

    @model_validator(mode="after")
    def _numbers_in_evidence(self, info: ValidationInfo) -> "EventItem":
        context = _context(info)
        sentence = (context.get("sentences") or {}).get(self.s)
        if context.get("strict") and sentence is not None:
            from extractor.grounding.numbers import find_number

            for number in self.numbers:
                if find_number(number.value, sentence) is None:
                    raise ValueError(f"number {number.value:g} ({number.what}) is not written in sentence "
                                     f"{self.s}: {sentence!r}; report only numbers the sentence contains")
        return self


class EventsResponse(CompactModel):
    events: list[EventItem]
