"""Send one planned call through instructor and decide what its outcome means for the article.

A transport failure (after the retries in the transport) aborts the article with an
``ExtractionError``. An answer that stays invalid after the re-asks is salvaged item by item, or
the step is lost with a warning; either way the article goes on.
"""

from __future__ import annotations

import functools
import re
from typing import Any

import instructor
import openai
from instructor.core import IncompleteOutputException, InstructorRetryException
from instructor.v2.core.function_calls import response_schema
from pydantic import BaseModel

from extractor.call.client import request_options
from extractor.call.endpoint import Endpoint
from extractor.call.recovery import salvage
from extractor.call.retry import BrokenCompletion
from extractor.call.secrets import redact
from extractor.errors import ExtractionError
from extractor.plan.calls import PlannedCall
from extractor.schemas import TokenUsage
from extractor.schemas.response import GroundingContext, grounded_by

SALVAGED = "kept the valid part of the last answer"
LOST = "produced no valid output after re-asks"
"""How the warnings of an answer that did not validate begin (after the step's name): the Batch
API path fails such a record, so ``--retry-failed`` can re-ask the model online."""


def request_kwargs(endpoint: Endpoint, call: PlannedCall, max_reasks: int) -> dict[str, Any]:
    """instructor's arguments for ``call``; no validation ``context``, so no message is ever
    rendered as a template (the grounding reaches the validators through ``grounded_by``)."""
    return dict(response_model=instructor_model(call.response_model), messages=call.prompt.messages,
                max_retries=max_reasks, **request_options(endpoint, call.schema))


@functools.cache
def instructor_model(model: type[BaseModel]) -> type[BaseModel]:
    """The response model as instructor's own wrapper class, derived once per model: instructor
    otherwise derives a new class per request and recomputes its JSON schema (about 6 ms)."""
    return response_schema(model)


def send(client: instructor.Instructor, endpoint: Endpoint, call: PlannedCall, grounding: GroundingContext,
         max_reasks: int, usage: TokenUsage, warnings: list[str]) -> BaseModel | None:
    """One synchronous request; the parsed answer, a salvaged part of it, or ``None``."""
    try:
        with grounded_by(grounding):
            result = client.create_with_completion(**request_kwargs(endpoint, call, max_reasks))
    except Exception as exc:  # noqa: BLE001 - classified below
        return classify_failure(exc, call, grounding, usage, warnings)
    return _record(result, usage)


async def asend(client: instructor.AsyncInstructor, endpoint: Endpoint, call: PlannedCall,
                grounding: GroundingContext, max_reasks: int, usage: TokenUsage,
                warnings: list[str]) -> BaseModel | None:
    """The async twin of ``send``."""
    try:
        with grounded_by(grounding):
            result = await client.create_with_completion(**request_kwargs(endpoint, call, max_reasks))
    except Exception as exc:  # noqa: BLE001 - classified below
        return classify_failure(exc, call, grounding, usage, warnings)
    return _record(result, usage)


def _record(result: tuple[Any, Any], usage: TokenUsage) -> BaseModel:
    parsed, completion = result
    if getattr(completion, "usage", None) is not None:
        usage.add(completion.usage.prompt_tokens or 0, completion.usage.completion_tokens or 0,
                  **server_timings(completion))
    return parsed


def server_timings(completion: Any) -> dict[str, Any]:
    """Cached prompt tokens and the server's own prompt/generation milliseconds, where reported:
    llama.cpp's ``timings`` object, or the OpenAI ``prompt_tokens_details.cached_tokens``."""
    extra = getattr(completion, "model_extra", None) or {}
    timings = extra["timings"] if isinstance(extra.get("timings"), dict) else {}
    details = getattr(getattr(completion, "usage", None), "prompt_tokens_details", None)
    cached = timings.get("cache_n", getattr(details, "cached_tokens", None))
    return {"cached": int(cached) if isinstance(cached, (int, float)) else 0,
            "prompt_ms": float(timings.get("prompt_ms") or 0.0),
            "generation_ms": float(timings.get("predicted_ms") or 0.0)}


def classify_failure(exc: Exception, call: PlannedCall, grounding: GroundingContext, usage: TokenUsage,
                     warnings: list[str]) -> BaseModel | None:
    """Transport failures abort the article. Output still ungrounded after the re-asks is parsed
    leniently so only the offending items are dropped (and counted); unparseable output loses the step."""
    name = call.step
    completion = _last_completion(exc)
    _count_failed_usage(exc, completion, usage)
    broken = _broken_completion(exc)
    if broken is not None:
        raise ExtractionError(f"{name} call failed: {broken}") from exc
    cause = exc.__cause__ or exc
    if isinstance(cause, openai.APIError) or isinstance(exc, openai.APIError):
        raise ExtractionError(redact(f"{name} call failed: {cause}")) from exc
    if completion is not None and not getattr(completion, "choices", None):
        raise ExtractionError(f"{name} call failed: the endpoint returned a completion with no choices") from exc
    reason = failure_reason(exc)
    salvaged = salvage(completion, call.response_model, grounding)
    if salvaged is not None:
        warnings.append(f"{name} step: {SALVAGED} ({reason})")
        return salvaged
    warnings.append(f"{name} step {LOST}: {reason}")
    return None


def _broken_completion(exc: BaseException) -> BrokenCompletion | None:
    """The ``BrokenCompletion`` behind ``exc`` (the openai client wraps it as a connection error)."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        if isinstance(current, BrokenCompletion):
            return current
        seen.add(id(current))
        current = current.__cause__ or current.__context__
    return None


def _last_completion(exc: Exception) -> Any:
    """The last raw completion instructor kept: after the re-asks, or cut off at the token limit."""
    if isinstance(exc, (InstructorRetryException, IncompleteOutputException)):
        return exc.last_completion
    return None


def _count_failed_usage(exc: Exception, completion: Any, usage: TokenUsage) -> None:
    """Tokens spent on attempts that did not validate still cost time and money: count them."""
    spent = exc.total_usage if isinstance(exc, InstructorRetryException) else None
    if spent is None:
        spent = getattr(completion, "usage", None)
    prompt, completed = getattr(spent, "prompt_tokens", None), getattr(spent, "completion_tokens", None)
    if isinstance(prompt, int) and isinstance(completed, int):
        usage.add(prompt, completed)


def failure_reason(exc: Exception) -> str:
    """One line saying why the last attempt failed (instructor's own message is an XML dump)."""
    attempts = exc.failed_attempts if isinstance(exc, InstructorRetryException) else None
    last = attempts[-1].exception if attempts else None
    text = str(last if last is not None else exc).strip()
    text = re.sub(r"\s*For further information visit \S+", "", text)
    return redact(" ".join(text.split()))[:300]
