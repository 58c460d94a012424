"""The committed JSON Schema of the output model matches the pydantic model."""

import json

from extractor.output.schema_file import committed_schema_json, output_schema_json


def test_committed_schema_is_in_sync() -> None:
    assert json.loads(committed_schema_json()) == json.loads(output_schema_json()), \
        "schemas/article_extraction.schema.json is stale: run `extractor schema -o schemas/article_extraction.schema.json`"


def test_schema_describes_spans_and_provenance() -> None:
    schema = json.loads(committed_schema_json())
    assert {"article", "actors", "events", "quotes", "warnings", "provenance"} <= set(schema["properties"])
    assert {"start", "end", "text", "alignment"} <= set(schema["$defs"]["Span"]["properties"])
