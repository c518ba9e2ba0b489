"""Outlets that report more conflict about a dyad than the others stand out."""

from __future__ import annotations

from detente.analysis.outlets import compare_outlets, outlet_profiles
from detente.coding.cameo import CameoTable
from detente.records import Actor, Article, Event, Evidence, event_id


def ev(src: str, tgt: str, cameo: str, doc: str, *, sentence: int = 0, negated: bool = False) -> Event:
    entry = CameoTable.load().get(cameo)
    text = f"{src} {cameo} {tgt}"
    return Event(
        id=doc, event_id=event_id(doc, sentence, src, tgt, cameo), doc_id=doc, sentence=sentence,
        source=Actor(src, src, src, src), target=Actor(tgt, tgt, tgt, tgt), cameo=cameo, root=entry.root,
        quad=entry.quad, goldstein=entry.goldstein, evidence=Evidence(text, 0, len(text)),
        negated=negated, date="2020-03-05", date_precision="day", date_source="text",
    )


EVENTS = [
    ev("RUS", "TUR", "042", "tass-1"),
    ev("TUR", "RUS", "057", "tass-1", sentence=1),
    ev("RUS", "TUR", "195", "tass-2", negated=True),  # "Russia did not strike": not counted
    ev("RUS", "TUR", "195", "sohr-1"),
    ev("TUR", "RUS", "111", "sohr-1", sentence=1),
    ev("TUR", "RUS", "042", "sohr-2"),
    ev("RUS", "SYR", "062", "sohr-3"),  # another dyad
    ev("RUS", "TUR", "190", "blog-1"),  # outlet unknown
]
OUTLETS = {"tass-1": "TASS", "tass-2": "TASS", "sohr-1": "SOHR", "sohr-2": "SOHR", "sohr-3": "SOHR"}


def test_the_outlet_reporting_strikes_and_accusations_ranks_above_the_one_reporting_meetings() -> None:
    sohr, tass = compare_outlets(EVENTS, OUTLETS, "RUS", "TUR")
    assert (sohr.outlet, tass.outlet) == ("SOHR", "TASS")
    assert sohr.events == 3 and sohr.quad == {1: 1, 2: 0, 3: 1, 4: 1}
    assert round(sohr.conflict_share, 3) == 0.667
    assert tass.events == 2 and tass.conflict_share == 0.0
    assert sohr.relative_conflict > 0 > tass.relative_conflict
    assert tass.goldstein_mean == (1.9 + 8.0) / 2
    assert set(tass.event_ids) == {EVENTS[0].event_id, EVENTS[1].event_id}


def test_directed_profiles_and_unknown_outlets_are_options() -> None:
    directed = compare_outlets(EVENTS, OUTLETS, "RUS", "TUR", directed=True)
    assert {p.outlet: p.events for p in directed} == {"SOHR": 1, "TASS": 1}
    with_unknown = compare_outlets(EVENTS, OUTLETS, "RUS", "TUR", unknown="(unknown)")
    assert with_unknown[0].outlet == "(unknown)" and with_unknown[0].conflict_share == 1.0


def test_outlet_profiles_read_outlets_from_the_stored_articles(store) -> None:  # type: ignore[no-untyped-def]
    docs = sorted({e.doc_id for e in EVENTS})
    store.write_batch([Article(id=d, text="x", outlet=OUTLETS.get(d)) for d in docs], EVENTS)
    profiles = outlet_profiles(store, "RUS", "TUR")
    assert [(p.outlet, p.events) for p in profiles] == [("SOHR", 3), ("TASS", 2)]
