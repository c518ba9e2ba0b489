"""The verdict answers "making deals or parting ways?" in one sentence, and cites its events."""

from __future__ import annotations

from datetime import date

from detente.agreements import track
from detente.analysis.relations import DyadSeries, Period, dyad_series
from detente.analysis.trends import trend, turning_points
from detente.analysis.verdict import MAKING_DEALS, MIXED, PARTING_WAYS, TOO_FEW, verdict
from detente.coding.cameo import CameoTable
from detente.records import Actor, Article, Event, Evidence, Location, event_id

GOLDSTEIN = {1: 3.0, 2: 7.0, 3: -4.0, 4: -10.0}


def period(month: int, quads: dict[int, int], *, year: int = 2020) -> Period:
    """A month of a RUS-TUR series with ``quads`` events per quad class and their ids."""
    n = sum(quads.values())
    gsum = sum(GOLDSTEIN[q] * k for q, k in quads.items())
    ids = [f"e{year}{month:02d}q{q}n{i}" for q, k in sorted(quads.items()) for i in range(k)]
    return Period(
        period=f"{year}-{month:02d}",
        start=date(year, month, 1),
        events=n,
        quad={q: quads.get(q, 0) for q in (1, 2, 3, 4)},
        goldstein_sum=gsum,
        goldstein_mean=gsum / n if n else 0.0,
        balance=((quads.get(1, 0) + quads.get(2, 0)) - (quads.get(3, 0) + quads.get(4, 0))) / n if n else 0.0,
        event_ids=ids,
    )


def series(*periods: Period) -> DyadSeries:
    return DyadSeries(a="RUS", b="TUR", freq="month", directed=False, periods=list(periods))


def test_a_dyad_of_meetings_and_agreements_is_making_deals() -> None:
    s = series(period(1, {1: 6, 2: 2}), period(2, {1: 5, 3: 1}), period(3, {1: 4, 2: 1}))
    v = verdict(s)
    assert v.label == MAKING_DEALS
    assert v.headline.startswith("RUS and TUR are making deals: 19 events over 2020-01 to 2020-03")
    assert "18 cooperative (95%)" in v.headline


def test_recent_fighting_after_a_cooperative_year_is_parting_ways() -> None:
    s = series(
        period(1, {1: 10, 2: 5}), period(2, {1: 8}), period(3, {1: 2}),
        period(4, {3: 3, 4: 4}), period(5, {4: 3}), period(6, {3: 2, 4: 1, 1: 1}),
    )
    fitted = trend(s)
    assert fitted.direction == "cooling"
    v = verdict(s, trend=fitted)
    assert v.label == PARTING_WAYS
    assert v.basis == "recent"
    assert "in the last 3 months 1 of 14 were cooperative (7%)" in v.headline
    assert f"trend cooling ({fitted.slope:+.2f} mean Goldstein per month)" in v.headline
    [trend_reason] = [r for r in v.reasons if r.text.startswith("Trend cooling")]
    assert set(trend_reason.event_ids) == {i for p in s.periods[-3:] for i in p.event_ids}
    assert "26 cooperative (67%)" in v.headline  # the whole range still shows the good months


def test_joint_patrols_alongside_clashes_are_mixed() -> None:
    s = series(period(3, {2: 3, 4: 3, 1: 4}))
    assert verdict(s).label == MIXED


def test_four_events_are_too_few_to_say() -> None:
    v = verdict(series(period(1, {4: 2}), period(2, {1: 2})))
    assert v.label == TOO_FEW
    assert "4 events" in v.headline and "at least 5" in v.headline


def test_an_empty_series_says_there_is_nothing_to_go_on() -> None:
    v = verdict(series(period(1, {})))
    assert v.label == TOO_FEW
    assert v.reasons == []


def test_without_events_the_reasons_cite_the_best_and_worst_periods() -> None:
    s = series(period(1, {1: 5, 2: 3}), period(2, {4: 4, 3: 1}))
    v = verdict(s)
    texts = [r.text for r in v.reasons]
    assert texts[0].startswith("Most cooperative month: 2020-01")
    assert v.reasons[0].event_ids == s.periods[0].event_ids
    assert texts[1].startswith("Most conflictual month: 2020-02")
    assert v.reasons[1].event_ids == s.periods[1].event_ids


def test_turning_points_become_reasons_with_their_events() -> None:
    s = series(period(1, {1: 5}), period(2, {1: 6}), period(3, {4: 5}), period(4, {4: 6}))
    points = turning_points(s)
    assert points, "a fall from +3 to -10 is a turning point"
    v = verdict(s, turning_points=points)
    [reason] = [r for r in v.reasons if r.text.startswith("Turning point")]
    assert reason.event_ids == points[0].event_ids
    assert "2020-03" in reason.text and "relations started cooling" in reason.text
    assert "+3.0 before, -10.0 after" in reason.text


def ev(src: str, tgt: str, cameo: str, when: str, text: str, *, doc: str, place: str | None = None) -> Event:
    entry = CameoTable.load().get(cameo)
    return Event(
        id=doc, event_id=event_id(doc, 0, src, tgt, cameo), doc_id=doc, sentence=0,
        source=Actor(src, src, src, src), target=Actor(tgt, tgt, tgt, tgt), cameo=cameo, root=entry.root,
        quad=entry.quad, goldstein=entry.goldstein, evidence=Evidence(text, 0, len(text)), date=when,
        date_precision="day", date_source="text", location=Location(place) if place else None,
    )


def idlib_2020() -> list[Event]:
    return [
        ev("TUR", "RUS", "111", "2020-02-10", "Turkey criticised Russia over Idlib.", doc="a"),
        ev("RUS", "TUR", "195", "2020-02-27", "Russian jets struck Turkish troops near Saraqib.", doc="b",
           place="Saraqib"),
        ev("TUR", "RUS", "042", "2020-03-05", "Erdogan travelled to Moscow to meet Putin.", doc="c",
           place="Moscow"),
        ev("RUS", "TUR", "0871", "2020-03-05", "Putin and Erdogan agreed a ceasefire in Idlib.", doc="d",
           place="Moscow"),
        ev("RUS", "TUR", "062", "2020-03-15", "Russian and Turkish troops held a joint patrol on the M4.",
           doc="e"),
        ev("RUS", "TUR", "062", "2020-04-15", "Russian and Turkish troops held a second joint patrol.", doc="f"),
    ]


def test_the_idlib_spring_verdict_cites_strongest_events_and_the_latest_agreement(store) -> None:  # type: ignore[no-untyped-def]
    events = idlib_2020()
    store.write_batch([Article(id=e.doc_id, text=e.evidence.text) for e in events], events)
    s = dyad_series(store, "RUS", "TUR", freq="month")
    agreements = track(events)
    v = verdict(s, agreements=[a.to_dict() for a in agreements], events=events)
    strike, ceasefire, patrol = events[1], events[3], events[4]
    by_start = {r.text.split(":")[0]: r for r in v.reasons}
    assert by_start["Strongest conflict"].event_ids == [strike.event_id]
    assert "Saraqib" in by_start["Strongest conflict"].text
    assert by_start["Strongest cooperation"].event_ids == [ceasefire.event_id]
    latest = by_start["Latest agreement"]
    assert "ceasefire" in latest.text and "now implemented since 2020-04-15" in latest.text
    assert ceasefire.event_id in latest.event_ids
    assert events[5].event_id in latest.event_ids
    assert patrol.event_id not in latest.event_ids
    assert v.label == MAKING_DEALS
    assert v.to_dict()["label"] == MAKING_DEALS
