"""General constructions of wire-service news, one project-written sentence each: the
(source, target, root) triples the coder must find (``must``) and must not (``never``)."""

from __future__ import annotations

import pytest

from detente.records import Article

Triple = tuple[str, str, str]

CASES: list[tuple[str, set[Triple], set[Triple]]] = [
    # Receiving is giving seen from the receiver: the giver is the source.
    ("Ukraine received weapons from the United States last year.", {("USA", "UKR", "07")}, {("UKR", "USA", "07")}),
    ("Kyiv has received billions of dollars in military aid from Washington.", {("USA", "UKR", "07")}, set()),
    # Returning captives or the dead yields to their side.
    ("Russia handed over the bodies of 500 Ukrainian soldiers to Kyiv.", {("RUS", "UKR", "08")}, set()),
    ("Pakistan returned the captured Indian pilot on Friday.", {("PAK", "IND", "08")}, set()),
    ("Russia and Ukraine swapped 95 prisoners each on Friday.", {("RUS", "UKR", "08"), ("UKR", "RUS", "08")}, set()),
    # Agreeing to a future swap is a deal (05), not the swap itself.
    ("Russian and Ukrainian delegations held talks in Istanbul, agreeing only to swap 1,000 prisoners each.",
     {("RUS", "UKR", "05"), ("UKR", "RUS", "05")}, {("RUS", "UKR", "08")}),
    # A protest at a state's mission is a protest against that state.
    ("Thousands of people protested outside the Russian embassy in Kyiv.", {("CIVILIANS", "RUS", "14")}, set()),
    # Taking a place back from a named holder is fighting that holder.
    ("Sudan's army recaptured Khartoum from the RSF.", {("SDN", "RSF", "19")}, set()),
    # A generic holder named by the modifier ("rebel positions") is the target, not the country around.
    ("Russia and Syria bombed rebel positions in Idlib.", {("RUS", "REBELS", "19"), ("SYR", "REBELS", "19")},
     {("RUS", "SYR", "19")}),
    # A call between two leaders is a consultation both ways.
    ("A call between Biden and Xi lasted two hours.", {("USA", "CHN", "04"), ("CHN", "USA", "04")}, set()),
    # A party that reports another actor's attack as fact accuses it (11), besides the attack.
    ("Armenia said on Tuesday that Azerbaijani forces had shelled Armenian border posts.",
     {("AZE", "ARM", "19"), ("ARM", "AZE", "11")}, set()),
    # ... but not when it reports its own act, nor for an act inside an "after" clause.
    ("Israel said its jets had struck Hezbollah positions in southern Lebanon.", {("ISR", "HEZBOLLAH", "19")},
     {("ISR", "HEZBOLLAH", "11")}),
    # The passive agent of "brokered"/"mediated" mediates (04) between the event's parties.
    ("Sudan's army and the RSF agreed on Monday to a 72-hour truce brokered by Washington.",
     {("USA", "SDN", "04"), ("USA", "RSF", "04")}, set()),
    ("Serbia and Kosovo reached an agreement in Brussels on Friday, mediated by the EU.",
     {("EU", "SRB", "04"), ("EU", "XKX", "04"), ("SRB", "XKX", "05")}, set()),
    ("Iran and Saudi Arabia agreed to restore diplomatic relations, in a deal brokered by China.",
     {("CHN", "IRN", "04"), ("CHN", "SAU", "04")}, set()),
    # Two states that stop fighting each other yield (08); a truce in a third country's war is a deal (05).
    ("Israel and Iran agreed to a ceasefire on Tuesday.", {("ISR", "IRN", "08"), ("IRN", "ISR", "08")},
     {("ISR", "IRN", "05")}),
    ("Russia and Turkey agreed to a ceasefire in Idlib province.", {("RUS", "TUR", "05"), ("TUR", "RUS", "05")},
     {("RUS", "TUR", "08")}),
    # A trailing attribution is sourcing, not blame.
    ("Israeli strikes on Gaza killed at least 50 people overnight, the Hamas-run health ministry said.",
     {("ISR", "CIVILIANS", "18")}, {("HAMAS", "ISR", "11")}),
    # Fire into open water hits no one's people.
    ("North Korea fired two short-range ballistic missiles toward the East Sea on Thursday.", set(),
     {("PRK", "CIVILIANS", "18")}),
    # Trading fire is fighting each other.
    ("India and Pakistan traded fire across the Line of Control.", {("IND", "PAK", "19"), ("PAK", "IND", "19")},
     {("IND", "PAK", "06")}),
    # "drew criticism from X": X criticises the author of the subject's act.
    ("Kim Jong Un's visit to Moscow drew criticism from Seoul.", {("PRK", "RUS", "04"), ("KOR", "PRK", "11")}, set()),
    # Forcing an enemy out of a place is fighting it.
    ("Ukrainian forces drove Russian troops out of Kharkiv region.", {("UKR", "RUS", "19")}, set()),
    # Violence against people.
    ("Russian soldiers tortured Ukrainian prisoners in Kherson.", {("RUS", "UKR", "18")}, set()),
    # A thing is its passive agent's: drones "launched by Russia" are Russia's.
    ("Ukraine's air force said it shot down 30 of 40 drones launched by Russia overnight.",
     {("UKR", "RUS", "19")}, set()),
    # Opening fire on a named side's positions is fighting it; a leading claim accuses the shooter.
    ("Armenia's defence ministry said Azerbaijani troops had opened fire on Armenian positions near Sotk.",
     {("AZE", "ARM", "19"), ("ARM", "AZE", "11")}, set()),
    # A reaction to an act named earlier in the same sentence targets its author.
    ("Israeli forces detained dozens of people in raids across the West Bank, and Ramallah condemned the arrests.",
     {("PSE", "ISR", "11")}, set()),
    # A vow coordinated with the reported clause is still the speaker's.
    ("Armenia said Azerbaijani strikes had killed two of its soldiers, and vowed to respond.",
     {("ARM", "AZE", "13")}, {("AZE", "ARM", "13")}),
    # Banning another country's products, shelving a treaty with it.
    ("India banned dozens of Chinese apps on Monday.", {("IND", "CHN", "16")}, set()),
    # Suspending a member state.
    ("The African Union suspended Niger after the coup.", {("AU", "NER", "16")}, set()),
    # Working towards an end to a war is no threat of force.
    ("The two presidents of Russia and Ukraine pledged to work towards an end to the war.", set(),
     {("RUS", "UKR", "13"), ("UKR", "RUS", "13")}),
]


def _triples(nlp, text: str) -> set[Triple]:  # type: ignore[no-untyped-def]
    art = Article(id="c1", text=text, published="2024-05-10")
    ((doc, _),) = list(nlp.pipe([(text, art)], as_tuples=True))
    return {(e.source.principal, e.target.principal, e.root) for e in doc._.events if not (e.negated or e.hypothetical)}


@pytest.mark.parametrize(("text", "must", "never"), CASES, ids=[c[0][:48] for c in CASES])
def test_construction(nlp, text: str, must: set[Triple], never: set[Triple]) -> None:  # type: ignore[no-untyped-def]
    got = _triples(nlp, text)
    assert must <= got, f"missing {must - got}; got {got}"
    assert not (never & got), f"unexpected {never & got}"


FLAGGED: list[tuple[str, Triple]] = [
    # Scheduled ("are to begin"), agreed-for ("provides for") and not-done ("without signing") acts.
    ("Russian and Turkish troops are to begin joint patrols on the highway on Sunday.", ("RUS", "TUR", "06")),
    (("The United States and the Taliban signed an agreement that provides for the withdrawal of all American "
      "troops from Afghanistan."), ("USA", "AFG", "08")),
]


@pytest.mark.parametrize(("text", "triple"), FLAGGED, ids=[c[0][:48] for c in FLAGGED])
def test_flagged_construction(nlp, text: str, triple: Triple) -> None:  # type: ignore[no-untyped-def]
    art = Article(id="c2", text=text, published="2024-05-10")
    ((doc, _),) = list(nlp.pipe([(text, art)], as_tuples=True))
    flagged = {(e.source.principal, e.target.principal, e.root) for e in doc._.events if e.negated or e.hypothetical}
    factual = {(e.source.principal, e.target.principal, e.root) for e in doc._.events if not (e.negated or e.hypothetical)}
    assert triple in flagged and triple not in factual, (flagged, factual)


DOCS: list[tuple[str, set[Triple], set[Triple]]] = [
    # A reaction to "the strikes" targets who struck, coded in an earlier sentence.
    (("American warships fired missiles at a Syrian air base on Friday. Russia condemned the strikes as an act "
      "of aggression."), {("RUS", "USA", "11")}, set()),
    # A meeting place ("talks in Cairo") is never one of "the two sides".
    ("Israeli and Hamas negotiators resumed indirect talks in Cairo. The two sides discussed a hostage exchange.",
     {("ISR", "HAMAS", "04"), ("HAMAS", "ISR", "04")}, {("EGY", "HAMAS", "04"), ("HAMAS", "EGY", "04")}),
]


@pytest.mark.parametrize(("text", "must", "never"), DOCS, ids=[c[0][:48] for c in DOCS])
def test_construction_across_sentences(nlp, text: str, must: set[Triple], never: set[Triple]) -> None:  # type: ignore[no-untyped-def]
    got = _triples(nlp, text)
    assert must <= got, f"missing {must - got}; got {got}"
    assert not (never & got), f"unexpected {never & got}"
