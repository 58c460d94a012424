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
from extractor.call.model_store import DEFAULT_MODEL, FAST_MODEL
from extractor.call.retry import RetryPolicy
from extractor.errors import ConfigError
from extractor.settings import (
    DEFAULT_LOCAL_SERVER,
    LOCAL_CONTEXT,
    LOCAL_SERVERS,
    LOCAL_SLOTS,
    MODEL_NAME_ENV,
    REQUEST_TIMEOUT_S,
)

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
    timeout_s: float = REQUEST_TIMEOUT_S
    temperature: float = 0.0
    seed: int | None = 0
    max_tokens: int = 2048
    repeat_penalty: float | None = None
    """Sent to llama.cpp servers when set; off by default. llama-cpp-python's 1.1 was tried: it
    stopped runaway reported-speech lists but penalised the repeated ``"quote":true`` of a quotes
    list (PolNeAR direct-quote recall 0.885 -> 0.788 on the first 24 documents)."""
    retry: RetryPolicy = field(default_factory=RetryPolicy)
    local_model_path: str | None = None
    response_cache: str | None = None
    local_server: str = DEFAULT_LOCAL_SERVER
    local_slots: int = LOCAL_SLOTS
    embedded: bool = False
    """The engine starts (or reuses) the embedded server; its address is not the user's."""

    @property
    def instructor_mode(self) -> instructor.Mode:
        return MODES[self.mode]

    @property
    def needs_local_server(self) -> bool:
        """The embedded model with no server address yet: the engine starts one."""
        return self.backend == "local" and not self.base_url

    @property
    def slots(self) -> int:
        """Requests the local server decodes at once: llama-server's slots (the embedded one, or
        one at ``base_url``); llama-cpp-python and hosted endpoints count as one."""
        if self.backend == "local" and self.local_server == "llama-server":
            return self.local_slots
        return 1

    def server_identity(self) -> str:
        """What serves the requests, for cache keys: the embedded server's engine, build and
        settings, or the address of one the user runs (its model name is in every request)."""
        if self.embedded:
            from extractor.call.local_server import server_identity

            return server_identity(self.local_server, self.slots, LOCAL_CONTEXT)
        return self.base_url or "api.openai.com"

    def answer_identity(self) -> dict[str, str | None]:
        """Who answers, beyond the request body: the weights (for the embedded model) and the
        server with its settings. Result and response caches key on it, so a cached answer from
        another model file or server setting is never replayed."""
        from extractor.call.model_store import MODELS, model_identity

        weights = (model_identity(self.local_model_path, MODELS.get(self.model, DEFAULT_MODEL))
                   if self.backend == "local" else None)
        return {"weights": weights, "server": self.server_identity()}

    def with_base_url(self, base_url: str) -> "Endpoint":
        return replace(self, base_url=base_url)


def resolve_endpoint(*, backend: str | None = None, model: str | None = None,
                     base_url: str | None = None, api_key: str | None = None,
                     mode: str | None = None, local_model: str | None = None, fast: bool = False,
                     env: dict[str, str] | None = None, **settings: Any) -> Endpoint:
    """Pick the backend from arguments and environment (see module docstring); ``settings`` are
    further ``Endpoint`` fields (``timeout_s``, ``max_tokens``, ``retry``, ``response_cache``,
    ``local_server``, ``local_slots``, ...).

    ``backend="local"`` with an explicit ``base_url`` uses a llama.cpp server that is already
    running there (local request settings, no server started). ``fast`` picks the smaller
    embedded model (``FAST_MODEL``): faster, less accurate.
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
    if settings.get("local_server", DEFAULT_LOCAL_SERVER) not in LOCAL_SERVERS:
        raise ConfigError(f"unknown local server {settings['local_server']!r}; use one of {list(LOCAL_SERVERS)}")
    if float(settings.get("timeout_s", REQUEST_TIMEOUT_S)) <= 0:
        raise ConfigError("the request timeout must be more than 0 seconds")
    if int(settings.get("local_slots", LOCAL_SLOTS)) < 1:
        raise ConfigError("the local server needs at least 1 slot")
    if backend == "local":
        settings.setdefault("max_tokens", LOCAL_MAX_TOKENS)
        if fast and model and model != FAST_MODEL.name:
            raise ConfigError(f"--fast runs {FAST_MODEL.name}; it cannot be combined with --model {model}")
        model = model or (FAST_MODEL if fast else DEFAULT_MODEL).name
        return Endpoint(backend="local", model=model, base_url=explicit_url, api_key=LOCAL_API_KEY,
                        mode=mode or "json", local_model_path=local_model, embedded=explicit_url is None,
                        **settings)
    if fast:
        raise ConfigError("--fast picks the embedded 0.5B model; with a hosted endpoint choose --model instead")
    if not api_key and base_url is None:
        raise ConfigError("the openai backend needs OPENAI_API_KEY or a base URL")
    secrets.register(api_key)
    return Endpoint(backend="openai", model=model or env.get(MODEL_NAME_ENV) or DEFAULT_OPENAI_MODEL,
                    base_url=base_url, api_key=api_key or "sk-no-key", mode=mode or "tools", **settings)
