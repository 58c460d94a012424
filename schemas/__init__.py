"""Pydantic schemas: what the model fills in (``response``) and what users get (``output``)."""

from .output import (
    EVENT_TYPE_HINTS,
    SCHEMA_VERSION,
    SECTORS,
    Actor,
    ActorType,
    Alignment,
    Article,
    ArticleExtraction,
    Casualties,
    Event,
    EventDate,
    EventStatus,
    EventType,
    Participant,
    Place,
    Provenance,
    Quantity,
    Quote,
    QuoteKind,
    Span,
    TokenUsage,
)

__all__ = [
    "EVENT_TYPE_HINTS", "SCHEMA_VERSION", "SECTORS", "Actor", "ActorType", "Alignment", "Article",
    "ArticleExtraction", "Casualties", "Event", "EventDate", "EventStatus", "EventType", "Participant", "Place",
    "Provenance", "Quantity", "Quote", "QuoteKind", "Span", "TokenUsage",
]
