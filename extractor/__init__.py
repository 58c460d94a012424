"""news-extractor: grounded events, actors and quotes from news articles.

>>> from extractor import extract
>>> result = extract(text, published="2025-01-07")   # doctest: +SKIP
>>> summary = extract_many(["archive.jsonl"], "out/run")   # doctest: +SKIP
>>> extract_dataset(ray.data.read_parquet("articles/")).write_parquet("out/")   # doctest: +SKIP
>>> Run("out/run").actor("Zelenskyy").quotes()   # doctest: +SKIP
"""

from importlib.metadata import PackageNotFoundError, version
from typing import TYPE_CHECKING

from extractor.call.endpoint import Endpoint, resolve_endpoint
from extractor.engine import Extractor, aextract, extract
from extractor.errors import (
    ArchiveLookupError,
    ConfigError,
    DataError,
    ExtractionError,
    ExtractorError,
    InputError,
    ModelError,
    ModelStepError,
    ServerError,
)
from extractor.input.article import make_article, read_article_file
from extractor.plan.options import PipelineOptions
from extractor.schemas import ArticleExtraction

if TYPE_CHECKING:
    from extractor.archive.queries import Run
    from extractor.batch import BatchOptions, aextract_many, extract_many
    from extractor.batch.ray_engine import extract_dataset

__all__ = [
    "ArchiveLookupError", "ArticleExtraction", "BatchOptions", "ConfigError", "DataError", "Endpoint",
    "ExtractionError", "Extractor", "ExtractorError", "InputError", "ModelError", "ModelStepError",
    "PipelineOptions", "Run", "ServerError", "aextract", "aextract_many", "extract", "extract_dataset",
    "extract_many", "make_article", "read_article_file", "resolve_endpoint",
]
try:
    __version__ = version("news-extractor")
except PackageNotFoundError:  # a source tree on sys.path without an install
    __version__ = "0+unknown"
_BATCH = {"extract_many", "aextract_many", "BatchOptions"}


def __getattr__(name: str) -> object:
    """The batch API is imported on first use (it loads pyarrow, which single-article users never need)."""
    if name in _BATCH:
        from extractor import batch

        return getattr(batch, name)
    if name == "extract_dataset":
        from extractor.batch.ray_engine import extract_dataset

        return extract_dataset
    if name == "Run":
        from extractor.archive.queries import Run

        return Run
    raise AttributeError(f"module 'extractor' has no attribute {name!r}")
