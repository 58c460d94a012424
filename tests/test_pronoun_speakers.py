"""Who "he said" and "she said" are: the salient person of that gender, as a careful reader finds them."""

import pytest

from extractor import extract
from extractor.linguistic.gender import first_name_gender, title_gender


def _speakers(text: str) -> list[tuple[str, str | None]]:
    """Each quote's text with its speaker's actor name, rules only."""
    result = extract(text, steps="none")
    names = {actor.id: actor.name for actor in result.actors}
    return [(quote.text, names.get(quote.speaker or "")) for quote in result.quotes]


def test_she_skips_the_man_mentioned_last() -> None:
    text = ("Mary Jones met Senator John Smith on Tuesday in the capital.\n\n"
            "“We will not give up the fight for this bill,” she said.")
    assert _speakers(text) == [("We will not give up the fight for this bill", "Mary Jones")]


def test_he_skips_the_woman_mentioned_last() -> None:
    text = ("Senator John Smith met Mary Jones on Tuesday in the capital.\n\n"
            "“The committee has made its choice for this bill,” he said.")
    assert _speakers(text) == [("The committee has made its choice for this bill", "John Smith")]


def test_an_honorific_says_the_gender_of_a_surname() -> None:
    text = ("Mrs. Okafor answered questions after Governor Tom Reyes left the hall.\n\n"
            "“Nobody in this city will lose their home,” she said.")
    assert _speakers(text) == [("Nobody in this city will lose their home", "Okafor")]


def test_he_said_continues_the_last_speaker_not_the_man_he_spoke_of() -> None:
    text = ("Governor Tom Reyes said praise from Mayor Alan Price would not change his plans for the port. "
            "He said the state would build the new bridge next year.")
    speakers = _speakers(text)
    assert speakers == [("praise from Mayor Alan Price would not change his plans for the port", "Tom Reyes"),
                        ("the state would build the new bridge next year", "Tom Reyes")]


def test_the_subject_opening_a_sentence_is_who_he_is() -> None:
    text = ("Paul Okafor spoke for an hour about the plant that Governor Tom Reyes visited in May.\n\n"
            "“The jobs will come back to this valley,” he said.")
    # what he spoke about is his reported statement too (PolNeAR annotates a topic as content)
    assert _speakers(text) == [("the plant that Governor Tom Reyes visited in May", "Paul Okafor"),
                               ("The jobs will come back to this valley", "Paul Okafor")]


@pytest.mark.parametrize("name,gender", [("Hillary", "f"), ("Donald", "m"), ("Kellyanne", "f"),
                                         ("Jean", None), ("Zyxqw", None), ("André", "m")])
def test_first_names_decide_only_when_the_name_list_is_sure(name: str, gender: str | None) -> None:
    assert first_name_gender(name) == gender


@pytest.mark.parametrize("words,gender", [("Mrs.", "f"), ("county spokeswoman", "f"), ("Mr", "m"),
                                          ("Sen.", None)])
def test_titles_and_honorifics_say_a_gender(words: str, gender: str | None) -> None:
    assert title_gender(words) == gender
