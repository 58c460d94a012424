"""Whether an event is asserted, claimed by a side, unconfirmed or denied, from its sentence's wording."""

from __future__ import annotations

import re

from extractor.schemas import EventStatus

_UNCONFIRMED = re.compile(r"\b(?:(?:did|does|do|could|can|has|have|had|would)\s?n[o’']t\s+(?:\w+\s+)?"
                          r"(?:confirm|verify)|unconfirmed|not\s+(?:been\s+)?(?:independently\s+)?"
                          r"(?:confirmed|verified))", re.I)
_DENIED = re.compile(r"\b(?:denied|denies|deny|rejected the (?:claim|report)s?)\b", re.I)


def event_status(sentence: str, claimed_by: str | None) -> EventStatus:
    """Unconfirmed / denied from the sentence's wording; claimed when a side is the source."""
    if _UNCONFIRMED.search(sentence):
        return EventStatus.UNCONFIRMED
    if _DENIED.search(sentence):
        return EventStatus.DENIED
    return EventStatus.CLAIMED if claimed_by else EventStatus.ASSERTED
