"""Pydantic schemas: what the model fills in (``response``) and what users get (``output``)."""

from schemas.output import (
    SCHEMA_VERSION,
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
    Provenance,
    Quantity,
    Quote,
    QuoteKind,
    Span,
    TokenUsage,
)

__all__ = [
    "SCHEMA_VERSION", "Actor", "ActorType", "Alignment", "Article", "ArticleExtraction", "Casualties",
    "Event", "EventDate", "EventStatus", "EventType", "Participant", "Provenance", "Quantity", "Quote",
    "QuoteKind", "Span", "TokenUsage",
]
