"""Ray engine benchmark: articles per second on a local Ray cluster beside the plain local batch.

Usage:
  python bench/ray.py                       # 200 synthetic articles, 2-CPU cluster, 2 workers
  python bench/ray.py --articles 500 --workers 2 4 --concurrency 8

Both engines run the same synthetic archive (``bench/batch.py``'s articles, both model steps:
two requests each) against the loopback model answering after 200 ms (``python -m tests.servers
--delay 0.2``, its own process), response cache off. Each configuration is a fresh output
directory; the Ray figure includes starting the cluster's workers (each loads spaCy), not
``ray.init`` itself.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# This file is named like the package it measures: its own folder must not shadow ``import ray``.
sys.path = [str(ROOT)] + [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]

from bench.batch import write_archive  # noqa: E402


def run(archive: Path, url: str, engine: str, workers: int, concurrency: int) -> tuple[float, int]:
    from extractor.batch import BatchOptions, extract_many

    with tempfile.TemporaryDirectory() as out:
        started = time.perf_counter()
        summary = extract_many([str(archive)], out, options=BatchOptions(
            engine=engine, ray_workers=workers, concurrency=concurrency, cache=False, parse_processes=0),
            base_url=url, api_key="sk-bench", model="stand-in", backend="openai", mode="json")
        return time.perf_counter() - started, summary.totals.done


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=200)
    parser.add_argument("--workers", type=int, nargs="+", default=[2])
    parser.add_argument("--concurrency", type=int, default=8, help="requests in flight (per Ray worker)")
    parser.add_argument("--cpus", type=int, default=2, help="CPUs of the local Ray cluster")
    args = parser.parse_args()
    server = subprocess.Popen([sys.executable, "-m", "tests.servers", "--delay", "0.2"], cwd=ROOT,
                              stdout=subprocess.PIPE, text=True)
    try:
        url = server.stdout.readline().strip()
        with tempfile.TemporaryDirectory() as tmp:
            archive = Path(tmp) / "archive.jsonl"
            write_archive(archive, args.articles)
            import ray

            ray.init(num_cpus=args.cpus, include_dashboard=False, log_to_driver=False)
            print(f"{'engine':8} {'workers':>7} {'in flight':>9} {'articles':>8} {'seconds':>8} {'articles/s':>10}")
            seconds, done = run(archive, url, "local", 1, args.concurrency)
            print(f"{'local':8} {'-':>7} {args.concurrency:9} {done:8} {seconds:8.1f} {done / seconds:10.2f}",
                  flush=True)
            for workers in args.workers:
                seconds, done = run(archive, url, "ray", workers, args.concurrency)
                print(f"{'ray':8} {workers:7} {workers * args.concurrency:9} {done:8} {seconds:8.1f} "
                      f"{done / seconds:10.2f}", flush=True)
            ray.shutdown()
    finally:
        server.terminate()
    return 0


if __name__ == "__main__":
    sys.exit(main())
