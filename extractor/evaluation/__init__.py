"""Evaluation: load human-annotated news (PolNeAR, WikiEvents, our own format) and score output."""

from extractor.evaluation.gold import GoldActor, GoldDocument, GoldEvent, GoldQuote
from extractor.evaluation.loaders import load_gold
from extractor.evaluation.scoring import Report, score_documents

__all__ = ["GoldActor", "GoldDocument", "GoldEvent", "GoldQuote", "Report", "load_gold", "score_documents"]
