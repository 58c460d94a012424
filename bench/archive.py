"""Archive registry benchmark: clusters against the hand-checked PolNeAR gold, and the cost at scale.

Quality (a batch run over PolNeAR train and dev, e.g. ``extractor batch polnear.jsonl --steps none``;
``--jsonl`` writes that input from ``../shared``)::

    python bench/archive.py --jsonl /tmp/polnear.jsonl
    python bench/archive.py --run OUT_DIR

Each gold mention is matched to the article actor with a mention overlapping it; B-cubed
precision, recall and F1 are computed over the matched mentions (gold entity against archive
actor id), and the share matched is printed beside them. ``--stories N`` prints N multi-article
stories with their claims, to check by hand.

Cost (synthetic archives: people, organisations and countries drawn from fixed pools, dated over
two years, a few actors and events an article)::

    python bench/archive.py --cost 10000 100000
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from extractor.archive.registry import connect, update_registry  # noqa: E402
from extractor.archive.stories import story_events  # noqa: E402
from extractor.batch.store import RunStore  # noqa: E402

GOLD = ROOT / "bench" / "gold" / "polnear_actors.json"
POLNEAR = ROOT.parent / "shared" / "data" / "polnear"


def write_jsonl(path: Path) -> int:
    """PolNeAR train and dev as batch input: id = document stem, date and outlet from metadata.tsv."""
    meta = {r["filename"]: r for r in csv.DictReader((POLNEAR / "metadata.tsv").open(encoding="utf-8"),
                                                        delimiter="\t")}
    count = 0
    with path.open("w", encoding="utf-8") as out:
        for split in ("train", "dev"):
            for txt in sorted((POLNEAR / split / "text").glob("*.txt")):
                row = meta.get(txt.stem, {})
                out.write(json.dumps({"id": txt.stem, "text": txt.read_text(encoding="utf-8"),
                                      "date": row.get("publication_date"), "source": row.get("publisher")}) + "\n")
                count += 1
    return count


def bcubed(pairs: list[tuple[str, str]]) -> tuple[float, float, float]:
    """B-cubed precision, recall, F1 of (gold cluster, predicted cluster) items."""
    gold, pred, both = Counter(g for g, _ in pairs), Counter(p for _, p in pairs), Counter(pairs)
    precision = sum(both[(g, p)] / pred[p] for g, p in pairs) / len(pairs)
    recall = sum(both[(g, p)] / gold[g] for g, p in pairs) / len(pairs)
    return precision, recall, 2 * precision * recall / (precision + recall)


def score(run_dir: Path, kinds: tuple[str, ...]) -> None:
    with RunStore(run_dir) as store:
        run = store.runs()[0]
        results = {json.loads(r)["article"]["id"]: json.loads(r) for r in store.results(run)}
    started = time.perf_counter()
    update = update_registry(run_dir, run)
    print(f"registry: {update.records} articles, {update.placed} actors placed, "
          f"{update.new_archive_actors} new archive actors, {time.perf_counter() - started:.2f} s; how: "
          f"{dict(update.how)}")
    con = connect(run_dir)
    ids = {(a, b): n for a, b, n in con.execute(
        "SELECT article_id, actor_id, archive_actor FROM archive_members WHERE run = ?", (run,))}
    gold = json.loads(GOLD.read_text(encoding="utf-8"))["clusters"]
    for kind in kinds:
        pairs, total = [], 0
        wrong: Counter = Counter()
        for entity, cluster in gold.items():
            for split, doc, start, end, mention_kind, _ in cluster["mentions"]:
                if mention_kind != kind and kind != "all":
                    continue
                total += 1
                actor = _actor_at(results.get(doc), start, end)
                if actor and (doc, actor) in ids:
                    pairs.append((entity, f"AA{ids[(doc, actor)]}"))
        p, r, f = bcubed(pairs)
        print(f"{kind:8} mentions {total:5}  matched {len(pairs):5} ({len(pairs) / total:.0%})  "
              f"B-cubed P {p:.3f}  R {r:.3f}  F1 {f:.3f}")
        by_pred = defaultdict(Counter)
        for entity, pred in pairs:
            by_pred[pred][entity] += 1
        for pred, entities in by_pred.items():
            if len(entities) > 1:
                wrong[tuple(sorted(entities))] += sum(entities.values()) - max(entities.values())
        for entities, n in wrong.most_common(8):
            print(f"   together: {' + '.join(entities)} ({n} mentions)")


def _actor_at(result: dict | None, start: int, end: int) -> str | None:
    """The article actor with a mention overlapping [start, end), the largest overlap first."""
    if result is None:
        return None
    best, overlap = None, 0
    for actor in result["actors"]:
        for m in actor["mentions"]:
            o = min(end, m["end"]) - max(start, m["start"])
            if o > overlap:
                best, overlap = actor["id"], o
    return best


def stories(run_dir: Path, count: int) -> None:
    with RunStore(run_dir) as store:
        run = store.runs()[0]
    update_registry(run_dir, run)
    con = connect(run_dir)
    found = list(story_events(con, run))
    multi = [s for s in found if len(s.articles) > 1]
    events = sum(len(s.claims) for s in found)
    in_multi = sum(len(s.claims) for s in multi)
    print(f"stories: {len(found)} ({events} events); {len(multi)} span several articles, holding "
          f"{in_multi} events ({in_multi / max(events, 1):.0%})")
    random.Random(7).shuffle(multi)
    for story in multi[:count]:
        print(f"\n{story.id} {story.type} {story.date} participants={story.participant_names} "
              f"locations={story.locations}")
        for claim in story.claims:
            print(f"   {claim.article_id[:45]:45} {claim.status:10} {claim.evidence[:150]!r}")


def synthetic(articles: int, seed: int = 1) -> Iterator[str]:
    """Result JSON of ``articles`` made-up articles over fixed name pools (3-8 actors, 0-3 events)."""
    rng = random.Random(seed)
    firsts = [f"First{i}" for i in range(400)]
    lasts = [f"Last{i}" for i in range(2500)]
    people = [(rng.choice(firsts), rng.choice(lasts)) for _ in range(20_000)]
    orgs = [f"Org{i} Agency" for i in range(3000)]
    countries = [f"Country{i}" for i in range(200)]
    start = date(2024, 1, 1)
    for n in range(articles):
        published = start + timedelta(days=rng.randrange(730))
        actors = []
        for i in range(rng.randint(3, 8)):
            roll = rng.random()
            if roll < 0.6:
                first, last = rng.choice(people)
                name, aliases, kind = (f"{first} {last}", [last], "PERSON") if rng.random() < 0.85 else \
                    (last, [], "PERSON")
            elif roll < 0.85:
                name, aliases, kind = rng.choice(orgs), [], "ORGANIZATION"
            else:
                name, aliases, kind = rng.choice(countries), [], "COUNTRY"
            actors.append({"id": f"A{i + 1}", "name": name, "type": kind, "title": None, "aliases": aliases,
                           "mentions": [{"start": 0, "end": 1, "text": "x"}]})
        events = []
        for j in range(rng.randint(0, 3)):
            agent = rng.choice(actors)["id"]
            events.append({"id": f"E{j + 1}", "type": rng.choice(["ASSAULT", "CONSULT", "ACCUSE"]),
                           "summary": "s", "evidence": {"start": 0, "end": 1, "text": "x"},
                           "date": {"value": (published - timedelta(days=rng.randrange(3))).isoformat(),
                                    "precision": "day", "expression": "Tuesday"},
                           "locations": [rng.choice(countries)], "participants": [{"actor_id": agent, "role": "agent"}],
                           "status": "asserted"})
        yield json.dumps({"article": {"id": f"syn{n}", "text": "x", "published": published.isoformat(),
                                      "source": f"outlet{n % 50}"},
                          "actors": actors, "events": events, "quotes": [], "warnings": [],
                          "provenance": {"backend": "synthetic", "model": "none", "prompt_templates": {}}})


def cost(sizes: list[int]) -> None:
    """Registry and stories over synthetic archives, each measured in a fresh process (its own peak RSS)."""
    print("articles   registry s   stories s   archive actors   stories   peak RSS MB (registry / +stories)"
          "   actors placed")
    for size in sizes:
        with tempfile.TemporaryDirectory() as tmp:
            with RunStore(tmp) as store:
                store.begin_run("synthetic", {})
                for n, result in enumerate(synthetic(size)):
                    store.claim_pending("synthetic", f"syn{n}", "synthetic", "", "c")
                    store.save_result("synthetic", f"syn{n}", result, prompt_tokens=0, completion_tokens=0,
                                      calls=0, wall_s=0.0)
            measured = subprocess.run([sys.executable, __file__, "--measure", tmp], capture_output=True, text=True,
                                      check=True)
            print(f"{size:8}   {measured.stdout.strip()}")


def measure(directory: Path) -> None:
    """One registry update and one story pass over a store, timed, with this process's peak RSS."""
    started = time.perf_counter()
    update = update_registry(directory, "synthetic")
    registry_s = time.perf_counter() - started
    registry_peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    started = time.perf_counter()
    con = connect(directory)
    found = sum(1 for _ in story_events(con, "synthetic"))
    stories_s = time.perf_counter() - started
    actors = con.execute("SELECT COUNT(*) FROM archive_actors").fetchone()[0]
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{registry_s:10.1f}   {stories_s:9.1f}   {actors:14}   {found:7}   {registry_peak:6.0f} / {peak:4.0f}"
          f"   {update.placed:13}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--jsonl", type=Path, help="write PolNeAR train+dev as batch input here and stop")
    parser.add_argument("--run", type=Path, help="a batch output directory over PolNeAR (copied, not changed)")
    parser.add_argument("--results", type=Path, help="a folder of result JSON files over PolNeAR (e.g. a "
                                                       "bench/quality.py cache), scored like a run")
    parser.add_argument("--stories", type=int, default=0, help="print this many multi-article stories")
    parser.add_argument("--cost", type=int, nargs="*", help="synthetic archive sizes")
    parser.add_argument("--measure", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.jsonl:
        print(f"{write_jsonl(args.jsonl)} articles written to {args.jsonl}")
    if args.run:
        with tempfile.TemporaryDirectory() as tmp:
            for name in ("run.sqlite", "run.sqlite-wal", "run.sqlite-shm"):
                if (args.run / name).exists():
                    (Path(tmp) / name).write_bytes((args.run / name).read_bytes())
            score(Path(tmp), ("speaker", "actor", "all"))
            if args.stories:
                stories(Path(tmp), args.stories)
    if args.results:
        with tempfile.TemporaryDirectory() as tmp:
            with RunStore(tmp) as store:
                store.begin_run("results", {})
                for path in sorted(args.results.glob("*.json")):
                    result = path.read_text(encoding="utf-8")
                    record = json.loads(result)["article"]["id"]
                    store.claim_pending("results", record, str(path), "", "c")
                    store.save_result("results", record, result, prompt_tokens=0, completion_tokens=0, calls=0,
                                      wall_s=0.0)
            score(Path(tmp), ("speaker", "actor", "all"))
            if args.stories:
                stories(Path(tmp), args.stories)
    if args.cost:
        cost(args.cost)
    if args.measure:
        measure(args.measure)
    return 0


if __name__ == "__main__":
    sys.exit(main())
