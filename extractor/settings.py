"""Defaults and limits: the one place each of them is written.

Everything else (the engine, the batch runner, the CLI's option defaults, the evaluation) reads
them from here, so a limit changed here changes everywhere.
"""

from __future__ import annotations

import os
from pathlib import Path

from platformdirs import user_cache_dir

MAX_ARTICLE_CHARS = 1_000_000
"""Articles longer than this are refused with an ``InputError`` (batch: a recorded failure)."""

STEPS: tuple[str, ...] = ("entities", "events")
"""The model calls an article can get, in the order they are planned."""

ANSWER_KINDS: tuple[str, ...] = ("actor_types", "other_actors", "quotations", "speakers", "reported")
"""The kinds of answer the entities step gives, each of which an ablation may leave unused
(``PipelineOptions.ignore_answers``): a listed actor's type, actors the list misses, whether a
marked quotation is a quote, who said it, and which sentences report speech."""

OPTIONAL_QUESTIONS: tuple[str, ...] = ("speakers",)
"""Entities questions a capability profile may leave out of the request: who said a quotation
that no attribution pattern settles. The other kinds are asked whenever the step runs."""

BACKEND_UNASKED: dict[str, tuple[str, ...]] = {"local": ("speakers",), "openai": ()}
"""The optional questions each backend is not asked unless ``PipelineOptions.unasked`` says so.
The embedded model is not asked who said: on the first 24 PolNeAR dev articles its answers lowered
direct-quote speaker accuracy from 0.949 to 0.923 and moved no quote figure (README, "Ablation")."""

BACKEND_STEPS: dict[str, tuple[str, ...]] = {"local": ("entities",), "openai": STEPS}
"""The questions each backend is asked unless the steps are given (its capability profile). The
embedded model is asked only what pays on dev (README, "Ablation"): the entities questions raise
quotation recall; the events questions (a trigger's type where its words allow several, whether a
statement about others is an accusation) changed no events figure but by a few hundredths down,
so they are not asked of it. A hosted model is asked both."""

CHUNK_CHARS = 6000
"""Longer articles are split into chunks of whole sentences of at most this many characters."""

CHUNK_OVERLAP_SENTENCES = 2

PARSE_WINDOW = 16
"""A batch parses up to this many upcoming records together (spaCy's ``nlp.pipe``)."""

PARSE_PROCESSES_MAX = 4

PARSE_PROCESSES_AFTER = 64
"""A batch starts its spaCy worker processes only once it has read more records than this (a
worker takes about 2 s of CPU to start and load the pipeline; a short batch parses in a thread)."""


def default_parse_processes() -> int:
    """spaCy worker processes for a large batch: one per two cores, at least one, at most
    ``PARSE_PROCESSES_MAX`` (the batch process keeps a core for requests and assembly)."""
    return max(1, min(PARSE_PROCESSES_MAX, (os.cpu_count() or 1) // 2))


LOCAL_SERVERS: tuple[str, ...] = ("llama-server", "llama-cpp-python")
"""What serves the embedded model: llama.cpp's own server (slots, continuous batching, a prompt
cache in RAM) or llama-cpp-python's (one prompt state, one request at a time)."""

ENGINES: tuple[str, ...] = ("local", "ray")
"""Where a batch runs: this process, or Ray Data actor workers (``extractor.batch.ray_engine``)."""

DEFAULT_LOCAL_SERVER = "llama-server"

LOCAL_SLOTS = 2
"""Sequences llama-server decodes at once; a local batch keeps this many requests in flight."""

LOCAL_CONTEXT = 8192
"""Context tokens per slot of the embedded server."""

LOCAL_PROMPT_CACHE_MIB = 2048
"""RAM llama-server may keep for saved prompt states (the instruction prefixes of both calls)."""

REQUEST_TIMEOUT_S = 600.0
"""Seconds one model request may take (``--timeout``); a timed-out request is retried like any
transport fault, up to ``RetryPolicy.attempts`` times."""

EXIT_ERROR = 2
"""Exit code of a command stopped by a deliberate error (bad input, option, endpoint, file)."""

EXIT_FAILED_RECORDS = 3
"""Exit code of ``extractor batch`` when the run holds failed records (each one is in
``failures.jsonl`` with its kind and reason); 0 means every record is done."""

STORE_NAME = "run.sqlite"
"""The run store in a batch output directory: records, results and the archive registry."""

BATCH_LOCK = ".batch.lock"
"""The lock file a running batch holds in its output directory (its pid inside)."""

CACHE_ENV = "EXTRACTOR_CACHE_DIR"
LLAMA_SERVER_ENV = "EXTRACTOR_LLAMA_SERVER"
MODEL_ENV = "EXTRACTOR_LOCAL_MODEL"
MODEL_NAME_ENV = "EXTRACTOR_MODEL"


def cache_dir() -> Path:
    """Where assembled models, the server registry and the response cache live
    (``EXTRACTOR_CACHE_DIR`` overrides the user cache directory)."""
    return Path(os.environ.get(CACHE_ENV) or user_cache_dir("news-extractor"))
