"""Loaders for PolNeAR (brat standoff attributions), WikiEvents (JSONL) and Label Studio exports
(annotators' corrections of our pre-annotations) into ``GoldDocument``."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from extractor.errors import ConfigError, InputError
from extractor.evaluation.gold import GoldActor, GoldDocument, GoldEvent, GoldQuote, load_native
from extractor.evaluation.kairos import ROLE_TO_OURS, to_plover

QUOTE_MARKS = "“\"‘'«„"
NAMED_TYPES = {"PER": "PERSON", "ORG": "ORGANIZATION", "GPE": "COUNTRY"}
FORMATS = ("polnear", "wikievents", "casie", "native", "labelstudio")


def load_gold(path: str | Path, fmt: str) -> list[GoldDocument]:
    """Load a gold corpus: ``polnear`` (a split directory), ``wikievents`` or ``native`` (a JSONL
    file), ``labelstudio`` (a Label Studio JSON export)."""
    path = Path(path)
    if fmt == "polnear":
        return load_polnear(path)
    if fmt == "wikievents":
        return load_wikievents(path if path.is_file() else path / "dev.jsonl")
    if fmt == "casie":
        return load_casie(path if path.is_file() else path / "dev.jsonl")
    if fmt == "native":
        return load_native(path)
    if fmt == "labelstudio":
        return load_labelstudio(path)
    raise ConfigError(f"unknown gold format {fmt!r}; use one of {FORMATS}")


def parse_ann(text: str) -> list[GoldQuote]:
    """Attributions of a brat ``.ann`` file: Content fragments, direct when the content opens with a
    quotation mark, and the Source span's text as speaker."""
    spans: dict[str, tuple[str, tuple[tuple[int, int], ...], str]] = {}
    links: list[dict[str, str]] = []
    for line in text.splitlines():
        parts = line.split("\t")
        if line.startswith("T") and len(parts) >= 3:
            label, _, ranges = parts[1].partition(" ")
            fragments = tuple(tuple(int(x) for x in r.split()) for r in ranges.split(";"))
            spans[parts[0]] = (label, fragments, parts[2])  # type: ignore[assignment]
        elif line.startswith("E") and len(parts) >= 2:
            links.append(dict(arg.split(":", 1) for arg in parts[1].split() if ":" in arg))
    quotes = []
    for link in links:
        content = spans.get(link.get("Content", ""))
        if content is None:
            continue
        source = spans.get(link.get("Source", ""))
        quotes.append(GoldQuote(fragments=content[1], direct=content[2].lstrip()[:1] in QUOTE_MARKS,
                                speaker=source[2] if source else "",
                                speaker_start=source[1][0][0] if source else -1))
    return quotes


def load_polnear(directory: Path) -> list[GoldDocument]:
    """One document per text with attributions; several annotators' files: the first by name."""
    dates = _polnear_dates(directory.parent / "metadata.tsv")
    docs: dict[str, GoldDocument] = {}
    for ann in sorted((directory / "attributions").glob("*.ann")):
        stem = ann.stem.rsplit("_", 1)[0]
        text_file = directory / "text" / f"{stem}.txt"
        if stem in docs or not text_file.is_file():
            continue
        docs[stem] = GoldDocument(id=stem, text=text_file.read_text(encoding="utf-8"), published=dates.get(stem),
                                  quotes=parse_ann(ann.read_text(encoding="utf-8")))
    return list(docs.values())


def _polnear_dates(table: Path) -> dict[str, str]:
    if not table.is_file():
        return {}
    lines = table.read_text(encoding="utf-8").splitlines()
    header = lines[0].split("\t")
    rows = [dict(zip(header, line.split("\t"))) for line in lines[1:]]
    return {r["filename"]: r["publication_date"] for r in rows if r.get("publication_date")}


def load_wikievents(path: Path) -> list[GoldDocument]:
    """Named PER/ORG/GPE mentions as actors (grouped by surface text) and events mapped to PLOVER.

    WikiEvents' token offsets count gaps between sentences that its ``text`` field lacks, so the
    article text is rebuilt by placing each sentence at its first token's offset (then every offset
    matches; a document where they still do not is refused).
    """
    docs = []
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        raw = json.loads(line)
        text = _rebuild_text(raw["sentences"])
        tokens = [token for sentence in raw["sentences"] for token in sentence[0]]
        if any(text[s:e] != t for t, s, e in tokens):
            raise InputError(f"{raw['doc_id']}: token offsets do not match the rebuilt text")

        def span(start: int, end: int) -> tuple[int, int]:
            return tokens[start][1], tokens[end - 1][2]

        by_id = {m["id"]: m for m in raw["entity_mentions"]}
        actors: dict[str, list[tuple[int, int]]] = {}
        kinds: dict[str, str] = {}
        for mention in raw["entity_mentions"]:
            if mention["entity_type"] in NAMED_TYPES:
                actors.setdefault(mention["text"], []).append(span(mention["start"], mention["end"]))
                kinds[mention["text"]] = NAMED_TYPES[mention["entity_type"]]
        events = []
        for event in raw["event_mentions"]:
            plover = to_plover(event["event_type"])
            if plover is None:
                continue
            trigger = event["trigger"]
            start, end = span(trigger["start"], trigger["end"])
            arguments = tuple((ROLE_TO_OURS.get(a["role"], a["role"].lower()),
                               by_id.get(a["entity_id"], {}).get("text", a.get("text", "")))
                              for a in event["arguments"])
            roles = tuple((a["role"], by_id[a["entity_id"]]["text"],
                           *span(by_id[a["entity_id"]]["start"], by_id[a["entity_id"]]["end"]))
                          for a in event["arguments"] if a.get("entity_id") in by_id)
            events.append(GoldEvent(plover, start, end, arguments, event["event_type"], roles))
        docs.append(GoldDocument(id=raw["doc_id"], text=text, actors=[
            GoldActor(name, kinds[name], tuple(spans)) for name, spans in actors.items()], events=events))
    return docs


def load_casie(path: Path) -> list[GoldDocument]:
    """CASIE (cybersecurity news): one JSON article a line with ``text``, ``published`` and
    ``events`` (type, subtype, trigger offsets, ``hopper``: the happening, and ``arguments`` with
    their role and offsets). The events are of no PLOVER type: they are scored untyped, with their
    roles and their coreference; only cyber events are annotated, so only recall means much."""
    docs = []
    for number, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            raw = json.loads(line)
            text = raw["text"]
            events = [GoldEvent("", e["trigger"]["start"], e["trigger"]["end"], (),
                                f"{e['type']}.{e['subtype']}",
                                tuple((a["role"], a["text"], a["start"], a["end"]) for a in e.get("arguments", [])),
                                e.get("hopper"))
                      for e in raw.get("events", [])]
        except (KeyError, TypeError, ValueError) as exc:
            raise InputError(f"{path} line {number} is not a CASIE article: {exc}") from None
        docs.append(GoldDocument(id=str(raw.get("doc_id") or f"line-{number}"), text=text,
                                 published=_iso_day(raw.get("published")), events=events))
    return docs


def _iso_day(value: object) -> str | None:
    """A corpus date as YYYY-MM-DD ("2017-02-3" is written without its zero), or ``None``."""
    match = re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})", str(value or "").strip())
    return f"{match[1]}-{int(match[2]):02d}-{int(match[3]):02d}" if match else None


def _rebuild_text(sentences: list) -> str:
    parts: list[str] = []
    length = 0
    for tokens, sentence in sentences:
        start = tokens[0][1] if tokens else length
        if start > length:
            parts.append(" " * (start - length))
            length = start
        parts.append(sentence)
        length += len(sentence)
    return "".join(parts)


def _region_offsets(text: str, start: int, end: int, written: object, utf16: Any,
                    repaired: dict[str, int]) -> tuple[int, int]:
    """A region's code-point offsets, checked against the text the region says it covers: offsets
    in UTF-16 units (tasks an earlier version exported) are converted, a region whose text stands
    nearby is moved onto it; each repair is counted in ``repaired``."""
    if not isinstance(written, str) or not written or text[start:end] == written:
        return start, end
    points = utf16.to_points(start), utf16.to_points(end)
    if None not in points and text[points[0]:points[1]] == written:
        repaired["utf16"] += 1
        return points[0], points[1]
    found = [m.start() for m in re.finditer(re.escape(written), text)]
    if found:
        nearest = min(found, key=lambda at: abs(at - start))
        repaired["moved"] += 1
        return nearest, nearest + len(written)
    repaired["unmatched"] += 1
    return start, end


def _offset_warnings(repaired: dict[str, int]) -> list[str]:
    said = {"utf16": "region(s) in UTF-16 units read as code points (an export from an earlier version)",
            "moved": "region(s) whose offsets missed their own text moved onto it",
            "unmatched": "region(s) whose text is nowhere in the article kept at their offsets"}
    return [f"{n} {said[kind]}" for kind, n in repaired.items() if n]


def load_labelstudio(path: Path) -> list[GoldDocument]:
    """Gold from a Label Studio JSON export of tasks made by ``extractor export --format labelstudio``:
    each task's last submitted (not cancelled) annotation; tasks nobody annotated are not gold and
    are left out. Regions of the ``actor`` control are actor mentions (grouped into actors by their
    meta text, the canonical name, and type), ``quote`` regions are quotations with the name of the
    region their ``speaker`` relation points at as speaker (a quotation inside another, such as a
    direct quote within a reported statement, is part of that one attribution; regions whose meta
    text names one statement are its fragments), ``event`` regions are event triggers with their
    relations as arguments. Offsets are code points; regions whose offsets miss their text are
    repaired where they can be, with a warning on the document."""
    from extractor.output.labelstudio import ACTOR, EVENT, QUOTE, SPEAKER, STATEMENT_NOTE, TEXT, Utf16Offsets

    try:
        tasks = json.loads(Path(path).read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise InputError(f"{path} is not a Label Studio JSON export: {exc}") from None
    if not isinstance(tasks, list):
        raise InputError(f"{path} is not a Label Studio JSON export (a list of tasks)")
    docs = []
    for number, task in enumerate(tasks, start=1):
        data = task.get("data") or {}
        annotations = [a for a in task.get("annotations") or [] if not a.get("was_cancelled")]
        if not annotations or not isinstance(data.get(TEXT), str):
            continue
        result = annotations[-1].get("result") or []
        offsets = Utf16Offsets(data[TEXT])
        repaired = {"utf16": 0, "moved": 0, "unmatched": 0}
        regions = {r["id"]: r for r in result if r.get("type") == "labels" and "id" in r}
        related: dict[str, list[tuple[str, str]]] = {}
        for relation in (r for r in result if r.get("type") == "relation"):
            for label in relation.get("labels") or [""]:
                related.setdefault(relation.get("from_id", ""), []).append((label, relation.get("to_id", "")))

        read: dict[int, tuple[int, int, str, str]] = {}

        def value(region: dict) -> tuple[int, int, str, str]:
            """Offsets in code points (as Label Studio counts them), text, first label."""
            if id(region) not in read:
                v = region["value"]
                start, end = _region_offsets(data[TEXT], int(v["start"]), int(v["end"]), v.get("text"), offsets,
                                             repaired)
                read[id(region)] = start, end, str(v.get("text", "")), (v.get("labels") or [""])[0]
            return read[id(region)]

        def name(region: dict) -> str:
            """The actor a mention region stands for: its meta text (the canonical name the
            export wrote, or the annotator's), else the words of the region."""
            meta = (region.get("meta") or {}).get("text") or []
            return " ".join(str(meta[0] if meta else value(region)[2]).split())

        actors: dict[tuple[str, str], list[tuple[int, int]]] = {}
        statements: dict[str, list[tuple[tuple[int, int], bool, str]]] = {}
        events = []
        quote_spans = [value(r)[:2] for r in regions.values() if r.get("from_name") == QUOTE]
        for region_id, region in regions.items():
            start, end, text, label = value(region)
            control = region.get("from_name")
            if control == QUOTE and any(s <= start and end <= e and (s, e) != (start, end) for s, e in quote_spans):
                continue
            if control == ACTOR:
                actors.setdefault((name(region), label), []).append((start, end))
            elif control == QUOTE:
                speaker = next((name(regions[to]) for kind, to in related.get(region_id, [])
                                if kind == SPEAKER and to in regions), "")
                note = str(((region.get("meta") or {}).get("text") or [""])[0])
                key = note if note.startswith(STATEMENT_NOTE) else f"region {region_id}"
                statements.setdefault(key, []).append(((start, end), label == "direct", speaker))
            elif control == EVENT:
                arguments = tuple((kind, name(regions[to])) for kind, to in related.get(region_id, [])
                                  if kind != SPEAKER and to in regions)
                events.append(GoldEvent(label, start, end, arguments))
        quotes = [GoldQuote(tuple(sorted(span for span, _, _ in parts)), direct=parts[0][1],
                            speaker=next((who for _, _, who in parts if who), "")) for parts in statements.values()]
        docs.append(GoldDocument(id=str(data.get("article_id") or task.get("id") or f"task-{number}"),
                                 text=data[TEXT], published=data.get("published") or None, quotes=quotes,
                                 actors=[GoldActor(name, kind, tuple(spans)) for (name, kind), spans in actors.items()],
                                 events=events, warnings=_offset_warnings(repaired)))
    if not docs:
        raise InputError(f"{path} holds no annotated task: export the project after annotating (JSON format)")
    return docs
