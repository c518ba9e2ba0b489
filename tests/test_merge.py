"""Reports of one event across articles merge into one cluster; different events stay apart."""

from __future__ import annotations

import random

from hypothesis import given, settings
from hypothesis import strategies as st

from detente.coding.cameo import CameoTable
from detente.merge import EventCluster, cluster_events, representative_code, update_store
from detente.records import Actor, Event, Evidence, Location, event_id

PLACES = {
    "Idlib": Location("Idlib", "SYR", 35.93, 36.63, 169389),
    "Aleppo": Location("Aleppo", "SYR", 36.2, 37.16, 170063),
    "Sochi": Location("Sochi", "RUS", 43.6, 39.73, 491422),
}


def make_event(
    src: str,
    tgt: str,
    cameo: str,
    when: str | None,
    *,
    doc: str = "doc-1",
    sentence: int = 0,
    text: str = "",
    date_source: str = "text",
    place: str | None = None,
    negated: bool = False,
) -> Event:
    """An event in the shape the coder emits (principals as codes, CAMEO fields from the table)."""
    entry = CameoTable.load().get(cameo)
    precision = None if when is None else {10: "day", 7: "month", 4: "year"}[len(when)]
    return Event(
        id=doc,
        event_id=event_id(doc, sentence, src, tgt, cameo),
        doc_id=doc,
        sentence=sentence,
        source=Actor(src, src, src, src),
        target=Actor(tgt, tgt, tgt, tgt),
        cameo=cameo,
        root=entry.root,
        quad=entry.quad,
        goldstein=entry.goldstein,
        plover=entry.plover,
        evidence=Evidence(text or f"{src} {cameo} {tgt}", 0, 10),
        negated=negated,
        date=when,
        date_precision=precision,  # type: ignore[arg-type]
        date_source=date_source if when else None,  # type: ignore[arg-type]
        location=PLACES[place] if place else None,
    )


def test_three_outlets_reporting_one_air_strike_make_one_cluster_with_counts() -> None:
    events = [
        make_event("RUS", "CIVILIANS", "195", "2019-04-28", doc="a", place="Idlib"),
        make_event("RUS", "CIVILIANS", "19", "2019-04-29", doc="b", place="Idlib"),
        make_event("RUS", "CIVILIANS", "195", "2019-04-28", doc="c", sentence=3),
        make_event("RUS", "CIVILIANS", "195", "2019-04-28", doc="c", sentence=5),
    ]
    outlets = {"a": "Reuters", "b": "Anadolu", "c": "Reuters"}
    [cluster] = cluster_events(events, outlets=outlets)
    assert cluster.mentions == 4
    assert cluster.sources == ("a", "b", "c")
    assert cluster.outlets == ("Anadolu", "Reuters")
    assert cluster.cameo == "195"
    assert cluster.location == PLACES["Idlib"]
    assert (cluster.date_from, cluster.date_to) == ("2019-04-28", "2019-04-29")
    assert {e.event_id for e in cluster.evidence} == {e.event_id for e in events}


def test_strikes_further_apart_than_the_window_are_two_events() -> None:
    events = [
        make_event("RUS", "CIVILIANS", "195", "2019-04-01", doc="a"),
        make_event("RUS", "CIVILIANS", "195", "2019-04-05", doc="b"),
    ]
    assert len(cluster_events(events, window_days=3)) == 2
    assert len(cluster_events(events, window_days=4)) == 1


def test_a_chain_of_daily_reports_does_not_drift_into_one_month_long_cluster() -> None:
    events = [make_event("SYR", "REBELS", "194", f"2019-05-{d:02d}", doc=f"d{d}") for d in range(1, 11)]
    clusters = cluster_events(events, window_days=3)
    assert len(clusters) > 1
    for c in clusters:
        assert c.date_from is not None and c.date_to is not None
        assert int(c.date_to[-2:]) - int(c.date_from[-2:]) <= 3


def test_meetings_merge_in_either_direction_but_attacks_do_not() -> None:
    meetings = [
        make_event("RUS", "TUR", "040", "2020-03-05", doc="a"),
        make_event("TUR", "RUS", "043", "2020-03-05", doc="b"),
    ]
    assert len(cluster_events(meetings)) == 1
    attacks = [
        make_event("RUS", "TUR", "190", "2020-02-27", doc="a"),
        make_event("TUR", "RUS", "190", "2020-02-27", doc="b"),
    ]
    assert len(cluster_events(attacks)) == 2


def test_different_roots_places_or_modality_stay_apart() -> None:
    base = make_event("RUS", "TUR", "057", "2018-09-17", doc="a", place="Sochi")
    other_root = make_event("RUS", "TUR", "112", "2018-09-17", doc="b")
    other_place = make_event("RUS", "TUR", "057", "2018-09-17", doc="c", place="Aleppo")
    denied = make_event("RUS", "TUR", "057", "2018-09-17", doc="d", negated=True)
    clusters = cluster_events([base, other_root, other_place, denied])
    assert len(clusters) == 4


def test_a_report_dated_only_by_publication_joins_the_strike_it_follows() -> None:
    fixed = make_event("RUS", "REBELS", "195", "2019-04-28", doc="a")
    published_next_day = make_event("RUS", "REBELS", "195", "2019-04-29", doc="b", date_source="published")
    published_before = make_event("RUS", "REBELS", "195", "2019-04-27", doc="c", date_source="published")
    clusters = cluster_events([fixed, published_next_day, published_before])
    assert [sorted(c.sources) for c in clusters] == [["c"], ["a", "b"]]
    assert clusters[1].date_fixed is True
    assert clusters[1].date_from == "2019-04-28"


def test_a_month_precise_report_joins_a_day_inside_that_month_only() -> None:
    day = make_event("RUS", "TUR", "057", "2018-09-17", doc="a")
    month = make_event("RUS", "TUR", "057", "2018-09", doc="b")
    later_month = make_event("RUS", "TUR", "057", "2018-10", doc="c")
    clusters = cluster_events([day, month, later_month])
    assert sorted(sorted(c.sources) for c in clusters) == [["a", "b"], ["c"]]


def test_undated_reports_never_join_dated_ones() -> None:
    events = [
        make_event("RUS", "TUR", "042", "2018-09-17", doc="a"),
        make_event("RUS", "TUR", "042", None, doc="b"),
    ]
    clusters = cluster_events(events)
    assert len(clusters) == 2
    assert clusters[-1].date_from is None


def test_the_representative_code_is_the_most_specific_one_most_reports_agree_on() -> None:
    assert representative_code(["19", "195", "195", "193"]) == "195"
    assert representative_code(["193", "195"]) == "19"
    assert representative_code(["0871", "087", "08"]) == "0871"


def test_clustering_is_the_same_whatever_the_input_order() -> None:
    events = [
        make_event("RUS", "CIVILIANS", "195", f"2019-04-{d:02d}", doc=f"d{d}-{k}", place="Idlib")
        for d in (1, 2, 3, 9, 10, 20)
        for k in range(2)
    ] + [make_event("TUR", "RUS", "040", "2019-04-02", doc="m"), make_event("RUS", "TUR", "040", "2019-04-03", doc="n")]
    expected = [c.to_dict() for c in cluster_events(events)]
    shuffled = list(events)
    random.Random(7).shuffle(shuffled)
    assert [c.to_dict() for c in cluster_events(shuffled)] == expected
    assert [c["date_from"] for c in expected] == sorted(c["date_from"] for c in expected)


def test_the_cluster_id_is_a_hash_of_its_earliest_report_and_survives_later_reports() -> None:
    first = make_event("SYR", "REBELS", "194", "2019-05-01", doc="a")
    [alone] = cluster_events([first])
    [grown] = cluster_events([first, make_event("SYR", "REBELS", "194", "2019-05-02", doc="b")])
    assert alone.cluster_id == grown.cluster_id
    assert grown.mentions == 2


def test_a_cluster_round_trips_through_its_dict() -> None:
    events = [
        make_event("RUS", "TUR", "057", "2018-09-17", doc="a", place="Sochi"),
        make_event("TUR", "RUS", "057", "2018-09-18", doc="b", date_source="published"),
    ]
    [cluster] = cluster_events(events, outlets={"a": "TASS"})
    assert EventCluster.from_dict(cluster.to_dict()) == cluster


def test_update_store_saves_clusters_of_the_stored_events(store) -> None:  # type: ignore[no-untyped-def]
    from detente.records import Article

    events = [
        make_event("RUS", "CIVILIANS", "195", "2019-04-28", doc="a", place="Idlib"),
        make_event("RUS", "CIVILIANS", "195", "2019-04-28", doc="b", place="Idlib"),
        make_event("RUS", "TUR", "057", "2018-09-17", doc="a", sentence=4),
    ]
    articles = [
        Article(id="a", text="x", outlet="Reuters", published="2019-04-29"),
        Article(id="b", text="y", outlet="TASS", published="2019-04-29"),
    ]
    store.write_batch(articles, events)
    done = update_store(store, window_days=3)
    saved = store.clusters(a="CIVILIANS")
    assert done.records == 2 and done.dyads == (("CIVILIANS", "RUS"), ("RUS", "TUR"))
    assert len(saved) == 1
    assert saved[0]["mentions"] == 2
    assert saved[0]["outlets"] == ["Reuters", "TASS"]


report = st.tuples(
    st.sampled_from([("RUS", "TUR"), ("TUR", "RUS"), ("SYR", "REBELS")]),
    st.sampled_from(["040", "043", "057", "19", "195", "193", "111"]),
    st.integers(min_value=1, max_value=20),
    st.sampled_from(["text", "published", "month", "none"]),
    st.sampled_from([None, "Idlib", "Aleppo"]),
)


def events_of(reports: list[tuple[tuple[str, str], str, int, str, str | None]], articles: int = 0) -> list[Event]:
    """Events for drawn reports: one article each, or spread over ``articles`` articles."""
    events = []
    for i, ((src, tgt), code, day, how, place) in enumerate(reports):
        when = None if how == "none" else ("2019-04" if how == "month" else f"2019-04-{day:02d}")
        source = "published" if how == "published" else "text"
        doc = f"d{i % articles}" if articles else f"d{i}"
        events.append(make_event(src, tgt, code, when, doc=doc, sentence=i, date_source=source, place=place))
    return events


@settings(max_examples=60, deadline=None)
@given(st.lists(report, max_size=25), st.integers(min_value=0, max_value=5))
def test_every_report_lands_in_exactly_one_cluster_of_mutually_compatible_reports(
    reports: list[tuple[tuple[str, str], str, int, str, str | None]], window: int
) -> None:
    events = events_of(reports)
    clusters = cluster_events(events, window_days=window)
    ids = [i for c in clusters for i in c.event_ids]
    assert sorted(ids) == sorted(e.event_id for e in events)
    by_id = {e.event_id: e for e in events}
    for c in clusters:
        members = [by_id[i] for i in c.event_ids]
        assert len({m.root for m in members}) == 1
        assert len({m.location for m in members if m.location}) <= 1
        fixed_days = [int(m.date[-2:]) for m in members if m.date and len(m.date) == 10 and m.date_source == "text"]
        if fixed_days:
            assert max(fixed_days) - min(fixed_days) <= window
        assert (c.date_from is None) == all(m.date is None for m in members)


@settings(max_examples=40, deadline=None)
@given(st.lists(report, max_size=30), st.integers(min_value=0, max_value=5))
def test_clusters_streamed_from_the_store_equal_those_clustered_in_memory(
    reports: list[tuple[tuple[str, str], str, int, str, str | None]], window: int
) -> None:
    from detente.records import Article
    from detente.store.db import Store

    events = events_of(reports, articles=4)
    outlets = {f"d{i}": f"Outlet {i}" for i in range(4)}
    with Store(":memory:") as store:
        store.write_batch([Article(id=d, text="x", outlet=o) for d, o in outlets.items()], events)
        update_store(store, window_days=window)
        stored = store.clusters()
    unique = list({e.event_id: e for e in events}.values())
    assert stored == [c.to_dict() for c in cluster_events(unique, window_days=window, outlets=outlets)]


def test_a_dyad_is_clustered_in_pieces_when_it_has_more_clusters_than_one_batch(store, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from detente import merge

    monkeypatch.setattr(merge, "FINISH_BATCH", 2)
    events = [make_event("RUS", "TUR", "040", f"2019-0{m}-01", doc=f"d{m}") for m in range(1, 8)]
    store.write_batch([], events)
    assert update_store(store, window_days=3).records == 7
    assert [c["event_ids"] for c in store.clusters()] == [[e.event_id] for e in events]


def test_the_clusterer_refuses_reports_out_of_its_order() -> None:
    import pytest

    from detente.clustering import Clusterer, report_of

    later, earlier = (report_of(make_event("RUS", "TUR", "040", d), 3) for d in ("2019-05-02", "2019-05-01"))
    clusterer = Clusterer(3)
    clusterer.add(later)
    with pytest.raises(ValueError, match="out of order"):
        clusterer.add(earlier)
