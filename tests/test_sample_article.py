"""The sample article end to end, replayed from the cassette recorded from the embedded model.

What the pipeline guarantees (valid output, exact spans, provenance) and what the recorded
response concretely gave: Zelenskyy's quote, Blinken's partial quote, 28 of 38 drones, dates.
"""

from __future__ import annotations

import asyncio
from datetime import date

import pytest

from extractor import ExtractionError, Extractor, read_article_file, resolve_endpoint
from extractor.schemas import ArticleExtraction, EventStatus, QuoteKind
from extractor.settings import STEPS
from tests.cassette_config import RERECORD_HINT, cassette, cassette_mismatch
from tests.scenarios import SAMPLE

# Never contacted: replay answers every request; a request not in the cassette fails.
OFFLINE = "http://127.0.0.1:9/v1"


def _replay(run_async: bool = False) -> ArticleExtraction:
    config = resolve_endpoint(backend="local").with_base_url(OFFLINE)
    article = read_article_file(SAMPLE.article, **SAMPLE.meta)
    with cassette(SAMPLE.cassette), Extractor(config, steps=STEPS) as extractor:
        try:
            if run_async:
                return asyncio.run(extractor.aextract(article))
            return extractor.extract(article)
        except ExtractionError as exc:
            if cassette_mismatch(exc):
                pytest.fail(RERECORD_HINT)
            raise


@pytest.fixture(scope="module")
def result() -> ArticleExtraction:
    return _replay()


def _spans(result: ArticleExtraction):
    for actor in result.actors:
        yield from actor.mentions
    for event in result.events:
        yield event.evidence
        if event.date and event.date.span:
            yield event.date.span
    for quote in result.quotes:
        yield quote.span


def test_every_span_is_exactly_the_article_text_at_its_offsets(result: ArticleExtraction) -> None:
    text = result.article.text
    spans = list(_spans(result))
    assert len(spans) > 20
    for span in spans:
        assert text[span.start:span.end] == span.text
    for quote in result.quotes:
        assert quote.text == text[quote.span.start:quote.span.end]


def test_output_round_trips_through_the_json_schema_model(result: ArticleExtraction) -> None:
    assert ArticleExtraction.model_validate_json(result.model_dump_json()) == result


def test_provenance_is_filled(result: ArticleExtraction) -> None:
    p = result.provenance
    assert p.backend == "local" and p.model == "qwen2.5-coder-1.5b-instruct-q4_k_m"
    assert set(p.prompt_templates) == {"entities", "events"}
    assert all(len(h) == 64 for h in p.prompt_templates.values())
    assert p.usage.calls == 2 and p.usage.prompt_tokens > 1000 and p.usage.completion_tokens > 50
    assert p.usage.prompt_ms > 0 and p.usage.generation_ms > 0
    assert result.article.published == date(2025, 1, 7)


def test_zelenskyys_direct_quote_is_verbatim_with_exact_offsets(result: ArticleExtraction) -> None:
    quote = next(q for q in result.quotes if q.kind == QuoteKind.DIRECT and q.text.startswith("The Russians"))
    assert (quote.span.start, quote.span.end) == (1274, 1527)
    assert quote.text.endswith("nor against Sumy, the Kharkiv region or Zaporizhzhia")
    assert result.actor(quote.speaker).name == "Volodymyr Zelenskyy"
    assert quote.cue == "said"


def test_blinkens_partial_quote(result: ArticleExtraction) -> None:
    quote = next(q for q in result.quotes if q.text == "biggest ongoing drivers")
    assert (quote.span.start, quote.span.end, quote.kind) == (1642, 1665, QuoteKind.DIRECT)
    assert result.actor(quote.speaker).name == "Antony Blinken"
    reported = next(q for q in result.quotes if q.span.start < 1642 < q.span.end)
    assert reported.kind == QuoteKind.MIXED and result.actor(reported.speaker).name == "Antony Blinken"


def test_reported_statement_of_the_governor(result: ArticleExtraction) -> None:
    quote = next(q for q in result.quotes if q.text == "the attacks injured one person")
    assert quote.kind == QuoteKind.INDIRECT
    speaker = result.actor(quote.speaker)
    assert (speaker.name, speaker.title) == ("Oleksandr Prokudin", "Kherson Governor")


def test_one_actor_per_real_world_actor(result: ArticleExtraction) -> None:
    names = [a.name for a in result.actors]
    assert len(names) == len(set(names))
    zelenskyy = next(a for a in result.actors if a.name == "Volodymyr Zelenskyy")
    assert [m.text for m in zelenskyy.mentions] == ["Volodymyr Zelenskyy", "Zelenskyy"]
    assert not any(n == "Zelenskyy" for n in names)


def test_drone_event_has_both_numbers_and_the_tuesday_date(result: ArticleExtraction) -> None:
    event = next(e for e in result.events if "28 of 38" in e.evidence.text)
    assert {q.value for q in event.quantities} >= {28, 38}
    assert event.date.value == date(2025, 1, 7) and event.date.expression == "Tuesday"
    assert event.type.value == "ASSAULT"


def test_kurakhove_capture_is_a_claim_not_a_fact(result: ArticleExtraction) -> None:
    claims = [e for e in result.events if "Kurakhove" in e.evidence.text and e.status == EventStatus.CLAIMED]
    assert claims
    assert any(result.actor(e.claimed_by).name.endswith("Defense Ministry") for e in claims)
    unconfirmed = [e for e in result.events if e.evidence.text.startswith("Ukrainian officials did not confirm")]
    assert unconfirmed and unconfirmed[0].status == EventStatus.UNCONFIRMED
    assert unconfirmed[0].date.value == date(2025, 1, 6)


def test_async_twin_gives_the_same_result(result: ArticleExtraction) -> None:
    again = _replay(run_async=True)
    assert again.model_dump(exclude={"provenance"}) == result.model_dump(exclude={"provenance"})


def test_a_changed_prompt_fails_loudly_instead_of_calling_a_model() -> None:
    config = resolve_endpoint(backend="local").with_base_url(OFFLINE)
    article = read_article_file(SAMPLE.article, published="2025-01-08")
    with cassette(SAMPLE.cassette), Extractor(config, steps=STEPS) as extractor:
        with pytest.raises(ExtractionError) as info:
            extractor.extract(article)
    assert cassette_mismatch(info.value)


def test_events_told_inside_a_quotation_are_the_speakers_claims(result: ArticleExtraction) -> None:
    deployed = next(e for e in result.events if e.evidence.text.startswith("“The Russians have deployed")
                    or "The Russians have deployed" in e.evidence.text)
    assert deployed.status == EventStatus.CLAIMED
    assert result.actor(deployed.claimed_by).name == "Volodymyr Zelenskyy"


def test_the_credit_line_is_not_an_event(result: ArticleExtraction) -> None:
    assert not any("Associated Press" in e.evidence.text for e in result.events)
    with Extractor(steps=("events",)) as extractor:
        plan = extractor.plan(read_article_file(SAMPLE.article, **SAMPLE.meta))
    credit = plan.sentences[-1]
    assert credit.text.startswith("Some information for this report") and plan.events
    assert not any(e.sentence == credit.index for e in plan.events)


def test_every_event_has_its_trigger_inside_its_evidence(result: ArticleExtraction) -> None:
    text = result.article.text
    for event in result.events:
        assert text[event.trigger.start:event.trigger.end] == event.trigger.text
        assert event.evidence.start <= event.trigger.start < event.trigger.end <= event.evidence.end


def test_the_drones_are_russias_and_ukraines_military_claims_it(result: ArticleExtraction) -> None:
    targeted = next(e for e in result.events if e.trigger.text == "targeted")
    assert [(p.role, result.actor(p.actor_id).name) for p in targeted.participants] == [("agent", "Russia")]
    assert result.actor(targeted.claimed_by).name == "Ukraine’s military"
    shot = next(e for e in result.events if e.trigger.text == "shot down")
    assert (shot.type.value, result.actor(shot.claimed_by).name) == ("ASSAULT", "Ukraine’s military")


def test_the_casualties_are_claimed_by_zelenskyy_and_not_his_act(result: ArticleExtraction) -> None:
    caused = next(e for e in result.events if "38,000" in e.evidence.text
                  and "casualties" in [m.text for m in e.mentions])
    assert [m.text for m in caused.mentions] == ["offensive", "casualties"]  # one happening, two mentions
    assert result.actor(caused.claimed_by).name == "Volodymyr Zelenskyy"
    assert caused.status == EventStatus.CLAIMED
    assert all(p.actor_id is None or result.actor(p.actor_id).name != "Volodymyr Zelenskyy"
               for p in caused.participants)


def test_blinkens_statement_is_offered_as_his_act_about_north_korea_and_china(result: ArticleExtraction) -> None:
    with Extractor(steps=("events",)) as extractor:
        plan = extractor.plan(read_article_file(SAMPLE.article, **SAMPLE.meta))
    names = {group.id: group.name for group in plan.actors}
    said = next(e for e in plan.events if e.text == "said" and "biggest ongoing drivers" in
                plan.sentences[e.sentence - 1].text)
    assert said.speech and said.claimant is None
    assert [(p.role, names[p.actor]) for p in said.participants] == [
        ("agent", "Antony Blinken"), ("target", "North Korea"), ("target", "China")]
    (event,) = [e for e in result.events if e.trigger.start == said.start]
    assert event.type.value == "ACCUSE"
    assert [(p.role, result.actor(p.actor_id).name) for p in event.participants] == [
        ("agent", "Antony Blinken"), ("target", "North Korea"), ("target", "China")]
    sentence = plan.sentences[said.sentence - 1]
    assert [e.type.value for e in result.events if sentence.start <= e.trigger.start < sentence.end] == ["ACCUSE"]


def test_actors_are_merged_and_typed(result: ArticleExtraction) -> None:
    ministries = [a for a in result.actors if "Defense Ministry" in a.name]
    assert len(ministries) == 1 and len(ministries[0].mentions) == 2
    by_name = {a.name: a for a in result.actors}
    assert by_name["North Korea"].type.value == by_name["China"].type.value == "COUNTRY"
    assert (by_name["Antony Blinken"].title, by_name["Oleksandr Prokudin"].title) == (
        "U.S. Secretary of State", "Kherson Governor")


def test_the_shoot_down_is_a_self_report_and_the_drone_attack_is_russias(result: ArticleExtraction) -> None:
    names = {a.id: a.name for a in result.actors}
    shot = next(e for e in result.events if e.trigger.text == "shot down")
    assert names[shot.claimed_by] == "Ukraine’s military"
    assert [(p.role, p.text, names.get(p.actor_id or "")) for p in shot.participants] == [
        ("agent", "it", "Ukraine’s military"), ("target", "28 of 38 Russian drones", "Russia")]
    attack = next(e for e in result.events if e.trigger.text == "targeted")
    assert names[attack.claimed_by] == "Ukraine’s military"
    assert [(p.role, names.get(p.actor_id or "")) for p in attack.participants] == [("agent", "Russia")]


def test_the_attacks_that_injured_one_person_are_one_event(result: ArticleExtraction) -> None:
    injured = [e for e in result.events if "injured one person" in e.evidence.text]
    assert len(injured) == 1
    assert sorted(m.text for m in injured[0].mentions) == ["attacks", "injured"]
    assert [(p.role, p.text) for p in injured[0].participants] == [("victim", "one person")]


def test_blinkens_visit_is_his_act_on_the_day_of_the_report_it_continues(result: ArticleExtraction) -> None:
    visit = next(e for e in result.events if e.trigger.text == "visit")
    assert [(p.role, result.actor(p.actor_id).name) for p in visit.participants] == [("agent", "Antony Blinken")]
    assert visit.claimed_by is None
    # not "February 2022" (the fight's), but the Monday of "Blinken said earlier Monday" it goes on from
    assert (visit.date.expression, visit.date.value) == ("Monday", date(2025, 1, 6))


def test_the_samples_places_are_places_geocoded_and_no_actor(result: ArticleExtraction) -> None:
    places = {"Cherkasy", "Kharkiv", "Kherson", "Kirovohrad", "Mykolaiv", "Poltava", "Sumy", "Belgorod", "Kursk",
              "Kurakhove", "Donetsk", "Zaporizhzhia"}
    assert not {a.name for a in result.actors} & places
    found = {p.name: p for p in result.places}
    assert places <= set(found)
    kurakhove = found["Kurakhove"]
    assert (kurakhove.country, kurakhove.feature, kurakhove.geonames_id) == ("UKR", "city", 695357)
    assert kurakhove.lat == pytest.approx(47.98, abs=0.05) and kurakhove.lon == pytest.approx(37.28, abs=0.05)
    assert (found["Belgorod"].country, found["Belgorod"].feature) == ("RUS", "region")
    assert {p.country for p in result.places if p.name == "Kursk"} == {"RUS"}
    assert {p.country for p in result.places if p.name in places - {"Belgorod", "Kursk"}} == {"UKR"}
    captured = next(e for e in result.events if e.trigger.text == "captured")
    assert [(p.name, p.country) for p in captured.locations] == [("Ukraine", "UKR")]  # its clause's, not Kursk


def test_the_samples_actors_carry_country_and_sector_codes(result: ArticleExtraction) -> None:
    codes = {a.name: (a.country, a.sector) for a in result.actors}
    assert codes["Russia"] == ("RUS", None) and codes["Ukraine"] == ("UKR", None)
    assert codes["North Korea"] == ("PRK", None) and codes["China"] == ("CHN", None)
    assert codes["Russia’s Defense Ministry"] == ("RUS", "GOV")
    assert codes["Ukrainian air force"] == ("UKR", "MIL")
    assert codes["Antony Blinken"] == ("USA", "GOV")
    assert codes["Oleksandr Prokudin"] == ("UKR", "GOV")


def test_the_models_other_actor_air_force_is_the_ukrainian_air_force(result: ArticleExtraction) -> None:
    assert [(a.name, a.type.value) for a in result.actors if "air force" in a.name] == [
        ("Ukrainian air force", "MILITARY")]
    assert "police" not in {a.name for a in result.actors}
