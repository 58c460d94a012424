"""One place that decides which endpoint, model and instructor mode a run uses, and builds clients.

Choice order: explicit arguments, then ``OPENAI_API_KEY`` / ``OPENAI_BASE_URL`` (an OpenAI-compatible
endpoint: OpenAI, vLLM, Ollama, llama.cpp), and with neither the embedded local model.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from typing import Any, Literal

import httpx
import instructor
import openai

from extractor.llm import secrets
from extractor.llm.limits import RequestLimiter
from extractor.llm.response_cache import AsyncCachingTransport, CachingTransport, open_cache
from extractor.llm.retry import AsyncRetryTransport, RetryPolicy, RetryTransport

Backend = Literal["local", "openai"]
DEFAULT_OPENAI_MODEL = "gpt-4o-mini"
LOCAL_API_KEY = "sk-local-no-key"

MODES = {
    "tools": instructor.Mode.TOOLS,
    "json": instructor.Mode.JSON,
    "md_json": instructor.Mode.MD_JSON,
}


@dataclass(frozen=True)
class ModelConfig:
    """Where requests go and how structured output is obtained."""

    backend: Backend
    model: str
    base_url: str | None = None
    api_key: str | None = field(default=None, repr=False)
    mode: str = "tools"
    timeout_s: float = 600.0
    max_reasks: int = 2
    temperature: float = 0.0
    seed: int | None = 0
    max_tokens: int = 2048
    chunk_chars: int = 6000
    reask_ungrounded: bool = True
    retry: RetryPolicy = field(default_factory=RetryPolicy)
    local_model_path: str | None = None
    response_cache: str | None = None

    @property
    def instructor_mode(self) -> instructor.Mode:
        return MODES[self.mode]

    def with_endpoint(self, base_url: str) -> "ModelConfig":
        return replace(self, base_url=base_url)


def resolve_config(*, backend: Backend | None = None, model: str | None = None,
                   base_url: str | None = None, api_key: str | None = None,
                   mode: str | None = None, local_model: str | None = None,
                   env: dict[str, str] | None = None, **options: Any) -> ModelConfig:
    """Pick the backend from arguments and environment (see module docstring).

    ``backend="local"`` with an explicit ``base_url`` uses a llama.cpp server that is already
    running there (local request settings, no server started).
    """
    env = dict(os.environ) if env is None else env
    explicit_url = base_url
    api_key = api_key or env.get("OPENAI_API_KEY") or None
    base_url = base_url or env.get("OPENAI_BASE_URL") or None
    if backend is None:
        backend = "openai" if (api_key or base_url) else "local"
    if backend not in ("local", "openai"):
        raise ValueError(f"unknown backend {backend!r}; use 'local' or 'openai'")
    if mode is not None and mode not in MODES:
        raise ValueError(f"unknown mode {mode!r}; use one of {sorted(MODES)}")
    if backend == "local":
        from extractor.llm.model_store import DEFAULT_MODEL

        options.setdefault("max_reasks", 1)
        options.setdefault("reask_ungrounded", False)
        options.setdefault("max_tokens", 1200)
        return ModelConfig(backend="local", model=model or DEFAULT_MODEL.name, base_url=explicit_url,
                           api_key=LOCAL_API_KEY, mode=mode or "json",
                           local_model_path=local_model, **options)
    if not api_key and base_url is None:
        raise ValueError("the openai backend needs OPENAI_API_KEY or a base URL")
    secrets.register(api_key)
    return ModelConfig(backend="openai", model=model or env.get("EXTRACTOR_MODEL") or DEFAULT_OPENAI_MODEL,
                       base_url=base_url, api_key=api_key or "sk-no-key", mode=mode or "tools", **options)


def _openai_kwargs(config: ModelConfig) -> dict[str, Any]:
    if config.backend == "local" and not config.base_url:
        raise RuntimeError("the local backend has no server URL yet; start it with LocalServer")
    return dict(api_key=config.api_key, base_url=config.base_url, max_retries=0,
                timeout=httpx.Timeout(config.timeout_s, connect=10.0))


def make_client(config: ModelConfig) -> instructor.Instructor:
    """A synchronous instructor client: response cache (if configured) over retries over HTTP."""
    transport: httpx.BaseTransport = RetryTransport(config.retry)
    if config.response_cache:
        transport = CachingTransport(open_cache(config.response_cache), transport)
    raw = openai.OpenAI(http_client=httpx.Client(transport=transport), **_openai_kwargs(config))
    return instructor.from_openai(raw, mode=config.instructor_mode)


def make_async_client(config: ModelConfig, limiter: RequestLimiter | None = None) -> instructor.AsyncInstructor:
    """The async twin of ``make_client``; a ``limiter`` (shared by a batch) sits under the retries."""
    inner = limiter.wrap() if limiter is not None else None
    transport: httpx.AsyncBaseTransport = AsyncRetryTransport(config.retry, inner)
    if config.response_cache:
        transport = AsyncCachingTransport(open_cache(config.response_cache), transport)
    raw = openai.AsyncOpenAI(http_client=httpx.AsyncClient(transport=transport), **_openai_kwargs(config))
    return instructor.from_openai(raw, mode=config.instructor_mode)


def request_options(config: ModelConfig, response_schema: dict[str, Any]) -> dict[str, Any]:
    """Per-request arguments: sampling settings and, in JSON mode, a schema-constrained format.

    llama.cpp's server turns ``{"type": "json_object", "schema": ...}`` into a grammar, so the
    model cannot emit anything but a valid instance; ``extra_body`` replaces the plain
    ``json_object`` that instructor's JSON mode would send.
    """
    options: dict[str, Any] = dict(model=config.model, temperature=config.temperature,
                                   max_tokens=config.max_tokens)
    if config.seed is not None:
        options["seed"] = config.seed
    if config.mode == "json":
        options["extra_body"] = {"response_format": {"type": "json_object", "schema": response_schema}}
    return options
