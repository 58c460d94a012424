"""KAIROS event types (WikiEvents) mapped to our PLOVER-based types, for scoring.

Matched on the longest prefix. Types with no PLOVER counterpart map to ``None`` and are left out
of event scoring (listed in ``UNMAPPED``); argument roles map to agent/target/victim/place.
"""

from __future__ import annotations

PREFIX_TO_PLOVER: dict[str, str | None] = {
    "Conflict.Attack": "ASSAULT",
    "Conflict.Demonstrate": "PROTEST",
    "Life.Die": "ASSAULT",
    "Life.Injure": "ASSAULT",
    "ArtifactExistence.DamageDestroyDisableDismantle": "ASSAULT",
    "Justice.ArrestJailDetain": "COERCE",
    "Justice.ChargeIndict": "COERCE",
    "Justice.Convict": "COERCE",
    "Justice.Sentence": "COERCE",
    "Control.ImpedeInterfereWith": "COERCE",
    "Contact.ThreatenCoerce": "THREATEN",
    "Contact.RequestCommand": "REQUEST",
    "Contact.Contact.Meet": "CONSULT",
    "Contact.RequestCommand.Meet": "CONSULT",
    "Justice.ReleaseParole": "CONCEDE",
    "Movement.Transportation.Evacuation": "RETREAT",
    "Medical.Intervention": "AID",
    "Transaction.ExchangeBuySell": "COOPERATE",
}
UNMAPPED = [
    "Contact.Contact.Unspecified", "Contact.Contact.Broadcast", "Movement.Transportation.Unspecified",
    "Movement.Transportation.IllegalTransportation", "GenericCrime.GenericCrime.GenericCrime",
    "Disaster.DiseaseOutbreak", "Justice.TrialHearing", "Justice.InvestigateCrime", "Personnel.EndPosition",
    "Cognitive.Inspection.SensoryObserve", "Cognitive.IdentifyCategorize", "ArtifactExistence.ManufactureAssemble",
]
ROLE_TO_OURS = {"Attacker": "agent", "Killer": "agent", "Injurer": "agent", "Jailer": "agent",
                "Communicator": "agent", "Demonstrator": "agent", "Prosecutor": "agent",
                "Target": "target", "Victim": "victim", "Detainee": "target", "Defendant": "target",
                "Recipient": "target", "Place": "place"}


AGENT_ROLES = frozenset({"Attacker", "Killer", "Injurer", "Jailer", "Perpetrator", "Damager", "Communicator",
                         "Giver", "Transporter", "Prosecutor", "Discoverer", "Releaser"})
"""Field roles scored as our agent (KAIROS; CASIE's attacker, discoverer and releaser)."""
TARGET_ROLES = frozenset({"Target", "Victim", "Detainee", "Defendant", "Recipient", "Artifact", "Patient"})
"""Field roles scored as our target (a victim is a target)."""


def scored_role(field_role: str) -> str | None:
    """``agent`` or ``target`` for a field role the role metric scores, else ``None``."""
    return "agent" if field_role in AGENT_ROLES else "target" if field_role in TARGET_ROLES else None


def to_plover(kairos_type: str) -> str | None:
    best = max((p for p in PREFIX_TO_PLOVER if kairos_type.startswith(p)), key=len, default=None)
    return PREFIX_TO_PLOVER[best] if best else None
