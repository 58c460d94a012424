"""Aligning model text to the article: exact, normalised, fuzzy accepted, fuzzy rejected."""

from extractor.grounding.align import FUZZY_THRESHOLD, align, find_all, normalise
from extractor.schemas import Alignment

TEXT = "Ukraine’s military said Tuesday it shot down 28 of 38 Russian drones — a record, officials said."


def test_exact_match_keeps_offsets() -> None:
    span = align("shot down 28 of 38", TEXT)
    assert (span.start, span.end, span.alignment) == (35, 53, Alignment.EXACT)
    assert TEXT[span.start:span.end] == span.text


def test_normalised_match_folds_quotes_dashes_case_and_spaces() -> None:
    span = align("ukraine's   MILITARY said", TEXT)
    assert span.alignment == Alignment.NORMALISED
    assert span.text == "Ukraine’s military said"
    span = align("drones - a record", TEXT)
    assert span.text == "drones — a record"


def test_fuzzy_match_above_threshold_is_accepted_and_snapped_to_words() -> None:
    span = align("it shot down 28 out of 38 Russian drones", TEXT)
    assert span is not None and span.alignment == Alignment.FUZZY
    assert TEXT[span.start:span.end] == span.text
    assert span.text.startswith("it shot down 28") and span.text.endswith("drones")


def test_fuzzy_match_below_threshold_is_rejected() -> None:
    assert FUZZY_THRESHOLD >= 85
    assert align("the president resigned after the vote", TEXT) is None


def test_search_window_is_respected() -> None:
    assert align("said", TEXT, start=30).start == TEXT.index("said", 30)


def test_normalise_maps_back_to_source_offsets() -> None:
    folded, index = normalise("A  “b”\u200b—c")
    assert folded == 'a "b"-c'
    assert [index[i] for i in range(len(folded))] == [0, 1, 3, 4, 5, 7, 8]


def test_find_all_counts_possessives_but_not_longer_words() -> None:
    text = "Russia’s army. Russian drones. Russia said."
    assert [s.start for s in find_all("Russia", text)] == [0, 31]
