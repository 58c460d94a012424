"""Small English word lists the layers above share: title words and organisation head nouns."""

from __future__ import annotations

TITLE_NOUNS = frozenset(
    """president minister secretary governor mayor senator sen representative rep general gen commander
    chief spokesman spokeswoman spokesperson ambassador chancellor king queen prince sheikh pope
    lieutenant colonel col major maj captain capt sergeant admiral judge justice attorney leader
    director head chairman chairwoman speaker premier envoy prosecutor commissioner""".split()
)
"""Words that make a phrase before a name a title ("Kherson Governor", "Secretary of State")."""

TITLE_WORDS = TITLE_NOUNS | frozenset(
    """vice prime gov foreign defense defence interior state deputy mr mrs ms dr sir lord lady former
    acting supreme of the u.s. us""".split()
)
"""Title nouns and the words that go with them, for splitting a title off a name."""

ORG_WORDS = frozenset(
    """ministry military army force forces staff office department government council party agency
    press news service services committee commission command navy guard police court parliament
    administration union bank company corporation group university officials""".split()
)
"""Head nouns that make a name an organisation's, never a person's."""

FACILITY_NOUNS = frozenset(
    """street road avenue boulevard lane square bridge airport airfield base hospital cafe restaurant
    hotel stadium arena mall market station river lake mountain mountains valley desert sea bay
    marathon park church mosque cathedral temple prison school""".split()
)
"""Last words that make a capitalised name a place or thing, not an actor ("Oxford Street")."""

SPEECH_LEMMAS = frozenset(
    """say tell add state note report announce claim write ask reply respond explain describe cite quote
    comment speak mention declare stress emphasize emphasise insist argue tweet post suggest recall
    confirm acknowledge admit assert contend testify estimate indicate reveal""".split()
)
"""Neutral speech verbs: what they report is a statement (a quote), not an event of their own.
Stance verbs (accuse, deny, threaten, urge, praise, ...) are events and are not listed."""

COGNITION_LEMMAS = frozenset(
    """think believe know expect hope want fear feel consider understand assume suspect doubt wonder
    seem appear remember forget learn realize realise""".split()
)

LIGHT_LEMMAS = frozenset(
    """be have do get make go come take give use include continue begin start become remain try need
    let keep put set show see look find mean involve allow help carry""".split()
)
"""Verbs too general to name an event on their own."""

EVENT_NOUNS = frozenset(
    """attack attacks strike strikes airstrike airstrikes shelling bombing bombings explosion blast
    offensive raid raids assault invasion fighting clash clashes battle ambush shooting killing
    massacre siege capture seizure arrest arrests detention kidnapping abduction execution
    deployment mobilization mobilisation withdrawal retreat evacuation ceasefire truce talks meeting
    summit visit call negotiation negotiations agreement deal treaty accord sanctions sanction embargo
    boycott protest protests demonstration demonstrations rally march strike aid donation support
    threat threats ultimatum accusation accusations condemnation demand request appeal election
    coup riot riots crackdown ban war incursion intercept intercepts interception""".split()
)
"""Nouns that name an event ("the attack", "talks", "sanctions")."""

REPORTING_LEMMAS = SPEECH_LEMMAS | frozenset(
    """accuse blame deny warn urge insist promise vow pledge predict allege charge complain concede
    agree disagree propose demand threaten believe think expect hope fear show find know see conclude
    question point worry consider argue""".split()
)
"""Verbs whose clausal complement is a reported statement or belief ("X said / warned / believes that ...")."""

STANCE_LEMMAS = frozenset(
    """criticize criticise support endorse praise denounce oppose condemn back defend question seek want
    call refuse decline offer propose reject deny urge demand blame accuse attack slam dismiss welcome""".split()
)
"""Verbs whose object or infinitive is the content of a stance ("X criticized the plan", "X wants to ...")."""
