"""Quality benchmark: the extraction over the dev splits in ../shared/data, scored like `extractor eval`.

Usage:
  python bench/quality.py                      # embedded model on PolNeAR dev and WikiEvents dev
  python bench/quality.py --steps none         # the model-free layer only (seconds)
  python bench/quality.py --corpus polnear --steps entities --limit 10

Results are cached in out/eval-cache (keyed by text, model, prompt hashes, steps), so a rerun
only computes what is missing; --limit caps the new model runs of this invocation.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from rich.console import Console

from extractor import Extractor
from extractor.plan.options import parse_steps
from extractor.evaluation import load_gold, score_documents
from extractor.evaluation.predictions import run_extraction
from extractor.evaluation.display import print_report

CORPORA = {"polnear": ("../shared/data/polnear/dev", "polnear"),
           "wikievents": ("../shared/data/wikievents/dev.jsonl", "wikievents")}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", choices=[*CORPORA, "both"], default="both")
    parser.add_argument("--steps", default="entities,events", help="model steps, or 'none'")
    parser.add_argument("--limit", type=int, default=None)
    parser.add_argument("--cache", default="out/eval-cache")
    args = parser.parse_args()
    steps = parse_steps(args.steps)
    console = Console()
    names = list(CORPORA) if args.corpus == "both" else [args.corpus]
    with Extractor(backend="local", steps=steps) as extractor:
        for name in names:
            path, fmt = CORPORA[name]
            docs = load_gold(Path(path), fmt)

            def progress(doc, result, error):  # noqa: ANN001, ANN202
                if error:
                    console.print(f"[red]failed[/] {doc.id}: {error}")
                else:
                    usage = result.provenance.usage
                    console.print(f"  {doc.id[:48]:48s} {result.provenance.wall_time_s:6.1f} s "
                                  f"{usage.prompt_tokens:6d}+{usage.completion_tokens:<5d} tokens")

            pairs = list(run_extraction(docs, extractor, Path(args.cache), progress, args.limit))
            print_report(score_documents(pairs), console, title=f"{name} dev, steps={args.steps}")


if __name__ == "__main__":
    main()
