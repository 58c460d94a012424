"""Score quote extraction on PolNeAR: the model-free layer, or the pipeline with the local model.

Usage:
  python bench/polnear.py [DIR]                          # rules only, no model call (seconds)
  python bench/polnear.py [DIR] --model [--limit N]      # embedded model, entities step only;
                                                         # results cached in out/bench/polnear/

Rules only: every detected quotation with a rule attribution (or of 8+ words) and every sentence
the rules read as reported speech is a prediction (predictions nested inside another are not scored).
A prediction is correct when it overlaps a fragment of a gold Content span (brat fragments:
"“X,” he said. “Y.”" is one attribution in two fragments) by at least half of the longer of the
two; precision counts correct predictions, recall gold attributions with at least one. A found
attribution's speaker is correct when it shares a word with the gold Source span; attributions
whose gold Source is a bare pronoun are left out of speaker accuracy (we resolve "he" to a name,
which the gold span does not give). This is the floor
the model-assisted pipeline starts from, not the pipeline's score.
"""

from __future__ import annotations

import argparse
import re
import time
from collections import defaultdict
from pathlib import Path

from extractor.assemble import assemble
from extractor.inputs import make_article
from extractor.quote_candidates import find_quotes
from extractor.segment import sentences

QUOTE_MARKS = "“\"‘'«„"
UNNAMED = {"he", "she", "they", "him", "her", "them", "it", "i", "we", "you", "said", "says", ""}


def load_gold(ann: Path) -> list[dict]:
    spans, links = {}, []
    for line in ann.read_text(encoding="utf-8").splitlines():
        parts = line.split("\t")
        if line.startswith("T") and len(parts) >= 3:
            label, *ranges = parts[1].replace(";", " ").split()
            numbers = [int(x) for x in ranges]
            fragments = list(zip(numbers[::2], numbers[1::2]))
            spans[parts[0]] = (label, min(numbers), max(numbers), parts[2], fragments)
        elif line.startswith("E") and len(parts) >= 2:
            links.append(dict(arg.split(":") for arg in parts[1].split()))
    gold = []
    for link in links:
        content = spans.get(link.get("Content", ""))
        if not content:
            continue
        source = spans.get(link.get("Source", ""))
        gold.append({"start": content[1], "end": content[2], "text": content[3], "fragments": content[4],
                     "direct": content[3].lstrip()[:1] in QUOTE_MARKS, "source": source[3] if source else ""})
    return gold


def top_level(quotes: list) -> list:
    """Predictions not nested in another prediction (a partial quote inside a reported statement
    is part of that statement's attribution in PolNeAR, not one of its own)."""
    return [q for q in quotes if not any(o is not q and o.span.start <= q.span.start and q.span.end <= o.span.end
                                         and (o.span.end - o.span.start) > (q.span.end - q.span.start) for o in quotes)]


def _match(a: tuple[int, int], b: tuple[int, int]) -> bool:
    inter = min(a[1], b[1]) - max(a[0], b[0])
    return inter > 0 and inter >= 0.5 * max(a[1] - a[0], b[1] - b[0])


def _words(text: str) -> set[str]:
    return {w for w in re.findall(r"[a-z]+", text.lower()) if len(w) > 2 and w not in {"the", "and", "said"}}


def rules_only(text: str, published: str | None) -> tuple[list, dict[str, str]]:
    article = make_article(text, published=published)
    built = assemble(article, sentences(article.text), find_quotes(article.text), None, None)
    return built.quotes, {a.id: a.name for a in built.actors}, built.warnings


def with_model(cache: Path, limit: int | None):
    """An extract function running the embedded model (entities step), caching each result."""
    from extractor import Extractor
    from schemas import ArticleExtraction

    cache.mkdir(parents=True, exist_ok=True)
    state = {"extractor": None, "done": 0}

    def run(text: str, published: str | None, stem: str):
        path = cache / f"{stem}.json"
        if path.is_file():
            result = ArticleExtraction.model_validate_json(path.read_text())
        else:
            if limit is not None and state["done"] >= limit:
                return None
            if state["extractor"] is None:
                state["extractor"] = Extractor(backend="local", steps=("entities",))
            result = state["extractor"].extract(text, published=published)
            path.write_text(result.model_dump_json())
            state["done"] += 1
        usage = result.provenance.usage
        print(f"  {stem[:50]:50s} {result.provenance.wall_time_s:6.1f} s  {usage.prompt_tokens:5d}+"
              f"{usage.completion_tokens:4d} tokens  {len(result.quotes)} quotes", flush=True)
        return result.quotes, {a.id: a.name for a in result.actors}, result.warnings

    return run


def published_dates(directory: Path) -> dict[str, str]:
    table = directory.parent / "metadata.tsv"
    if not table.is_file():
        return {}
    lines = table.read_text(encoding="utf-8").splitlines()
    header = lines[0].split("\t")
    rows = [dict(zip(header, line.split("\t"))) for line in lines[1:]]
    return {r["filename"]: r.get("publication_date", "") for r in rows if r.get("publication_date")}


def score(directory: Path, run=None) -> dict[str, float]:
    totals: dict[str, float] = defaultdict(float)
    started = time.perf_counter()
    dates = published_dates(directory)
    for ann in sorted((directory / "attributions").glob("*.ann")):
        stem = ann.stem.rsplit("_", 1)[0]
        if totals.get(f"seen:{stem}"):
            continue
        totals[f"seen:{stem}"] = 1
        text = (directory / "text" / f"{stem}.txt").read_text(encoding="utf-8")
        gold = load_gold(ann)
        answer = run(text, dates.get(stem), stem) if run else rules_only(text, dates.get(stem))
        if answer is None:
            continue
        quotes, names, warnings = answer
        totals["dropped"] += sum(int(n) for w in warnings for n in re.findall(r"^dropped (\d+)", w))
        totals["kept"] += len(quotes) + len(names)
        for subset in ("all", "direct"):
            golds = [g for g in gold if subset == "all" or g["direct"]]
            preds = [q for q in top_level(quotes) if subset == "all" or q.kind.value == "direct"]
            found: set[int] = set()
            for pred in preds:
                # gold direct spans include the quotation marks; ours do not: compare on outer bounds
                pad = 1 if pred.kind.value == "direct" else 0
                span = (pred.span.start - pad, pred.span.end + pad)
                hit = next((i for i, g in enumerate(golds) if any(_match(span, f) for f in g["fragments"])), None)
                if hit is None:
                    continue
                totals[f"{subset}:pred_ok"] += 1
                if hit in found:
                    continue
                found.add(hit)
                source = golds[hit]["source"]
                if source.strip().lower() in UNNAMED:
                    continue
                totals[f"{subset}:speaker_n"] += 1
                speaker = names.get(pred.speaker or "", pred.speaker_name or "")
                totals[f"{subset}:speaker_ok"] += bool(_words(speaker) & _words(source))
            totals[f"{subset}:tp"] += len(found)
            totals[f"{subset}:pred"] += len(preds)
            totals[f"{subset}:gold"] += len(golds)
        totals["docs"] += 1
    totals["seconds"] = time.perf_counter() - started
    return totals


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("directory", nargs="?", default="../shared/data/polnear/dev")
    parser.add_argument("--model", action="store_true", help="run the embedded model (entities step)")
    parser.add_argument("--limit", type=int, default=None, help="at most N new model runs")
    parser.add_argument("--cache", default="out/bench/polnear")
    args = parser.parse_args()
    directory = Path(args.directory)
    run = with_model(Path(args.cache), args.limit) if args.model else None
    totals = score(directory, run)
    kind = "embedded model (entities step)" if args.model else "rules only"
    print(f"PolNeAR {directory.name}: {int(totals['docs'])} documents, {kind}, {totals['seconds']:.1f} s")
    dropped = totals["dropped"]
    print(f"  dropped as ungrounded: {int(dropped)} of {int(dropped + totals['kept'])} items "
          f"({dropped / max(1, dropped + totals['kept']):.1%}; quotes and actors kept + dropped)")
    for subset in ("direct", "all"):
        tp, pred, gold = totals[f"{subset}:tp"], totals[f"{subset}:pred"], totals[f"{subset}:gold"]
        p = totals[f"{subset}:pred_ok"] / pred if pred else 0.0
        r = tp / gold if gold else 0.0
        f1 = 2 * p * r / (p + r) if p + r else 0.0
        n = totals[f"{subset}:speaker_n"]
        acc = totals[f"{subset}:speaker_ok"] / n if n else 0.0
        print(f"  {subset:6s} quotes: gold {int(gold):4d}  pred {int(pred):4d}  P {p:.3f}  R {r:.3f}  "
              f"F1 {f1:.3f}  speaker accuracy {acc:.3f}")


if __name__ == "__main__":
    main()
