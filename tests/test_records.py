"""The event record is the contract: its JSON shape, ids and round trips."""

from __future__ import annotations

import json

from hypothesis import given
from hypothesis import strategies as st

from detente.records import Actor, Event, Evidence, Location, event_id, quad_of_root

CONTRACT_KEYS = [
    "id", "event_id", "doc_id", "sentence", "source", "target", "cameo", "root", "quad",
    "goldstein", "plover", "negated", "hypothetical", "date", "date_precision", "date_source",
    "location", "evidence", "confidence",
]


def make_event(**changes: object) -> Event:
    base = {
        "id": "doc-1",
        "event_id": event_id("doc-1", 3, "RUSMIL", "SYRCVL", "195"),
        "doc_id": "doc-1",
        "sentence": 3,
        "source": Actor("Russian forces", "RUS", "RUSMIL", "RUS", "MIL", "Q159"),
        "target": Actor("Idlib residents", "CIVILIANS", "SYRCVL", "SYR", "CVL", None),
        "cameo": "195",
        "root": "19",
        "quad": 4,
        "goldstein": -10.0,
        "plover": "ASSAULT",
        "date": "2019-04-28",
        "date_precision": "day",
        "date_source": "text",
        "location": Location("Idlib", "SYR", 35.93, 36.63, 169389),
        "evidence": Evidence("Russian jets bombed Idlib.", 812, 838),
        "confidence": 0.82,
    }
    base.update(changes)
    return Event(**base)  # type: ignore[arg-type]


def test_event_json_has_exactly_the_contract_keys_in_order() -> None:
    assert list(make_event().to_dict()) == CONTRACT_KEYS
    assert list(make_event().to_dict()["source"]) == ["name", "principal", "code", "country", "sector", "wikidata"]


def test_event_id_is_stable_and_depends_on_what_identifies_the_event() -> None:
    a = event_id("doc-1", 3, "RUSMIL", "SYRCVL", "195")
    assert a == event_id("doc-1", 3, "RUSMIL", "SYRCVL", "195")
    assert a != event_id("doc-1", 4, "RUSMIL", "SYRCVL", "195")
    assert a != event_id("doc-1", 3, "SYRCVL", "RUSMIL", "195")
    assert a != event_id("doc-1", 3, "RUSMIL", "SYRCVL", "190")


def test_changing_the_code_gives_a_new_event_id_but_changing_the_date_does_not() -> None:
    e = make_event()
    assert e.with_changes(cameo="190").event_id != e.event_id
    assert e.with_changes(date="2019-04-29").event_id == e.event_id


def test_quad_classes_follow_gdelt_and_icews() -> None:
    assert [quad_of_root(f"{r:02d}") for r in range(1, 21)] == [1] * 5 + [2] * 3 + [3] * 5 + [4] * 7


actors = st.builds(
    Actor,
    name=st.text(min_size=1, max_size=30),
    principal=st.sampled_from(["RUS", "TUR", "USA", "HTS", "CIVILIANS"]),
    code=st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=3, max_size=9),
    country=st.none() | st.sampled_from(["RUS", "SYR"]),
    sector=st.none() | st.sampled_from(["GOV", "MIL", "CVL"]),
    wikidata=st.none() | st.just("Q159"),
)
events = st.builds(
    make_event,
    sentence=st.integers(0, 10_000),
    source=actors,
    target=actors,
    negated=st.booleans(),
    hypothetical=st.booleans(),
    date=st.none() | st.dates().map(lambda d: d.isoformat()),
    location=st.none()
    | st.builds(Location, name=st.text(min_size=1, max_size=20), lat=st.floats(-90, 90), lon=st.floats(-180, 180)),
    evidence=st.builds(Evidence, text=st.text(max_size=200), start=st.integers(0, 10**6), end=st.integers(0, 10**6)),
    confidence=st.floats(0, 1),
)


@given(events)
def test_event_round_trips_through_json(event: Event) -> None:
    assert Event.from_dict(json.loads(event.to_json())) == event
