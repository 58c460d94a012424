"""Offsets as the exports and the review page use them: which spans can be trusted, and which
mention of an actor stands for it near a given place in the text."""

from __future__ import annotations

from extractor.schemas import Actor, Span


def anchored(text: str, span: Span | None) -> bool:
    """The span's text is exactly what its offsets cover in the article (a hand-edited result may
    not be): only such spans are highlighted or exported as annotations."""
    return span is not None and 0 <= span.start < span.end <= len(text) and text[span.start:span.end] == span.text


def nearest_mention(text: str, actor: Actor | None, start: int, end: int) -> Span | None:
    """The actor's anchored mention that best stands for it at ``[start, end)``: one inside the
    range before one outside, one that shares a word with the actor's name ("Russia", not the
    adjective "Russian") before one that does not, then the closest."""
    if actor is None:
        return None
    name_words = set(actor.name.lower().split())

    def rank(mention: Span) -> tuple[int, int, int]:
        inside = start <= mention.start and mention.end <= end
        named = bool(name_words & set(mention.text.lower().split()))
        distance = 0 if inside else min(abs(mention.start - end), abs(start - mention.end))
        return (not inside, not named, distance)

    mentions = [m for m in actor.mentions if anchored(text, m)]
    return min(mentions, key=rank) if mentions else None
