"""Who a speaker or claimant name points to among the article's actors."""

from __future__ import annotations

from extractor.rules.actors import ActorRegistry

PRONOUNS = frozenset({"he", "she"})


def speaker_id(registry: ActorRegistry, speaker: str | None, offset: int, create: bool = True) -> str | None:
    """Resolve a speaker name; "he"/"she" become the person of that gender (or unknown gender)
    mentioned last before ``offset``.
    With ``create=False`` a phrase only points to a known actor and never founds one."""
    if speaker and speaker.strip().lower() in PRONOUNS:
        return registry.resolve_pronoun(offset, speaker)
    return registry.resolve(speaker, create=create)
