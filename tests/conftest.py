"""Shared fixtures: the sample article and replay of recorded model responses."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "tests" / "data" / "ukraine-drones-2025-01-07.txt"


@pytest.fixture
def sample_raw() -> str:
    return SAMPLE.read_text(encoding="utf-8")


@pytest.fixture(autouse=True)
def _isolated_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests never touch the user's cache or pick up a real endpoint from the environment."""
    monkeypatch.setenv("EXTRACTOR_CACHE_DIR", str(tmp_path / "cache"))
    for name in ("OPENAI_API_KEY", "OPENAI_BASE_URL", "EXTRACTOR_LOCAL_MODEL", "EXTRACTOR_MODEL",
                 "EXTRACTOR_LLAMA_SERVER"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def unpinned_pipeline(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """An installed spaCy pipeline folder that is not the pinned one (loaded afresh, then forgotten)."""
    from extractor.linguistic import nlp

    fake = tmp_path / "pipeline"
    fake.mkdir()
    (fake / "config.cfg").write_text("[nlp]\n")
    monkeypatch.setattr(nlp, "pipeline_dir", lambda: fake)
    nlp.load_pipeline.cache_clear()
    yield fake
    nlp.load_pipeline.cache_clear()


@pytest.fixture
def parsed_here(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every text spaCy parses in this process from now on (``nlp.pipe`` and ``nlp(text)``);
    a text parsed in a worker process is not in it."""
    from spacy.language import Language

    here: list[str] = []
    pipe, call = Language.pipe, Language.__call__

    def counted_pipe(self, texts, **kwargs):  # noqa: ANN001, ANN202
        texts = list(texts)
        here.extend(texts)
        return pipe(self, texts, **kwargs)

    def counted_call(self, text, **kwargs):  # noqa: ANN001, ANN202
        here.append(text)
        return call(self, text, **kwargs)

    monkeypatch.setattr(Language, "pipe", counted_pipe)
    monkeypatch.setattr(Language, "__call__", counted_call)
    return here
