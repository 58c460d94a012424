"""Quality benchmark: the extraction over the dev splits in ../shared/data, scored like `extractor eval`.

Usage:
  python bench/quality.py                      # embedded model (its questions) on PolNeAR and WikiEvents dev
  python bench/quality.py --steps none         # the model-free layer only (seconds)
  python bench/quality.py --fast               # the embedded 0.5B model
  python bench/quality.py --corpus polnear --steps entities --limit 10
  python bench/quality.py --base-url http://host:8000/v1 --model qwen2.5-7b --backend openai --mode json
  python bench/quality.py --ablation --corpus wikievents   # rules only, then each kind of question added
  python bench/quality.py --ablation --corpus polnear --first 24   # also each kind of entities answer left out

The endpoint options are the CLI's (``--model``, ``--base-url``, ``--api-key``, ``--backend``,
``--mode``, ``--local-model``, ``--fast``, ``--server``, ``--slots``). Results are cached in
out/eval-cache, keyed by text and the extractor's fingerprint (model, weights, server and its
settings, mode, prompts, steps; give a fresh --cache after changing the code), and every model
answer in the response cache (keyed by the request body), so a rerun only computes what is
missing and a changed request alone costs a call; --limit caps the new
model runs of this invocation. After each corpus: the scores, then seconds per article (median
and mean of the runs made now) and tokens.

``--ablation`` runs the same documents with no model, with each kind of question the model can be
asked on its own (the entities step: actor types, quotations and speakers; the events step: the
type of a trigger whose words allow several, and whether a statement about others is an
accusation), and with all of them, and prints one table: each metric per configuration.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
from pathlib import Path

from rich.console import Console

from extractor import Extractor, resolve_endpoint
from extractor.evaluation import load_gold, score_documents
from extractor.evaluation.display import print_report
from extractor.evaluation.predictions import run_extraction
from extractor.plan.options import parse_steps
from extractor.settings import DEFAULT_LOCAL_SERVER, LOCAL_CONTEXT, LOCAL_SERVERS, LOCAL_SLOTS, cache_dir

CORPORA = {"polnear": ("../shared/data/polnear/dev", "polnear"),
           "wikievents": ("../shared/data/wikievents/dev.jsonl", "wikievents"),
           "casie": ("../shared/data/casie/dev.jsonl", "casie")}
ABLATION = (("rules only", (), ()), ("+ entities questions", ("entities",), ()),
            ("entities, no speakers", ("entities",), ("speakers",)),
            ("entities, no quotations", ("entities",), ("quotations",)),
            ("entities, no reported", ("entities",), ("reported",)),
            ("entities, no actor types", ("entities",), ("actor_types", "other_actors")),
            ("+ events questions", ("events",), ()), ("all", ("entities", "events"), ()))
"""The configurations ``--ablation`` compares: each step alone and together, and the entities step
with one kind of its answers unused (``PipelineOptions.ignore_answers``): the same requests, so
the model is asked once and the other configurations are answered from the response cache. On
PolNeAR, which scores quotes and speakers only, the configurations with the events step are skipped."""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", choices=[*CORPORA, "both"], default="both")
    parser.add_argument("--steps", default=None, help="model steps, or 'none' (default: the backend's questions)")
    parser.add_argument("--limit", type=int, default=None)
    parser.add_argument("--first", type=int, default=None, help="--ablation: only the corpus's first N documents")
    parser.add_argument("--cache", default="out/eval-cache")
    parser.add_argument("--ablation", action="store_true", help="compare rules only with each kind of question")
    endpoint_options = parser.add_argument_group("endpoint (as on the command line)")
    endpoint_options.add_argument("--model")
    endpoint_options.add_argument("--base-url")
    endpoint_options.add_argument("--api-key")
    endpoint_options.add_argument("--backend", choices=["local", "openai"])
    endpoint_options.add_argument("--mode", choices=["tools", "json", "md_json"])
    endpoint_options.add_argument("--local-model")
    endpoint_options.add_argument("--fast", action="store_true")
    endpoint_options.add_argument("--server", choices=LOCAL_SERVERS, default=DEFAULT_LOCAL_SERVER)
    endpoint_options.add_argument("--slots", type=int, default=LOCAL_SLOTS)
    args = parser.parse_args()
    endpoint = resolve_endpoint(model=args.model, base_url=args.base_url, api_key=args.api_key, backend=args.backend,
                                mode=args.mode, local_model=args.local_model, fast=args.fast,
                                local_server=args.server, local_slots=args.slots,
                                response_cache=str(cache_dir() / "responses.sqlite"))
    steps = parse_steps(args.steps)
    console = Console()
    where = (f"{args.server}, {endpoint.slots} slot(s), ctx {LOCAL_CONTEXT}" if endpoint.embedded
             else endpoint.base_url or "api.openai.com")
    console.print(f"machine: {platform.machine()}, {os.cpu_count()} cores; {endpoint.backend}:{endpoint.model} "
                  f"({where}); steps {args.steps}")
    names = ["polnear", "wikievents"] if args.corpus == "both" else [args.corpus]
    if args.ablation:
        ablation(endpoint, names, Path(args.cache), args.limit, args.first, console)
        return
    with Extractor(endpoint, steps=steps) as extractor:
        for name in names:
            path, fmt = CORPORA[name]
            docs = load_gold(Path(path), fmt)
            timed: list[tuple[float, int, int, int]] = []

            def progress(doc, result, error):  # noqa: ANN001, ANN202
                if error:
                    console.print(f"[red]failed[/] {doc.id}: {error}")
                    return
                usage = result.provenance.usage
                console.print(f"  {doc.id[:48]:48s} {result.provenance.wall_time_s:6.1f} s "
                              f"{usage.prompt_tokens:6d}+{usage.completion_tokens:<5d} tokens "
                              f"({usage.cached_tokens} cached)")
                timed.append((result.provenance.wall_time_s, usage.prompt_tokens, usage.completion_tokens,
                              usage.cached_tokens))

            pairs = list(run_extraction(docs, extractor, Path(args.cache), progress, args.limit))
            print_report(score_documents(pairs), console, title=f"{name} dev, steps={args.steps}")
            if timed:
                seconds = [t[0] for t in timed]
                console.print(f"{name}: {len(timed)} articles; s/article median {statistics.median(seconds):.1f}, "
                              f"mean {statistics.mean(seconds):.1f}, max {max(seconds):.1f}; tokens/article "
                              f"{statistics.mean(t[1] for t in timed):.0f} prompt "
                              f"({statistics.mean(t[3] for t in timed):.0f} cached) + "
                              f"{statistics.mean(t[2] for t in timed):.0f} completion")


def ablation(endpoint, names: list[str], cache: Path, limit: int | None, first: int | None,  # noqa: ANN001
             console: Console) -> None:
    """One table per corpus: every metric (F1, speaker accuracy) for each configuration of ``ABLATION``
    on the same documents (a document some configuration could not extract is left out of all)."""
    from rich.table import Table

    from extractor.plan.options import PipelineOptions

    for name in names:
        path, fmt = CORPORA[name]
        docs = load_gold(Path(path), fmt)
        runs: dict[str, dict[str, object]] = {}
        docs = docs[:first] if first else docs
        for label, steps, ignored in ABLATION:
            if name == "polnear" and "events" in steps:
                continue  # PolNeAR scores quotes and speakers, which the events step does not answer
            options = PipelineOptions(steps=steps, keep_partial=True, ignore_answers=ignored)
            with Extractor(endpoint, options=options) as extractor:
                runs[label] = {doc.id: result for doc, result in run_extraction(docs, extractor, cache, None, limit)}
        common = [d for d in docs if all(d.id in r for r in runs.values())]
        reports = {label: score_documents([(d, runs[label][d.id]) for d in common]).as_dict() for label in runs}
        table = Table(title=f"{name} dev, {len(common)} documents: F1 per configuration")
        table.add_column("metric")
        for label in runs:
            table.add_column(label, justify="right")
        metrics = list(next(iter(reports.values()))["micro"])
        for metric in metrics:
            table.add_row(metric, *[f"{reports[label]['micro'][metric]['f1']:.3f}" for label in runs])
            if metric.startswith("quotes_"):
                table.add_row(f"  {metric} P / R", *[f"{reports[label]['micro'][metric]['precision']:.2f} / "
                                                     f"{reports[label]['micro'][metric]['recall']:.2f}" for label in runs])
        for subset in ("direct", "all", "pronoun"):
            if subset in next(iter(reports.values()))["speaker_accuracy"]:
                table.add_row(f"speaker accuracy ({subset})",
                              *[f"{reports[label]['speaker_accuracy'][subset]:.3f}" for label in runs])
        console.print(table)


if __name__ == "__main__":
    main()
