"""Record the cassettes from the real embedded model: ``make cassettes`` (``python -m tests.record``;
``python -m tests.record injection_article.yaml`` records only the cassettes named).

Starts the local llama.cpp server, runs every recorded scenario against it with vcrpy in
``all`` mode (old recordings are replaced), stops the server, and checks that no secret,
Authorization header or machine path ended up in a cassette.
"""

from __future__ import annotations

import re
import sys
import time
from pathlib import Path

from extractor import Extractor, read_article_file, resolve_endpoint
from extractor.call.local_server import LocalServer
from extractor.call.model_store import resolve_model_path
from extractor.settings import STEPS
from tests.cassette_config import CASSETTES, cassette
from tests.scenarios import SCENARIOS


def main(names: list[str]) -> int:
    """Record every scenario, or only the cassettes named on the command line."""
    chosen = [s for s in SCENARIOS if not names or s.cassette in names]
    unknown = set(names) - {s.cassette for s in SCENARIOS}
    if unknown:
        print(f"unknown cassettes {sorted(unknown)}; choose from {[s.cassette for s in SCENARIOS]}", file=sys.stderr)
        return 2
    config = resolve_endpoint(backend="local")
    server = LocalServer(resolve_model_path(), config.model)
    CASSETTES.mkdir(exist_ok=True)
    with server:
        config = config.with_base_url(server.start())
        with Extractor(config, steps=STEPS) as extractor:  # every kind of question, whatever the profile asks
            for scenario in chosen:
                (CASSETTES / scenario.cassette).unlink(missing_ok=True)
                started = time.perf_counter()
                with cassette(scenario.cassette, "all"):
                    result = extractor.extract(read_article_file(scenario.article, **scenario.meta))
                usage = result.provenance.usage
                print(f"{scenario.cassette}: {len(result.actors)} actors, {len(result.events)} events, "
                      f"{len(result.quotes)} quotes; {usage.prompt_tokens}+{usage.completion_tokens} tokens; "
                      f"{time.perf_counter() - started:.1f} s", flush=True)
    problems = audit(CASSETTES)
    for problem in problems:
        print("cassette audit:", problem, file=sys.stderr)
    return 1 if problems else 0


def audit(directory: Path) -> list[str]:
    """Secrets and machine paths that must never be in a cassette."""
    patterns = [r"(?i)authorization", r"(?i)bearer\s", r"\bsk-[A-Za-z0-9_-]{4,}", r"(?i)api[-_]key",
                r"x-stainless", re.escape(str(Path.home())) + "/", r"/tmp/", re.escape(str(Path.cwd()))]
    problems = []
    for path in sorted(directory.glob("*.yaml")):
        text = path.read_text(encoding="utf-8")
        for pattern in patterns:
            if re.search(pattern, text):
                problems.append(f"{path.name} matches {pattern!r}")
    return problems


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
