"""Output models: what users receive. Every item carries character offsets into ``Article.text``."""

from __future__ import annotations

import hashlib
from datetime import date
from enum import Enum
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

SCHEMA_VERSION = "3.0"


class ActorType(str, Enum):
    PERSON = "PERSON"
    ORGANIZATION = "ORGANIZATION"
    GOVERNMENT = "GOVERNMENT"
    MILITARY = "MILITARY"
    COUNTRY = "COUNTRY"
    ARMED_GROUP = "ARMED_GROUP"
    MEDIA = "MEDIA"
    OTHER = "OTHER"


class EventType(str, Enum):
    """PLOVER event types, plus OTHER for what none of them covers."""

    AGREE = "AGREE"
    CONSULT = "CONSULT"
    SUPPORT = "SUPPORT"
    CONCEDE = "CONCEDE"
    COOPERATE = "COOPERATE"
    AID = "AID"
    RETREAT = "RETREAT"
    REQUEST = "REQUEST"
    ACCUSE = "ACCUSE"
    REJECT = "REJECT"
    THREATEN = "THREATEN"
    PROTEST = "PROTEST"
    SANCTION = "SANCTION"
    MOBILIZE = "MOBILIZE"
    COERCE = "COERCE"
    ASSAULT = "ASSAULT"
    OTHER = "OTHER"


EVENT_TYPE_HINTS: dict[EventType, str] = {
    EventType.ASSAULT: "attack, strike, shelling, fighting, capture, shooting down",
    EventType.COERCE: "arrest, detention, charges, blockade, seizure",
    EventType.MOBILIZE: "deployment, alert",
    EventType.THREATEN: "a threat or an ultimatum",
    EventType.SANCTION: "sanctions, embargo, boycott",
    EventType.PROTEST: "protest, demonstration, workers' strike",
    EventType.REJECT: "refusal, rejection, denial",
    EventType.ACCUSE: "accusing, blaming or criticising someone",
    EventType.REQUEST: "asking or demanding that someone act",
    EventType.RETREAT: "withdrawal, evacuation",
    EventType.AID: "aid, supplies, treatment",
    EventType.COOPERATE: "cooperation, alliance",
    EventType.CONCEDE: "concession, ceasefire, release of prisoners, apology",
    EventType.SUPPORT: "praise, endorsement, backing",
    EventType.CONSULT: "meeting, visit, call, talks",
    EventType.AGREE: "agreement, deal, treaty",
    EventType.OTHER: "",
}
"""Every event type, most specific first, with the examples the prompt gives: the order in which
the prompt lists the types and the type check tries their cues."""
if set(EVENT_TYPE_HINTS) != set(EventType):
    raise AssertionError("EVENT_TYPE_HINTS must name every EventType once")


class EventStatus(str, Enum):
    ASSERTED = "asserted"
    CLAIMED = "claimed"
    DENIED = "denied"
    UNCONFIRMED = "unconfirmed"


class QuoteKind(str, Enum):
    DIRECT = "direct"
    INDIRECT = "indirect"
    MIXED = "mixed"


class Alignment(str, Enum):
    """How a span was located in the article text."""

    EXACT = "exact"
    NORMALISED = "normalised"
    FUZZY = "fuzzy"
    DETECTED = "detected"


class Span(BaseModel):
    """A half-open character range ``[start, end)`` of ``Article.text`` and the text it covers."""

    start: int = Field(ge=0)
    end: int = Field(ge=0)
    text: str
    alignment: Alignment = Alignment.EXACT

    @model_validator(mode="after")
    def _ordered(self) -> "Span":
        if self.end < self.start:
            raise ValueError(f"span end {self.end} is before start {self.start}")
        return self


class Article(BaseModel):
    """The article as analysed. ``text`` is the body the offsets refer to (header removed)."""

    id: str
    text: str
    published: date | None = None
    title: str | None = None
    source: str | None = None
    url: str | None = None
    body_offset: int = Field(0, description="Offset of text[0] in the raw input (a removed header's length).")

    @staticmethod
    def content_id(text: str) -> str:
        return "art_" + hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:16]


SECTORS: dict[str, str] = {
    "GOV": "government: executive, ministries, officials, diplomats",
    "MIL": "military: armed forces, their commanders and units",
    "COP": "police and internal security forces",
    "JUD": "judiciary: courts, judges, prosecutors",
    "LEG": "legislature: parliament, congress, lawmakers",
    "PTY": "political party",
    "REB": "rebels, insurgents, militants, armed groups",
    "OPP": "political opposition, dissidents, activists, protesters",
    "MED": "media: news organisations, journalists",
    "BUS": "business: companies, banks, executives",
    "IGO": "intergovernmental organisation: the UN, NATO, the EU and the like",
    "NGO": "non-governmental organisation, charity",
    "REL": "religious: churches, clergy",
    "EDU": "education and research: universities, scholars",
    "HLH": "health: hospitals, doctors, health agencies",
    "CVL": "civilians: residents, the public",
    "CRM": "criminals, gangs, cyber criminals",
}
"""The sector codes an actor can carry (PLOVER/CAMEO-style agent types): the one table, which the
README prints and ``extractor.rules.codes`` decides from."""


class Place(BaseModel):
    """A place named in the article, geocoded against the offline gazetteer (GeoNames); one that
    cannot be resolved keeps its name and span, with null ids and coordinates."""

    name: str = Field(description="The place name as written: exactly article.text[span.start:span.end].")
    span: Span
    geonames_id: int | None = None
    country: str | None = Field(None, description="ISO 3166-1 alpha-3 of the country the place is in.")
    admin1: str | None = Field(None, description="First-level region: ISO 3166-2 ('UA-63'), else GeoNames' code.")
    lat: float | None = None
    lon: float | None = None
    feature: str | None = Field(None, description="city, region, country, continent or facility.")


class Actor(BaseModel):
    id: str
    name: str = Field(description="Canonical name, the fullest form used in the article, without titles.")
    type: ActorType
    title: str | None = Field(None, description="Title or role, e.g. 'Kherson Governor'.")
    country: str | None = Field(None, description="ISO 3166-1 alpha-3 of the actor's country, if its name, title or "
                                                  "nationality says it ('U.S. Secretary of State' -> USA).")
    sector: str | None = Field(None, description="Sector code (SECTORS): GOV, MIL, COP, JUD, REB, MED, IGO, ...")
    aliases: list[str] = Field(default_factory=list)
    mentions: list[Span] = Field(default_factory=list)


PARTICIPANT_ROLES: tuple[str, ...] = ("agent", "target", "victim", "instrument", "place")
"""The roles an event participant can have (the assembly writes agent, target, victim and
instrument; place comes from annotators, and the exports offer them all)."""


class Participant(BaseModel):
    """One phrase in a role of the event, as the field records it (PLOVER's source and target,
    KAIROS arguments): the phrase as written, and the actor it names or refers to when there is one
    ("three people" and "a gunman" are participants without an actor)."""

    role: str = Field(description="agent, target, victim or instrument.")
    text: str = Field("", description="The phrase as written: exactly article.text[span.start:span.end].")
    span: Span | None = Field(None, description="The noun phrase (without its relative clauses).")
    head: Span | None = Field(None, description="The phrase's head word.")
    actor_id: str | None = Field(None, description="The actor the phrase names or refers to (a pronoun, 'the "
                                                    "ministry'), if any.")


class Quantity(BaseModel):
    value: float
    counts: str | None = Field(None, description="What is counted, e.g. 'drones shot down'.")
    text: str | None = Field(None, description="The number as written in the evidence.")


class Casualties(BaseModel):
    killed: int | None = None
    injured: int | None = None


class EventDate(BaseModel):
    value: date | None = Field(None, description="Resolved ISO date; null when it cannot be resolved.")
    precision: Literal["day", "week", "month", "year"] | None = None
    expression: str = Field(description="The time expression as written in the article.")
    span: Span | None = None


class Event(BaseModel):
    id: str
    type: EventType
    mode: str | None = Field(None, description="drone, aerial, ground, artillery, naval, cyber, ...")
    summary: str
    evidence: Span
    trigger: Span | None = Field(None, description="The word(s) that express the event, e.g. 'shot down'.")
    mentions: list[Span] = Field(default_factory=list, description=(
        "Every trigger of this one happening in the article, the first being 'trigger' (\"the attacks "
        "injured one person\" is one event with the mentions 'attacks' and 'injured')."))
    date: EventDate | None = None
    locations: list[Place] = Field(default_factory=list, description="The places named where the event is said to "
                                                                     "have happened, geocoded.")
    participants: list[Participant] = Field(default_factory=list)
    quantities: list[Quantity] = Field(default_factory=list)
    casualties: Casualties | None = None
    claimed_by: str | None = Field(None, description="Actor id of the side that claims the event.")
    status: EventStatus = EventStatus.ASSERTED


class Quote(BaseModel):
    id: str
    text: str = Field(description="Exactly article.text[span.start:span.end].")
    kind: QuoteKind
    speaker: str | None = Field(None, description="Actor id of the speaker.")
    speaker_name: str | None = Field(None, description="The speaker actor's canonical name; the name as the "
                                                        "attribution gives it when no actor matches.")
    cue: str | None = None
    span: Span
    statement: str | None = Field(None, description="Statement id: the fragments of one statement by one speaker "
                                                     "(a quotation split by its attribution, a reported statement "
                                                     "and the quotation inside it) share it.")


class TokenUsage(BaseModel):
    """Tokens and, where the server reports them (llama.cpp), its own timings, summed over calls."""

    prompt_tokens: int = 0
    completion_tokens: int = 0
    calls: int = 0
    cached_tokens: int = Field(0, description="Prompt tokens the server reused from its prompt cache.")
    prompt_ms: float = Field(0.0, description="Server time evaluating the prompt (llama.cpp timings).")
    generation_ms: float = Field(0.0, description="Server time generating, grammar sampling included.")

    def add(self, prompt: int, completion: int, *, cached: int = 0, prompt_ms: float = 0.0,
            generation_ms: float = 0.0) -> None:
        self.prompt_tokens += prompt
        self.completion_tokens += completion
        self.calls += 1
        self.cached_tokens += cached
        self.prompt_ms = round(self.prompt_ms + prompt_ms, 1)
        self.generation_ms = round(self.generation_ms + generation_ms, 1)

    def absorb(self, other: "TokenUsage") -> None:
        """Add another tally (calls made in parallel each keep their own, summed afterwards)."""
        self.prompt_tokens += other.prompt_tokens
        self.completion_tokens += other.completion_tokens
        self.calls += other.calls
        self.cached_tokens += other.cached_tokens
        self.prompt_ms = round(self.prompt_ms + other.prompt_ms, 1)
        self.generation_ms = round(self.generation_ms + other.generation_ms, 1)


class Provenance(BaseModel):
    backend: str
    model: str
    prompt_templates: dict[str, str] = Field(description="Template name -> sha256 of its content.")
    schema_version: str = SCHEMA_VERSION
    usage: TokenUsage = Field(default_factory=TokenUsage)
    wall_time_s: float = 0.0


class ArticleExtraction(BaseModel):
    model_config = ConfigDict(title="ArticleExtraction")

    article: Article
    actors: list[Actor] = Field(default_factory=list)
    events: list[Event] = Field(default_factory=list)
    quotes: list[Quote] = Field(default_factory=list)
    places: list[Place] = Field(default_factory=list, description=(
        "Every place named where a place stands in the article (after a preposition, with a place noun, hit by an "
        "attack), geocoded, in text order; an event's locations are those of its sentence."))
    warnings: list[str] = Field(default_factory=list)
    partial: bool = Field(default=False, description=(
        "A model step failed after its re-asks and the article was kept without that step's answer "
        "(keep_partial); the warnings say which step and why."))
    provenance: Provenance

    def actor(self, actor_id: str | None) -> Actor | None:
        """Look an actor up by id (``None`` for unknown)."""
        return next((a for a in self.actors if a.id == actor_id), None)
