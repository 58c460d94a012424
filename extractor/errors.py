"""Every error the tool raises on purpose derives from ``ExtractorError``.

A caller (the CLI, a batch, user code) catches one class to tell "the input, the configuration or
the endpoint is at fault, and here is why" from a bug. Each subclass also derives from the
built-in error a Python user would expect (``ValueError`` for bad input or options,
``RuntimeError`` for a failed service), so ``except ValueError`` keeps working.
"""

from __future__ import annotations


class ExtractorError(Exception):
    """Base of every deliberate error of this package; its message is one line for a person."""


class InputError(ExtractorError, ValueError):
    """The input cannot be analysed (empty, not text, too long, bad date)."""


class ConfigError(ExtractorError, ValueError):
    """An option is unknown or inconsistent (backend, mode, steps, missing key)."""


class ExtractionError(ExtractorError, RuntimeError):
    """The model endpoint failed for this article after the bounded retries."""


class ModelStepError(ExtractionError):
    """The endpoint answered, but a model step's output stayed invalid after the re-asks: the
    article is not reported as extracted (``keep_partial`` keeps it, marked ``partial``)."""


class ModelError(ExtractorError, RuntimeError):
    """The local model is missing, corrupt or could not be assembled."""


class DataError(ExtractorError, RuntimeError):
    """Data the package ships (the map outlines) is missing or does not match its checksum."""


class ServerError(ExtractorError, RuntimeError):
    """The local model server could not be started or stopped cleanly."""


class ArchiveLookupError(ExtractorError, LookupError):
    """No archive actor, or more than one, answers to the name asked for (the message lists them)."""
