"""LangExtract's side of ``bench/speed.py``: the committed configuration, run in its own environment.

Runs in a virtual environment that has ``langextract[openai]==1.7.1`` (never a dependency of ours):
  python bench/langextract_run.py --base-url URL --model NAME DOCS.jsonl

The configuration: the same three classes as our output (actors, events, quotes), two few-shot
examples, one pass, LangExtract's default chunking (1,000 characters), its OpenAI provider against
the same OpenAI-compatible server, as many chunks in flight as the server has slots. Prints one JSON line per document: id, seconds, extractions.
"""

from __future__ import annotations

import argparse
import json
import sys
import time

import langextract as lx

PROMPT = ("Extract the actors (people, organisations, governments, armed forces, countries), the events "
          "(attacks, arrests, meetings, agreements, protests, accusations ...) with their trigger word, and "
          "the direct quotes with their speaker. Use exact text from the article; do not paraphrase.")

EXAMPLES = [
    lx.data.ExampleData(
        text=("Ukraine’s military said Tuesday it shot down 28 of 38 Russian drones. “The attacks injured one "
              "person,” Kherson Governor Oleksandr Prokudin said."),
        extractions=[
            lx.data.Extraction("actor", "Ukraine’s military", attributes={"type": "MILITARY"}),
            lx.data.Extraction("event", "shot down", attributes={"type": "ASSAULT", "agent": "Ukraine’s military",
                                                                 "target": "Russian drones"}),
            lx.data.Extraction("actor", "Oleksandr Prokudin", attributes={"type": "PERSON",
                                                                          "title": "Kherson Governor"}),
            lx.data.Extraction("quote", "The attacks injured one person", attributes={"speaker": "Oleksandr Prokudin"}),
        ]),
    lx.data.ExampleData(
        text="Police arrested two men in Lyon on Friday, the prefect said. “We acted fast,” Prefect Anne Roy told reporters.",
        extractions=[
            lx.data.Extraction("actor", "Police", attributes={"type": "GOVERNMENT"}),
            lx.data.Extraction("event", "arrested", attributes={"type": "COERCE", "agent": "Police",
                                                                "target": "two men"}),
            lx.data.Extraction("actor", "Anne Roy", attributes={"type": "PERSON", "title": "Prefect"}),
            lx.data.Extraction("quote", "We acted fast", attributes={"speaker": "Anne Roy"}),
        ]),
]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("docs", help="JSONL of {id, text}")
    parser.add_argument("--base-url", required=True)
    parser.add_argument("--model", required=True)
    parser.add_argument("--workers", type=int, default=1, help="requests in flight (the server's slots)")
    args = parser.parse_args()
    config = lx.factory.ModelConfig(model_id=args.model, provider="OpenAILanguageModel",
                                    provider_kwargs={"api_key": "local", "base_url": args.base_url,
                                                     "temperature": 0.0, "max_workers": args.workers})
    with open(args.docs, encoding="utf-8") as handle:
        docs = [json.loads(line) for line in handle if line.strip()]
    for doc in docs:
        started = time.perf_counter()
        error = None
        try:
            result = lx.extract(text_or_documents=doc["text"], prompt_description=PROMPT, examples=EXAMPLES,
                                config=config, extraction_passes=1, max_workers=args.workers, fence_output=False,
                                use_schema_constraints=False, show_progress=False)
            count = len(result.extractions or [])
        except Exception as exc:  # noqa: BLE001 - a failed document is reported, the run goes on
            count, error = 0, f"{type(exc).__name__}: {exc}"[:300]
        print(json.dumps({"id": doc["id"], "seconds": round(time.perf_counter() - started, 1),
                          "extractions": count, "error": error}), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
