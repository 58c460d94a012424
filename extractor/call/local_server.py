"""Run an OpenAI-compatible server for the embedded model: llama.cpp's ``llama-server`` or
llama-cpp-python's.

A server already answering for the same model file and settings (recorded in the cache's server
registry) is reused and left running; one we start ourselves listens on a free loopback port and
is stopped when the ``LocalServer`` closes or the process exits.
"""

from __future__ import annotations

import atexit
import hashlib
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx

from extractor.errors import ConfigError, ServerError
from extractor.settings import (
    DEFAULT_LOCAL_SERVER,
    LOCAL_CONTEXT,
    LOCAL_PROMPT_CACHE_MIB,
    LOCAL_SERVERS,
    LOCAL_SLOTS,
    cache_dir,
)

HOST = "127.0.0.1"


def free_port(host: str = HOST) -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


def answers(base_url: str, alias: str | None = None, timeout: float = 2.0) -> bool:
    """True when an OpenAI-compatible server at ``base_url`` lists ``alias`` (or any model)."""
    try:
        response = httpx.get(f"{base_url}/models", timeout=timeout)
    except httpx.HTTPError:
        return False
    if response.status_code != 200:
        return False
    if alias is None:
        return True
    try:
        ids = [m.get("id") for m in response.json().get("data", [])]
    except (ValueError, AttributeError):
        return False
    return alias in ids


def _die_with_parent() -> None:
    """Linux: the server is killed when the process that started it dies, even by SIGKILL (SIGKILL,
    because uvicorn would otherwise finish the generation in flight first)."""
    if sys.platform.startswith("linux"):
        import ctypes

        pr_set_pdeathsig = 1
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(pr_set_pdeathsig, signal.SIGKILL)


# Linux delivers the parent-death signal when the *thread* that forked the child exits. Servers are
# therefore always spawned from this one thread, which lives as long as the process: a server
# started from a short-lived thread (asyncio.to_thread in a finished event loop) stays up.
_SPAWNER = ThreadPoolExecutor(max_workers=1, thread_name_prefix="extractor-server-spawner")


def server_identity(engine: str, slots: int, n_ctx: int) -> str:
    """What, besides the weights and the request, can change an answer of the embedded server:
    its engine and build, and how many sequences it decodes together (batched arithmetic)."""
    if engine == "llama-server":
        from extractor.call.server_build import LLAMA_CPP

        engine = f"llama-server {LLAMA_CPP.build}"
    return f"{engine} slots={slots} ctx={n_ctx}"


class LocalServer:
    """Lifecycle of one llama.cpp server process (context manager)."""

    def __init__(self, model_path: Path, alias: str, *, engine: str = DEFAULT_LOCAL_SERVER,
                 slots: int = LOCAL_SLOTS, n_ctx: int = LOCAL_CONTEXT, n_threads: int | None = None,
                 startup_timeout_s: float = 180.0, command: list[str] | None = None,
                 registry_dir: Path | None = None):
        if engine not in LOCAL_SERVERS:
            raise ConfigError(f"unknown local server {engine!r}; use one of {list(LOCAL_SERVERS)}")
        if slots < 1 or (engine == "llama-cpp-python" and slots != 1):
            raise ConfigError(f"{engine} cannot run {slots} slots" if slots >= 1 else "slots must be at least 1")
        self.model_path = Path(model_path).resolve()
        self.alias = alias
        self.engine = engine
        self.slots = slots
        self.n_ctx = n_ctx
        self.n_threads = n_threads or os.cpu_count() or 2
        self.startup_timeout_s = startup_timeout_s
        self.command = command
        self.registry_dir = registry_dir or cache_dir() / "servers"
        self.process: subprocess.Popen[bytes] | None = None
        self.base_url: str | None = None
        self.reused = False
        self._log: Path | None = None

    @property
    def registry_file(self) -> Path:
        key = hashlib.sha256(f"{self.model_path}\x1f{server_identity(self.engine, self.slots, self.n_ctx)}"
                             .encode()).hexdigest()[:16]
        return self.registry_dir / f"{key}.json"

    def _launch_command(self, port: int) -> list[str]:
        if self.command is not None:
            return [part.format(port=port, host=HOST, model=self.model_path, alias=self.alias)
                    for part in self.command]
        if self.engine == "llama-server":
            from extractor.call.server_build import resolve_binary

            threads = str(self.n_threads)
            return [str(resolve_binary()), "--model", str(self.model_path), "--alias", self.alias,
                    "--host", HOST, "--port", str(port), "--ctx-size", str(self.n_ctx * self.slots),
                    "--parallel", str(self.slots), "--cont-batching", "--threads", threads,
                    "--threads-batch", threads, "--cache-ram", str(LOCAL_PROMPT_CACHE_MIB), "--no-webui"]
        return [sys.executable, "-m", "llama_cpp.server", "--model", str(self.model_path),
                "--model_alias", self.alias, "--host", HOST, "--port", str(port),
                "--n_ctx", str(self.n_ctx), "--n_threads", str(self.n_threads)]

    def _find_running(self) -> str | None:
        try:
            entry = json.loads(self.registry_file.read_text())
        except (OSError, ValueError):
            return None
        url = entry.get("base_url")
        if url and answers(url, self.alias):
            return str(url)
        self.registry_file.unlink(missing_ok=True)
        return None

    def start(self) -> str:
        """Reuse a running server for this model or start one; return its ``/v1`` base URL."""
        if self.base_url:
            return self.base_url
        running = self._find_running()
        if running:
            self.base_url, self.reused = running, True
            return running
        if self.command is None and self.engine == "llama-cpp-python":
            try:
                import llama_cpp.server  # noqa: F401
            except ImportError as exc:
                raise ServerError(
                    "--server llama-cpp-python needs llama-cpp-python's server: run `pip install "
                    "'news-extractor[llama-cpp-python]'` (builds llama.cpp, about 6 minutes on 2 cores), "
                    "or use the default --server llama-server."
                ) from exc
        port = free_port()
        fd, log_name = tempfile.mkstemp(prefix="extractor-llama-", suffix=".log")
        self._log = Path(log_name)
        self.process = _SPAWNER.submit(
            subprocess.Popen, self._launch_command(port), stdout=fd, stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL, start_new_session=True, preexec_fn=_die_with_parent).result()
        os.close(fd)
        atexit.register(self.stop)
        url = f"http://{HOST}:{port}/v1"
        self._wait_until_ready(url)
        self.base_url = url
        self.registry_dir.mkdir(parents=True, exist_ok=True)
        self.registry_file.write_text(json.dumps(
            {"base_url": url, "pid": self.process.pid, "model_path": str(self.model_path)}))
        return url

    def _wait_until_ready(self, url: str) -> None:
        deadline = time.monotonic() + self.startup_timeout_s
        assert self.process is not None
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                tail = self._log_tail()
                self._cleanup()
                raise ServerError(f"the local model server exited with code {self.process.returncode}:\n{tail}")
            if answers(url, self.alias, timeout=1.0):
                return
            time.sleep(0.25)
        self.stop()
        raise ServerError(f"the local model server did not answer within {self.startup_timeout_s:.0f} s")

    def _log_tail(self, chars: int = 3000) -> str:
        try:
            return self._log.read_text(errors="replace")[-chars:] if self._log else ""
        except OSError:
            return ""

    def stop(self) -> None:
        """Stop the server if we started it (a reused one keeps running)."""
        process, self.process = self.process, None
        if process is not None and process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)
        if process is not None:
            try:
                entry = json.loads(self.registry_file.read_text())
                if entry.get("pid") == process.pid:
                    self.registry_file.unlink(missing_ok=True)
            except (OSError, ValueError):
                pass
        self._cleanup()
        if not self.reused:
            self.base_url = None

    def _cleanup(self) -> None:
        if self._log is not None:
            self._log.unlink(missing_ok=True)
            self._log = None

    def __enter__(self) -> "LocalServer":
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()
