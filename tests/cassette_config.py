"""vcrpy configuration shared by the test suite (replay) and ``make cassettes`` (record).

Requests match on method, path and JSON body, so any change to a prompt, a schema or a request
option makes replay fail until the cassettes are re-recorded from the real model. Only the
content-type header is kept on both sides: Authorization, API keys, client and machine details
(``x-stainless-*``: OS, architecture, Python version) are dropped before anything is written, and
the loopback host/port is replaced by a neutral name.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import vcr

CASSETTES = Path(__file__).resolve().parent.parent / "cassettes"
KEEP_HEADERS = {"content-type"}
RERECORD_HINT = "a prompt, schema or request option changed since the cassettes were recorded: run `make cassettes`"


def _scrub_request(request: Any) -> Any:
    for name in list(request.headers):
        if name.lower() not in KEEP_HEADERS:
            del request.headers[name]
    request.uri = re.sub(r"^https?://[^/]+", "http://model-endpoint", request.uri)
    return request


def _scrub_response(response: dict[str, Any]) -> dict[str, Any]:
    response["headers"] = {k: v for k, v in response.get("headers", {}).items() if k.lower() in KEEP_HEADERS}
    return response


def cassette(name: str, record_mode: str = "none") -> Any:
    """Context manager replaying (``none``) or recording (``all``) ``cassettes/<name>``."""
    return _recorder(record_mode).use_cassette(name, allow_playback_repeats=True)


def _recorder(record_mode: str) -> vcr.VCR:
    return vcr.VCR(
        cassette_library_dir=str(CASSETTES),
        record_mode=record_mode,
        match_on=["method", "path", "body"],
        before_record_request=_scrub_request,
        before_record_response=_scrub_response,
        decode_compressed_response=True,
    )


def cassette_mismatch(exc: BaseException) -> bool:
    """True when ``exc`` was caused by a request that no cassette holds."""
    seen: BaseException | None = exc
    while seen is not None:
        if type(seen).__name__ == "CannotOverwriteExistingCassetteException":
            return True
        seen = seen.__cause__ or seen.__context__
    return False
