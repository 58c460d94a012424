"""Batch throughput benchmark: synthetic articles against a loopback model that answers after 200 ms.

Usage:
  python bench/batch.py                         # concurrency 1, 8, 32, 128; resume; memory at 1k and 5k
  python bench/batch.py --concurrency 8 32 --articles 500

Each configuration runs in its own process (so peak memory is its own), with the response cache off
(every request reaches the model) and both model steps (two requests per article). The ideal is
concurrency / latency requests per second. Client CPU is the batch process's own (every thread),
per request; spaCy's share is the CPU its ``nlp.pipe`` takes over the same texts, measured apart. The resume figure is a rerun of a finished run: every
record is skipped, then the outputs are rewritten.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PLACES = ["Kyiv", "Kharkiv", "Odesa", "Dnipro", "Lviv", "Kherson", "Zaporizhzhia", "Sumy"]
NAMES = ["Anna Petrova", "Oleksandr Prokudin", "Maria Kovalenko", "Ivan Shevchenko", "Olena Bondar"]


def synthetic_article(i: int, rng: random.Random) -> dict:
    place, name = rng.choice(PLACES), rng.choice(NAMES)
    drones, downed = rng.randint(10, 80), rng.randint(1, 9)
    paragraphs = [
        f"Ukraine's air force said on Tuesday it had shot down {drones - downed} of {drones} drones launched "
        f"overnight, most of them over {place}.",
        f'"We heard the explosions from the window and then the sirens," said {name}, a resident of {place}.',
        f"Regional officials said {rng.randint(1, 5)} people were injured and a school was damaged.",
        f"The Russian Defense Ministry claimed its forces had taken a village near {place}, which Ukraine "
        f"did not confirm.",
    ]
    paragraphs += [f"Local authorities said repairs would take {rng.randint(2, 9)} weeks." for _ in range(rng.randint(0, 4))]
    return {"id": f"syn-{i:05d}", "date": "2025-01-07", "title": f"Drones over {place}", "text": "\n\n".join(paragraphs)}


def write_archive(path: Path, n: int) -> None:
    rng = random.Random(7)
    with path.open("w") as handle:
        for i in range(n):
            handle.write(json.dumps(synthetic_article(i, rng)) + "\n")


def _cpu_s(who: int = resource.RUSAGE_SELF) -> float:
    usage = resource.getrusage(who)
    return usage.ru_utime + usage.ru_stime


def process_cpu_s(pid: int) -> float:
    """CPU seconds a running process has used (the loopback server's), from /proc."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def spacy_cpu_s(archive: str) -> float:
    """CPU seconds spaCy takes to parse the archive's texts as the batch does (``nlp.pipe``)."""
    from extractor.linguistic.nlp import load_pipeline

    texts = [json.loads(line)["text"] for line in Path(archive).read_text().splitlines() if line.strip()]
    nlp = load_pipeline()
    before = _cpu_s()
    for _ in nlp.pipe(texts, batch_size=16):
        pass
    return _cpu_s() - before


def run_one(archive: str, out: str, url: str, concurrency: int, parse_processes: int) -> None:
    """Child mode: one batch run, figures as JSON on stdout (CPU: this process, all its threads)."""
    from extractor import resolve_endpoint
    from extractor.batch import BatchOptions, extract_many
    from extractor.linguistic.nlp import load_pipeline

    config = resolve_endpoint(backend="local", base_url=url, local_server="llama-server", local_slots=concurrency)
    load_pipeline()
    cpu_before, workers_before, started = _cpu_s(), _cpu_s(resource.RUSAGE_CHILDREN), time.perf_counter()
    summary = extract_many([archive], out, endpoint=config, options=BatchOptions(concurrency=concurrency, cache=False,
                                                                                    parse_processes=parse_processes))
    elapsed, cpu = time.perf_counter() - started, _cpu_s() - cpu_before
    workers = _cpu_s(resource.RUSAGE_CHILDREN) - workers_before
    print(json.dumps({"elapsed_s": elapsed, "done": summary.counters.done, "failed": summary.counters.failed,
                      "skipped": summary.counters.already_done, "requests": summary.totals.calls, "cpu_s": cpu,
                      "workers_cpu_s": workers,
                      "spacy_cpu_s": spacy_cpu_s(archive) if summary.totals.calls else 0.0,
                      "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))


def child(archive: Path, out: Path, url: str, concurrency: int, parse_processes: int, server: int) -> dict:
    """One configuration in its own process; the loopback server's CPU over the run added."""
    before = process_cpu_s(server)
    result = subprocess.run([sys.executable, __file__, "--child", str(archive), str(out), url, str(concurrency),
                             str(parse_processes)],
                            capture_output=True, text=True, check=True)
    figures = json.loads(result.stdout.strip().splitlines()[-1])
    return {**figures, "server_cpu_s": process_cpu_s(server) - before}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--concurrency", type=int, nargs="+", default=[1, 8, 32, 128])
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--articles-at-1", type=int, default=250, help="fewer at concurrency 1 (0.4 s each)")
    parser.add_argument("--latency", type=float, default=0.2)
    parser.add_argument("--memory-check", type=int, default=5000, help="articles for the flat-memory run (0: skip)")
    parser.add_argument("--parse-processes", type=int, default=None,
                        help="spaCy worker processes (default: the batch's own default on this machine)")
    parser.add_argument("--child", nargs=5, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        archive, out, url, concurrency, processes = args.child
        run_one(archive, out, url, int(concurrency), int(processes))
        return

    from extractor.settings import default_parse_processes

    processes = default_parse_processes() if args.parse_processes is None else args.parse_processes
    work = Path(tempfile.mkdtemp(prefix="bench-batch-"))
    server = subprocess.Popen([sys.executable, "-m", "tests.servers", "--delay", str(args.latency)], cwd=ROOT,
                              stdout=subprocess.PIPE, text=True)
    try:
        url = server.stdout.readline().strip()
        print(f"loopback model at {url}, {args.latency * 1000:.0f} ms per request; {processes} spaCy worker "
              f"process(es); work dir {work}")
        print("CPU ms per request: batch = the batch process (every thread), workers = its spaCy worker "
              "processes, spaCy = spaCy's parse of the same texts measured apart, client = batch + workers - "
              "spaCy, server = the loopback model's process")
        print(f"{'concurrency':>11} {'articles':>8} {'seconds':>8} {'req/s':>8} {'ideal':>8} {'share':>6} "
              f"{'art/s':>7} {'batch':>6} {'workers':>7} {'spaCy':>6} {'client':>6} {'server':>6} {'peak MB':>8}")
        last = None
        for concurrency in args.concurrency:
            n = args.articles_at_1 if concurrency == 1 else args.articles
            archive = work / f"archive-{n}.jsonl"
            if not archive.exists():
                write_archive(archive, n)
            out = work / f"run-c{concurrency}"
            figures = child(archive, out, url, concurrency, processes, server.pid)
            rate = figures["requests"] / figures["elapsed_s"]
            ideal = concurrency / args.latency
            per_request = 1000 / figures["requests"]
            cpu, workers = figures["cpu_s"] * per_request, figures["workers_cpu_s"] * per_request
            spacy, server_cpu = figures["spacy_cpu_s"] * per_request, figures["server_cpu_s"] * per_request
            print(f"{concurrency:>11} {n:>8} {figures['elapsed_s']:>8.1f} {rate:>8.1f} {ideal:>8.1f} "
                  f"{rate / ideal:>6.0%} {figures['done'] / figures['elapsed_s']:>7.1f} {cpu:>6.1f} {workers:>7.1f} "
                  f"{spacy:>6.1f} {cpu + workers - spacy:>6.1f} {server_cpu:>6.1f} {figures['peak_rss_mb']:>8.0f}")
            assert figures["done"] == n and figures["failed"] == 0, figures
            last = (archive, out, url, concurrency)
        if last:
            archive, out, url, concurrency = last
            again = child(archive, out, url, concurrency, processes, server.pid)
            print(f"resume of the finished run (concurrency {concurrency}): {again['elapsed_s']:.2f} s, "
                  f"{again['skipped']} records skipped, {again['done']} re-extracted")
        if args.memory_check:
            concurrency = max(args.concurrency)
            archive = work / f"archive-{args.memory_check}.jsonl"
            write_archive(archive, args.memory_check)
            figures = child(archive, work / "run-memory", url, concurrency, processes, server.pid)
            print(f"flat memory: {args.memory_check} articles at concurrency {concurrency}: peak "
                  f"{figures['peak_rss_mb']:.0f} MB in {figures['elapsed_s']:.1f} s")
    finally:
        server.terminate()
        server.wait()


if __name__ == "__main__":
    main()
