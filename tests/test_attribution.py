"""Rule-based attribution of quotations and reported speech, one news pattern per case."""

import pytest

from extractor.candidates.attribution import attribute_quote, attribute_sentence
from extractor.rules.reported import content_span, cue_span
from extractor.candidates.quotes import find_quotes
from extractor.linguistic.sentences import paragraphs, sentence_at, sentences


def _quote_speaker(text: str) -> str | None:
    (quote,) = find_quotes(text)
    sents = sentences(text)
    para_end = next(e for s, e in paragraphs(text) if s <= quote.outer_start < e)
    found = attribute_quote(text, quote.outer_start, quote.outer_end, sentence_at(sents, quote.outer_start), para_end)
    return found.speaker if found else None


@pytest.mark.parametrize("text,speaker", [
    ("“We hold the line,” Zelenskyy said.", "Zelenskyy"),
    ("“We hold the line,” said Jane Roe. Mike Doe disagreed.", "Jane Roe"),
    ("“We hold the line,” Scott Pruitt, the attorney general of Oklahoma, said.", "Scott Pruitt"),
    ("“We hold the line,” he told reporters.", "he"),
    ("The minister said: “We hold the line.”", "The minister"),
    ("Blinken said earlier Monday that China is the “biggest driver” of the war.", "Blinken"),
    ("“We hold the line.” The weather was cold.", None),
    ("“We will not cut the budget,” Harbour City police Chief Anna Marsh said Monday.", "Chief Anna Marsh"),
    ("“The bill is dead,” Sen. Paul Okafor (D-Ore.) said.", "Sen. Paul Okafor"),
    ("“The bill is dead,” Rep. Lena Hart (R-Ohio), a budget committee member, said.", "Rep. Lena Hart"),
    ("“We came for our sons,” Maria Ortiz, 52, said as the march began.", "Maria Ortiz"),
    ("“Nothing has changed,” said county spokesman Tom Beale.", "Tom Beale"),
    ("“Nothing has changed,” Vitter demanded.", "Vitter"),
    ("“I am afraid for my children.” ― Rosa Delgado", "Rosa Delgado"),
    ("Her policy adviser, Tom Reyes, said: “We will not sign it.”", "Tom Reyes"),
    ("Dana Whitlock, a county supervisor, told reporters: “We will not sign it.”", "Dana Whitlock"),
    ("Famed trainer Lou Dalton once said: “Float first.”", "Lou Dalton"),
])
def test_quotation_speakers(text: str, speaker: str | None) -> None:
    assert _quote_speaker(text) == speaker


def test_a_colon_closing_the_paragraph_before_names_the_speaker() -> None:
    text = "The Harbour Gazette reports:\n\n“The mayor met the developers twice before the vote.”"
    assert _quote_speaker(text) == "The Harbour Gazette"


@pytest.mark.parametrize("text,speaker,content", [
    ("Kherson Governor Oleksandr Prokudin said the attacks injured one person.",
     "Kherson Governor Oleksandr Prokudin", "the attacks injured one person"),
    ("Russia’s Defense Ministry said Tuesday it destroyed one drone.", "Russia’s Defense Ministry",
     "it destroyed one drone"),
    ("The talks will resume next week, the spokesman added.", "the spokesman", "The talks will resume next week"),
    ("On Monday, the Russian military said its forces captured a town.", "the Russian military",
     "its forces captured a town"),
    ("Zelenskyy said in his nightly address that the offensive had worked.", "Zelenskyy",
     "the offensive had worked"),
])
def test_reported_speech(text: str, speaker: str, content: str) -> None:
    (sent,) = sentences(text)
    found = attribute_sentence(text, sent)
    assert found is not None and found.speaker == speaker
    cue = cue_span(text, sent, found.cue)
    span = content_span(text, sent, cue)
    assert span.text == content and text[span.start:span.end] == content


def test_a_sentence_without_a_speech_verb_is_not_reported_speech() -> None:
    (sent,) = sentences("Russian forces launched attacks on Ukrainian positions.")
    assert attribute_sentence(sent.text, sent) is None


def test_a_speaker_is_the_name_without_its_description() -> None:
    from extractor.linguistic.nlp import parse
    from extractor.linguistic.sentences import sentences
    from extractor.candidates.statements import find_reported

    text = ("Dave Sloggett, who runs exercises for the police, said the drone was a threat. "
            "The alleged killer, Chérif Chekatt, had pledged allegiance to Islamic State.")
    found = find_reported(parse(text), sentences(text))
    assert [(r.speaker, text[r.content_start:r.content_end]) for r in found] == [
        ("Dave Sloggett", "the drone was a threat")]


def test_clause_openings_are_no_speakers() -> None:
    from extractor.linguistic.sentences import sentences

    text = "He is not charged with taking part in the attack. However, the police said the blast was an accident."
    first, second = sentences(text)
    assert attribute_sentence(text, first) is None
    assert attribute_sentence(text, second).speaker == "the police"


@pytest.mark.parametrize("text,statements", [
    # a participle or a second verb continues its sentence's subject
    ("Rival Jane Roe mocked the complaint, saying anybody who complains about a microphone is losing.",
     [("Rival Jane Roe", "the complaint"), ("Rival Jane Roe", "anybody who complains about a microphone is losing")]),
    ("Maria Ortiz promised to keep supporting the mayor and said she would stand up to the attacks.",
     [("Maria Ortiz", "to keep supporting the mayor"), ("Maria Ortiz", "she would stand up to the attacks")]),
    # a document as subject: the statement is kept, its speaker is "It"
    ("The city sent a letter Thursday. It says the campaign violated state law.",
     [("It", "the campaign violated state law")]),
    # a stance with an object and its complement
    ("The Roe campaign called the charges unsubstantiated and false.",
     [("The Roe campaign", "the charges unsubstantiated and false")]),
    # another speaker's statement joined to the content is not part of it
    ("The army said its forces captured a town, while local officials cited heavy losses in the fighting.",
     [("The army", "its forces captured a town"), ("local officials", "heavy losses")]),
    # a commitment's content is its infinitive, not an object
    ("The senator vowed to block the bill. The suspect had pledged allegiance to the group.",
     [("The senator", "to block the bill")]),
    # a relative clause's speaker is the noun it describes
    ("Voters who say the senator lacks experience are still undecided.",
     [("Voters", "the senator lacks experience")]),
    # a topic preposition's object is what was said; a date or a place is not
    ("The ambassador spoke about how the consulate had been taken over by armed men.",
     [("The ambassador", "how the consulate had been taken over by armed men")]),
    ("The farmers' union called for a ban on cheap imports. Officials warned against travel to the border region.",
     [("The farmers' union", "a ban on cheap imports"), ("Officials", "travel to the border region")]),
    ("The minister spoke on Tuesday in Kyiv.", []),
    # "by saying": the participle under a preposition continues the verb's subject, and the
    # person responded to is not what was said
    ("The governor responded to a reporter on Monday by saying the bridge would reopen in May.",
     [("The governor", "the bridge would reopen in May")]),
    # a reporting verb set into the clause it reports: the larger side is the content
    ("The new budget, the mayor said, will close the gap within two years.",
     [("the mayor", "will close the gap within two years")]),
    # verbs that report only through their topic preposition, and a lemma the pipeline gets wrong
    ("The senator talked about the need to raise wages. Union members hoped the strike would end soon.",
     [("The senator", "the need to raise wages"), ("Union members", "the strike would end soon")]),
    # a report noun's "that" clause is its owner's statement
    ("Residents heard the ministry's warning that the dam could fail within a week.",
     [("the ministry", "the dam could fail within a week")]),
    ("Voters read a New York Times report that the company had lost $915 million.",
     [("New York Times", "the company had lost $915 million")]),
    ("The claim that the vote was rigged spread fast.", []),
    # a headline crediting its line to a person; a section label credits no one
    ("Pat Caddell: Democrat Voters Worried About the Senator's Health\n\nThe pollster spoke on Monday.",
     [("Pat Caddell", "Democrat Voters Worried About the Senator's Health")]),
    ("Update: the road reopened at noon on Monday.", []),
    # people in number can say something
    ("Those close to him say that, in addition to the senator, he would consider two governors.",
     [("Those close to him", "in addition to the senator, he would consider two governors")]),
    # an announcement or a confirmation is a stance with its object
    ("The governor announced his resignation on Friday. The company confirmed the breach in a statement.",
     [("The governor", "his resignation"), ("The company", "the breach")]),
])
def test_reported_statements_from_the_parse(text: str, statements: list[tuple[str, str]]) -> None:
    from extractor.candidates.statements import find_reported
    from extractor.linguistic.nlp import parse

    found = find_reported(parse(text), sentences(text))
    assert [(r.speaker, text[r.content_start:r.content_end]) for r in found] == statements
