"""Geocoding benchmark: the hand-decided place list in bench/data/place_gold.jsonl, scored.

Usage:
  python bench/geocode.py

The list holds 134 place mentions drawn at random (seed 25) from the WikiEvents and PolNeAR dev
articles, each with the GeoNames id a reader decides from the article (null, with a note, where
the place is no city, region or country of the gazetteer: a street, a sea, a continent, a town of
under 15,000 people). For each mention the geocoder resolves the name as the pipeline does, with
the words around it and the article's countries. Prints: accuracy on the mentions with an id, how
many of the others stay unresolved, how many mentions the place finder finds, the milliseconds an
article's places take (after parsing) and the gazetteer's resident memory.
"""

from __future__ import annotations

import gc
import json
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from extractor import Extractor  # noqa: E402
from extractor.candidates.places import PlaceMention, find_places  # noqa: E402
from extractor.evaluation import load_gold  # noqa: E402
from extractor.linguistic.gazetteer import gazetteer  # noqa: E402
from extractor.linguistic.nlp import parse  # noqa: E402
from extractor.rules.places import article_countries, geocode, geocode_article  # noqa: E402
from extractor.schemas import ActorType  # noqa: E402

GOLD = Path(__file__).resolve().parent / "data" / "place_gold.jsonl"
CORPORA = {"wikievents": "../shared/data/wikievents/dev.jsonl", "polnear": "../shared/data/polnear/dev"}


def resident_mib() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * 4096 / 2**20


def main() -> None:
    gold = [json.loads(line) for line in GOLD.read_text("utf-8").splitlines() if line.strip()]
    texts = {(c, d.id): d.text for c in {g["corpus"] for g in gold} for d in load_gold(CORPORA[c], c)}
    before = resident_mib()
    gazetteer()
    gc.collect()
    memory = resident_mib() - before
    counts: Counter = Counter()
    misses: list[str] = []
    timings: list[float] = []
    with Extractor(steps=()) as extractor:
        for (corpus, doc_id), text in texts.items():
            mine = [g for g in gold if (g["corpus"], g["doc"]) == (corpus, doc_id)]
            if not mine:
                continue
            plan = extractor.plan(text)
            doc = parse(text)
            started = time.perf_counter()
            found = {(m.start, m.end): m for m in find_places(doc)}
            countries = article_countries(m.text for g in plan.actors if g.type == ActorType.COUNTRY
                                          for m in g.mentions)
            placed = dict(zip(found, geocode_article(text, list(found.values()), countries)))
            timings.append((time.perf_counter() - started) * 1000)
            for item in mine:
                span = (item["start"], item["end"])
                counts["found"] += span in found
                place = placed.get(span) or geocode(text, PlaceMention(*span, item["text"], "GPE"), countries)
                if item["geonames_id"] is None:
                    counts["no id"] += 1
                    counts["no id, unresolved"] += place.geonames_id is None
                    if place.geonames_id is not None:
                        misses.append(f"  {item['text']!r} in {doc_id} ({item.get('note')}): resolved to "
                                      f"{place.geonames_id} ({place.feature}, {place.country})")
                    continue
                counts["with id"] += 1
                if place.geonames_id == item["geonames_id"]:
                    counts["right"] += 1
                else:
                    misses.append(f"  {item['text']!r} in {doc_id}: {place.geonames_id} ({place.name}, "
                                  f"{place.feature}, {place.country}) for {item['geonames_id']}")
    total = len(gold)
    print(f"place mentions: {total} ({counts['with id']} with a GeoNames id of the gazetteer)")
    print(f"geocoding accuracy (id right): {counts['right'] / counts['with id']:.3f} "
          f"({counts['right']}/{counts['with id']})")
    print(f"places outside the gazetteer left unresolved: {counts['no id, unresolved']}/{counts['no id']}")
    print(f"mentions the place finder finds: {counts['found']}/{total}")
    timings.sort()
    print(f"places of an article (after parsing): median {timings[len(timings) // 2]:.2f} ms, "
          f"max {timings[-1]:.2f} ms over {len(timings)} articles")
    print(f"gazetteer resident memory: {memory:.0f} MiB")
    if misses:
        print("wrong ids, and places outside the gazetteer given one:")
        print("\n".join(misses))


if __name__ == "__main__":
    main()
