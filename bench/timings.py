"""Where a model call's time goes: the server's own timings per request (prompt evaluation, cached
prompt tokens, generation with grammar sampling), for the embedded server in a given setting.

Usage:
  python bench/timings.py                                   # default server, 6 dev documents
  python bench/timings.py --server llama-cpp-python --docs 4
  python bench/timings.py --server llama-server --slots 1 --order article
  python bench/timings.py --base-url http://127.0.0.1:8080/v1   # a llama.cpp server already running

Documents alternate PolNeAR dev and WikiEvents dev (first ones first) after the sample article.
``--order article`` sends each article's calls in plan order (what ``extract`` does); ``--order step``
sends every entities call of the run before any events call, so consecutive requests share the
instruction prefix even on a server that keeps one prompt state. Both orderings give the same
answers. llama-cpp-python reports no timings: its rows show tokens and wall time only.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import time
from pathlib import Path

from extractor import Extractor, resolve_endpoint
from extractor.call.local_server import LocalServer
from extractor.call.model_store import resolve_model_path
from extractor.call.send import send
from extractor.evaluation import load_gold
from extractor.schemas import TokenUsage
from extractor.settings import LOCAL_CONTEXT, LOCAL_SERVERS, LOCAL_SLOTS

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "tests/data/ukraine-drones-2025-01-07.txt"
CORPORA = [(ROOT / "../shared/data/polnear/dev", "polnear"), (ROOT / "../shared/data/wikievents/dev.jsonl", "wikievents")]


def documents(count: int) -> list[tuple[str, str, str | None]]:
    """The sample article, then ``count - 1`` dev documents alternating the two corpora."""
    pools = [load_gold(path, fmt) for path, fmt in CORPORA]
    chosen = [("sample", SAMPLE.read_text(), "2025-01-07")]
    for i in range(count - 1):
        doc = pools[i % 2][i // 2]
        chosen.append((doc.id, doc.text, doc.published))
    return chosen


def profile(extractor: Extractor, docs: list[tuple[str, str, str | None]], order: str) -> list[dict]:
    plans = [(doc_id, extractor.plan(text, published=published, article_id=doc_id)) for doc_id, text, published in docs]
    calls = [(doc_id, plan, call) for doc_id, plan in plans for call in plan.calls]
    if order == "step":
        calls.sort(key=lambda item: item[2].step != "entities")
    client = extractor.connection.client()
    rows = []
    for doc_id, plan, call in calls:
        usage, warnings = TokenUsage(), []
        started = time.perf_counter()
        send(client, extractor.endpoint, call, extractor._grounding(plan, call), 0, usage, warnings)
        rows.append({"doc": doc_id, "step": call.step, "wall_s": time.perf_counter() - started, **usage.model_dump()})
        row = rows[-1]
        print(f"{doc_id[:36]:36s} {call.step:8s} {row['wall_s']:6.1f} s  prompt {row['prompt_tokens']:5d} "
              f"(cached {row['cached_tokens']:5d}) {row['prompt_ms'] / 1000:6.1f} s   generated "
              f"{row['completion_tokens']:4d} {row['generation_ms'] / 1000:6.1f} s", flush=True)
    return rows


def report(rows: list[dict]) -> None:
    wall = sum(r["wall_s"] for r in rows)
    prompt_s = sum(r["prompt_ms"] for r in rows) / 1000
    gen_s = sum(r["generation_ms"] for r in rows) / 1000
    evaluated = sum(r["prompt_tokens"] - r["cached_tokens"] for r in rows)
    generated = sum(r["completion_tokens"] for r in rows)
    print(f"\n{len(rows)} calls, {wall:.1f} s wall; prompt tokens {sum(r['prompt_tokens'] for r in rows)} "
          f"of which cached {sum(r['cached_tokens'] for r in rows)}; generated {generated}")
    if prompt_s or gen_s:
        print(f"prompt evaluation {prompt_s:.1f} s ({prompt_s / wall:.0%}; {evaluated / prompt_s:.1f} tokens/s), "
              f"generation {gen_s:.1f} s ({gen_s / wall:.0%}; {generated / gen_s:.1f} tokens/s), "
              f"other (HTTP, client, grammar set-up) {wall - prompt_s - gen_s:.1f} s")
    per_doc: dict[str, float] = {}
    for r in rows:
        per_doc[r["doc"]] = per_doc.get(r["doc"], 0.0) + r["wall_s"]
    print(f"per article: median {statistics.median(per_doc.values()):.1f} s, mean {statistics.mean(per_doc.values()):.1f} s")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--server", choices=LOCAL_SERVERS, default=LOCAL_SERVERS[0])
    parser.add_argument("--slots", type=int, default=LOCAL_SLOTS)
    parser.add_argument("--base-url", default=None, help="a llama.cpp server already running (no server started)")
    parser.add_argument("--docs", type=int, default=6)
    parser.add_argument("--order", choices=["article", "step"], default="article")
    args = parser.parse_args()
    docs = documents(args.docs)
    endpoint = resolve_endpoint(backend="local")
    slots = 1 if args.server == "llama-cpp-python" else args.slots
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores; model {endpoint.model}; "
          f"server {args.base_url or args.server} (slots {slots}, ctx {LOCAL_CONTEXT} per slot, "
          f"{os.cpu_count()} threads); order {args.order}", flush=True)
    if args.base_url:
        with Extractor(resolve_endpoint(backend="local", base_url=args.base_url)) as extractor:
            report(profile(extractor, docs, args.order))
        return 0
    with LocalServer(resolve_model_path(), endpoint.model, engine=args.server, slots=slots) as server:
        with Extractor(resolve_endpoint(backend="local", base_url=server.start())) as extractor:
            report(profile(extractor, docs, args.order))
    return 0


if __name__ == "__main__":
    sys.exit(main())
