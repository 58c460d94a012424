"""Speed side by side: our extractor and LangExtract on the same server, model and 10 dev documents.

Usage:
  python bench/speed.py --langextract-python /path/to/venv/bin/python [--docs 10]
  python bench/speed.py --skip-langextract                      # our side only
  python bench/speed.py --server llama-cpp-python --skip-langextract
  python bench/speed.py --skip-langextract --skip-sequential --slots 4   # a batch at N = 4

The embedded model (the default Qwen2.5-Coder-1.5B Q4_K_M; llama.cpp's llama-server with the
default slots unless told otherwise) serves both tools in turn, each phase on a freshly started
server, so no phase finds the prompts of the one before in the server's prompt cache. Ours runs with its default steps:
articles one after another (each article's calls side by side on the slots), then the same
articles as a batch (``extract_many``, as many articles in flight as slots). LangExtract runs its
committed configuration (``bench/langextract_run.py``), as many chunks in flight as slots,
installed only in its own environment (``pip install 'langextract[openai]==1.7.1'``). The documents
alternate PolNeAR dev and WikiEvents dev, first ones first. Prints seconds per article, medians and
articles/hour.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from extractor import Extractor, resolve_endpoint
from extractor.batch import BatchOptions, extract_many
from extractor.call.local_server import LocalServer
from extractor.call.model_store import resolve_model_path
from extractor.evaluation import load_gold
from extractor.settings import LOCAL_CONTEXT, LOCAL_SERVERS, LOCAL_SLOTS

HERE = Path(__file__).resolve().parent
CORPORA = [(HERE.parent / "../shared/data/polnear/dev", "polnear"),
           (HERE.parent / "../shared/data/wikievents/dev.jsonl", "wikievents")]


def documents(count: int) -> list[dict[str, str]]:
    """``count`` documents, alternating the two dev corpora."""
    pools = [load_gold(path, fmt) for path, fmt in CORPORA]
    chosen = []
    for i in range(count):
        doc = pools[i % 2][i // 2]
        chosen.append({"id": doc.id, "text": doc.text, "date": doc.published or ""})
    return chosen


def ours(docs: list[dict[str, str]], endpoint) -> list[float]:  # noqa: ANN001 - an Endpoint
    seconds = []
    with Extractor(endpoint) as extractor:
        for doc in docs:
            started = time.perf_counter()
            result = extractor.extract(doc["text"], published=doc["date"] or None, article_id=doc["id"])
            seconds.append(time.perf_counter() - started)
            usage = result.provenance.usage
            print(f"  ours        {doc['id'][:44]:44s} {seconds[-1]:6.1f} s  {usage.calls} calls "
                  f"{usage.prompt_tokens}+{usage.completion_tokens} tokens ({usage.cached_tokens} cached)", flush=True)
    return seconds


def ours_batch(docs: list[dict[str, str]], endpoint) -> float:  # noqa: ANN001 - an Endpoint
    """Seconds for the whole set as one batch run (no response cache: every request is computed)."""
    work = Path(tempfile.mkdtemp(prefix="bench-speed-"))
    archive = work / "docs.jsonl"
    archive.write_text("".join(json.dumps(doc) + "\n" for doc in docs), encoding="utf-8")
    started = time.perf_counter()
    summary = extract_many([str(archive)], work / "out", endpoint=endpoint, options=BatchOptions(cache=False))
    elapsed = time.perf_counter() - started
    print(f"  ours batch  {summary.counters.done} done, {summary.counters.failed} failed in {elapsed:.1f} s", flush=True)
    return elapsed


def langextract(docs: list[dict[str, str]], url: str, model: str, python: str, workers: int) -> list[float]:
    with tempfile.NamedTemporaryFile("w", suffix=".jsonl", delete=False, encoding="utf-8") as handle:
        handle.writelines(json.dumps(doc) + "\n" for doc in docs)
    seconds = []
    command = [python, str(HERE / "langextract_run.py"), handle.name, "--base-url", url, "--model", model,
               "--workers", str(workers)]
    with subprocess.Popen(command, stdout=subprocess.PIPE, text=True) as process:
        for line in process.stdout or []:
            row = json.loads(line)
            seconds.append(row["seconds"])
            note = f"  error: {row['error']}" if row["error"] else ""
            print(f"  langextract {row['id'][:44]:44s} {row['seconds']:6.1f} s  {row['extractions']} extractions{note}",
                  flush=True)
    os.unlink(handle.name)
    return seconds


def summary(name: str, seconds: list[float]) -> float:
    per_hour = 3600 * len(seconds) / sum(seconds) if seconds else 0.0
    print(f"{name:18s} {len(seconds)} articles, median {statistics.median(seconds):.1f} s, "
          f"mean {statistics.mean(seconds):.1f} s, {per_hour:.1f} articles/hour")
    return per_hour


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=10)
    parser.add_argument("--server", choices=LOCAL_SERVERS, default=LOCAL_SERVERS[0])
    parser.add_argument("--slots", type=int, default=LOCAL_SLOTS)
    parser.add_argument("--langextract-python", default=None)
    parser.add_argument("--skip-langextract", action="store_true")
    parser.add_argument("--skip-batch", action="store_true")
    parser.add_argument("--skip-sequential", action="store_true", help="only the batch (articles/hour at --slots)")
    args = parser.parse_args()
    if not args.skip_langextract and not args.langextract_python:
        parser.error("--langextract-python (a venv with langextract[openai]==1.7.1) or --skip-langextract")
    slots = 1 if args.server == "llama-cpp-python" else args.slots
    docs = documents(args.docs)
    model = resolve_endpoint(backend="local").model
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores; model {model}; server {args.server} "
          f"({slots} slot(s), ctx {LOCAL_CONTEXT} per slot, {os.cpu_count()} threads)", flush=True)
    def fresh(run):  # noqa: ANN001, ANN202 - each phase on a new server: no prompt cached by the last one
        with LocalServer(resolve_model_path(), model, engine=args.server, slots=slots) as server:
            url = server.start()
            return run(url, resolve_endpoint(backend="local", base_url=url, local_server=args.server,
                                             local_slots=slots))

    ours_s = [] if args.skip_sequential else fresh(lambda url, endpoint: ours(docs, endpoint))
    batch_s = None if args.skip_batch else fresh(lambda url, endpoint: ours_batch(docs, endpoint))
    theirs_s = ([] if args.skip_langextract else
                fresh(lambda url, endpoint: langextract(docs, url, model, args.langextract_python, slots)))
    ours_rate = summary("ours", ours_s) if ours_s else 0.0
    if batch_s:
        batch_rate = 3600 * len(docs) / batch_s
        print(f"{'ours as a batch':18s} {len(docs)} articles in {batch_s:.1f} s, {batch_rate:.1f} articles/hour")
    if theirs_s and ours_s:
        theirs_rate = summary("langextract", theirs_s)
        print(f"ours / langextract articles per hour: {ours_rate / theirs_rate:.2f}x one at a time"
              + (f", {batch_rate / theirs_rate:.2f}x as a batch" if batch_s else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
