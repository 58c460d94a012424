"""A compact GBNF grammar for a response schema, for llama.cpp servers.

llama.cpp turns a JSON schema into a grammar whose whitespace rule allows a newline and up to 20
spaces of indentation between tokens, and the small models use it: their answers come back
pretty-printed, a third of the generated tokens being indentation. The grammar written here
accepts the same JSON values written without whitespace between tokens, so every generated token
carries content (measured on a PolNeAR article: 465 tokens pretty-printed, 378 with one space
allowed, 279 with none). It covers what our response schemas use (objects with fixed properties,
enums, arrays with item bounds, strings, numbers, booleans, null, ``anyOf``, local ``$ref``);
anything else raises ``UnsupportedSchema`` and the request keeps the plain JSON schema.
"""

from __future__ import annotations

import json
from typing import Any

from extractor.errors import ExtractorError


class UnsupportedSchema(ExtractorError):
    """The schema uses a construct this compact grammar does not write."""


_PRIMITIVES = {
    "space": "\"\"",
    "string": '"\\"" char* "\\""',
    "char": '[^"\\\\\\x7F\\x00-\\x1F] | "\\\\" (["\\\\/bfnrt] | "u" [0-9a-fA-F]{4})',
    "integer": '"-"? ("0" | [1-9] [0-9]{0,15})',
    "number": '"-"? ("0" | [1-9] [0-9]{0,15}) ("." [0-9]+)? ([eE] [-+]? [0-9]+)?',
    "boolean": '"true" | "false"',
    "null": '"null"',
}


def _literal(value: Any) -> str:
    """A JSON value as a GBNF string literal."""
    text = json.dumps(value, ensure_ascii=False)
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


class _Writer:
    def __init__(self, schema: dict[str, Any]):
        self.defs = {**schema.get("definitions", {}), **schema.get("$defs", {})}
        self.rules: dict[str, str] = {}

    def rule(self, body: str) -> str:
        """A named rule for ``body`` (identical bodies share one name)."""
        for name, existing in self.rules.items():
            if existing == body:
                return name
        name = f"r{len(self.rules) + 1}"
        self.rules[name] = body
        return name

    def value(self, schema: dict[str, Any]) -> str:
        if "$ref" in schema:
            ref = schema["$ref"]
            if not ref.startswith(("#/$defs/", "#/definitions/")) or ref.rsplit("/", 1)[1] not in self.defs:
                raise UnsupportedSchema(f"reference {ref}")
            return self.value(self.defs[ref.rsplit("/", 1)[1]])
        if "const" in schema:
            return _literal(schema["const"])
        if "enum" in schema:
            return self.rule(" | ".join(_literal(v) for v in schema["enum"]))
        for key in ("anyOf", "oneOf"):
            if key in schema:
                return self.rule(" | ".join(self.value(option) for option in schema[key]))
        kind = schema.get("type")
        if isinstance(kind, list):
            return self.rule(" | ".join(self.value({**schema, "type": k}) for k in kind))
        if kind == "object" or (kind is None and "properties" in schema):
            return self.object(schema)
        if kind == "array":
            return self.array(schema)
        if kind in _PRIMITIVES:
            return kind
        raise UnsupportedSchema(f"type {kind!r}")

    def object(self, schema: dict[str, Any]) -> str:
        properties: dict[str, Any] = schema.get("properties") or {}
        if not properties:
            if schema.get("additionalProperties", True) not in (False, None) and "properties" not in schema:
                raise UnsupportedSchema("an object with free-form properties")
            return self.rule('"{" space "}"')
        required = set(schema.get("required", []))
        names = list(properties)
        first_required = next((i for i, name in enumerate(names) if name in required), len(names))
        parts = []
        for index, name in enumerate(names):
            pair = f'{_literal(name)} space ":" space {self.value(properties[name])}'
            separator = "" if index == 0 else '"," space '
            mandatory = name in required or index <= first_required
            parts.append(f"{separator}{pair}" if mandatory else f"({separator}{pair})?")
        return self.rule('"{" space ' + " ".join(parts) + ' space "}"')

    def array(self, schema: dict[str, Any]) -> str:
        item = self.value(schema.get("items", {"type": "string"}))
        low, high = int(schema.get("minItems", 0)), schema.get("maxItems")
        if high is not None and int(high) == 0:
            return self.rule('"[" space "]"')
        more_low = max(low - 1, 0)
        more = f"{{{more_low},{int(high) - 1}}}" if high is not None else ("*" if more_low == 0 else f"{{{more_low},}}")
        items = f'{item} ("," space {item}){more}'
        return self.rule(f'"[" space {items if low > 0 else f"({items})?"} space "]"')


def compact_grammar(schema: dict[str, Any]) -> str:
    """The GBNF grammar of ``schema`` with no room for indentation (see the module docstring)."""
    writer = _Writer(schema)
    root = writer.value(schema)
    lines = [f"root ::= {root}"]
    lines += [f"{name} ::= {body}" for name, body in writer.rules.items()]
    lines += [f"{name} ::= {body}" for name, body in _PRIMITIVES.items()]
    return "\n".join(lines) + "\n"
