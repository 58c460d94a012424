"""Recover what is usable from an answer that failed validation or was cut off.

Under grammar-constrained decoding a truncated answer is a prefix of a valid document, so cutting
back to the last complete value and closing the open brackets gives a valid, smaller answer. An
answer that parses but fails the grounding checks keeps the items that validate on their own.
"""

from __future__ import annotations

import json
from typing import Any

from pydantic import BaseModel

from extractor.schemas.response import GroundingContext


def _closers(prefix: str) -> str | None:
    """The brackets that close ``prefix``; ``None`` when it ends inside a string."""
    stack: list[str] = []
    in_string = escaped = False
    for ch in prefix:
        if in_string:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
        elif ch == '"':
            in_string = True
        elif ch in "[{":
            stack.append("]" if ch == "[" else "}")
        elif ch in "]}" and stack:
            stack.pop()
    return None if in_string else "".join(reversed(stack))


def repair_truncated(text: str) -> Any | None:
    """The longest prefix of ``text`` ending at a complete object or array, closed and parsed."""
    try:
        return json.loads(text)
    except ValueError:
        pass
    for cut in range(len(text) - 1, -1, -1):
        if text[cut] not in "}]":
            continue
        prefix = text[:cut + 1]
        closers = _closers(prefix)
        if closers is None:
            continue
        try:
            return json.loads(prefix + closers)
        except ValueError:
            continue
    return None


def salvage(completion: Any, response_model: type[BaseModel], grounding: GroundingContext) -> BaseModel | None:
    """The last answer of a failed re-ask loop, validated without the grounding checks; an answer
    cut off by the token limit keeps its complete items."""
    if completion is None:
        return None
    try:
        message = completion.choices[0].message
        content = message.tool_calls[0].function.arguments if message.tool_calls else message.content
    except (AttributeError, IndexError, TypeError):
        return None
    data = repair_truncated(content or "")
    if not isinstance(data, dict):
        return None
    relaxed = grounding.relaxed()
    for name, info in response_model.model_fields.items():
        origin = getattr(info.annotation, "__origin__", None)
        if origin is list:
            data[name] = valid_items(data.get(name), getattr(info.annotation, "__args__")[0], relaxed)
        elif origin is dict:
            data[name] = valid_entries(data.get(name), response_model, name, relaxed)
    try:
        return response_model.model_validate(data, context=relaxed)
    except ValueError:
        return None


def valid_items(items: Any, item_model: Any, grounding: GroundingContext) -> list[Any]:
    """The items of a list field that validate on their own: one bad item does not sink the rest."""
    if not isinstance(items, list):
        return []
    if not (isinstance(item_model, type) and issubclass(item_model, BaseModel)):
        return items
    kept = []
    for item in items:
        try:
            kept.append(item_model.model_validate(item, context=grounding).model_dump())
        except ValueError:
            continue
    return kept


def valid_entries(entries: Any, response_model: type[BaseModel], field: str, grounding: GroundingContext) -> dict:
    """The entries of an id -> label map that validate on their own (a known id, a label of the enum)."""
    if not isinstance(entries, dict):
        return {}
    empty: dict[str, Any] = {name: ({} if getattr(info.annotation, "__origin__", None) is dict else [])
             for name, info in response_model.model_fields.items()}
    kept = {}
    for key, value in entries.items():
        try:
            response_model.model_validate({**empty, field: {key: value}}, context=grounding)
        except ValueError:
            continue
        kept[key] = value
    return kept
