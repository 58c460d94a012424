"""Pair gold documents with predictions: read them from a file, or run the extraction with a cache.

The cache key is the document (text, date) and the extractor's own fingerprint (model and its
weights, mode, sampling, prompts, schema version, pipeline options), so a second run over the same
corpus makes no model call and a changed prompt, model or GGUF file is recomputed, never mixed in.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Iterator
from pathlib import Path

from extractor.engine import Extractor
from extractor.errors import ExtractorError
from extractor.evaluation.gold import GoldDocument
from extractor.schemas import Article, ArticleExtraction

Progress = Callable[[GoldDocument, ArticleExtraction | None, str | None], None]


def read_predictions(path: str | Path) -> dict[str, ArticleExtraction]:
    """ArticleExtraction JSON (one object, a list, or JSONL), keyed by article id and by text hash."""
    raw = Path(path).read_text(encoding="utf-8").strip()
    if raw.startswith("["):
        items = json.loads(raw)
    elif raw.startswith("{") and "\n{" not in raw:
        items = [json.loads(raw)]
    else:
        items = [json.loads(line) for line in raw.splitlines() if line.strip()]
    found: dict[str, ArticleExtraction] = {}
    for item in items:
        result = ArticleExtraction.model_validate(item)
        found[result.article.id] = result
        found[Article.content_id(result.article.text)] = result
    return found


def pair_with_predictions(docs: list[GoldDocument], predictions: dict[str, ArticleExtraction]
                          ) -> tuple[list[tuple[GoldDocument, ArticleExtraction]], list[str]]:
    """Gold documents with their prediction (by id, else by text); ids without one are returned."""
    pairs, missing = [], []
    for doc in docs:
        pred = predictions.get(doc.id) or predictions.get(Article.content_id(doc.text))
        if pred is None:
            missing.append(doc.id)
        else:
            pairs.append((doc, pred))
    return pairs, missing


def cache_key(doc: GoldDocument, extractor: Extractor) -> str:
    """The document and everything of the extractor's that changes a result."""
    parts = [doc.text, doc.published or "", json.dumps(extractor.fingerprint(), sort_keys=True)]
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()[:20]


def cache_file(cache_dir: Path, doc: GoldDocument, extractor: Extractor) -> Path:
    """A path inside ``cache_dir`` whatever the document id holds (no separators, no ``..``)."""
    safe = re.sub(r"[^A-Za-z0-9_-]", "_", doc.id)[:80] or "doc"
    return cache_dir / f"{safe}-{cache_key(doc, extractor)}.json"


def run_extraction(docs: list[GoldDocument], extractor: Extractor, cache_dir: Path | None,
                   progress: Progress | None = None, limit: int | None = None
                   ) -> Iterator[tuple[GoldDocument, ArticleExtraction]]:
    """Extract each document (cached results are reused; ``limit`` caps new model runs)."""
    fresh = 0
    for doc in docs:
        path = cache_file(cache_dir, doc, extractor) if cache_dir else None
        if path is not None and path.is_file():
            result = ArticleExtraction.model_validate_json(path.read_text(encoding="utf-8"))
        elif limit is not None and fresh >= limit:
            continue
        else:
            fresh += 1
            try:
                result = extractor.extract(doc.text, published=doc.published, article_id=doc.id)
            except ExtractorError as exc:
                if progress:
                    progress(doc, None, str(exc))
                continue
            if path is not None:
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(result.model_dump_json(), encoding="utf-8")
        if progress:
            progress(doc, result, None)
        yield doc, result
