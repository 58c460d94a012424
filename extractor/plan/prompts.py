"""Render the Jinja2 prompt templates in ``prompts/`` into chat messages.

A template is plain text split into messages by ``### system`` / ``### user`` lines (split before
rendering: the article's text cannot add a message). The article is rendered last (``_article.j2``)
so everything before it is identical across articles. The type lists the prompts offer are
rendered from the enums in ``extractor.schemas``, never written into a template. Article text is
a value passed to a template, never part of one: nothing renders it again afterwards.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files

import jinja2

from extractor.candidates.actors import ActorGroup
from extractor.candidates.events import EventCandidate
from extractor.candidates.quotes import QuoteCandidate
from extractor.linguistic.sentences import Sentence
from extractor.schemas import EVENT_TYPE_HINTS, ActorType, Article
from extractor.schemas.response import NO_EVENT

_ROLE_LINE = re.compile(r"^### (system|user|assistant)\s*$", re.M)


@dataclass(frozen=True)
class RenderedPrompt:
    name: str
    messages: list[dict[str, str]]
    template_hash: str


def _templates_dir():  # noqa: ANN202 - a Traversable
    return files("extractor.prompts")


def or_list(items: list[str], serial_comma: bool = False) -> str:
    """ "A, B or C" (``serial_comma``: "A, B, or C"): how the prompts offer a closed list."""
    if len(items) < 2:
        return "".join(items)
    last = ", or " if serial_comma and len(items) > 2 else " or "
    return ", ".join(items[:-1]) + last + items[-1]


TYPE_LISTS = {
    "actor_types": [t.value for t in ActorType],
    "event_types": [f"{t.value} ({hint})" if hint else t.value for t, hint in EVENT_TYPE_HINTS.items()],
    "no_event": NO_EVENT,
}
"""The closed lists every template may use, rendered from the schemas' enums."""


@lru_cache(maxsize=1)
def _environment() -> jinja2.Environment:
    loader = jinja2.FunctionLoader(lambda name: (_templates_dir() / name).read_text("utf-8"))
    environment = jinja2.Environment(loader=loader, undefined=jinja2.StrictUndefined,
                                     keep_trailing_newline=False, autoescape=False)
    environment.filters["or_list"] = or_list
    return environment


def template_hash(name: str) -> str:
    """sha256 over the template, the partials it includes and the type lists, so any wording change shows."""
    digest = hashlib.sha256()
    for part in (name, "_article.j2"):
        digest.update((_templates_dir() / part).read_bytes())
    digest.update(json.dumps(TYPE_LISTS, sort_keys=True).encode())
    return digest.hexdigest()


def number_text(text: str, sents: list[Sentence], marks: dict[int, str]) -> str:
    """The article with ``(n)`` before each sentence and each mark (``[Q1]``, ``[E3]``) before the
    character it points at; "…" stands where sentences are left out."""
    lines: list[str] = []
    previous_paragraph, previous_index = -1, None
    for sent in sents:
        if previous_index is not None and sent.index != previous_index + 1:
            lines.extend(["", "…"])
        previous_index = sent.index
        chunk = []
        for pos in range(sent.start, sent.end):
            if pos in marks:
                chunk.append(marks[pos])
            chunk.append(text[pos])
        line = f"({sent.index}) " + "".join(chunk).replace("\n", " ")
        if lines and sent.paragraph != previous_paragraph:
            lines.append("")
        lines.append(line)
        previous_paragraph = sent.paragraph
    return "\n".join(lines)


def around_marks(sents: list[Sentence], events: list[EventCandidate]) -> list[Sentence]:
    """The sentences the events step needs: each one with a marked word and the one before it
    (what "it" or "they" refers to). Typing a word needs no more, and the rest of the article
    would only be prompt tokens to evaluate."""
    wanted = {e.sentence for e in events} | {e.sentence - 1 for e in events}
    return [s for s in sents if s.index in wanted]


def actor_line(group: ActorGroup) -> str:
    """How a listed actor reads in a prompt: "A8 Oleksandr Prokudin (PERSON, Kherson Governor)";
    a type the model is asked to decide is shown as "?"."""
    details = ", ".join(x for x in ("?" if group.uncertain else group.type.value, group.title) if x)
    return f"{group.id} {group.name} ({details})"


def marked_line(event: EventCandidate) -> str:
    """How a marked word reads in a prompt: "E3 attacked (4): ASSAULT" / "E5 strike (2): ASSAULT or PROTEST"."""
    return f"{event.id} {event.text} ({event.sentence}): {or_list(list(event.types))}"


@lru_cache(maxsize=None)
def _sections(filename: str) -> tuple[tuple[str, jinja2.Template], ...]:
    """The template split into (role, compiled section) *before* rendering, so article text can
    never open a message of its own, whatever it contains."""
    source = (_templates_dir() / filename).read_text("utf-8")
    parts = _ROLE_LINE.split(source)
    if len(parts) < 3:
        raise ValueError(f"template {filename} has no '### system' / '### user' sections")
    env = _environment()
    return tuple((role, env.from_string(content)) for role, content in zip(parts[1::2], parts[2::2]))


MARK_NOTES = {"entities": ", quotations marked [Qn]",
              "events": ", possible events marked [En]; only the sentences around them"}


def render(name: str, article: Article, sents: list[Sentence], quotes: list[QuoteCandidate],
           events: list[EventCandidate], actors: list[ActorGroup], open_speakers: Sequence[str] = (),
           asks_speakers: bool = True) -> RenderedPrompt:
    """Render ``prompts/{name}.j2`` for one chunk into chat messages: the entities step sees the
    chunk with its quotations marked, the listed actors and the quotations whose speaker it is
    asked (``open_speakers``; the instruction only where the profile asks who said,
    ``asks_speakers``); the events step only the sentences around its marked words."""
    filename = f"{name}.j2"
    if name == "events":
        marks = {e.start: f"[{e.id}]" for e in events}
        sents, actors = around_marks(sents, events), []
    else:
        marks = {q.outer_start: f"[{q.id}]" for q in quotes}
    values = dict(TYPE_LISTS, published=article.published.isoformat() if article.published else None,
                  numbered_text=number_text(article.text, sents, marks), marks_note=MARK_NOTES[name] if marks else "",
                  actors=[actor_line(g) for g in actors],
                  open_speakers=list(open_speakers) if name == "entities" else [],
                  marked=[marked_line(e) for e in events] if name == "events" else [], asks_speakers=asks_speakers)
    messages = [{"role": role, "content": template.render(**values).strip()}
                for role, template in _sections(filename)]
    return RenderedPrompt(name=name, messages=messages, template_hash=template_hash(filename))
