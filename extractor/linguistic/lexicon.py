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
