"""Chunk planning: whole sentences, bounded size, overlap, global numbering, every sentence covered."""

from extractor.plan.chunks import plan_chunks
from extractor.plan.prompts import number_text
from extractor.candidates.quotes import find_quotes
from extractor.linguistic.sentences import sentences

PARAGRAPH = ("Officials said the bridge was hit on Monday. “We saw the fire,” a witness said. "
             "The army said 12 drones were shot down. Talks resumed on Tuesday.")


def _long_article(paragraphs: int = 24) -> str:
    return "\n\n".join(f"{PARAGRAPH} This is paragraph {i}." for i in range(paragraphs))


def test_long_article_is_split_into_overlapping_chunks_covering_every_sentence() -> None:
    text = _long_article()
    sents = sentences(text)
    chunks = plan_chunks(sents, find_quotes(text), max_chars=600, overlap=1)
    assert len(text) > 4 * 600 and len(chunks) >= 5
    for chunk in chunks:
        assert chunk.end - chunk.start <= 600
    for before, after in zip(chunks, chunks[1:]):
        assert after.sentence_numbers[0] == before.sentence_numbers[-1]
    covered = {n for chunk in chunks for n in chunk.sentence_numbers}
    assert covered == {s.index for s in sents}


def test_each_quotation_belongs_to_the_chunks_it_starts_in_with_its_global_id() -> None:
    text = _long_article()
    candidates = find_quotes(text)
    chunks = plan_chunks(sentences(text), candidates, max_chars=600, overlap=1)
    ids = [c.id for chunk in chunks for c in chunk.candidates]
    assert set(ids) == {c.id for c in candidates}
    last = chunks[-1]
    rendered = number_text(text, last.sentences, {c.outer_start: f"[{c.id}]" for c in last.candidates})
    assert rendered.startswith(f"({last.sentence_numbers[0]}) ")
    assert f"[{last.candidates[-1].id}]“We saw the fire,”" in rendered


def test_short_article_is_one_chunk() -> None:
    text = PARAGRAPH
    chunks = plan_chunks(sentences(text), find_quotes(text))
    assert len(chunks) == 1 and chunks[0].sentence_numbers == [1, 2, 3, 4]


def test_an_overlong_sentence_is_a_chunk_of_its_own() -> None:
    text = "Short one. " + "A very long sentence " * 60 + "ends here. Short two."
    chunks = plan_chunks(sentences(text), [], max_chars=200, overlap=0)
    assert [len(c.sentences) for c in chunks] == [1, 1, 1]
