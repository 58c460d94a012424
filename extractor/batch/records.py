"""One record's extraction and the run's identity, shared by every engine (this process, the
Batch API path, Ray's workers): a record ends as a result or a typed failure, never an exception."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

from extractor.batch.sources import InputRecord
from extractor.call.endpoint import Endpoint
from extractor.call.secrets import redact
from extractor.engine import Extractor
from extractor.errors import ExtractionError, InputError, ModelStepError
from extractor.schemas import ArticleExtraction


@dataclass(frozen=True)
class Outcome:
    """What became of one input record in this invocation."""

    id: str
    origin: str
    result: ArticleExtraction | None = None
    error: str | None = None
    kind: str | None = None

    @property
    def ok(self) -> bool:
        return self.result is not None


async def extract_record(extractor: Extractor, record: InputRecord) -> Outcome:
    """One record's outcome: its result, or the failure and its kind (see ``FAILURE_KINDS``; an
    internal error's message has any secret redacted)."""
    try:
        result = await extractor.aextract(record.text, published=record.published, article_id=record.id or None,
                                          title=record.title, source=record.source, url=record.url)
    except InputError as exc:
        return Outcome(record.id, record.origin, error=str(exc), kind="input")
    except ModelStepError as exc:
        return Outcome(record.id, record.origin, error=str(exc), kind="model")
    except ExtractionError as exc:
        return Outcome(record.id, record.origin, error=str(exc), kind="extraction")
    except Exception as exc:  # noqa: BLE001 - one record's bug must not stop the archive
        return Outcome(record.id, record.origin, error=redact(f"{type(exc).__name__}: {exc}"), kind="internal")
    return Outcome(record.id, record.origin, result=result)


def run_key(extractor: Extractor) -> str:
    """The run's identity: model, prompts, schema version and steps (not the endpoint's address)."""
    return hashlib.sha256(json.dumps(extractor.fingerprint(), sort_keys=True).encode()).hexdigest()[:16]


def default_concurrency(endpoint: Endpoint) -> int:
    """As many requests as the local server decodes at once (llama-server's slots; one for
    llama-cpp-python, which serialises them), and 8 for a hosted endpoint."""
    return endpoint.slots if endpoint.backend == "local" else 8
