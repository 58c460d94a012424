"""Build the hand-checked actor gold from PolNeAR: who each named Source span is, across articles.

``python bench/actor_gold.py`` rewrites ``bench/gold/polnear_actors.json`` from ``../shared``.
The gold names the people and organisations most often quoted in PolNeAR train and dev (the
Source spans of the first annotator by name) and a few others who share their surnames. It holds
document ids and character offsets only, never article text.

How a mention gets its entity:
1. a Source span that is a listed name form, after an optional title ("Texas Sen. Ted Cruz",
   "Mr. Trump"); a possessive, or any other word before the name, excludes the span;
2. a short form (surname) in an article that also names another bearer of it (Bill Clinton,
   Ivanka Trump, Gwen Graham, ...) was read by hand: the decisions are
   ``bench/gold/polnear_actor_decisions.json`` (``"doc:start"`` → entity, or null for "neither",
   e.g. "Sanders and Clinton");
3. an honorific decides between a woman and a man of one surname (Mrs. Clinton, Mr. Clinton);
4. every occurrence of a person's full name outside the Source spans is an actor mention (kind
   "actor"; organisation names are often places or parts of longer names, so only their Source
   spans count).
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent
SHARED = ROOT.parent.parent / "shared" / "data" / "polnear"
GOLD = ROOT / "gold" / "polnear_actors.json"
DECISIONS = ROOT / "gold" / "polnear_actor_decisions.json"
P, O = "PERSON", "ORGANIZATION"

ENTITIES: dict[str, tuple[str, list[str], list[str], str | None]] = {
 "donald-trump": (P, ["Donald Trump", "Donald J. Trump", "Donald John Trump"], ["Trump"], r"\b(Eric|Ivanka|Melania|Tiffany|Barron|Fred|Lara|Don(ald)? (J\. )?Trump,? Jr|Donald Jr|Don Jr)\b"),
 "hillary-clinton": (P, ["Hillary Clinton", "Hillary Rodham Clinton", "Hillary"], ["Clinton"], r"\b(Bill|Chelsea|William Jefferson) Clinton|President Clinton|former president Clinton|Former President Clinton|\bBill\b"),
 "bernie-sanders": (P, ["Bernie Sanders", "Bernard Sanders"], ["Sanders"], r"\b(Symone|Jane|Sarah) Sanders|Huckabee Sanders"),
 "ted-cruz": (P, ["Ted Cruz", "Rafael Edward Cruz"], ["Cruz"], r"\b(Heidi|Rafael) Cruz\b(?! Jr)"),
 "barack-obama": (P, ["Barack Obama", "Barack H. Obama", "Barack Hussein Obama"], ["Obama"], r"\bMichelle\b|\bFirst Lady\b|first lady"),
 "marco-rubio": (P, ["Marco Rubio"], ["Rubio"], r"\b(Jeanette) Rubio"),
 "ben-carson": (P, ["Ben Carson", "Benjamin Carson"], ["Carson"], r"\b(Candy|Andre|André) Carson"),
 "paul-ryan": (P, ["Paul Ryan", "Paul D. Ryan"], ["Ryan"], r"\b(?!Paul )[A-Z][a-z]+ Ryan\b"),
 "john-kasich": (P, ["John Kasich"], ["Kasich"], r"\b(Karen) Kasich"),
 "mike-pence": (P, ["Mike Pence", "Michael Pence"], ["Pence"], r"\b(Karen) Pence"),
 "chris-christie": (P, ["Chris Christie", "Christopher Christie"], ["Christie"], r"\b(Mary Pat|Agatha) Christie"),
 "lindsey-graham": (P, ["Lindsey Graham"], ["Graham"], r"\b(?!Lindsey )[A-Z][a-z]+ Graham\b"),
 "jeb-bush": (P, ["Jeb Bush", "John Ellis Bush"], ["Bush"], r"George W\.? Bush|George H\.? ?W\.? Bush|George Bush|President Bush|Billy Bush|W\. Bush|Barbara Bush|Laura Bush|George P\. Bush"),
 "bill-clinton": (P, ["Bill Clinton", "William Jefferson Clinton", "William J. Clinton"], ["Clinton"], r"Hillary"),
 "eric-trump": (P, ["Eric Trump"], [], None),
 "corey-lewandowski": (P, ["Corey Lewandowski"], ["Lewandowski"], None),
 "paul-manafort": (P, ["Paul Manafort"], ["Manafort"], None),
 "james-comey": (P, ["James Comey", "James B. Comey", "Jim Comey"], ["Comey"], None),
 "joe-biden": (P, ["Joe Biden", "Joseph Biden", "Joseph R. Biden"], ["Biden"], r"\b(Beau|Hunter|Jill) Biden"),
 "tim-kaine": (P, ["Tim Kaine", "Timothy Kaine"], ["Kaine"], r"\b(Anne) (Holton )?Kaine"),
 "carly-fiorina": (P, ["Carly Fiorina"], ["Fiorina"], None),
 "harry-reid": (P, ["Harry Reid"], ["Reid"], r"\b(?!Harry )[A-Z][a-z]+ Reid\b"),
 "david-axelrod": (P, ["David Axelrod"], ["Axelrod"], None),
 "tad-devine": (P, ["Tad Devine"], ["Devine"], None),
 "glenn-beck": (P, ["Glenn Beck"], ["Beck"], r"\b(?!Glenn )[A-Z][a-z]+ Beck\b"),
 "jeff-weaver": (P, ["Jeff Weaver"], ["Weaver"], r"\b(?!Jeff )[A-Z][a-z]+ Weaver\b"),
 "reince-priebus": (P, ["Reince Priebus"], ["Priebus"], None),
 "new-york-times": (O, ["The New York Times", "New York Times"], ["the Times", "The Times"], r"(Los Angeles|L\.A\.|Financial|Seattle|Washington|Sunday|Irish|Tampa Bay|Army|Navy|Times of) Times|The Times of"),
 "washington-post": (O, ["The Washington Post", "Washington Post"], ["the Post", "The Post"], r"(New York|Huffington|Denver|Jerusalem|National|Palm Beach|Post and Courier|Cincinnati|Houston) Post"),
 "associated-press": (O, ["The Associated Press", "the Associated Press", "Associated Press"], ["AP", "The AP", "the AP"], None),
 "white-house": (O, ["The White House", "the White House"], [], None),
 "state-department": (O, ["The State Department", "the State Department", "State Department", "the U.S. State Department", "The U.S. State Department"], [], None),
 "politico": (O, ["Politico", "POLITICO"], [], None),
 "fox-news": (O, ["Fox News", "Fox News Channel"], ["Fox"], None),
 "fbi": (O, ["The FBI", "the FBI", "FBI", "The Federal Bureau of Investigation", "the Federal Bureau of Investigation"], [], None),
 "karen-weaver": (P, ["Karen Weaver"], [], None),
 "john-weaver": (P, ["John Weaver"], [], None),
 "gwen-graham": (P, ["Gwen Graham"], [], None),
 "paul-beck": (P, ["Paul Beck"], [], None),
 "volker-beck": (P, ["Volker Beck"], [], None),
 "ivanka-trump": (P, ["Ivanka Trump"], [], None),
}
"""id → (type, full name forms, short forms, a pattern naming another bearer of the short form)."""

STATES = ("Alabama Alaska Arizona Arkansas California Colorado Connecticut Delaware Florida Georgia Hawaii Idaho "
          "Illinois Indiana Iowa Kansas Kentucky Louisiana Maine Maryland Massachusetts Michigan Minnesota "
          "Mississippi Missouri Montana Nebraska Nevada New Hampshire Jersey Mexico York North Carolina Dakota Ohio "
          "Oklahoma Oregon Pennsylvania Rhode Island South Tennessee Texas Utah Vermont Virginia Washington West "
          "Wisconsin Wyoming").split()
TITLE_WORDS = {w.lower() for w in STATES} | set(
    "mr. mrs. ms. dr. president president-elect sen. senator gov. governor rep. secretary former then- republican "
    "democratic democrat gop vice speaker house fbi director u.s. attorney general chairman rnc dnc majority minority "
    "leader senate independent presidential candidate nominee hopeful front-runner frontrunner rival running mate "
    "vice-presidential businessman billionaire real estate mogul campaign manager chief strategist adviser advisor "
    "senior of the and state then retired neurosurgeon surgeon white press spokesman spokeswoman executive "
    "ceo".split())
HONORIFIC = {"mr.": "m", "mrs.": "f", "ms.": "f"}
WOMEN = {"hillary-clinton", "carly-fiorina", "karen-weaver", "gwen-graham", "ivanka-trump"}


def _title_only(prefix: str) -> bool:
    """A prefix made only of title words (so the span still names the person, not a possession)."""
    return not re.search(r"['’]s\b", prefix) and all(w.lower().strip(",") in TITLE_WORDS for w in prefix.split())


def match(span: str) -> tuple[str, bool] | None:
    """(entity, named by a short form that needs checking) for a Source span, or None."""
    s = span.strip().rstrip(",")
    found = []
    for ent, (typ, full, short, _) in ENTITIES.items():
        for form in sorted(full + short, key=len, reverse=True):
            if s == form or (typ == P and s.endswith(" " + form) and _title_only(s[:-len(form)])):
                found.append((len(form), ent, form in short, s[:-len(form)].split()[-1].lower() if s != form else ""))
                break
    if not found:
        return None
    top = max(c[0] for c in found)
    found = [c for c in found if c[0] == top]
    before = found[0][3]
    if before in HONORIFIC:
        found = [c for c in found if ("f" if c[1] in WOMEN else "m") == HONORIFIC[before]]
    if not found:
        return None
    _, ent, short, before = found[0]
    return ent, (short and before not in HONORIFIC) or len(found) > 1


def _sources(ann: Path) -> list[tuple[int, int]]:
    spans = []
    for line in ann.read_text(encoding="utf-8").splitlines():
        fields = line.split("\t")
        if len(fields) == 3 and fields[1].startswith("Source ") and ";" not in fields[1]:
            _, start, end = fields[1].split(" ")
            spans.append((int(start), int(end)))
    return spans


def build(shared: Path = SHARED) -> dict:
    """The gold clusters: entity → type and mentions [split, doc, start, end, kind, checked]."""
    decisions = json.loads(DECISIONS.read_text(encoding="utf-8"))
    clusters: dict[str, dict] = {e: {"type": t, "mentions": []} for e, (t, *_) in ENTITIES.items()}
    for split in ("train", "dev"):
        for txt in sorted((shared / split / "text").glob("*.txt")):
            anns = sorted((shared / split / "attributions").glob(txt.stem + "_*.ann"))
            if not anns:
                continue
            text = txt.read_text(encoding="utf-8")
            sources = _sources(anns[0])
            for start, end in sources:
                hit = match(text[start:end])
                if hit is None:
                    continue
                ent, short = hit
                key, checked = f"{txt.stem}:{start}", "rule"
                if key in decisions:
                    ent, checked = decisions[key], "hand"
                elif short and ENTITIES[ent][3] and re.search(ENTITIES[ent][3], text):
                    ent, checked = _nearest(ent, text, start), "nearest"
                if ent:
                    clusters[ent]["mentions"].append([split, txt.stem, start, end, "speaker", checked])
            for ent, (typ, full, _, _) in ENTITIES.items():
                for form in full:
                    if typ != P or len(form.split()) < 2:
                        continue
                    for m in re.finditer(re.escape(form) + r"\b(?!,? Jr)(?! [A-Z])", text):
                        if not any(s <= m.start() < e for s, e in sources):
                            clusters[ent]["mentions"].append([split, txt.stem, m.start(), m.end(), "actor", "rule"])
    for cluster in clusters.values():
        cluster["mentions"] = sorted({tuple(m) for m in cluster["mentions"]})
    return {"about": __doc__.split("\n")[0], "clusters": clusters}


def _nearest(ent: str, text: str, start: int) -> str | None:
    """A short form whose nearest full name before it is this entity's (the rest were read by hand)."""
    own = [m.end() for f in ENTITIES[ent][1] for m in re.finditer(re.escape(f), text[:start])]
    rival = [m.end() for m in re.finditer(ENTITIES[ent][3] or "$^", text[:start])]
    return ent if own and (not rival or max(own) > max(rival)) else None


def _dump(gold: dict) -> str:
    """JSON with one mention a line, so a changed decision is a one-line diff."""
    lines = ["{", f' "about": {json.dumps(gold["about"])},', ' "clusters": {']
    for i, (ent, cluster) in enumerate(gold["clusters"].items()):
        mentions = ",\n".join("   " + json.dumps(list(m)) for m in cluster["mentions"])
        comma = "," if i < len(gold["clusters"]) - 1 else ""
        lines.append(f'  {json.dumps(ent)}: {{"type": {json.dumps(cluster["type"])}, "mentions": [\n{mentions}]}}{comma}')
    return "\n".join(lines + [" }", "}"]) + "\n"


def main() -> int:
    gold = build()
    GOLD.write_text(_dump(gold), encoding="utf-8")
    for ent, cluster in sorted(gold["clusters"].items(), key=lambda kv: -len(kv[1]["mentions"])):
        kinds = [m[4] for m in cluster["mentions"]]
        print(f"{ent:22} {cluster['type']:12} speaker {kinds.count('speaker'):4}  actor {kinds.count('actor'):4}  "
              f"docs {len({m[1] for m in cluster['mentions']}):3}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
