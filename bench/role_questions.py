"""Would a closed role question pay? Ask the model who did it / to whom for the events the rules
leave without an agent or target, and score its answers against WikiEvents dev.

Usage:
  python bench/role_questions.py [--docs 6] [--fast]

For every event of the rules-only extraction that has no agent (or no target), the model gets
the numbered article (the prefix every question of an article shares, so llama-server's slot
cache evaluates it once) and one closed question: the phrases of the trigger's sentence as ids
P1…Pn (noun chunks, without the trigger, times, numbers or the phrases already in a role) and
NONE, answered under a JSON schema. Prints, per role: answers that name a gold argument, answers
that name something else on an event the gold annotates (each one a false positive the question
would add), NONE answers, how often a gold argument was among the options at all (the ceiling),
the questions asked and the seconds they took. The question is not part of the pipeline: on
WikiEvents dev it added far more wrong participants than right ones for the embedded model
(README, "Ablation").
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from extractor import Extractor  # noqa: E402
from extractor.call.local_server import LocalServer  # noqa: E402
from extractor.call.model_store import FAST_MODEL, DEFAULT_MODEL, installed_path  # noqa: E402
from extractor.evaluation import load_gold  # noqa: E402
from extractor.evaluation.kairos import scored_role  # noqa: E402
from extractor.evaluation.scoring import OVERLAP, _mentions, _overlap_of_shorter, _role  # noqa: E402
from extractor.linguistic.nlp import parse  # noqa: E402
from extractor.linguistic.sentences import sentence_at, sentences  # noqa: E402
from extractor.plan.prompts import number_text  # noqa: E402

SYSTEM = ("You read a news article and answer one question about it. Sentences are numbered (1), (2), ... "
          "Answer with the id of one listed phrase, or NONE when the article does not say.")
QUESTIONS = {"agent": 'Who carried out the event "{trigger}" in sentence ({n})? The phrase naming whoever did it.',
             "target": 'Who or what was the event "{trigger}" in sentence ({n}) done to? The phrase naming its '
                       'target or victim.'}
NOT_PHRASES = {"DATE", "TIME", "CARDINAL", "ORDINAL", "PERCENT", "MONEY", "QUANTITY"}
MAX_OPTIONS = 8


def options(doc, sentence, event) -> list[tuple[int, int, str]]:
    """The phrases of the trigger's sentence the model may choose from."""
    taken = [(p.span.start, p.span.end) for p in event.participants if p.span]
    found = []
    for chunk in doc.char_span(sentence.start, sentence.end, alignment_mode="expand").noun_chunks:
        start, end = chunk.start_char, chunk.end_char
        if chunk.root.ent_type_ in NOT_PHRASES or (start < event.trigger.end and event.trigger.start < end):
            continue
        if not any(start < e and s < end for s, e in taken):
            found.append((start, end, chunk.text))
    return found[:MAX_OPTIONS]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=6)
    parser.add_argument("--fast", action="store_true", help="the embedded 0.5B model")
    args = parser.parse_args()
    docs = load_gold("../shared/data/wikievents/dev.jsonl", "wikievents")[:args.docs]
    counts: Counter = Counter()
    started, asked = time.perf_counter(), 0
    with LocalServer(installed_path(FAST_MODEL if args.fast else DEFAULT_MODEL), "bench") as server, \
            Extractor(steps=()) as rules:
        url = server.start().rstrip("/") + "/chat/completions"
        http = httpx.Client(timeout=600)
        for gold in docs:
            result = rules.extract(gold.text, published=gold.published)
            doc, sents = parse(gold.text), sentences(gold.text)
            article = number_text(gold.text, sents, {})
            matched: dict[int, list] = {}
            used: set[int] = set()
            for event, span in _mentions(result):
                hit = next((i for i, g in enumerate(gold.events) if i not in used and
                            _overlap_of_shorter(span, (g.start, g.end)) >= OVERLAP), None)
                if hit is not None:
                    used.add(hit)
                    matched.setdefault(id(event), []).append(gold.events[hit])
            for event in result.events:
                sentence = sentence_at(sents, event.trigger.start) if event.trigger else None
                if sentence is None:
                    continue
                for role in ("agent", "target"):
                    if any(_role(p.role) == role for p in event.participants):
                        continue
                    choices = options(doc, sentence, event)
                    if not choices:
                        continue
                    ids = [f"P{k + 1}" for k in range(len(choices))]
                    question = QUESTIONS[role].format(trigger=event.trigger.text, n=sentence.index) + "\n" + \
                        "\n".join(f'{i} "{c[2]}"' for i, c in zip(ids, choices)) + "\nNONE"
                    body = {"model": "bench", "temperature": 0, "max_tokens": 24, "cache_prompt": True,
                            "messages": [{"role": "system", "content": SYSTEM},
                                         {"role": "user", "content": f"Article:\n{article}\n\n{question}"}],
                            "json_schema": {"type": "object", "properties": {"answer": {"enum": [*ids, "NONE"]}},
                                            "required": ["answer"]}}
                    reply = http.post(url, json=body).json()
                    asked += 1
                    try:
                        answer = json.loads(reply["choices"][0]["message"]["content"])["answer"]
                    except (KeyError, ValueError, TypeError):
                        answer = "NONE"
                    golds = [(s, e) for g in matched.get(id(event), []) for r, _, s, e in g.roles
                             if scored_role(r) == role]
                    counts[(role, "options hold a gold argument")] += any(
                        min(c[1], e) > max(c[0], s) for c in choices for s, e in golds)
                    if id(event) not in matched:
                        counts[(role, "asked of an unannotated event")] += 1
                    elif answer == "NONE":
                        counts[(role, "NONE")] += 1
                    else:
                        start, end, _ = choices[ids.index(answer)]
                        right = any(min(end, e) > max(start, s) for s, e in golds)
                        counts[(role, "right" if right else "wrong (a false positive added)")] += 1
    print(f"{len(docs)} WikiEvents dev documents, {asked} questions, {time.perf_counter() - started:.0f} s")
    for key in sorted(counts):
        print(f"  {key[0]:6} {key[1]}: {counts[key]}")


if __name__ == "__main__":
    main()
