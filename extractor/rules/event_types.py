"""How an attack was carried out (drone, missile, artillery, ...), from the words of its sentence.

The event's type itself comes from its trigger (``extractor.linguistic.lexicon.EVENT_TRIGGERS``)
and the model's choice among the trigger's types.
"""

from __future__ import annotations

import re

_MODES = [("drone", r"\bdrones?\b|\bUAVs?\b"), ("missile", r"\bmissiles?\b|\brockets?\b"),
          ("artillery", r"\bartillery\b|\bshell(?:s|ing|ed)\b|\bmortars?\b"),
          ("aerial", r"\bair ?strikes?\b|\bwarplanes?\b|\bbomb(?:s|ing|ed|er|ers)\b|\baircraft\b"),
          ("naval", r"\bnav(?:y|al)\b|\bwarships?\b"),
          ("ground", r"\btroops\b|\btanks?\b|\bground (?:forces|offensive|assault)\b|\binfantry\b")]
_MODE_PATTERNS = [(mode, re.compile(pattern, re.I)) for mode, pattern in _MODES]


def event_mode(sentence: str) -> str | None:
    """How an attack was carried out, from the first weapon word of its sentence (drone, missile, ...)."""
    found = [(match.start(), mode) for mode, pattern in _MODE_PATTERNS if (match := pattern.search(sentence))]
    return min(found)[1] if found else None
