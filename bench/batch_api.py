"""Batch API path benchmark: how long planning (capture), submission and finishing take for an archive.

Usage:
  python bench/batch_api.py                      # 500 synthetic articles
  python bench/batch_api.py --articles 2000 --parse-processes 0 1

The synthetic archive is ``bench/batch.py``'s. The Files/Batches endpoints are the tests' loopback
stand-in (``tests/batch_api_server.py``: it answers a batch at once), so the figures are the cost
of this machine's side: planning every article and capturing its requests, writing and uploading
the files, then replaying every answer through validation, grounding and assembly.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.batch import write_archive  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=500)
    parser.add_argument("--parse-processes", type=int, nargs="+", default=[1])
    args = parser.parse_args()
    from extractor.batch import BatchOptions, extract_many
    from extractor.batch.batch_api import PollPolicy
    from tests.batch_api_server import BatchApiServer
    from tests.servers import completion, serve, stand_in_answer

    def answer(body: dict) -> dict:
        reply = stand_in_answer(body)
        if "other" in reply:
            reply.update(other=[], reported=[])
        return completion(body, reply)

    print(f"{'parse processes':>15} {'done':>8} {'failed':>6} {'seconds':>8} {'articles/s':>10} {'uploads':>7}")
    with tempfile.TemporaryDirectory() as tmp:
        archive = Path(tmp) / "archive.jsonl"
        write_archive(archive, args.articles)
        for processes in args.parse_processes:
            server = BatchApiServer()
            server.answer = answer
            with serve(server, with_headers=True) as (url, _):
                started = time.perf_counter()
                summary = extract_many([str(archive)], Path(tmp) / f"out-{processes}", options=BatchOptions(
                    batch_api=True, poll=PollPolicy(first_s=0.05, max_s=0.5), cache=False, parse_processes=processes),
                    base_url=f"{url}/v1", api_key="sk-bench", model="gpt-4o-mini", backend="openai", mode="json")
                seconds = time.perf_counter() - started
            print(f"{processes:15} {summary.totals.done:8} {summary.totals.failed:6} {seconds:8.1f} "
                  f"{summary.totals.done / seconds:10.2f} "
                  f"{server.uploads:7}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
