"""Small English word lists the layers above share: title words and organisation head nouns."""

from __future__ import annotations

from spacy.lang.en.stop_words import STOP_WORDS

FUNCTION_WORDS = frozenset(STOP_WORDS)
"""spaCy's English stop words: words that never name an actor on their own."""

TITLE_NOUNS = frozenset(
    """president minister secretary governor mayor senator sen representative rep general gen commander
    chief spokesman spokeswoman spokesperson ambassador chancellor king queen prince sheikh pope
    lieutenant colonel col major maj captain capt sergeant admiral judge justice attorney leader
    director head chairman chairwoman speaker premier envoy prosecutor commissioner agent
    detective inspector officer ceo activist rev reverend del delegate candidate nominee rival senators""".split()
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

_TRIGGERS = {
    "ASSAULT": """attack assault strike airstrike bomb bombing bombard bombardment shell shelling shoot shooting
        gunfire fire kill killing murder assassinate assassination massacre slaughter execute execution
        injure injury wound maim die death casualty explode explosion blast detonate detonation destroy
        destruction damage ambush raid invade invasion offensive fight fighting clash battle combat capture
        intercept interception stab stabbing behead torture abduct abduction kidnap kidnapping hijack
        hijacking siege hit target shoot-down incursion""",
    "COERCE": """arrest detain detention imprison imprisonment jail charge indict indictment convict conviction
        sentence prosecute prosecution deport deportation expel expulsion ban censor confiscate seize seizure
        blockade curfew crackdown evict raid capture execute execution torture abduct abduction kidnap
        kidnapping""",
    "MOBILIZE": "deploy deployment mobilize mobilise mobilization mobilisation reinforce reinforcement",
    "THREATEN": "threaten threat ultimatum warn warning",
    "SANCTION": "sanction embargo boycott tariff",
    "PROTEST": "protest demonstrate demonstration rally march riot strike sit-in",
    "REJECT": "reject rejection refuse refusal veto deny dismiss",
    "ACCUSE": "accuse accusation blame condemn condemnation criticize criticise criticism denounce charge",
    "REQUEST": "request demand urge appeal call plea",
    "RETREAT": "withdraw withdrawal retreat evacuate evacuation",
    "AID": "aid donate donation supply deliver delivery treat treatment rescue",
    "COOPERATE": "cooperate cooperation collaborate collaboration ally alliance partnership",
    "CONCEDE": """concede concession ceasefire cease-fire truce apologize apologise apology compromise surrender
        release pardon amnesty""",
    "SUPPORT": "support endorse endorsement praise welcome",
    "CONSULT": "meet meeting talk talks visit summit negotiate negotiation consult consultation host call",
    "AGREE": "agree agreement deal treaty accord sign pact ratify",
    "OTHER": """breach hack hacking steal theft leak expose exploit compromise infect infection encrypt ransom
        phish phishing scam defraud fraud patch disclose disclosure discover discovery uncover merge merger
        acquire acquisition elect election vote resign resignation appoint ransomware intrusion extortion
        blackmail impersonate exfiltrate""",
}
"""The PLOVER categories' usual English triggers (verb lemmas and event nouns), from the PLOVER
codebook's definitions; a word listed under several types keeps the order of this table. OTHER
holds happenings of other domains that news reports as events (a breach, a patch, a merger, an
election): no PLOVER type fits them, and they are events with their participants all the same."""

EVENT_TRIGGERS: dict[str, tuple[str, ...]] = {}
for _type, _words in _TRIGGERS.items():
    for _word in _words.split():
        EVENT_TRIGGERS.setdefault(_word, ())
        EVENT_TRIGGERS[_word] += (_type,)
"""Trigger lemma -> the event types it can report, the likeliest first ("strike": ASSAULT, PROTEST)."""

_FLAWS = "vulnerability flaw bug weakness hole loophole backdoor exploit zero-day"
_DATA = """data datum information record credential password detail email file account database number
    identity document"""
_OBJECT_TRIGGERS = {
    "find discover identify uncover spot detect disclose report": _FLAWS,
    "fix address resolve plug patch close remediate mitigate": _FLAWS,
    "release issue deploy roll push": "patch fix update firmware advisory",
    "pay demand": "ransom bribe",
    "access obtain steal collect harvest exfiltrate expose leak dump sell publish compromise": _DATA,
}
OBJECT_TRIGGERS: dict[str, frozenset[str]] = {}
for _verbs, _objects in _OBJECT_TRIGGERS.items():
    for _verb in _verbs.split():
        OBJECT_TRIGGERS[_verb] = OBJECT_TRIGGERS.get(_verb, frozenset()) | frozenset(_objects.split())
"""Verbs that report a happening (typed OTHER) only with such an object: "found a flaw", "fixed
the bug", "paid the ransom", "stole customer data" (but "found the keys", "paid tribute")."""

VERB_ONLY_TRIGGERS = frozenset("sign fire hit target host treat ally supply bomb call".split())
"""Triggers that name an event as verbs only: "a sign", "the fire", "a bomb" are things."""

STATEMENT_TYPES = ("ACCUSE",)
"""What a neutral statement about other actors can be: "X said Y is arming Z" accuses Y, or is no
event. Threats, demands, refusals and praise have verbs of their own (warn, urge, reject, praise)."""

REGION_WORDS = frozenset("""region regions province provinces oblast oblasts state states governorate
    governorates prefecture prefectures county counties district districts krai kray oblast' territory
    canton cantons voivodeship republic respublika okrug""".split())
"""Words after a name that make it a first-level region ("the Kharkiv region", "Sumy Oblast")."""

CITY_WORDS = frozenset("city cities town towns village villages capital".split())
"""Words after (or before) a name that make it a settlement ("the town of Kurakhove")."""

PLACE_NOUNS = REGION_WORDS | CITY_WORDS | frozenset("area areas".split())
"""Nouns that name a place: coordinated names before them are places ("Kherson and Sumy regions"),
and what captures one takes territory."""

PERSON_NOUNS = frozenset("""person people man men woman women child children soldier soldiers civilian civilians
    suspect suspects prisoner prisoners hostage hostages fighter fighters militant militants officer officers
    journalist journalists activist activists protester protesters member members resident residents""".split())
"""Nouns for people: what captures them takes persons (a coercion, not a battle)."""

INSTRUMENT_NOUNS = frozenset("""drone missile rocket bomb artillery shell mortar grenade gun rifle knife car truck
    ied explosive tank aircraft jet helicopter warplane airstrike malware ransomware virus trojan botnet exploit
    phishing email spyware""".split())
"""Weapons and tools: a noun of these modifying an event noun is its instrument ("drone attack")."""

REPORTING_LEMMAS = SPEECH_LEMMAS | frozenset(
    """accuse blame deny warn urge insist promise vow pledge predict allege charge complain concede
    agree disagree propose demand threaten believe think expect hope fear show find know see conclude
    question point worry consider argue feel suggest understand mention recall acknowledge admit assert
    contend maintain emphasize stress reveal estimate indicate wonder doubt assume declare""".split()
)
"""Verbs whose clausal complement is a reported statement or belief ("X said / warned / believes that ...")."""

STANCE_LEMMAS = frozenset(
    """criticize criticise support endorse praise denounce oppose condemn back defend question seek want
    call refuse decline offer propose reject deny urge demand blame accuse attack slam dismiss welcome
    cite plan encourage mention reference echo vow promise pledge threaten ask announce confirm acknowledge
    admit reveal disclose describe discuss express report blast mock ridicule chastise tout hail applaud
    champion dispute challenge view""".split()
)
"""Verbs whose object or infinitive is the content of a stance ("X criticized the plan", "X wants to ...")."""

_TOPIC_ONLY = {
    "on": frozenset("comment report speak talk remark elaborate weigh reflect focus".split()),
    "for": frozenset("call ask push press argue plead appeal vote".split()),
    "against": frozenset("warn argue speak rail campaign testify vote".split()),
    "of": frozenset("warn speak accuse".split()),
    "to": frozenset("respond reply refer point object".split()),
}
TOPIC_VERBS = frozenset().union(*_TOPIC_ONLY.values()) | frozenset("talk joke boast brag complain".split())
"""Verbs that report speech through a topic preposition ("talked about", "pushed for"), clause or not."""
TOPIC_PREPOSITIONS = {"about": REPORTING_LEMMAS | STANCE_LEMMAS | TOPIC_VERBS, **_TOPIC_ONLY}
"""A speech verb's prepositional object that is what it says, when it has no clause or object:
"spoke about how the consulate fell", "called for a ban", "responded to the remarks"."""

REPORT_NOUNS = frozenset(
    """claim report statement warning allegation assertion charge accusation argument promise pledge
    announcement admission insistence suggestion prediction contention denial complaint estimate finding
    acknowledgment acknowledgement concession threat""".split()
)
"""Nouns whose "that" clause is what their owner said ("Trump's claim that ...", "a Times report that ...")."""

SECTION_LABELS = frozenset(
    """update updated note editor's editors' related watch video videos photo photos read more exclusive
    breaking opinion analysis review live correction sponsored advertisement listen see also factbox
    timeline explainer q&a""".split()
)
"""Words that open a "Label: ..." line as a section mark, not as a source ("Update: ...", "Watch: ...")."""

COMMITMENT_LEMMAS = frozenset("vow promise pledge threaten plan".split())
"""Stance verbs whose content is an infinitive only ("vowed to fight"; "pledged allegiance" is an act)."""
