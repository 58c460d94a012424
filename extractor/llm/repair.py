"""Recover the complete items of a JSON answer cut off by the token limit.

Under grammar-constrained decoding a truncated answer is a prefix of a valid document, so cutting
back to the last complete value and closing the open brackets gives a valid, smaller answer.
"""

from __future__ import annotations

import json
from typing import Any


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
