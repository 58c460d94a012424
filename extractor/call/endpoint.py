"""One place that decides where requests go: endpoint, model, instructor mode and sampling.

Choice order: explicit arguments, then ``OPENAI_API_KEY`` / ``OPENAI_BASE_URL`` (an OpenAI-compatible
endpoint: OpenAI, vLLM, Ollama, llama.cpp), and with neither the embedded local model.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from typing import Any, Literal

import instructor

from extractor.call import secrets
from extractor.call.model_store import DEFAULT_MODEL
from extractor.call.retry import RetryPolicy
from extractor.errors import ConfigError
from extractor.settings import MODEL_NAME_ENV

Backend = Literal["local", "openai"]
BACKENDS: tuple[str, ...] = ("local", "openai")
DEFAULT_OPENAI_MODEL = "gpt-4o-mini"
LOCAL_API_KEY = "sk-local-no-key"
LOCAL_MAX_TOKENS = 1200

MODES = {
    "tools": instructor.Mode.TOOLS,
    "json": instructor.Mode.JSON,
    "md_json": instructor.Mode.MD_JSON,
}


@dataclass(frozen=True)
class Endpoint:
    """Where requests go and how structured output is obtained: address, key, mode, sampling, retries."""

    backend: Backend
    model: str
    base_url: str | None = None
    api_key: str | None = field(default=None, repr=False)
    mode: str = "tools"
    timeout_s: float = 600.0
    temperature: float = 0.0
    seed: int | None = 0
    max_tokens: int = 2048
    retry: RetryPolicy = field(default_factory=RetryPolicy)
    local_model_path: str | None = None
    response_cache: str | None = None

    @property
    def instructor_mode(self) -> instructor.Mode:
        return MODES[self.mode]

    @property
    def needs_local_server(self) -> bool:
        """The embedded model with no server address yet: the engine starts one."""
        return self.backend == "local" and not self.base_url

    def with_base_url(self, base_url: str) -> "Endpoint":
        return replace(self, base_url=base_url)


def resolve_endpoint(*, backend: Backend | None = None, model: str | None = None,
                     base_url: str | None = None, api_key: str | None = None,
                     mode: str | None = None, local_model: str | None = None,
                     env: dict[str, str] | None = None, **settings: Any) -> Endpoint:
    """Pick the backend from arguments and environment (see module docstring); ``settings`` are
    further ``Endpoint`` fields (``timeout_s``, ``max_tokens``, ``retry``, ``response_cache``, ...).

    ``backend="local"`` with an explicit ``base_url`` uses a llama.cpp server that is already
    running there (local request settings, no server started).
    """
    env = dict(os.environ) if env is None else env
    explicit_url = base_url
    api_key = api_key or env.get("OPENAI_API_KEY") or None
    base_url = base_url or env.get("OPENAI_BASE_URL") or None
    if backend is None:
        backend = "openai" if (api_key or base_url) else "local"
    if backend not in BACKENDS:
        raise ConfigError(f"unknown backend {backend!r}; use 'local' or 'openai'")
    if mode is not None and mode not in MODES:
        raise ConfigError(f"unknown mode {mode!r}; use one of {sorted(MODES)}")
    unknown = set(settings) - set(Endpoint.__dataclass_fields__)
    if unknown:
        raise ConfigError(f"unknown endpoint setting(s) {sorted(unknown)}")
    if backend == "local":
        settings.setdefault("max_tokens", LOCAL_MAX_TOKENS)
        return Endpoint(backend="local", model=model or DEFAULT_MODEL.name, base_url=explicit_url,
                        api_key=LOCAL_API_KEY, mode=mode or "json", local_model_path=local_model, **settings)
    if not api_key and base_url is None:
        raise ConfigError("the openai backend needs OPENAI_API_KEY or a base URL")
    secrets.register(api_key)
    return Endpoint(backend="openai", model=model or env.get(MODEL_NAME_ENV) or DEFAULT_OPENAI_MODEL,
                    base_url=base_url, api_key=api_key or "sk-no-key", mode=mode or "tools", **settings)
