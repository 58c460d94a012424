"""The review page: one self-contained HTML file to check extractions by eye.

The page holds its data as one JSON block (every ``<``, ``>``, ``&`` and line separator escaped, so
no article text can close the block) and renders one article at a time with DOM text nodes, never
markup built from strings: the user's text is data. No network, no CDN: it opens from ``file://``.
Each highlighted item is checked here against its own offsets; one whose text is not
``article.text[start:end]`` (a hand-edited result) is listed as unanchored instead of misplaced.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
from datetime import datetime, timezone
from importlib import resources
from pathlib import Path
from typing import Any

from extractor.output.results import Results
from extractor.output.spans import anchored
from extractor.output.world_map import world_path
from extractor.schemas import ArticleExtraction, Span

TEMPLATE = "review_page.html"
DATA_MARK = "__REVIEW_DATA__"
HASH_MARK = "__SCRIPT_HASH__"
WORLD_MARK = "__WORLD_PATH__"
"""Where the country outlines go: path data of numbers and M/L/Z only (``world_map``)."""
_SCRIPT = re.compile(r'<script id="review-script">(.*?)</script>', re.S)


def review_page(found: Results) -> str:
    """The whole HTML page for ``found`` (its results, unreadable lines and failed records). Its
    content security policy lets only the page's own script run (by hash) and allows no request."""
    template = resources.files("extractor.output").joinpath(TEMPLATE).read_text(encoding="utf-8")
    script = _SCRIPT.search(template)
    if script is None:
        raise AssertionError(f"{TEMPLATE} has no review script")
    digest = base64.b64encode(hashlib.sha256(script.group(1).encode("utf-8")).digest()).decode()
    template = template.replace(HASH_MARK, f"'sha256-{digest}'").replace(WORLD_MARK, world_path())
    before, after = template.split(DATA_MARK)
    return before + script_json(page_data(found)) + after


def write_review_page(found: Results, out: str | Path) -> Path:
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(review_page(found), encoding="utf-8")
    return out


def script_json(data: Any) -> str:
    """JSON that is inert inside ``<script type="application/json">``: nothing in it can end the
    element or open a comment, whatever the article says."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return (text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


def page_data(found: Results) -> dict[str, Any]:
    return {
        "source": str(found.source),
        "generated": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "articles": [article_data(result) for result in found.results],
        "badLines": [{"number": bad.number, "reason": bad.reason} for bad in found.bad_lines],
        "failures": [{"id": str(f.get("id", "")), "origin": str(f.get("origin", "")), "kind": str(f.get("kind", "")),
                      "reason": str(f.get("reason", ""))} for f in found.failures],
    }


def article_data(result: ArticleExtraction) -> dict[str, Any]:
    """One article as the page shows it: its text, the items to highlight (by kind, with their
    offsets and whether they are anchored), and the side-panel lists."""
    article, text = result.article, result.article.text
    names = {a.id: a.name for a in result.actors}
    items: list[dict[str, Any]] = []
    for actor in result.actors:
        for number, mention in enumerate(actor.mentions):
            items.append(_item("actor", actor.id, number, mention, text))
    speakers = sorted({q.speaker or q.speaker_name or "" for q in result.quotes} - {""})
    for quote in result.quotes:
        item = _item("quote", quote.id, 0, quote.span, text)
        speaker = quote.speaker or quote.speaker_name or ""
        item["colour"] = speakers.index(speaker) % 8 if speaker else -1
        items.append(item)
    for event in result.events:
        items.append(_item("event", event.id, 0, event.trigger or event.evidence, text))
    events = sorted(result.events, key=lambda e: (e.date.value.isoformat() if e.date and e.date.value else "9999",
                                                  e.evidence.start))
    return {
        "id": article.id, "title": article.title or "", "published": article.published.isoformat()
        if article.published else "", "url": article.url or "", "source": article.source or "", "text": text,
        "items": items,
        "actors": [{"id": a.id, "name": a.name, "type": a.type.value, "title": a.title or "",
                    "country": a.country or "", "sector": a.sector or "",
                    "aliases": a.aliases, "mentions": len(a.mentions)} for a in result.actors],
        "events": [_event(e, names) for e in events],
        "quotes": [{"id": q.id, "kind": q.kind.value, "text": q.text, "cue": q.cue or "",
                    "speaker": names.get(q.speaker or "", q.speaker_name or ""), "speakerId": q.speaker or "",
                    "alignment": q.span.alignment.value} for q in result.quotes],
        "warnings": result.warnings,
        "provenance": {"model": f"{result.provenance.backend}:{result.provenance.model}",
                       "prompt": result.provenance.usage.prompt_tokens,
                       "completion": result.provenance.usage.completion_tokens,
                       "calls": result.provenance.usage.calls, "seconds": result.provenance.wall_time_s,
                       "schema": result.provenance.schema_version},
    }


def _item(kind: str, item_id: str, number: int, span: Span, text: str) -> dict[str, Any]:
    return {"kind": kind, "id": item_id, "n": number, "start": span.start, "end": span.end, "text": span.text,
            "alignment": span.alignment.value, "anchored": anchored(text, span)}


def _event(event: Any, names: dict[str, str]) -> dict[str, Any]:
    date = event.date
    return {
        "id": event.id, "type": event.type.value, "mode": event.mode or "", "status": event.status.value,
        "summary": event.summary, "trigger": event.trigger.text if event.trigger else "",
        "mentions": [m.text for m in event.mentions],
        "date": date.value.isoformat() if date and date.value else "",
        "precision": date.precision or "" if date else "", "expression": date.expression if date else "",
        "claimant": names.get(event.claimed_by or "", event.claimed_by or ""),
        "participants": [{"role": p.role, "name": names.get(p.actor_id or "") or p.text} for p in event.participants],
        "places": [{"name": p.name, "lat": p.lat, "lon": p.lon, "geonamesId": p.geonames_id, "country": p.country or "",
                    "feature": p.feature or ""} for p in event.locations],
        "locations": [place.name + (f" ({', '.join(x for x in (place.feature, place.admin1 or place.country) if x)})"
                                    if place.country else "") for place in event.locations],
        "numbers": [(q.text or f"{q.value:g}") + (f" ({q.counts})" if q.counts else "") for q in event.quantities],
        "killed": event.casualties.killed if event.casualties else None,
        "injured": event.casualties.injured if event.casualties else None,
        "evidence": event.evidence.text,
    }
