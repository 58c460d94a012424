"""Direct quotes from the judged quotation candidates, reported speech from rules and the model."""

from __future__ import annotations

from extractor.assembly.speakers import PRONOUNS, speaker_id
from extractor.candidates.attribution import attribute_sentence, find_speech_cue, quotation_attribution
from extractor.candidates.quotes import QuoteCandidate
from extractor.candidates.statements import ReportedCandidate, settled
from extractor.linguistic.names import PRONOUNS as PRONOUNS_ANY
from extractor.linguistic.sentences import Sentence, paragraphs, sentence_at, sentence_by_number
from extractor.rules.actors import ActorRegistry
from extractor.rules.reported import content_span, cue_span
from extractor.schemas import Quote, QuoteKind, Span
from extractor.schemas.response import EntitiesResponse, QuoteJudgement

UNJUDGED_MIN_WORDS = 8
"""A quotation the model did not judge is kept with an attribution (3+ words) or from this many words."""
MODEL_ONLY_MIN_WORDS = 4
"""The small model calls many scare quotes quotations: without an attribution it must be 4+ words."""
ATTRIBUTED_REJECT_MIN_WORDS = 3
"""A quotation the model rejected is kept anyway when a rule attributes it and it has this many words
(a three-word fragment in "X said ... “...”" is the speaker's words far more often than a scare quote;
the 1.5B model on llama-server rejects such fragments where llama-cpp-python's run kept them)."""
INHERIT_WITHIN = 600
"""Characters within which an unattributed quotation continues the last attributed speaker."""
PRONOUN_WITHIN = 800
"""Characters back within which a salient person is what "he said" refers to."""
SUBJECT_OPENING_WORDS = 2
"""Words before a mention that still let it open its sentence as the subject ("But Mr. Obama")."""
SENTENCE_OPENERS = frozenset({"but", "and", "then", "so", "still", "yet", "however,", "meanwhile,", "later,", "now,"})
"""Words that may stand before a sentence's subject."""
MIXED_COVER = 0.5
STATEMENT_GAP = 60
"""Characters between two fragments of one statement: room for an attribution ("he said")."""


def assemble_quotes(text: str, sents: list[Sentence], candidates: list[QuoteCandidate],
                    parsed: list[ReportedCandidate], entities: EntitiesResponse | None, said_by: dict[str, str],
                    registry: ActorRegistry, warnings: list[str]) -> list[Quote]:
    """Direct quotes from judged candidates, then reported speech from rules and the model's list,
    in text order, numbered Q1, Q2, ...; ``said_by`` is the model's speaker (a registry key) of
    the quotations no attribution pattern names one for."""
    judgements: dict[str, QuoteJudgement] = {}
    for item in entities.quotes if entities else []:
        judgements.setdefault(item.id, item)
    quotes = _direct(text, sents, candidates, judgements, said_by, registry)
    unjudged = [c.id for c in candidates if c.id not in judgements]
    if entities is not None and unjudged:
        warnings.append(f"model did not judge {len(unjudged)} quote candidate(s): {', '.join(unjudged)}")
    quotes += _reported(text, sents, candidates, parsed, entities, registry, quotes)
    quotes.sort(key=lambda q: (q.span.start, q.span.end))
    _resolve_pronouns(sents, quotes, registry)
    _inherit_speakers(quotes)
    for index, quote in enumerate(quotes, start=1):
        quote.id = f"Q{index}"
    _group_statements(text, quotes)
    return quotes


def _group_statements(text: str, quotes: list[Quote]) -> None:
    """Number the statements S1, S2, ...: a quote joins the statement before it when the same
    speaker says it in the same paragraph and only an attribution stands between them ("“…,” he
    said. “…”"), or when it lies inside that statement's reported content (a partial quote)."""
    paras = paragraphs(text)
    para_of = {q.id: next((i for i, (s, e) in enumerate(paras) if s <= q.span.start < e), -1) for q in quotes}
    count, previous = 0, None
    for quote in quotes:
        joined = previous is not None and quote.speaker is not None and quote.speaker == previous.speaker and \
            para_of[quote.id] == para_of[previous.id] and (
                quote.span.start < previous.span.end or quote.span.start - previous.span.end <= STATEMENT_GAP)
        if joined and previous is not None:
            quote.statement = previous.statement
        else:
            count += 1
            quote.statement = f"S{count}"
        if previous is None or not (quote.span.end <= previous.span.end and joined):
            previous = quote


def _keep(candidate: QuoteCandidate, judged: QuoteJudgement | None, attributed: bool) -> bool:
    """Whether a quotation is a direct quote: the model's judgement, overruled by the rules where
    the small model is known to err (rejecting attributed quotes, accepting short scare quotes)."""
    if judged is None:
        return (attributed and candidate.words >= 3) or candidate.words >= UNJUDGED_MIN_WORDS
    if not judged.quote:
        return attributed and candidate.words >= ATTRIBUTED_REJECT_MIN_WORDS
    return attributed or candidate.words >= MODEL_ONLY_MIN_WORDS


def _direct(text: str, sents: list[Sentence], candidates: list[QuoteCandidate],
            judgements: dict[str, QuoteJudgement], said_by: dict[str, str], registry: ActorRegistry) -> list[Quote]:
    """One direct quote per kept candidate, its speaker from the attribution patterns; the model
    was asked who said only the quotations they leave without one (``said_by``)."""
    quotes: list[Quote] = []
    for cand in candidates:
        rule = quotation_attribution(text, sents, cand.outer_start, cand.outer_end)
        if not _keep(cand, judgements.get(cand.id), rule is not None):
            continue
        speaker = speaker_id(registry, rule.speaker, cand.outer_start) if rule else said_by.get(cand.id)
        quotes.append(Quote(id="", text=cand.text, kind=QuoteKind.DIRECT, speaker=speaker,
                            speaker_name=rule.speaker if rule else None, cue=rule.cue if rule else None,
                            span=Span(start=cand.start, end=cand.end, text=cand.text, alignment="detected")))
    return quotes


def _reported(text: str, sents: list[Sentence], candidates: list[QuoteCandidate], parsed: list[ReportedCandidate],
              entities: EntitiesResponse | None, registry: ActorRegistry, direct: list[Quote]) -> list[Quote]:
    """Reported speech: the parse's reporting clauses first (several a sentence), then for the
    sentences they miss the attribution patterns, then the sentences the model names (with a cue
    we can locate); a content mostly covered by a direct quote is not repeated."""
    found: list[tuple[int, str | None, Span, Span, bool]] = []
    covered: set[int] = set()
    for item in parsed:
        cue = Span(start=item.cue_start, end=item.cue_end, text=text[item.cue_start:item.cue_end])
        content = Span(start=item.content_start, end=item.content_end,
                       text=text[item.content_start:item.content_end], alignment="detected")
        if settled(text, item):
            found.append((item.speaker_start or item.cue_start, item.speaker, cue, content, _named(item.speaker or "")))
            covered.add(item.sentence)
    rules: dict[int, tuple[str, Span]] = {}
    for sent in sents:
        rule = attribute_sentence(text, sent) if sent.index not in covered else None
        if rule:
            rules[sent.index] = (rule.speaker, Span(start=rule.cue_start, end=rule.cue_end, text=rule.cue))
    for answer in entities.reported if entities else []:
        named = sentence_by_number(sents, answer.s)
        if named is None or answer.s in rules or answer.s in covered:
            continue
        located = cue_span(text, named, answer.cue) or _any_cue(text, named)
        if located is not None:
            rules[answer.s] = (answer.speaker, located)
    for number, (speaker, cue) in sorted(rules.items()):
        sent = sents[number - 1]
        reported = content_span(text, sent, cue)
        if reported is not None:
            found.append((sent.start, speaker, cue, reported, True))
    quotes: list[Quote] = []
    for offset, phrase, cue, content, may_create in found:
        if any(_covered(content, q.span) > MIXED_COVER for q in direct):
            continue
        inside = any(content.start <= c.outer_start and c.outer_end <= content.end + 1 for c in candidates)
        quotes.append(Quote(id="", text=content.text, kind=QuoteKind.MIXED if inside else QuoteKind.INDIRECT,
                            speaker=speaker_id(registry, phrase, offset, create=may_create), speaker_name=phrase,
                            cue=cue.text, span=content))
    return quotes


def _named(phrase: str) -> bool:
    """A speaker phrase that names someone ("Senator Jane Roe", "Ukraine’s military"), not a
    description ("the opposition", "many voters"): it may found an actor of its own."""
    return phrase[:1].isupper() and phrase.split()[0].lower() not in {"the", "a", "an", "some", "many", "most"}


def _resolve_pronouns(sents: list[Sentence], quotes: list[Quote], registry: ActorRegistry) -> None:
    """A "he"/"she" speaker is the last salient person it can stand for, within ``PRONOUN_WITHIN``
    characters: the speaker of an earlier quote or a person opening a sentence (the subject news
    style carries on), else the person mentioned last (``speaker_id``'s answer stands)."""
    for index, quote in enumerate(quotes):
        pronoun = (quote.speaker_name or "").strip().lower()
        if pronoun not in PRONOUNS:
            continue
        people = registry.people(pronoun)
        keys = {key for _, key in people}
        salient = [(q.span.start, q.speaker) for q in quotes[:index] if q.speaker in keys]
        salient += [(start, key) for start, key in people if _opens_sentence(sents, start)]
        earliest = quote.span.start - PRONOUN_WITHIN
        salient = [(start, key) for start, key in salient if earliest < start < quote.span.start]
        if salient:
            quote.speaker = max(salient, key=lambda found: found[0])[1]


def _opens_sentence(sents: list[Sentence], start: int) -> bool:
    """Whether a mention opens its sentence as its subject would: only an opening word ("But",
    "Then") or a capitalised title ("Sen.", "Republican") before it, not "He said Putin"."""
    sent = sentence_at(sents, start)
    if sent is None:
        return False
    before = sent.text[:start - sent.start].split()
    return len(before) <= SUBJECT_OPENING_WORDS and all(
        word.lower() in SENTENCE_OPENERS or (word[:1].isupper() and word.lower() not in PRONOUNS_ANY)
        for word in before)


def _inherit_speakers(quotes: list[Quote]) -> None:
    """A quotation with no attribution of its own continues the last attributed speaker nearby
    (news style: "X said ..." then a paragraph of quotation); farther away it stays unknown."""
    last: Quote | None = None
    for quote in quotes:
        if quote.speaker is None and quote.speaker_name is None and last is not None and \
                quote.span.start - last.span.end <= INHERIT_WITHIN:
            quote.speaker, quote.speaker_name = last.speaker, last.speaker_name
        elif quote.speaker is not None:
            last = quote


def _any_cue(text: str, sent: Sentence) -> Span | None:
    """The sentence's first speech verb as a span, when the model's cue is not in the sentence."""
    found = find_speech_cue(text, sent)
    if found is None:
        return None
    start, end = found
    return Span(start=start, end=end, text=text[start:end])


def _covered(a: Span, b: Span) -> float:
    """Share of ``a`` that ``b`` covers."""
    return max(0, min(a.end, b.end) - max(a.start, b.start)) / max(1, a.end - a.start)
