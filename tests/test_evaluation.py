"""Gold loaders on small fixture files, and the scorer on hand-made pairs with hand-computed P/R/F1."""

from __future__ import annotations

from pathlib import Path

import pytest

from extractor.evaluation import load_gold, score_documents
from extractor.evaluation.gold import GoldActor, GoldDocument, GoldEvent
from extractor.evaluation.kairos import to_plover
from extractor.input.article import make_article
from extractor.schemas import (Actor, ArticleExtraction, Event, EventType, Participant, Provenance, Quote, QuoteKind,
                     Span)

FIXTURES = Path(__file__).parent / "data" / "fixtures"


@pytest.fixture(scope="module")
def polnear() -> GoldDocument:
    (doc,) = load_gold(FIXTURES / "polnear" / "dev", "polnear")
    return doc


def test_polnear_loader_reads_attributions_fragments_and_dates(polnear: GoldDocument) -> None:
    assert (polnear.id, polnear.published) == ("paper_2016-09-01_budget-vote", "2016-09-01")
    assert [q.direct for q in polnear.quotes] == [True, False, True]
    assert [q.speaker for q in polnear.quotes] == ["Senator Jane Roe", "She", "Roe"]
    split = polnear.quotes[2]
    assert [polnear.text[s:e] for s, e in split.fragments] == ["“It is a disgrace,”", "“A total disgrace.”"]


def test_wikievents_loader_rebuilds_text_and_maps_types() -> None:
    (doc,) = load_gold(FIXTURES / "wikievents.jsonl", "wikievents")
    assert doc.text == "Rebels attacked the base . Police arrested two men ."
    assert [(a.name, a.type, [doc.text[s:e] for s, e in a.mentions]) for a in doc.actors] == [
        ("Rebels", "ORGANIZATION", ["Rebels"]), ("Police", "ORGANIZATION", ["Police"]),
        ("two men", "PERSON", ["two men"])]
    assert [(e.type, doc.text[e.start:e.end], e.arguments) for e in doc.events] == [
        ("ASSAULT", "attacked", (("agent", "Rebels"), ("target", "base"))),
        ("COERCE", "arrested", (("agent", "Police"), ("target", "two men")))]


def test_kairos_mapping_and_unmapped_types() -> None:
    assert to_plover("Conflict.Attack.DetonateExplode") == "ASSAULT"
    assert to_plover("Contact.Contact.Meet") == "CONSULT"
    assert to_plover("Contact.Contact.Broadcast") is None


def test_native_loader_names_the_bad_line(tmp_path: Path) -> None:
    path = tmp_path / "gold.jsonl"
    path.write_text('{"id": "a", "text": "x", "quotes": []}\n{"id": "b"}\n')
    with pytest.raises(ValueError, match="gold.jsonl:2"):
        load_gold(path, "native")


def _prediction(text: str, quotes: list[tuple[str, str, str]] = (), events: list[Event] = (),
                actors: list[Actor] = ()) -> ArticleExtraction:
    """Quotes as (text to find, kind, speaker name); speakers become actors."""
    article = make_article(text)
    built, names = [], {}
    for i, (needle, kind, speaker) in enumerate(quotes, start=1):
        start = text.index(needle)
        actor_id = names.setdefault(speaker, f"A{len(names) + 1}")
        built.append(Quote(id=f"Q{i}", text=needle, kind=QuoteKind(kind), speaker=actor_id,
                           span=Span(start=start, end=start + len(needle), text=needle)))
    people = [Actor(id=i, name=n, type="PERSON") for n, i in names.items()]
    return ArticleExtraction(article=article, quotes=built, events=list(events), actors=people + list(actors),
                             provenance=Provenance(backend="test", model="none", prompt_templates={}))


def _scores(gold: GoldDocument, pred: ArticleExtraction) -> dict:
    return score_documents([(gold, pred)]).as_dict()


PERFECT = [("We will not sign this budget", "direct", "Jane Roe"), ("talks would resume", "indirect", "Jane Roe"),
           ("It is a disgrace", "direct", "Roe"), ("A total disgrace.", "direct", "Roe")]


def test_perfect_predictions(polnear: GoldDocument) -> None:
    report = _scores(polnear, _prediction(polnear.text, PERFECT))
    assert report["micro"]["quotes_all"] == {"pred": 4, "gold": 3, "precision": 1.0, "recall": 1.0, "f1": 1.0}
    assert report["micro"]["quotes_direct"] == {"pred": 3, "gold": 2, "precision": 1.0, "recall": 1.0, "f1": 1.0}
    assert report["speaker_accuracy"] == {"all": 1.0, "direct": 1.0, "pronoun": 1.0}
    assert report["grounding_rate"] == 1.0


def test_empty_predictions(polnear: GoldDocument) -> None:
    report = _scores(polnear, _prediction(polnear.text, []))
    assert report["micro"]["quotes_all"] == {"pred": 0, "gold": 3, "precision": 0.0, "recall": 0.0, "f1": 0.0}


def test_partial_overlap_below_and_above_the_threshold(polnear: GoldDocument) -> None:
    # gold content is 31 characters with its marks; "We will" covers 8 (<15.5), "We will not sign this" 22.
    below = _scores(polnear, _prediction(polnear.text, [("We will", "direct", "Jane Roe")]))
    assert below["micro"]["quotes_direct"]["precision"] == 0.0
    above = _scores(polnear, _prediction(polnear.text, [("We will not sign this", "direct", "Jane Roe")]))
    # 1 of 1 prediction right, 1 of 2 direct gold quotes found: P 1, R 0.5, F1 2/3
    assert above["micro"]["quotes_direct"] == {"pred": 1, "gold": 2, "precision": 1.0, "recall": 0.5,
                                               "f1": 0.6667}


def test_wrong_speaker_counts_against_speaker_accuracy_only(polnear: GoldDocument) -> None:
    wrong = [("We will not sign this budget", "direct", "Someone Else"), ("It is a disgrace", "direct", "Roe")]
    report = _scores(polnear, _prediction(polnear.text, wrong))
    assert report["micro"]["quotes_direct"]["f1"] == 1.0
    assert report["speaker_accuracy"]["direct"] == 0.5


def test_a_she_source_is_scored_against_the_name_it_stands_for(polnear: GoldDocument) -> None:
    # gold: "She added that talks would resume"; "She" stands for Senator Jane Roe, named before it
    assert polnear.quotes[1].speaker_start == 87
    other = [("talks would resume", "indirect", "Tom Reyes")]
    assert _scores(polnear, _prediction(polnear.text, other))["speaker_accuracy"]["pronoun"] == 0.0
    right = [("talks would resume", "indirect", "Jane Roe")]
    assert _scores(polnear, _prediction(polnear.text, right))["speaker_accuracy"]["pronoun"] == 1.0


def test_duplicate_predictions_are_false_positives(polnear: GoldDocument) -> None:
    twice = [("We will not sign this budget", "direct", "Jane Roe")] * 2
    report = _scores(polnear, _prediction(polnear.text, twice))
    # 2 predictions, 1 right; 1 of 2 direct gold found: P 0.5, R 0.5, F1 0.5
    assert report["micro"]["quotes_direct"] == {"pred": 2, "gold": 2, "precision": 0.5, "recall": 0.5, "f1": 0.5}


def test_events_by_type_and_evidence_and_arguments_by_role_and_name() -> None:
    text = "Rebels attacked the base . Police arrested two men ."
    gold = GoldDocument(id="g", text=text, events=[
        GoldEvent("ASSAULT", 7, 15, (("agent", "Rebels"), ("target", "base"))),
        GoldEvent("COERCE", 34, 42, (("agent", "Police"), ("target", "two men")))])
    rebels = Actor(id="A1", name="Rebels", type="ARMED_GROUP")
    base = Actor(id="A2", name="the base", type="OTHER")
    events = [Event(id="E1", type=EventType.ASSAULT, summary="attack",
                    evidence=Span(start=0, end=26, text=text[0:26]),
                    participants=[Participant(actor_id="A1", role="agent"), Participant(actor_id="A2", role="victim")]),
              Event(id="E2", type=EventType.PROTEST, summary="wrong type",
                    evidence=Span(start=27, end=52, text=text[27:52]))]
    report = _scores(gold, _prediction(text, events=events, actors=[rebels, base]))
    assert report["micro"]["events"] == {"pred": 2, "gold": 2, "precision": 0.5, "recall": 0.5, "f1": 0.5}
    assert report["micro"]["event_arguments"] == {"pred": 2, "gold": 2, "precision": 1.0, "recall": 1.0, "f1": 1.0}


def test_grounding_rate_catches_spans_that_do_not_match_the_text(polnear: GoldDocument) -> None:
    pred = _prediction(polnear.text, PERFECT)
    pred.quotes[0].span = Span(start=0, end=5, text="Nope!")
    assert _scores(polnear, pred)["grounding_rate"] == 0.75


def test_trigger_level_events_need_an_overlapping_trigger_of_the_same_type() -> None:
    text = "Rebels attacked the base . Police arrested two men . Troops fired shots ."
    gold = GoldDocument(id="g", text=text, events=[GoldEvent("ASSAULT", 7, 15), GoldEvent("COERCE", 34, 42),
                                                   GoldEvent("ASSAULT", 60, 65)])

    def event(event_id: str, kind: EventType, start: int, end: int, trigger: tuple[int, int] | None) -> Event:
        span = Span(start=trigger[0], end=trigger[1], text=text[trigger[0]:trigger[1]]) if trigger else None
        return Event(id=event_id, type=kind, summary="", evidence=Span(start=start, end=end, text=text[start:end]),
                     trigger=span)

    events = [event("E1", EventType.ASSAULT, 0, 26, (7, 15)),      # "attacked": right
              event("E2", EventType.COERCE, 27, 52, (27, 33)),     # "Police": the wrong word
              event("E3", EventType.ASSAULT, 53, 73, None)]        # no trigger: sentence level only
    micro = _scores(gold, _prediction(text, events=events))["micro"]
    assert micro["events_trigger"] == {"pred": 3, "gold": 3, "precision": 0.3333, "recall": 0.3333, "f1": 0.3333}
    assert micro["events"]["pred"] == 3 and micro["events"]["precision"] == 1.0


def test_named_actor_mentions_leave_pronouns_and_nominals_out_of_the_gold() -> None:
    text = "Jane Roe met police. She said Acme Corp would pay."
    gold = GoldDocument(id="g", text=text, actors=[GoldActor("Jane Roe", "PER", ((0, 8), (21, 24))),
                                                   GoldActor("police", "ORG", ((13, 19),)),
                                                   GoldActor("Acme Corp", "ORG", ((30, 39),))])
    found = Actor(id="A1", name="Jane Roe", type="PERSON", mentions=[Span(start=0, end=8, text="Jane Roe")])
    acme = Actor(id="A2", name="Acme Corp", type="ORGANIZATION", mentions=[Span(start=30, end=39, text="Acme Corp")])
    micro = _scores(gold, _prediction(text, actors=[found, acme]))["micro"]
    assert micro["actors_named"] == {"pred": 2, "gold": 2, "precision": 1.0, "recall": 1.0, "f1": 1.0}
    assert micro["actors"]["recall"] == 0.5


def test_casie_gold_scores_untyped_triggers_roles_and_b_cubed_coreference(tmp_path: Path) -> None:
    """Three mentions (two of one happening); the rules join all three into one event."""
    import json

    from extractor import extract

    text = "Hackers breached the company’s network on Monday. The breach exposed the data of 2 million users."

    def at(phrase: str, start: int = 0) -> dict:
        i = text.index(phrase, start)
        return {"start": i, "end": i + len(phrase), "text": phrase}

    event = {"type": "Attack", "subtype": "Databreach", "realis": "Actual"}
    gold_line = {"doc_id": "c1", "published": "2017-02-3", "text": text, "events": [
        {**event, "id": "E1", "hopper": 0, "trigger": at("breached"),
         "arguments": [{"role": "Attacker", **at("Hackers")}, {"role": "Victim", **at("the company’s network")}]},
        {**event, "id": "E2", "hopper": 0, "trigger": at("breach", text.index("The breach")), "arguments": []},
        {**event, "id": "E3", "hopper": 1, "trigger": at("exposed"),
         "arguments": [{"role": "Compromised-Data", **at("the data of 2 million users")}]}]}
    path = tmp_path / "casie.jsonl"
    path.write_text(json.dumps(gold_line) + "\n")
    (doc,) = load_gold(path, "casie")
    assert doc.published == "2017-02-03"  # the corpus writes "2017-02-3"
    result = extract(text, published=doc.published, steps="none")
    (predicted,) = result.events
    assert [m.text for m in predicted.mentions] == ["breached", "breach", "exposed"]
    micro = score_documents([(doc, result)]).as_dict()["micro"]
    assert (micro["events_untyped"]["precision"], micro["events_untyped"]["recall"]) == (1.0, 1.0)
    # agent Hackers and target the network are right; "the data" is a target the metric does not score
    assert micro["event_roles"] == {"pred": 3, "gold": 2, "precision": 0.6667, "recall": 1.0, "f1": 0.8}
    # B-cubed: one predicted cluster of three against the gold clusters {breached, breach} and {exposed}
    assert (micro["event_coref"]["precision"], micro["event_coref"]["recall"]) == (0.5557, 1.0)
