"""Fault table: a batch against the fault-injecting loopback model, outcomes per fault kind.

Usage:
  python bench/faults.py [--records 300] [--rate 0.25] [--seed 2026]

Each faulty record gets one kind from tests/fault_server.py, on its first request, its first two,
or every request (persistent). Prints, per kind and persistence: records, done, failed, lost, and
the failure reasons; then the totals. Lost (read but neither done nor failed) must be 0.
"""

from __future__ import annotations

import argparse
import json
import logging
import random
import sys
import tempfile
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from extractor import resolve_endpoint  # noqa: E402
from extractor.batch import BatchOptions, extract_many  # noqa: E402
from extractor.call.retry import RetryPolicy  # noqa: E402
from tests.fault_server import ALWAYS, KINDS, FaultModel, article_text  # noqa: E402
from tests.servers import serve  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=300)
    parser.add_argument("--rate", type=float, default=0.25)
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()
    logging.getLogger("instructor").setLevel(logging.CRITICAL)
    rng = random.Random(args.seed)
    keys = [f"r{i:04d}" for i in range(args.records)]
    plan = {k: (rng.choice(KINDS), rng.choice([1, 2, ALWAYS])) for k in keys if rng.random() < args.rate}
    out = Path(tempfile.mkdtemp(prefix="bench-faults-")) / "run"
    model = FaultModel(plan, hang_s=1.0)
    policy = RetryPolicy(attempts=5, initial_s=0.01, max_wait_s=0.05, jitter_s=0, rate_limit_attempts=12)
    with serve(model) as (url, _):
        config = resolve_endpoint(backend="local", base_url=url + "/v1", timeout_s=0.3, retry=policy)
        summary = extract_many([{"id": k, "text": article_text(k)} for k in keys], out, endpoint=config,
                               options=BatchOptions(cache=False, concurrency=16))
    results = [json.loads(line) for line in (out / "results.jsonl").read_text().splitlines()]
    done = {r["article"]["id"] for r in results}
    salvaged = {r["article"]["id"] for r in results if any("kept the valid part" in w for w in r["warnings"])}
    failed = {json.loads(line)["id"]: json.loads(line)["reason"]
              for line in (out / "failures.jsonl").read_text().splitlines()}
    rows: Counter = Counter()
    reasons: dict[tuple[str, str], Counter] = {}
    for key in keys:
        kind, times = plan.get(key, ("none", 0))
        label = (kind, "persistent" if times == ALWAYS else f"first {times}" if times else "-")
        rows[label + ("in",)] += 1
        rows[label + ("done",)] += key in done
        rows[label + ("failed",)] += key in failed
        rows[label + ("lost",)] += key not in done and key not in failed
        if key in failed:
            reasons.setdefault(label, Counter())[failed[key]] += 1
        elif key in salvaged:
            reasons.setdefault(label, Counter())["done, valid part kept (warning)"] += 1
        elif key in done:
            reasons.setdefault(label, Counter())["done"] += 1
    print("| fault | requests faulted | records | done | failed | lost | outcome |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for label in sorted({k[:2] for k in rows}):
        counts = [rows[label + (c,)] for c in ("in", "done", "failed", "lost")]
        outcome = "; ".join(f"{n}× {r}" for r, n in reasons.get(label, Counter()).items())
        print(f"| {label[0]} | {label[1]} | {' | '.join(map(str, counts))} | {outcome} |")
    lost = args.records - len(done) - len(failed)
    print(f"\nrecords in {args.records}, done {len(done)}, failed {len(failed)}, lost {lost}; "
          f"run store: {summary.totals.done} done, {summary.totals.failed} failed, {summary.totals.pending} pending; "
          f"{sum(model.seen.values())} requests, {sum(model.faults.values())} faults injected, "
          f"{summary.counters.throttled} 429s, {summary.counters.elapsed_s:.1f} s")


if __name__ == "__main__":
    main()
