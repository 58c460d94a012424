"""Local server lifecycle: start on a free loopback port, reuse a running one, stop, report failures."""

import sys
from pathlib import Path

import pytest

from extractor.call.local_server import LocalServer, ServerError, answers

STAND_IN = str(Path(__file__).with_name("stand_in_server.py"))


def _server(tmp_path: Path, *extra: str) -> LocalServer:
    model = tmp_path / "model.gguf"
    model.write_bytes(b"GGUF")
    return LocalServer(model, "tiny-model", command=[sys.executable, STAND_IN, "{port}", "{alias}", *extra],
                       registry_dir=tmp_path / "servers", startup_timeout_s=20)


def test_starts_answers_and_stops(tmp_path: Path) -> None:
    server = _server(tmp_path)
    with server:
        url = server.base_url
        assert url.startswith("http://127.0.0.1:") and url.endswith("/v1")
        assert answers(url, "tiny-model")
        assert server.registry_file.is_file()
        process = server.process
    assert process.poll() is not None
    assert not answers(url)
    assert not server.registry_file.exists()


def test_a_running_server_for_the_same_model_is_reused_and_left_running(tmp_path: Path) -> None:
    first = _server(tmp_path)
    url = first.start()
    try:
        second = _server(tmp_path)
        assert second.start() == url
        assert second.reused and second.process is None
        second.stop()
        assert answers(url, "tiny-model")
    finally:
        first.stop()


def test_a_server_that_exits_at_start_reports_its_output(tmp_path: Path) -> None:
    with pytest.raises(ServerError, match=r"(?s)exited with code 3.*bad magic"):
        _server(tmp_path, "--fail").start()


def test_a_stale_registry_entry_is_ignored(tmp_path: Path) -> None:
    server = _server(tmp_path)
    server.registry_dir.mkdir(parents=True)
    server.registry_file.write_text('{"base_url": "http://127.0.0.1:9/v1", "pid": 1}')
    with server:
        assert not server.reused
        assert server.base_url != "http://127.0.0.1:9/v1"


def test_the_server_dies_with_the_process_that_started_it(tmp_path: Path) -> None:
    import subprocess
    import textwrap
    import time

    from extractor.call.local_server import answers

    script = textwrap.dedent(f"""
        import sys
        from pathlib import Path
        sys.path.insert(0, {str(Path(__file__).parent.parent)!r})
        from tests.test_local_server import _server
        server = _server(Path({str(tmp_path)!r}))
        print(server.start(), flush=True)
        import time; time.sleep(60)
    """)
    parent = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    url = parent.stdout.readline().strip()
    assert answers(url, "tiny-model")
    parent.kill()
    parent.wait()
    deadline = time.monotonic() + 10
    while answers(url) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not answers(url)


def test_a_server_started_from_a_worker_thread_outlives_that_thread(tmp_path: Path) -> None:
    """Linux kills the child when the forking *thread* exits; an async caller starts the server via
    asyncio.to_thread, whose thread ends with its event loop. The server must still answer."""
    import asyncio

    server = _server(tmp_path)

    async def start_in_a_thread() -> str:
        return await asyncio.to_thread(server.start)

    try:
        url = asyncio.run(start_in_a_thread())
        assert server.process.poll() is None and answers(url, "tiny-model")
    finally:
        server.stop()


def _llama_server_stand_in(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An executable named like llama-server that runs the stand-in and records its arguments."""
    binary = tmp_path / "llama-server"
    binary.write_text(f"#!/bin/sh\nexec {sys.executable} {STAND_IN} \"$@\"\n")
    binary.chmod(0o755)
    monkeypatch.setenv("EXTRACTOR_LLAMA_SERVER", str(binary))
    monkeypatch.setenv("STAND_IN_ARGV", str(tmp_path / "argv.json"))
    return tmp_path / "argv.json"


def test_llama_server_runs_with_its_slots_a_context_for_each_and_a_prompt_cache(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import json

    argv_file = _llama_server_stand_in(tmp_path, monkeypatch)
    model = tmp_path / "model.gguf"
    model.write_bytes(b"GGUF")
    with LocalServer(model, "qwen", slots=2, n_ctx=4096, n_threads=2, registry_dir=tmp_path / "servers",
                     startup_timeout_s=20) as server:
        assert answers(server.base_url, "qwen")
    args = json.loads(argv_file.read_text())
    named = {flag: value for flag, value in zip(args, args[1:]) if flag.startswith("--") and not value.startswith("--")}
    assert (named["--model"], named["--alias"]) == (str(model.resolve()), "qwen")
    assert (named["--parallel"], named["--ctx-size"], named["--threads"]) == ("2", "8192", "2")
    assert "--cont-batching" in args and int(named["--cache-ram"]) > 0


def test_a_server_with_other_settings_is_not_reused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _llama_server_stand_in(tmp_path, monkeypatch)
    model = tmp_path / "model.gguf"
    model.write_bytes(b"GGUF")
    one = LocalServer(model, "qwen", slots=1, registry_dir=tmp_path / "servers", startup_timeout_s=20)
    two = LocalServer(model, "qwen", slots=2, registry_dir=tmp_path / "servers", startup_timeout_s=20)
    with one, two:
        assert not two.reused and two.base_url != one.base_url


def test_a_missing_llama_server_says_how_to_build_it(tmp_path: Path) -> None:
    model = tmp_path / "model.gguf"
    model.write_bytes(b"GGUF")
    with pytest.raises(ServerError, match=r"llama.cpp's server is not built .*extractor server install"):
        LocalServer(model, "qwen", registry_dir=tmp_path / "servers").start()


def test_llama_cpp_python_has_one_slot() -> None:
    from extractor.errors import ConfigError

    with pytest.raises(ConfigError, match="llama-cpp-python cannot run 2 slots"):
        LocalServer(Path("model.gguf"), "qwen", engine="llama-cpp-python", slots=2)
