"""Model-facing response models: compact, offset-free, with short descriptions (they cost tokens).

The model never copies quotations: it judges candidates found deterministically (by id ``Q3``) and
points at numbered sentences (``s``). Validators check those references against a
``GroundingContext`` (the chunk the answer is about), so instructor can re-ask with the precise error.
"""

from __future__ import annotations

import copy
import weakref
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any, Literal, Protocol

from pydantic import BaseModel, Field, ValidationInfo, field_validator

from .output import ActorType, EventType

NO_EVENT = "NONE"
NO_SPEAKER = "NONE"
"""The answer to "who said this quotation?" when no listed actor did."""
if TYPE_CHECKING:  # the closed lists are built from the enums at run time; a checker sees strings
    ActorTypeName = str
    EventLabelName = str
else:
    ActorTypeName = Literal[tuple(t.value for t in ActorType)]
    EventLabelName = Literal[(*(t.value for t in EventType), NO_EVENT)]


class GroundingContext(Protocol):
    """What the validators check an answer against: the chunk of the article it answers.

    The extractor builds one per model call (``extractor.grounding.context``); this package only
    states what it must provide, so the schemas depend on nothing of the extractor's.
    """

    @property
    def strict(self) -> bool:
        """Also reject answers that parse but do not ground (names not in the text), so that
        instructor re-asks with the reason."""

    @property
    def quote_ids(self) -> frozenset[str]: ...

    @property
    def actor_ids(self) -> frozenset[str]: ...

    @property
    def event_ids(self) -> frozenset[str]: ...

    @property
    def sentences(self) -> Mapping[int, str]:
        """The chunk's sentences by their article-wide number."""

    def name_in_article(self, name: str) -> bool: ...

    def relaxed(self) -> "GroundingContext": ...


_ACTIVE: ContextVar[GroundingContext | None] = ContextVar("grounding_context", default=None)


@contextmanager
def grounded_by(context: GroundingContext) -> Iterator[None]:
    """Validate the answers parsed inside this block against ``context``.

    Instructor is never given a validation ``context``: it would then render every message as a
    Jinja template, and article text containing ``{{``, ``{%`` or ``{#`` would be changed or fail.
    A context variable reaches the validators instead (per thread and per asyncio task).
    """
    token = _ACTIVE.set(context)
    try:
        yield
    finally:
        _ACTIVE.reset(token)


def _grounding(info: ValidationInfo) -> GroundingContext | None:
    """The context passed to ``model_validate`` if any, else the one active in this block."""
    return info.context if info.context is not None else _ACTIVE.get()


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


_SCHEMAS: weakref.WeakKeyDictionary[type, dict[str, Any]] = weakref.WeakKeyDictionary()


class CompactModel(BaseModel):
    """A response model whose JSON schema is inlined and title-free."""

    @classmethod
    def model_json_schema(cls, *args: Any, **kwargs: Any) -> dict[str, Any]:
        """Computed once per class (pydantic takes milliseconds, asked twice per request) and copied;
        weakly keyed, so the classes instructor derives per request are not kept alive."""
        if args or kwargs:
            return compact_schema(super().model_json_schema(*args, **kwargs))
        if cls not in _SCHEMAS:
            _SCHEMAS[cls] = compact_schema(super().model_json_schema())
        return copy.deepcopy(_SCHEMAS[cls])


def _known(value: str, ids: frozenset[str], what: str) -> str:
    """An id from the closed list (case and brackets forgiven), else a precise error to re-ask with."""
    value = value.strip().strip("[]{}").upper()
    if value not in ids:
        raise ValueError(f"{value!r} is not {what}; use one of {sorted(ids)}")
    return value


class OtherActor(CompactModel):
    name: str = Field(description="name as written, no title")
    type: ActorTypeName
    title: str | None = None

    @field_validator("name")
    @classmethod
    def _named_in_article(cls, value: str, info: ValidationInfo) -> str:
        context = _grounding(info)
        if context is not None and context.strict and not context.name_in_article(value):
            raise ValueError(f"actor {value!r} does not occur in the article; copy names exactly as written")
        return value


class QuoteJudgement(CompactModel):
    id: str = Field(description="candidate id, e.g. Q1")
    quote: bool = Field(description="true if words someone said or wrote; false for scare quotes, titles, names")

    @field_validator("id")
    @classmethod
    def _known_candidate(cls, value: str, info: ValidationInfo) -> str:
        context = _grounding(info)
        if context is None:
            return value.strip().strip("[]{}").upper()
        return _known(value, context.quote_ids, "a quote candidate id")


class ReportedItem(CompactModel):
    s: int = Field(description="sentence number")
    speaker: str = Field(description="who says it")
    cue: str = Field(description="speech verb as written, e.g. said")

    @field_validator("s")
    @classmethod
    def _known_sentence(cls, value: int, info: ValidationInfo) -> int:
        context = _grounding(info)
        if context is not None and value not in context.sentences:
            raise ValueError(f"sentence {value} is not in the text; use one of "
                             f"{min(context.sentences)}..{max(context.sentences)}")
        return value


class EntitiesResponse(CompactModel):
    """A type for each listed actor (by id), actors the list misses, judgements of quote
    candidates, who said each quotation the rules cannot attribute (a listed actor's id or NONE),
    and reported (indirect) speech."""

    actors: dict[str, ActorTypeName] = Field(description="listed actor id -> type")
    other: list[OtherActor] = Field(json_schema_extra={"maxItems": 4})
    quotes: list[QuoteJudgement]
    speakers: dict[str, str] = Field(description="quotation id no attribution names -> listed actor id or NONE")
    reported: list[ReportedItem]

    @field_validator("speakers")
    @classmethod
    def _listed_speakers(cls, value: dict[str, str], info: ValidationInfo) -> dict[str, str]:
        context = _grounding(info)
        if context is None:
            return value
        return {_known(k, context.quote_ids, "a quote candidate id"):
                NO_SPEAKER if v.strip().upper() == NO_SPEAKER else _known(v, context.actor_ids, "a listed actor id")
                for k, v in value.items()}

    @field_validator("actors")
    @classmethod
    def _listed_actors(cls, value: dict[str, str], info: ValidationInfo) -> dict[str, str]:
        context = _grounding(info)
        return {_known(k, context.actor_ids, "a listed actor id") if context else k: v for k, v in value.items()}


class EventsResponse(CompactModel):
    """For each marked word (by id), the event type it reports, or NONE. Roles, date, place,
    numbers, claimant and status come from the parse and the rules, not from the model."""

    events: dict[str, EventLabelName] = Field(description="event mark -> type or NONE")

    @field_validator("events")
    @classmethod
    def _marked(cls, value: dict[str, str], info: ValidationInfo) -> dict[str, str]:
        context = _grounding(info)
        return {_known(k, context.event_ids, "a marked event id") if context else k: v for k, v in value.items()}
