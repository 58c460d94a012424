"""Score extractions against gold, per document and micro-averaged over a corpus.

Matching rules (all spans are character offsets into the same text):
- Spans match when they overlap by at least ``OVERLAP`` (50%) of the longer of the two. A direct
  quote is compared with its quotation marks (gold corpora include them; our spans do not).
- Quotes: a gold attribution may have several fragments ("“X,” he said. “Y.”"); a prediction is
  correct when it matches any fragment of any gold quote; recall counts gold quotes with at least
  one correct prediction; a prediction repeating an earlier one's span counts as wrong. Predictions
  nested in another prediction (a partial quote inside a
  reported statement) are not scored. Direct-only figures use direct gold and direct predictions.
- Statements: the same with a statement's fragments taken together (PolNeAR joins the fragments
  of one attribution too): a predicted statement is right when a fragment matches a gold fragment.
- Speaker accuracy: over found gold quotes whose source is a name (not a bare pronoun), the
  predicted speaker shares a word of 3+ letters with the gold source. ``pronoun``: over found
  gold quotes whose source is "he" or "she", the same against the pronoun's antecedent, the
  nearest gold source before it that begins with a name ("The GOP candidate" and "who" do not)
  and that the pronoun can stand for (the name list's gender of its first name, or of a fuller
  gold name ending in it, is not the other one).
- Actors, two ways: ``actors`` scores every gold PER/ORG/GPE mention (pronouns and nominals such
  as "he" or "police" included); ``actors_named`` only gold mentions whose text starts with a
  capital letter (sentence-initial pronouns such as "She" or "His" left out), the mentions a tool that names
  actors can find. Mention level: a predicted actor
  mention is correct when it matches a gold mention of the set.
- Events: ``events`` (sentence level): same type and the gold trigger inside (or matching) the
  predicted evidence sentence, one-to-one; ``events_trigger``: per trigger mention (an event that
  joined several mentions of one happening offers each), same type and the mention overlapping the
  gold trigger by at least half of the shorter, one-to-one; ``events_untyped``: the same whatever
  the type (CASIE's cyber events have no PLOVER type). An event of type OTHER claims no PLOVER
  type: the typed metrics leave it out (as the PLOVER export does), the untyped one counts it.
  ``event_arguments`` (sentence-matched events): same role (target and victim are interchangeable)
  and a shared word. ``event_roles`` (trigger-matched events, untyped): the field's agent roles
  (Attacker, Killer, Injurer, Jailer, Perpetrator, Damager, Communicator, Giver, Transporter,
  Prosecutor; CASIE's Discoverer, Releaser) against our agent, its target roles (Target, Victim,
  Detainee, Defendant, Recipient, Artifact, Patient) against our target or victim; a predicted
  phrase stands for a gold argument when their spans overlap or they share a word.
  ``event_coref``: B-cubed precision and recall of the events' mentions against CASIE's hoppers,
  over the gold mentions some predicted mention matched.
- Grounding rate: share of predicted spans whose text equals the article text at their offsets.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from extractor.evaluation.gold import GoldDocument, GoldQuote
from extractor.evaluation.kairos import scored_role
from extractor.linguistic.gender import PRONOUN_GENDER, first_name_gender, title_gender
from extractor.schemas import ArticleExtraction

OVERLAP = 0.5
QUOTE_MARKS = "“”\"‘’'«»„"
PRONOUNS = {"he", "she", "they", "him", "her", "them", "it", "i", "we", "you", "his", "its", "their", "our", "my",
            "your", "said", "says", "who", "which", "that", ""}
_DETERMINERS = {"the", "a", "an", "one", "this", "that", "these", "those", "some", "many", "another", "who", "which"}
_STOP = {"the", "and", "said", "for", "mr", "mrs", "ms"}


def spans_match(a: tuple[int, int], b: tuple[int, int], overlap: float = OVERLAP) -> bool:
    inter = min(a[1], b[1]) - max(a[0], b[0])
    return inter > 0 and inter >= overlap * max(a[1] - a[0], b[1] - b[0])


def words(text: str) -> set[str]:
    return {w for w in re.findall(r"[a-z]{3,}", text.lower()) if w not in _STOP}


@dataclass
class Counts:
    """True positives counted on each side, so one-to-many matches stay honest."""

    pred: int = 0
    pred_ok: int = 0
    gold: int = 0
    gold_found: int = 0

    def add(self, other: "Counts") -> None:
        self.pred += other.pred
        self.pred_ok += other.pred_ok
        self.gold += other.gold
        self.gold_found += other.gold_found

    @property
    def precision(self) -> float:
        return self.pred_ok / self.pred if self.pred else 0.0

    @property
    def recall(self) -> float:
        return self.gold_found / self.gold if self.gold else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def as_dict(self) -> dict[str, float]:
        return {"pred": self.pred, "gold": self.gold, "precision": round(self.precision, 4),
                "recall": round(self.recall, 4), "f1": round(self.f1, 4)}


@dataclass
class Ratio:
    ok: int = 0
    total: int = 0

    def add(self, other: "Ratio") -> None:
        self.ok += other.ok
        self.total += other.total

    @property
    def value(self) -> float:
        return self.ok / self.total if self.total else 0.0


METRICS = ("quotes_direct", "quotes_all", "statements", "actors", "actors_named", "entities_named", "events",
           "events_trigger", "events_untyped", "event_arguments", "event_roles", "event_coref")


@dataclass
class DocScore:
    id: str
    counts: dict[str, Counts] = field(default_factory=dict)
    speaker: dict[str, Ratio] = field(default_factory=dict)
    grounding: Ratio = field(default_factory=Ratio)
    wall_time_s: float = 0.0
    tokens: int = 0


@dataclass
class Report:
    documents: list[DocScore]

    def total(self, metric: str) -> Counts:
        result = Counts()
        for doc in self.documents:
            if metric in doc.counts:
                result.add(doc.counts[metric])
        return result

    def speaker_accuracy(self, subset: str) -> float:
        result = Ratio()
        for doc in self.documents:
            result.add(doc.speaker.get(subset, Ratio()))
        return result.value

    def grounding_rate(self) -> float:
        result = Ratio()
        for doc in self.documents:
            result.add(doc.grounding)
        return result.value

    def metrics(self) -> list[str]:
        return [m for m in METRICS if any(m in d.counts for d in self.documents)]

    def as_dict(self) -> dict[str, Any]:
        return {
            "documents": len(self.documents),
            "micro": {m: self.total(m).as_dict() for m in self.metrics()},
            "speaker_accuracy": {s: round(self.speaker_accuracy(s), 4) for s in ("direct", "all", "pronoun")
                                 if any(s in d.speaker for d in self.documents)},
            "grounding_rate": round(self.grounding_rate(), 4),
            "per_document": [{"id": d.id, "wall_time_s": d.wall_time_s, "tokens": d.tokens,
                              **{m: c.as_dict() for m, c in d.counts.items()}} for d in self.documents],
        }


def _outer(text: str, start: int, end: int) -> tuple[int, int]:
    """Widen a span over the quotation marks around it."""
    if start > 0 and text[start - 1] in QUOTE_MARKS:
        start -= 1
    if end < len(text) and text[end] in QUOTE_MARKS + ",":
        end += 1
    return start, end


def _top_level(quotes: list[Any]) -> list[Any]:
    """Quotes not inside a longer predicted quote (a mixed statement's direct part is scored once)."""
    return [q for q in quotes if not any(
        o is not q and o.span.start <= q.span.start and q.span.end <= o.span.end
        and o.span.end - o.span.start > q.span.end - q.span.start for o in quotes)]


def score_quotes(gold: GoldDocument, pred: ArticleExtraction, doc: DocScore) -> None:
    """A predicted quote is right when its span (marks included) overlaps a gold fragment enough;
    each gold attribution is found once; the speaker is right when a name word is shared (gold
    pronoun speakers are not scored). Scored for all attributions and for direct quotes alone."""
    names = {a.id: a.name for a in pred.actors}
    text, pronoun = gold.text, Ratio()
    for subset in ("all", "direct"):
        golds = [g for g in gold.quotes or [] if subset == "all" or g.direct]
        preds = [q for q in _top_level(pred.quotes) if subset == "all" or q.kind.value == "direct"]
        counts, speaker, found, seen = Counts(pred=len(preds), gold=len(golds)), Ratio(), set(), set()
        for quote in preds:
            span = _outer(text, quote.span.start, quote.span.end)
            if span in seen:
                continue
            seen.add(span)
            hit = next((i for i, g in enumerate(golds) if any(spans_match(span, f) for f in g.fragments)), None)
            if hit is None:
                continue
            counts.pred_ok += 1
            if hit in found:
                continue
            found.add(hit)
            name = names.get(quote.speaker or "", quote.speaker_name or "")
            if golds[hit].speaker.strip().lower() not in PRONOUNS:
                speaker.total += 1
                speaker.ok += bool(words(name) & words(golds[hit].speaker))
            elif subset == "all" and (antecedent := _antecedent(gold, golds[hit])):
                pronoun.total += 1
                pronoun.ok += bool(words(name) & words(antecedent))
        counts.gold_found = len(found)
        doc.counts[f"quotes_{subset}"] = counts
        doc.speaker[subset] = speaker
    if pronoun.total:
        doc.speaker["pronoun"] = pronoun
    doc.counts["statements"] = _score_statements(gold, pred)


def _antecedent(gold: GoldDocument, quote: GoldQuote) -> str | None:
    """The name a gold "he"/"she" source stands for: the nearest gold source named before it whose
    gender, as far as the name list knows it, is the pronoun's."""
    wanted = PRONOUN_GENDER.get(quote.speaker.strip().lower())
    if wanted is None or quote.speaker_start < 0:
        return None
    named = sorted((g for g in gold.quotes or [] if _proper(g.speaker) and
                    0 <= g.speaker_start < quote.speaker_start), key=lambda g: g.speaker_start)
    fuller = [g.speaker.split() for g in named if len(g.speaker.split()) >= 2]
    for candidate in reversed(named):
        parts = candidate.speaker.split()
        firsts = [parts[0]] if len(parts) >= 2 else [f[0] for f in fuller if f[-1] == parts[-1]]
        genders = {first_name_gender(f) or title_gender(f) for f in firsts} - {None}
        if not genders or wanted in genders:
            return candidate.speaker
    return None


def _proper(source: str) -> bool:
    """A source phrase that begins with a name ("Mr. Podesta", "Rendell, a Clinton surrogate"), not a
    pronoun, a relative or a description ("who", "The GOP candidate", "one questioner")."""
    first = source.split()[0] if source.split() else ""
    return first[:1].isupper() and first.lower().strip(".,") not in PRONOUNS | _DETERMINERS


def _score_statements(gold: GoldDocument, pred: ArticleExtraction) -> Counts:
    """Whole statements: a predicted statement (its fragments together) is right when one of its
    fragments matches a fragment of a gold attribution; each gold attribution is found once."""
    golds, text = gold.quotes or [], gold.text
    statements: dict[str, list[tuple[int, int]]] = {}
    for quote in pred.quotes:
        statements.setdefault(quote.statement or quote.id, []).append(_outer(text, quote.span.start, quote.span.end))
    counts, found = Counts(pred=len(statements), gold=len(golds)), set[int]()
    for spans in statements.values():
        hits = {i for i, g in enumerate(golds) for span in spans if any(spans_match(span, f) for f in g.fragments)}
        if hits:
            counts.pred_ok += 1
            found.add(min(hits - found or hits))
    counts.gold_found = len(found)
    return counts


def score_actors(gold: GoldDocument, pred: ArticleExtraction, doc: DocScore) -> None:
    """Actor mentions against all gold mentions and against the named (capitalised) ones: a
    predicted mention is right when it overlaps a gold mention of the set enough. A corpus whose
    entities include cities (WikiEvents' GPE) counts them as actors where we write them as places:
    ``entities_named`` scores actors and places together against the named mentions."""
    every = [m for a in gold.actors or [] for m in a.mentions]
    named = [m for m in every if _named(gold.text[m[0]:m[1]])]
    pred_mentions = [(m.start, m.end) for a in pred.actors for m in a.mentions]
    with_places = pred_mentions + [(p.span.start, p.span.end) for p in pred.places if p.feature != "facility"]
    for metric, gold_mentions, predicted in (("actors", every, pred_mentions), ("actors_named", named, pred_mentions),
                                             ("entities_named", named, with_places)):
        counts = Counts(pred=len(predicted), gold=len(gold_mentions))
        counts.pred_ok = sum(any(spans_match(p, g) for g in gold_mentions) for p in predicted)
        counts.gold_found = sum(any(spans_match(p, g) for p in predicted) for g in gold_mentions)
        doc.counts[metric] = counts


def _named(mention: str) -> bool:
    """A gold mention a naming tool can find: capitalised, and not a pronoun opening a sentence."""
    return mention[:1].isupper() and mention.lower() not in PRONOUNS


def score_events(gold: GoldDocument, pred: ArticleExtraction, doc: DocScore) -> None:
    """An event is right when its type equals an unused gold event's and the gold trigger lies in
    (or overlaps) its evidence sentence; arguments of matched events count by role and a shared name word."""
    golds = list(gold.events or [])
    names = {a.id: a.name for a in pred.actors}
    typed = [e for e in pred.events if e.type.value != "OTHER"]
    counts, args, used = Counts(pred=len(typed), gold=len(golds)), Counts(), set()
    for event in typed:
        evidence = (event.evidence.start, event.evidence.end)
        hit = next((i for i, g in enumerate(golds) if i not in used and g.type == event.type.value and
                    (evidence[0] <= g.start and g.end <= evidence[1] or spans_match(evidence, (g.start, g.end)))),
                   None)
        if hit is None:
            continue
        used.add(hit)
        counts.pred_ok += 1
        predicted = [(_role(p.role), names.get(p.actor_id or "") or p.text) for p in event.participants]
        expected = [(_role(role), name) for role, name in golds[hit].arguments]
        args.pred += len(predicted)
        args.gold += len(expected)
        args.pred_ok += sum(any(r == gr and words(n) & words(gn) for gr, gn in expected) for r, n in predicted)
        args.gold_found += sum(any(r == pr and words(n) & words(pn) for pr, pn in predicted) for gr, n in expected
                               for r in [gr])
    counts.gold_found = len(used)
    doc.counts["events"] = counts
    doc.counts["event_arguments"] = args
    doc.counts["events_trigger"] = _score_triggers(golds, pred)
    untyped, roles, coref = _score_untyped(golds, pred)
    doc.counts["events_untyped"] = untyped
    if any(g.roles for g in golds):
        doc.counts["event_roles"] = roles
    if any(g.hopper is not None for g in golds):
        doc.counts["event_coref"] = coref


def _score_untyped(golds: list[Any], pred: ArticleExtraction) -> tuple[Counts, Counts, Counts]:
    """Triggers whatever their type (each predicted mention: the trigger and the mentions an event
    joined), the agent and target roles of the matched ones, and B-cubed event coreference over the
    matched gold mentions (its counts are sums of per-mention B-cubed precision and recall, in
    thousandths, so the corpus figure is their mean)."""
    mentions = _mentions(pred)
    counts, used = Counts(pred=len(mentions), gold=len(golds)), {}
    for event, span in mentions:
        hit = next((i for i, g in enumerate(golds) if i not in used and
                    _overlap_of_shorter(span, (g.start, g.end)) >= OVERLAP), None)
        if hit is not None:
            used[hit] = event
            counts.pred_ok += 1
    counts.gold_found = len(used)
    roles = Counts()
    for event in {id(e): e for e in used.values()}.values():
        matched = [golds[i] for i, e in used.items() if e is event]
        expected = [(r, s, e, t) for g in matched for fr, t, s, e in g.roles if (r := scored_role(fr))]
        expected = list(dict.fromkeys(expected))
        names = {a.id: a.name for a in pred.actors}
        predicted = [(_role(p.role), p.span, names.get(p.actor_id or "") or p.text)
                     for p in event.participants if _role(p.role) in {"agent", "target"}]
        roles.pred += len(predicted)
        roles.gold += len(expected)
        roles.pred_ok += sum(any(r == gr and _same_phrase(span, text, (gs, ge), gt) for gr, gs, ge, gt in expected)
                             for r, span, text in predicted)
        roles.gold_found += sum(any(r == pr and _same_phrase(span, text, (gs, ge), gt) for pr, span, text in predicted)
                                for r, gs, ge, gt in expected)
    coref = Counts()
    clustered = [i for i in used if golds[i].hopper is not None]
    for i in clustered:
        gold_cluster = {j for j in clustered if golds[j].hopper == golds[i].hopper}
        pred_cluster = {j for j in clustered if used[j] is used[i]}
        both = len(gold_cluster & pred_cluster)
        coref.pred_ok += round(1000 * both / len(pred_cluster))
        coref.gold_found += round(1000 * both / len(gold_cluster))
        coref.pred += 1000
        coref.gold += 1000
    return counts, roles, coref


def _same_phrase(span: Any, text: str, gold: tuple[int, int], gold_text: str) -> bool:
    """A predicted role phrase stands for a gold argument: their spans overlap, or they share a
    word (an actor's canonical name against the gold mention)."""
    if span is not None and min(span.end, gold[1]) > max(span.start, gold[0]):
        return True
    return bool(words(text) & words(gold_text))


def _mentions(pred: ArticleExtraction) -> list[tuple[Any, tuple[int, int]]]:
    """Every trigger mention of every predicted event (an event that joined several mentions of one
    happening offers each of them; one without mentions, its trigger; one without a trigger, an
    empty span that counts as a prediction and matches nothing)."""
    found: list[tuple[Any, tuple[int, int]]] = []
    for event in pred.events:
        spans = [(m.start, m.end) for m in event.mentions] or \
            [(event.trigger.start, event.trigger.end) if event.trigger else (0, 0)]
        found.extend((event, span) for span in spans)
    return found


def _score_triggers(golds: list[Any], pred: ArticleExtraction) -> Counts:
    """Trigger level, per mention: same type and trigger spans overlapping by half of the shorter,
    one-to-one."""
    mentions = [(event, span) for event, span in _mentions(pred) if event.type.value != "OTHER"]
    counts, used = Counts(pred=len(mentions), gold=len(golds)), set()
    for event, span in mentions:
        hit = next((i for i, g in enumerate(golds) if i not in used and g.type == event.type.value and
                    _overlap_of_shorter(span, (g.start, g.end)) >= OVERLAP), None)
        if hit is not None:
            used.add(hit)
            counts.pred_ok += 1
    counts.gold_found = len(used)
    return counts


def _overlap_of_shorter(a: tuple[int, int], b: tuple[int, int]) -> float:
    inter = min(a[1], b[1]) - max(a[0], b[0])
    return max(0, inter) / max(1, min(a[1] - a[0], b[1] - b[0]))


def _role(role: str) -> str:
    """Gold victims are our targets."""
    return "target" if role in {"target", "victim"} else role


def grounding(pred: ArticleExtraction) -> Ratio:
    """Share of output spans whose text is exactly the article's text at their offsets."""
    text = pred.article.text
    spans = [m for a in pred.actors for m in a.mentions] + [q.span for q in pred.quotes] + \
            [e.evidence for e in pred.events] + [e.date.span for e in pred.events if e.date and e.date.span]
    return Ratio(ok=sum(text[s.start:s.end] == s.text for s in spans), total=len(spans))


def score_documents(pairs: list[tuple[GoldDocument, ArticleExtraction]]) -> Report:
    """Score each (gold, prediction) pair on what the gold annotates."""
    documents = []
    for gold, pred in pairs:
        doc = DocScore(id=gold.id, wall_time_s=pred.provenance.wall_time_s,
                       tokens=pred.provenance.usage.prompt_tokens + pred.provenance.usage.completion_tokens)
        if gold.quotes is not None:
            score_quotes(gold, pred, doc)
        if gold.actors is not None:
            score_actors(gold, pred, doc)
        if gold.events is not None:
            score_events(gold, pred, doc)
        doc.grounding = grounding(pred)
        documents.append(doc)
    return Report(documents)
