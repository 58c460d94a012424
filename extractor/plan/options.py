"""Pipeline options: which model calls an article gets, how it is chunked, how often to re-ask.

The other half of the configuration, where requests go and how they are sampled, is the
``Endpoint`` (``extractor.call.endpoint``).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from extractor.errors import ConfigError
from extractor.settings import (
    ANSWER_KINDS,
    BACKEND_STEPS,
    BACKEND_UNASKED,
    CHUNK_CHARS,
    CHUNK_OVERLAP_SENTENCES,
    OPTIONAL_QUESTIONS,
    STEPS,
)

HOSTED_REASKS = 2
LOCAL_REASKS = 1


@dataclass(frozen=True)
class PipelineOptions:
    """``steps=()`` runs no model (rules only); ``("entities",)`` gives actors and quotes at half the
    cost. ``max_reasks`` / ``reask_ungrounded`` left ``None`` take the backend's default: a hosted
    model is re-asked twice, also for answers that parse but do not ground; the small embedded
    model once, for unparseable answers only (its grounding errors are dropped item by item)."""

    steps: tuple[str, ...] | str | None = None
    """``None``: the backend's questions (``BACKEND_STEPS``)."""
    chunk_chars: int = CHUNK_CHARS
    chunk_overlap: int = CHUNK_OVERLAP_SENTENCES
    max_reasks: int | None = None
    reask_ungrounded: bool | None = None
    keep_partial: bool = False
    """A model step whose output stayed invalid after the re-asks fails the article
    (``ModelStepError``); with ``keep_partial`` the article is kept without that step's answer
    and marked ``partial: true``."""
    ignore_answers: tuple[str, ...] = ()
    """Kinds of the model's answer (``ANSWER_KINDS``) that assembly leaves unused, as if the
    question had not been asked: how an ablation measures what each kind of question adds."""
    unasked: tuple[str, ...] | None = None
    """Optional questions (``OPTIONAL_QUESTIONS``) left out of the request; ``None``: the
    backend's profile (``BACKEND_UNASKED``), ``()``: ask them all."""

    def __post_init__(self) -> None:
        unknown_answers = set(self.ignore_answers) - set(ANSWER_KINDS)
        if unknown_answers:
            raise ConfigError(f"unknown answer kinds {sorted(unknown_answers)}; choose from {list(ANSWER_KINDS)}")
        object.__setattr__(self, "ignore_answers", tuple(sorted(set(self.ignore_answers))))
        if self.unasked is not None:
            unknown_questions = set(self.unasked) - set(OPTIONAL_QUESTIONS)
            if unknown_questions:
                raise ConfigError(f"unknown optional questions {sorted(unknown_questions)}; "
                                  f"choose from {list(OPTIONAL_QUESTIONS)}")
            object.__setattr__(self, "unasked", tuple(sorted(set(self.unasked))))
        if self.steps is None:
            return
        steps = (parse_steps(self.steps) or ()) if isinstance(self.steps, str) else tuple(self.steps)
        unknown = set(steps) - set(STEPS)
        if unknown:
            raise ConfigError(f"unknown steps {sorted(unknown)}; choose from {list(STEPS)}")
        object.__setattr__(self, "steps", steps)

    @property
    def asked_steps(self) -> tuple[str, ...]:
        """The steps as parsed; ``()`` while they are left to the backend (``for_backend`` fills them)."""
        return self.steps if isinstance(self.steps, tuple) else ()

    def for_backend(self, backend: str) -> "PipelineOptions":
        """These options with the backend's defaults filled in."""
        local = backend == "local"
        return replace(
            self, steps=self.steps if self.steps is not None else BACKEND_STEPS[backend],
            unasked=self.unasked if self.unasked is not None else BACKEND_UNASKED[backend],
            max_reasks=self.max_reasks if self.max_reasks is not None else (LOCAL_REASKS if local else HOSTED_REASKS),
            reask_ungrounded=self.reask_ungrounded if self.reask_ungrounded is not None else not local)


def parse_steps(value: str | None) -> tuple[str, ...] | None:
    """ "entities,events" -> ("entities", "events"); "none" -> () (rules only); ``None`` (not given)
    -> ``None``: the backend's questions."""
    if value is None:
        return None
    if value.strip().lower() == "none":
        return ()
    return tuple(part.strip() for part in value.split(",") if part.strip())
