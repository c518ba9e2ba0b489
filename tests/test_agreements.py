"""Agreements are made, then implemented, extended, violated or collapse, each step cited.

The scenarios are built as the coder emits them: one event per coded sentence, with
principals, CAMEO code, date, place and the sentence as evidence.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from typing import Any

from detente.agreements import Agreement, is_making, kind_of, track, update_store
from detente.coding.cameo import CameoTable
from detente.pipeline import event_dyads, update_derived_records
from detente.records import Actor, Article, Event, Evidence, Location, event_id
from detente.store.db import Store

PLACES = {
    name: Location(name, country)
    for name, country in {
        "Sochi": "RUS", "Idlib": "SYR", "Aleppo": "SYR", "Moscow": "RUS", "Geneva": "CHE",
        "Deir ez-Zor": "SYR", "Saraqib": "SYR",
    }.items()
}


def ev(
    src: str,
    tgt: str,
    cameo: str,
    when: str,
    text: str,
    *,
    doc: str = "doc-1",
    sentence: int = 0,
    place: str | None = None,
    date_source: str = "text",
    negated: bool = False,
    hypothetical: bool = False,
) -> Event:
    entry = CameoTable.load().get(cameo)
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
        evidence=Evidence(text, 0, len(text)),
        negated=negated,
        hypothetical=hypothetical,
        date=when,
        date_precision={10: "day", 7: "month", 4: "year"}[len(when)],  # type: ignore[arg-type]
        date_source=date_source,  # type: ignore[arg-type]
        location=PLACES[place] if place else None,
    )


def sochi_2018() -> list[Event]:
    return [
        ev("RUS", "TUR", "057", "2018-09-17",
           "In Sochi, Putin and Erdogan signed a memorandum to create a demilitarised zone in Idlib "
           "and to carry out joint patrols.", doc="tass-1", place="Sochi"),
        ev("TUR", "RUS", "057", "2018-09-18",
           "Turkey and Russia signed an agreement on Monday to set up a demilitarized zone in Idlib.",
           doc="aa-1", date_source="published"),
        ev("RUS", "CIVILIANS", "195", "2019-04-28",
           "Russian jets bombed Kafr Nabl in southern Idlib on Sunday.", doc="sohr-9", place="Idlib"),
        ev("SYR", "REBELS", "194", "2019-05-06",
           "Syrian regime forces shelled rebel positions in Idlib.", doc="sohr-10", place="Idlib"),
    ]


def test_the_sochi_memorandum_is_made_once_and_then_violated_by_the_bombardment_of_idlib() -> None:
    [sochi] = track(sochi_2018(), outlets={"tass-1": "TASS", "aa-1": "Anadolu"})
    assert sochi.parties == ("RUS", "TUR")
    assert sochi.kind == "memorandum"
    assert sochi.made.date == "2018-09-17"
    assert sochi.made.date_fixed is True
    assert sochi.made.place == "Sochi"
    assert len(sochi.made.event_ids) == 2
    assert sochi.made.outlets == ("Anadolu", "TASS")
    assert "demilitarised zone" in sochi.terms
    assert "joint patrols" in sochi.terms
    assert [(h.date, h.state) for h in sochi.history] == [
        ("2018-09-17", "made"),
        ("2019-04-28", "violated"),
        ("2019-05-06", "violated"),
    ]
    assert sochi.status == "violated"
    bombing = sochi_2018()[2]
    assert bombing.event_id in sochi.violated[0].event_ids


def test_the_aleppo_evacuation_deal_is_made_and_implemented() -> None:
    events = [
        ev("RUS", "TUR", "046", "2016-12-13",
           "Russia and Turkey reached a deal on the evacuation of rebels and civilians from eastern Aleppo.",
           doc="r-1"),
        ev("ICRC", "CIVILIANS", "073", "2016-12-15",
           "The ICRC evacuated the first wounded civilians from eastern Aleppo under the deal.",
           doc="r-2", place="Aleppo"),
    ]
    [deal] = track(events)
    assert deal.kind == "evacuation"
    assert deal.parties == ("RUS", "TUR")
    assert "evacuation of civilians" in deal.terms
    assert [h.state for h in deal.history] == ["made", "implemented"]
    assert deal.implemented[0].event_ids == (events[1].event_id,)
    assert deal.status == "implemented"


def kerry_lavrov_2016() -> list[Event]:
    return [
        ev("USA", "RUS", "057", "2016-09-09",
           "Kerry and Lavrov agreed in Geneva on a ceasefire in Syria and joint targeting of extremist groups.",
           doc="ap-1", place="Geneva"),
        ev("RUS", "USA", "112", "2016-09-17",
           "Moscow accused Washington of violating the ceasefire after the strike near Deir ez-Zor.",
           doc="ap-2"),
        ev("USA", "RUS", "164", "2016-10-03",
           "The United States suspended talks with Russia on Syria.", doc="ap-3"),
        ev("USA", "RUS", "111", "2016-10-10",
           "Washington criticised Moscow over Aleppo.", doc="ap-4"),
    ]


def test_the_kerry_lavrov_deal_is_made_violated_and_then_collapses() -> None:
    [deal] = track(kerry_lavrov_2016())
    assert deal.kind == "ceasefire"
    assert [(h.date, h.state) for h in deal.history] == [
        ("2016-09-09", "made"),
        ("2016-09-17", "violated"),
        ("2016-10-03", "collapsed"),
    ]
    assert deal.status == "collapsed"


def test_the_moscow_ceasefire_is_one_agreement_however_its_reports_code_it_and_is_patrolled() -> None:
    events = [
        ev("RUS", "TUR", "0871", "2020-03-05",
           "Putin and Erdogan agreed a ceasefire in Idlib starting at midnight, with a security corridor "
           "along the M4 highway.", doc="bbc-1", place="Moscow"),
        ev("TUR", "RUS", "057", "2020-03-06",
           "Turkey and Russia signed a ceasefire protocol in Moscow.", doc="dw-1", place="Moscow",
           date_source="published"),
        ev("RUS", "TUR", "0312", "2020-03-05",
           "Russia and Turkey have agreed to hold joint patrols on the M4.", doc="tass-2"),
        ev("RUS", "TUR", "062", "2020-03-15",
           "Russian and Turkish troops held their first joint patrol on the M4 highway.", doc="aa-2",
           place="Idlib"),
    ]
    [ceasefire] = track(events)
    assert ceasefire.kind == "ceasefire"
    assert ceasefire.made.place == "Moscow"
    assert set(ceasefire.made.event_ids) == {e.event_id for e in events[:3]}
    assert {"humanitarian corridor", "reopening of highways", "joint patrols"} <= set(ceasefire.terms)
    assert [(h.date, h.state) for h in ceasefire.history] == [
        ("2020-03-05", "made"),
        ("2020-03-15", "implemented"),
    ]


def test_an_extension_report_extends_the_agreement_instead_of_making_a_new_one() -> None:
    events = [
        ev("RUS", "TUR", "0871", "2020-03-05", "Russia and Turkey declared a ceasefire in Idlib.", doc="a"),
        ev("RUS", "TUR", "057", "2020-05-01", "Russia and Turkey extended the Idlib ceasefire.", doc="b"),
    ]
    [ceasefire] = track(events)
    assert [h.state for h in ceasefire.history] == ["made", "extended"]
    assert ceasefire.extended[0].event_ids == (events[1].event_id,)


def test_a_ceasefire_followed_by_clashes_between_its_parties_is_violated() -> None:
    events = [
        ev("ARM", "AZE", "0871", "2020-10-10", "Armenia and Azerbaijan agreed a humanitarian ceasefire.", doc="a"),
        ev("AZE", "ARM", "193", "2020-10-11", "Azerbaijani and Armenian troops clashed on the front line.", doc="b"),
    ]
    [ceasefire] = track(events)
    assert ceasefire.kind == "ceasefire"
    assert [(h.date, h.state, h.event_ids) for h in ceasefire.history][1:] == [
        ("2020-10-11", "violated", (events[1].event_id,))
    ]
    assert ceasefire.status == "violated"


def test_aid_delivered_in_the_area_without_words_about_the_deal_does_not_implement_it() -> None:
    events = sochi_2018()[:2] + [
        ev("UN", "CIVILIANS", "073", "2018-10-01", "UN trucks delivered food to Idlib.", doc="un-1", place="Idlib"),
    ]
    [sochi] = track(events)
    assert sochi.status == "made"


def test_sustained_fighting_between_the_parties_collapses_a_ceasefire_nobody_declared_dead() -> None:
    events = [ev("ARM", "AZE", "0871", "2020-10-10", "Armenia and Azerbaijan agreed a humanitarian ceasefire.",
                 doc="c0")]
    events += [
        ev("AZE", "ARM", "194", f"2020-10-{d}", "Azerbaijani forces shelled Armenian positions.", doc=f"c{d}")
        for d in (11, 12, 13, 14, 15)
    ]
    [ceasefire] = track(events)
    states = [h.state for h in ceasefire.history]
    assert states[:2] == ["made", "violated"]
    assert states[-1] == "collapsed"
    assert ceasefire.collapsed[0].date == "2020-10-15"


def test_a_ceasefire_followed_by_clashes_outside_its_parties_and_area_stays_made() -> None:
    events = [
        ev("ARM", "AZE", "0871", "2020-10-10", "Armenia and Azerbaijan agreed a ceasefire in Moscow.",
           doc="a", place="Moscow"),
        ev("SYR", "REBELS", "194", "2020-10-12", "Syrian forces shelled rebels near Saraqib.", doc="b",
           place="Saraqib"),
    ]
    [ceasefire] = track(events)
    assert ceasefire.status == "made"


def test_a_strike_on_the_city_where_a_ceasefire_was_signed_does_not_violate_it() -> None:
    events = [
        ev("RUS", "TUR", "0871", "2020-03-05", "Putin and Erdogan agreed in Moscow on a ceasefire in Idlib.",
           doc="a", place="Moscow"),
        ev("UKR", "RUS", "183", "2023-05-30", "Drones struck Moscow.", doc="b", place="Moscow"),
        ev("SYR", "REBELS", "195", "2020-03-20", "Syrian jets bombed rebel positions in Idlib.", doc="c",
           place="Idlib"),
    ]
    [ceasefire] = track(events)
    assert [(h.date, h.state) for h in ceasefire.history] == [("2020-03-05", "made"), ("2020-03-20", "violated")]


def test_promises_denials_and_talks_without_a_deal_make_no_agreement() -> None:
    events = [
        ev("RUS", "TUR", "036", "2020-03-01", "Russia and Turkey said they would meet to discuss Idlib.", doc="a"),
        ev("RUS", "TUR", "036", "2020-03-01", "Putin and Erdogan agreed to meet next week.", doc="a2"),
        ev("RUS", "TUR", "046", "2020-03-02", "Russian and Turkish officials negotiated in Ankara.", doc="b"),
        ev("RUS", "TUR", "057", "2020-03-03", "Russia did not sign the agreement with Turkey.", doc="c",
           negated=True),
        ev("RUS", "TUR", "057", "2020-03-04", "Russia may sign a deal with Turkey.", doc="d", hypothetical=True),
    ]
    assert not any(is_making(e) for e in events)
    assert track(events) == []


def test_the_kind_is_read_from_the_evidence_else_from_the_code() -> None:
    assert kind_of(ev("A", "B", "057", "2020-01-01", "They signed a prisoner swap.")) == "exchange"
    assert kind_of(ev("A", "B", "057", "2020-01-01", "They signed a deal.")) == "deal"
    assert kind_of(ev("A", "B", "0871", "2020-01-01", "They stopped firing.")) == "ceasefire"


def test_a_later_agreement_between_the_same_parties_takes_the_events_after_it() -> None:
    events = sochi_2018() + [
        ev("RUS", "TUR", "0871", "2020-03-05", "Putin and Erdogan agreed a ceasefire in Idlib.", doc="m-1",
           place="Moscow"),
        ev("RUS", "TUR", "062", "2020-03-15", "Russian and Turkish troops held a joint patrol on the M4.",
           doc="m-2"),
    ]
    sochi, moscow = track(events)
    assert sochi.kind == "memorandum" and moscow.kind == "ceasefire"
    assert moscow.status == "implemented"
    assert events[-1].event_id not in sochi.event_ids


def test_tracking_is_the_same_whatever_the_input_order_and_round_trips() -> None:
    events = sochi_2018() + kerry_lavrov_2016()
    expected = track(events)
    shuffled = list(events)
    random.Random(3).shuffle(shuffled)
    assert track(shuffled) == expected
    for agreement in expected:
        assert Agreement.from_dict(agreement.to_dict()) == agreement
        assert agreement.to_dict()["status"] == agreement.status


def test_update_store_saves_agreements_found_in_the_stored_events(store) -> None:  # type: ignore[no-untyped-def]
    events = sochi_2018()
    articles = [Article(id=d, text="x", outlet=o) for d, o in
                [("tass-1", "TASS"), ("aa-1", "Anadolu"), ("sohr-9", "SOHR"), ("sohr-10", "SOHR")]]
    store.write_batch(articles, events)
    assert update_store(store, window_days=3).records == 1
    [made] = track(events, outlets={"tass-1": "TASS", "aa-1": "Anadolu"}, window_days=3)
    [saved] = store.agreements(party="TUR")
    assert saved["agreement_id"] == made.agreement_id
    assert saved["status"] == "violated"
    assert Agreement.from_dict(saved) == made


def test_background_in_the_article_that_reports_the_making_is_not_a_violation() -> None:
    """Regression: the article on the March 2020 ceasefire recounted the fighting that led to
    it, dated only by its publication date; that fighting must not read as a violation."""
    text = "Russia and Turkey agreed a ceasefire in Idlib."
    made = [
        ev("RUS", "TUR", "057", "2020-03-05", text, doc="moscow", place="Moscow"),
        ev("TUR", "RUS", "057", "2020-03-05", text, doc="moscow", place="Moscow"),
    ]
    background = ev(
        "TUR", "SYR", "190", "2020-03-06", "Turkish drones struck Syrian troops across Idlib.",
        doc="moscow", sentence=3, place="Idlib", date_source="published",
    )
    later = ev(
        "TUR", "SYR", "190", "2020-03-20", "Turkish drones struck Syrian troops across Idlib again.",
        doc="other", place="Idlib", date_source="published",
    )
    [alone] = [a for a in track([*made, background]) if a.kind == "ceasefire"]
    assert not alone.violated
    [followed] = [a for a in track([*made, background, later]) if a.kind == "ceasefire"]
    violating = {i for change in followed.violated for i in change.event_ids}
    assert later.event_id in violating and background.event_id not in violating


# --------------------------------------------------------------------------- incremental store updates


class RecordingStore(Store):
    """A real store that notes which dyads' events were read, to show what an update redid."""

    def __init__(self) -> None:
        super().__init__(":memory:")
        self.read_dyads: list[tuple[str, str]] = []

    def iter_dyad_events(self, a: str, b: str, **options: Any) -> Iterator[Event]:
        self.read_dyads.append((a, b))
        return super().iter_dyad_events(a, b, **options)


def _articles(events: list[Event]) -> list[Article]:
    return [Article(id=d, text="x", outlet=d.split("-")[0].upper()) for d in sorted({e.doc_id for e in events})]


def _ingest(store: Store, events: list[Event]) -> None:
    store.write_batch(_articles(events), events)
    update_derived_records(store, event_dyads(events))


def armenia_azerbaijan() -> list[Event]:
    return [
        ev("ARM", "AZE", "0871", "2020-10-10", "Armenia and Azerbaijan agreed a ceasefire.", doc="arm-1"),
        ev("AZE", "ARM", "190", "2020-10-12", "Azerbaijani forces shelled Armenian positions.", doc="arm-2"),
    ]


def test_two_ingests_of_different_dyads_give_what_a_full_recompute_gives() -> None:
    """The second batch's shelling in Idlib (Syria against rebels) violates the Sochi memorandum
    between Russia and Turkey from the first batch: agreements reach across dyads, and the
    incremental update must find that dyad to redo."""
    first, second = sochi_2018()[:3], [sochi_2018()[3], *armenia_azerbaijan()]
    with Store(":memory:") as incremental, Store(":memory:") as full:
        _ingest(incremental, first)
        _ingest(incremental, second)
        full.write_batch(_articles(first + second), first + second)
        update_derived_records(full)
        assert incremental.clusters() == full.clusters()
        assert incremental.agreements() == full.agreements()
        sochi = next(a for a in incremental.agreements() if a["parties"] == ["RUS", "TUR"])
        assert [h["state"] for h in sochi["history"]] == ["made", "violated", "violated"]
        outlets = {e.doc_id: e.doc_id.split("-")[0].upper() for e in first + second}
        assert [Agreement.from_dict(a) for a in full.agreements()] == track(first + second, outlets=outlets)


def test_an_ingest_leaves_other_dyads_derived_records_alone_and_does_not_recompute_them() -> None:
    with RecordingStore() as store:
        _ingest(store, sochi_2018())
        before = (store.clusters(a="RUS"), store.agreements(party="RUS"))
        stored = len(store.clusters())
        store.read_dyads.clear()
        clusters, agreements = update_derived_records(store, event_dyads(armenia_azerbaijan()))
        assert store.read_dyads == [("ARM", "AZE")] * 2  # nothing to redo yet: no events
        store.read_dyads.clear()
        store.write_batch(_articles(armenia_azerbaijan()), armenia_azerbaijan())
        clusters, agreements = update_derived_records(store, event_dyads(armenia_azerbaijan()))
        assert clusters.dyads == agreements.dyads == (("ARM", "AZE"),)
        assert store.read_dyads == [("ARM", "AZE"), ("ARM", "AZE")]
        assert (store.clusters(a="RUS"), store.agreements(party="RUS")) == before
        [ceasefire] = store.agreements(party="ARM")
        assert ceasefire["kind"] == "ceasefire"
        assert len(store.clusters()) == stored + 2


def test_a_full_update_clears_derived_rows_of_dyads_that_no_longer_have_events(store) -> None:  # type: ignore[no-untyped-def]
    store.save_clusters([{"cluster_id": "c-old", "source": "ARM", "target": "AZE"}])
    store.save_agreements([{"agreement_id": "a-old", "parties": ["ARM", "AZE"]}])
    _ingest(store, sochi_2018())
    assert {c["cluster_id"] for c in store.clusters(a="ARM")} == {"c-old"}
    update_derived_records(store)
    assert store.clusters(a="ARM") == [] and store.agreements(party="ARM") == []


def test_any_split_of_the_events_into_ingests_gives_the_full_recompute() -> None:
    """Batches in random order and sizes, over dyads linked by parties and by places."""
    everything = [
        *sochi_2018(),
        *kerry_lavrov_2016(),
        *armenia_azerbaijan(),
        ev("RUS", "TUR", "0871", "2020-03-05", "Russia and Turkey agreed a ceasefire in Idlib.", doc="bbc-1"),
        ev("TUR", "SYR", "190", "2020-03-20", "Turkish drones struck Syrian troops across Idlib.", doc="aj-1",
           place="Idlib", date_source="published"),
        ev("ICRC", "CIVILIANS", "073", "2020-03-25", "The ICRC evacuated civilians from Saraqib.", doc="r-5",
           place="Saraqib"),
        ev("RUS", "SYR", "057", "2020-03-24", "Russia and Syria signed a deal on Saraqib.", doc="r-6"),
    ]
    with Store(":memory:") as full:
        full.write_batch(_articles(everything), everything)
        update_derived_records(full)
        expected = (full.clusters(), full.agreements())
    assert len(expected[1]) >= 4
    for seed in range(3):
        shuffled = list(everything)
        random.Random(seed).shuffle(shuffled)
        cuts = sorted(random.Random(seed + 10).sample(range(1, len(shuffled)), 3))
        with Store(":memory:") as store:
            for lo, hi in zip([0, *cuts], [*cuts, len(shuffled)], strict=True):
                _ingest(store, shuffled[lo:hi])
            assert (store.clusters(), store.agreements()) == expected, seed


def test_a_place_with_a_sharp_s_is_found_as_written_by_the_tracker_and_by_the_store() -> None:
    from detente.agreements import Words, making_prefixes

    evidence = "The ceasefire signed on the Grenzstraße held through the night."
    assert Words(["Grenzstraße"]).find(evidence)
    assert Words(["GRENZSTRAßE"]).find(evidence)
    event = ev("ARM", "AZE", "057", "2020-11-10", evidence)
    with Store(":memory:") as store:
        store.write_batch([], [event])
        assert store.candidate_dyads(prefixes=making_prefixes(), mentioning=["Grenzstraße"]) == [("ARM", "AZE")]
