"""news-extractor: grounded events, actors and quotes from news articles.

>>> from extractor import extract
>>> result = extract(text, published="2025-01-07")   # doctest: +SKIP
"""

from extractor.inputs import InputError, make_article, read_article_file
from extractor.llm.client import ModelConfig, resolve_config
from extractor.pipeline import ExtractionError, Extractor, aextract, extract
from schemas import ArticleExtraction

__all__ = ["ArticleExtraction", "ExtractionError", "Extractor", "InputError", "ModelConfig", "aextract",
           "extract", "make_article", "read_article_file", "resolve_config"]
__version__ = "0.1.0"
