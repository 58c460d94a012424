"""A keyword check on the model's PLOVER event type, from the words of the cited sentence.

Small models over-use a few types. When the sentence has none of the cues of the type the model
chose but clear cues of another, the other type is taken; otherwise the model's choice stands.
"""

from __future__ import annotations

import re

from extractor.schemas import EVENT_TYPE_HINTS, EventType

CUES: dict[EventType, str] = {
    EventType.ASSAULT: r"shot down|shoot down|destroy|attack|strike|struck|shell|bomb|fighting|fought|captur|"
                       r"kill|injur|wound|casualt|offensive|raid|clash|fire[ds]? on|intercept|assault",
    EventType.COERCE: r"arrest|detain|blockad|seiz|confiscat|expel|deport|ban(?:ned|s)?\b|curfew|crackdown",
    EventType.MOBILIZE: r"deploy|mobiliz|mobilis|troops? (?:build|mass)|reinforce|put on alert|called up",
    EventType.THREATEN: r"threat|ultimatum|warn",
    EventType.SANCTION: r"sanction|embargo|boycott|tariff",
    EventType.PROTEST: r"protest|demonstrat|rall(?:y|ied)|march(?:ed|es)? |strike by workers",
    EventType.REJECT: r"reject|refus|den(?:y|ied|ies)|veto",
    EventType.ACCUSE: r"accus|blame|condemn|criticiz|criticis",
    EventType.REQUEST: r"call(?:ed|s)? (?:on|for)|urg|appeal|demand|request|ask(?:ed|s)? for",
    EventType.RETREAT: r"withdr[ae]w|retreat|pull(?:ed)? (?:out|back)|release[ds]? (?:prisoners|hostages)",
    EventType.AID: r"\baid\b|humanitarian|donat|supplies of|supply|deliver",
    EventType.COOPERATE: r"cooperat|joint|alliance|partnership",
    EventType.CONCEDE: r"concede|apolog|ceasefire|cease-fire|compromise",
    EventType.SUPPORT: r"support|back(?:ed|s|ing)\b|endors|prais",
    EventType.CONSULT: r"\bmet\b|meeting|meet|talks|visit|call(?:ed)? with|summit|negotiat|address",
    EventType.AGREE: r"agree|accord|deal|treaty|sign(?:ed)?",
}
_COMPILED = {kind: re.compile(pattern, re.I) for kind, pattern in CUES.items()}


_BY_PRIORITY = [(kind, _COMPILED[kind]) for kind in EVENT_TYPE_HINTS if kind in _COMPILED]


def check_type(model_type: EventType, sentence: str) -> EventType:
    """The model's type if the sentence supports it (or supports nothing), else the most specific
    supported one (in ``EVENT_TYPE_HINTS`` order)."""
    if model_type in _COMPILED and _COMPILED[model_type].search(sentence):
        return model_type
    for kind, pattern in _BY_PRIORITY:
        if pattern.search(sentence):
            return kind
    return model_type


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
