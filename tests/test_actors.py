"""Actor clustering: one canonical actor per real-world actor, every mention found."""

from extractor import extract
from extractor.linguistic.names import clean_name
from extractor.rules.actors import ActorRegistry
from extractor.schemas import ActorType

TEXT = ("Kherson Governor Oleksandr Prokudin said one person was hurt. President Volodymyr Zelenskyy spoke. "
        "“We hold,” Zelenskyy said. Prokudin added more. Russia’s army advanced; Russia denied it.")


def test_titles_are_split_from_names() -> None:
    assert clean_name("Kherson Governor Oleksandr Prokudin") == ("Oleksandr Prokudin", "Kherson Governor")
    assert clean_name("Russia’s Defense Ministry") == ("Russia’s Defense Ministry", None)
    assert clean_name("The Ukrainian air force") == ("Ukrainian air force", None)
    assert clean_name("President Volodymyr Zelenskyy") == ("Volodymyr Zelenskyy", "President")
    assert clean_name("U.S. Secretary of State Antony Blinken") == ("Antony Blinken", "U.S. Secretary of State")
    assert clean_name("Russia’s") == ("Russia", None)


def test_a_name_written_with_other_apostrophes_takes_the_articles_spelling() -> None:
    registry = ActorRegistry("Russia’s Defense Ministry said so.")
    registry.add("Russia's Defense Ministry", "GOVERNMENT")
    assert [a.name for a in registry.actors()] == ["Russia’s Defense Ministry"]


def test_surname_and_full_name_are_one_actor_named_in_full() -> None:
    registry = ActorRegistry(TEXT)
    registry.add("Zelenskyy", "PERSON")
    registry.add("Volodymyr Zelenskyy", "PERSON", "President")
    registry.add("Oleksandr Prokudin", "PERSON", "Kherson Governor")
    registry.add("Russia", "COUNTRY")
    actors = registry.actors()
    assert [(a.id, a.name, a.title) for a in actors] == [
        ("A1", "Oleksandr Prokudin", "Kherson Governor"),
        ("A2", "Volodymyr Zelenskyy", "President"),
        ("A3", "Russia", None),
    ]
    zelenskyy = actors[1]
    assert [m.text for m in zelenskyy.mentions] == ["Volodymyr Zelenskyy", "Zelenskyy"]
    assert all(TEXT[m.start:m.end] == m.text for a in actors for m in a.mentions)
    assert [m.text for m in actors[2].mentions] == ["Russia", "Russia"]


def test_names_not_in_the_article_are_refused() -> None:
    registry = ActorRegistry(TEXT)
    assert registry.add("Vladimir Putin", "PERSON") is None
    assert registry.rejected == ["Vladimir Putin"]
    assert registry.actors() == []


def test_speaker_names_resolve_to_the_clustered_actor() -> None:
    registry = ActorRegistry(TEXT)
    registry.add("Volodymyr Zelenskyy", "PERSON")
    key = registry.resolve("Zelenskyy")
    assert registry.final_ids()[key] == "A1"
    assert registry.resolve("Someone Else") is None


def test_brothers_sharing_a_surname_stay_two_actors_and_keep_their_own_mentions() -> None:
    text = ("Tamerlan Tsarnaev and Dzhokhar Tsarnaev carried the bombs. Tamerlan was killed. "
            "Later, Dzhokhar Tsarnaev was found. Dzhokhar was 19.")
    result = extract(text, steps="none")
    mentions = {a.name: [(m.start, m.text) for m in a.mentions] for a in result.actors}
    assert mentions == {"Tamerlan Tsarnaev": [(0, "Tamerlan Tsarnaev"), (59, "Tamerlan")],
                        "Dzhokhar Tsarnaev": [(22, "Dzhokhar Tsarnaev"), (87, "Dzhokhar Tsarnaev"),
                                              (116, "Dzhokhar")]}


def test_a_lower_case_description_joins_the_one_actor_whose_name_ends_in_it() -> None:
    text = "The Ukrainian air force said it shot down drones. The air force said more, as did the Syrian army."
    registry = ActorRegistry(text)
    force = registry.add_group(["Ukrainian air force"], ActorType.MILITARY, None, set())
    assert registry.add("air force", ActorType.MILITARY) is force
    registry.add_group(["Syrian army"], ActorType.MILITARY, None, set())
    assert [a.name for a in registry.actors()] == ["Ukrainian air force", "Syrian army"]
    later = ActorRegistry(text)
    description = later.add("the air force", ActorType.ORGANIZATION)
    assert later.add("The Ukrainian air force") is description
    assert [(a.name, a.type.value) for a in later.actors()] == [("Ukrainian air force", "MILITARY")]
