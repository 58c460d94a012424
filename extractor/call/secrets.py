"""Keep API keys out of everything the tool writes: error messages, warnings, the run store, logs.

An endpoint may echo the key in an error body (a misconfigured proxy, a debugging server), and
instructor logs every failed attempt with that body. ``register`` records a key; ``redact`` removes
registered keys from a text; a log-record factory does the same for every log message in the
process, whoever logs it.
"""

from __future__ import annotations

import logging
import threading

REDACTED = "[redacted]"
_SECRETS: set[str] = set()
_LOCK = threading.Lock()
_installed = False


def register(secret: str | None) -> None:
    """Treat ``secret`` as something never to write (short placeholders are ignored)."""
    global _installed
    if not secret or len(secret) < 8:
        return
    with _LOCK:
        _SECRETS.add(secret)
        if not _installed:
            _install_log_redaction()
            _installed = True


def redact(text: str) -> str:
    for secret in _SECRETS:
        if secret in text:
            text = text.replace(secret, REDACTED)
    return text


def _install_log_redaction() -> None:
    previous = logging.getLogRecordFactory()

    def factory(*args: object, **kwargs: object) -> logging.LogRecord:
        record = previous(*args, **kwargs)
        if _SECRETS:
            message = record.getMessage()
            cleaned = redact(message)
            if cleaned != message:
                record.msg, record.args = cleaned, ()
        return record

    logging.setLogRecordFactory(factory)
