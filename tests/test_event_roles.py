"""Who did what to whom: each event's participants are the phrases the parse puts in its roles
(named actors or not), one event stands for one happening, and its claimant and date are those of
its own clause. Rules only (``steps=()``), on sentences written for these tests."""

from __future__ import annotations

import pytest

from extractor import Extractor
from extractor.schemas import ArticleExtraction, Event


@pytest.fixture(scope="module")
def extractor():
    with Extractor(steps=()) as rules_only:
        yield rules_only


def _extract(extractor: Extractor, text: str) -> ArticleExtraction:
    return extractor.extract(text, published="2025-01-07")


def _roles(result: ArticleExtraction, event: Event) -> list[tuple[str, str, str | None]]:
    names = {a.id: a.name for a in result.actors}
    return [(p.role, p.text, names.get(p.actor_id or "")) for p in event.participants]


def _event(result: ArticleExtraction, trigger: str) -> Event:
    return next(e for e in result.events if trigger in [m.text for m in e.mentions])


def test_participants_are_phrases_with_their_offsets_named_actor_or_not(extractor: Extractor) -> None:
    text = "A gunman killed three people and wounded two police officers in Dallas on Friday."
    result = _extract(extractor, text)
    assert _roles(result, _event(result, "killed")) == [("agent", "A gunman", None), ("victim", "three people", None)]
    wounded = _event(result, "wounded")
    assert sorted(_roles(result, wounded)) == [("agent", "A gunman", None), ("victim", "two police officers", None)]
    for participant in wounded.participants:
        assert text[participant.span.start:participant.span.end] == participant.text
        assert participant.head is not None and participant.head.text in participant.text


def test_a_self_report_has_the_claimant_as_agent(extractor: Extractor) -> None:
    result = _extract(extractor, "Ukraine’s air force said on Tuesday it shot down 12 Russian drones over Kyiv.")
    shot = _event(result, "shot down")
    claimant = result.actor(shot.claimed_by)
    assert claimant is not None and "air force" in claimant.name
    assert ("agent", "it", claimant.name) in _roles(result, shot)
    assert ("target", "12 Russian drones", "Russian") in _roles(result, shot)  # the drones' sender


def test_a_noun_that_is_a_role_of_a_verb_of_its_type_is_one_happening(extractor: Extractor) -> None:
    result = _extract(extractor, "The governor said the attacks injured one person.")
    (event,) = [e for e in result.events if e.type.value == "ASSAULT"]
    assert sorted(m.text for m in event.mentions) == ["attacks", "injured"]
    assert _roles(result, event) == [("victim", "one person", None)]  # "the attacks" is the event, not its agent


def test_a_definite_noun_takes_up_the_earlier_event_of_its_word(extractor: Extractor) -> None:
    result = _extract(extractor, "A gunman attacked a school in Texas on Tuesday. The attack killed three people. "
                                 "Police arrested the suspect.")
    assault, arrest = result.events
    assert [m.text for m in assault.mentions] == ["attacked", "attack", "killed"]
    assert sorted(_roles(result, assault)) == [("agent", "A gunman", None), ("target", "a school", None),
                                               ("victim", "three people", None)]
    assert assault.date.value.isoformat() == "2025-01-07"
    assert _roles(result, arrest) == [("agent", "Police", None), ("target", "the suspect", None)]


def test_a_nominal_trigger_takes_its_modifier_its_on_phrase_and_a_light_verbs_subject(extractor: Extractor) -> None:
    result = _extract(extractor, "Rebels launched attacks on the capital on Sunday, and Russian strikes on "
                                 "Ukrainian positions went on.")
    assert ("agent", "Rebels", None) in _roles(result, _event(result, "attacks"))
    assert ("target", "the capital", None) in _roles(result, _event(result, "attacks"))
    assert sorted(_roles(result, _event(result, "strikes"))) == [("agent", "Russian", "Russian"),
                                                                ("target", "Ukrainian positions", "Ukrainian")]


def test_the_claimant_and_the_date_are_those_of_the_events_own_clause(extractor: Extractor) -> None:
    result = _extract(extractor, "Speaking during a visit to Seoul, Antony Blinken said the war started in "
                                 "February 2022.")
    visit = _event(result, "visit")
    assert _roles(result, visit) == [("agent", "Antony Blinken", "Antony Blinken")]
    assert visit.claimed_by is None and visit.date is None


def test_a_happening_of_another_domain_is_an_event_of_type_other_with_its_participants(extractor: Extractor) -> None:
    result = _extract(extractor, "Hackers stole the personal data of 3 million customers from Equifax, the company "
                                 "said on Friday.")
    stole = _event(result, "stole")
    assert stole.type.value == "OTHER"
    assert _roles(result, stole)[:2] == [("agent", "Hackers", None),
                                         ("target", "the personal data of 3 million customers", None)]


@pytest.mark.parametrize("text, trigger, roles", [
    ("Four soldiers died in the ambush.", "died", [("victim", "Four soldiers", None)]),
    ("A roadside bomb killed two officers near the border.", "killed",
     [("instrument", "A roadside bomb", None), ("victim", "two officers", None)]),
    ("Saturday’s attack wounded nine people.", "attack", [("victim", "nine people", None)]),  # no agent "Saturday’s"
    ("The thieves stole credit card numbers from three banks last week.", "stole",
     [("agent", "The thieves", None), ("target", "credit card numbers", None), ("victim", "three banks", None)]),
])
def test_who_undergoes_what_causes_and_whom_a_theft_robs(extractor: Extractor, text: str, trigger: str,
                                                         roles: list) -> None:
    result = _extract(extractor, text)
    assert sorted(_roles(result, _event(result, trigger))) == sorted(roles)


def test_the_tables_and_the_review_page_show_one_event_with_its_mentions_and_phrases(extractor: Extractor) -> None:
    import json

    from extractor.batch.export import rows
    from extractor.output.review import article_data

    text = "A gunman attacked a school in Texas on Tuesday. The attack killed three people."
    result = _extract(extractor, text)
    tables = rows(result)
    (event,) = tables["events"]
    assert [(m["text"], text[m["start"]:m["end"]]) for m in json.loads(event["mentions"])] == [
        ("attacked", "attacked"), ("attack", "attack"), ("killed", "killed")]
    assert sorted((p["role"], p["text"], p["actor_id"]) for p in tables["event_participants"]) == [
        ("agent", "A gunman", None), ("target", "a school", None), ("victim", "three people", None)]
    (shown,) = article_data(result)["events"]
    assert shown["mentions"] == ["attacked", "attack", "killed"]
    assert sorted((p["role"], p["name"]) for p in shown["participants"]) == [
        ("agent", "A gunman"), ("target", "a school"), ("victim", "three people")]


@pytest.mark.parametrize("text, trigger, roles", [
    ("The bomb exploded outside the station.", "exploded", [("instrument", "The bomb", None)]),
    ("The brigade detonated 20 bombs near the bridge.", "detonated",
     [("agent", "The brigade", None), ("instrument", "20 bombs", None)]),
    ("Police confirmed his arrest on Friday.", "arrest", [("target", "his", None)]),
    ("The blast hit a bakery, which was destroyed.", "destroyed", [("target", "a bakery", None)]),
])
def test_weapons_possessive_pronouns_and_relative_pronouns_take_their_real_roles(
        extractor: Extractor, text: str, trigger: str, roles: list) -> None:
    result = _extract(extractor, text)
    assert sorted(_roles(result, _event(result, trigger))) == sorted(roles)


@pytest.mark.parametrize("text, events", [
    ("The vendor fixed the flaw in its router software on Tuesday.", [("fixed", "OTHER")]),
    ("Researchers found a vulnerability in the hospital's billing system.", [("found", "OTHER")]),
    ("The hospital paid 4 bitcoin in ransom to the attackers.", [("paid", "OTHER")]),
    ("The vendor released a patch for the router.", [("released", "OTHER")]),
    # the same verbs with an ordinary object report nothing, or their own type
    ("She found the keys under the seat and paid tribute to her teacher.", []),
    ("The army released the prisoners on Monday.", [("released", "CONCEDE")]),
])
def test_a_verb_that_reports_a_happening_by_its_object(extractor: Extractor, text: str,
                                                      events: list[tuple[str, str]]) -> None:
    result = _extract(extractor, text)
    assert [(e.trigger.text, e.type.value) for e in result.events if e.trigger] == events
