"""The output model's JSON Schema, as committed in ``schemas/article_extraction.schema.json``."""

from __future__ import annotations

import json
from importlib.resources import files

from extractor.schemas import ArticleExtraction

SCHEMA_FILE = "article_extraction.schema.json"


def output_schema_json() -> str:
    return json.dumps(ArticleExtraction.model_json_schema(), indent=2, ensure_ascii=False) + "\n"


def committed_schema_json() -> str:
    return (files("schemas") / SCHEMA_FILE).read_text("utf-8")
