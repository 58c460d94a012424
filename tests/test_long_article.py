"""A long article goes through the real pipeline in overlapping chunks, answered by a stand-in
model on loopback that judges whatever the constrained schema offers it. Offsets must refer to
the whole article and the overlap must not duplicate anything."""

from __future__ import annotations

from extractor import Extractor, PipelineOptions, resolve_endpoint
from extractor.linguistic.sentences import sentences
from tests.servers import serve, stand_in_model
from tests.test_chunking import _long_article


def test_long_article_is_chunked_merged_and_grounded_in_the_whole_text() -> None:
    text = _long_article(24)
    with serve(stand_in_model) as (url, log):
        endpoint = resolve_endpoint(backend="local", base_url=url + "/v1")
        with Extractor(endpoint, options=PipelineOptions(chunk_chars=700)) as extractor:
            result = extractor.extract(text, published="2025-01-07")
    chunks = sum(call.step == "entities" for call in extractor.plan(text).calls)
    assert len(text) > 5 * 700 and chunks >= 6
    assert result.provenance.usage.calls == len(log)

    direct = [q for q in result.quotes if q.kind.value == "direct"]
    assert len(direct) == 24
    assert [q.span.start for q in direct] == [i for i in range(len(text)) if text.startswith("We saw the fire", i)]
    for quote in result.quotes:
        assert text[quote.span.start:quote.span.end] == quote.text
    assert len({(q.span.start, q.span.end) for q in result.quotes}) == len(result.quotes)

    drones = [e for e in result.events if e.trigger.text == "shot down"]
    assert len(drones) == 24 and all([q.value for q in e.quantities] == [12] for e in drones)
    assert len({e.trigger.start for e in result.events}) == len(result.events)
    sents = {s.index: s for s in sentences(text)}
    for event in result.events:
        assert text[event.evidence.start:event.evidence.end] == event.evidence.text
        assert text[event.trigger.start:event.trigger.end] == event.trigger.text
        assert any(s.start == event.evidence.start for s in sents.values())
    assert [a.name for a in result.actors if a.type.value == "MILITARY"] == ["army"]
