"""Dyad series: counts, Goldstein, balance and event ids per period, computed in the store."""

from __future__ import annotations

from pathlib import Path

import pytest

from detente.analysis.relations import dyad_series
from detente.errors import InvalidQuery
from detente.records import Actor, Event, Evidence, event_id
from detente.store.db import Store

CODES = {1: ("042", 1.9), 2: ("061", 6.4), 3: ("111", -2.0), 4: ("190", -10.0)}


def ev(
    n: int,
    source: str,
    target: str,
    quad: int,
    date: str | None,
    *,
    precision: str = "day",
    doc: str = "d",
    **flags: bool,
) -> Event:
    cameo, goldstein = CODES[quad]
    return Event(
        id=doc,
        event_id=event_id(doc, n, source, target, cameo),
        doc_id=doc,
        sentence=n,
        source=Actor(source, source, source),
        target=Actor(target, target, target),
        cameo=cameo,
        root=cameo[:2],
        quad=quad,
        goldstein=goldstein,
        evidence=Evidence("s", 0, 1),
        date=date,
        date_precision=precision,  # type: ignore[arg-type]
        **flags,
    )


@pytest.fixture
def rus_tur(store: Store) -> Store:
    store.upsert_events(
        [
            ev(0, "RUS", "TUR", 1, "2019-01-03"),
            ev(1, "TUR", "RUS", 4, "2019-01-20"),
            ev(2, "RUS", "TUR", 2, "2019-01-21"),
            ev(3, "RUS", "TUR", 3, "2019-04-02"),
            ev(4, "RUS", "TUR", 1, "2019-04", precision="month"),
            ev(5, "RUS", "TUR", 4, "2019", precision="year"),
            ev(6, "RUS", "TUR", 4, "2019-02-01", negated=True),
            ev(7, "RUS", "TUR", 4, "2019-02-02", hypothetical=True),
            ev(8, "RUS", "SYR", 4, "2019-02-03"),
            ev(9, "RUS", "TUR", 1, None),
        ]
    )
    return store


def test_monthly_series_counts_both_directions_and_fills_gaps(rus_tur: Store) -> None:
    s = dyad_series(rus_tur, "RUS", "TUR")
    assert [p.period for p in s.periods] == ["2019-01", "2019-02", "2019-03", "2019-04"]
    jan, feb, mar, apr = s.periods
    assert jan.events == 3 and jan.quad == {1: 1, 2: 1, 3: 0, 4: 1}
    assert jan.goldstein_sum == pytest.approx(1.9 + 6.4 - 10.0)
    assert jan.goldstein_mean == pytest.approx((1.9 + 6.4 - 10.0) / 3)
    assert jan.balance == pytest.approx((2 - 1) / 3)
    assert feb.events == 0 and mar.events == 0 and feb.event_ids == []
    assert apr.events == 2 and apr.balance == 0.0
    assert s.excluded_imprecise == 1  # the event known only as "in 2019"


def test_event_ids_back_every_period(rus_tur: Store) -> None:
    s = dyad_series(rus_tur, "RUS", "TUR")
    ids = [i for p in s.periods for i in p.event_ids]
    assert len(ids) == s.total_events == 5
    for p in s.periods:
        for i in p.event_ids:
            assert rus_tur.event(i).date.startswith(p.period)  # type: ignore[union-attr]


def test_directed_series_counts_only_a_towards_b(rus_tur: Store) -> None:
    there = dyad_series(rus_tur, "RUS", "TUR", directed=True)
    back = dyad_series(rus_tur, "TUR", "RUS", directed=True)
    assert there.total_events == 4
    assert back.total_events == 1 and back.periods[0].quad[4] == 1


def test_flagged_events_are_excluded_unless_asked_for(rus_tur: Store) -> None:
    assert dyad_series(rus_tur, "RUS", "TUR").total_events == 5
    assert dyad_series(rus_tur, "RUS", "TUR", include_flagged=True).total_events == 7


def test_yearly_series_includes_year_precision_events(rus_tur: Store) -> None:
    s = dyad_series(rus_tur, "RUS", "TUR", freq="year")
    assert [(p.period, p.events) for p in s.periods] == [("2019", 6)]
    assert s.excluded_imprecise == 0


def test_weekly_series_uses_iso_weeks_and_day_precision_only(rus_tur: Store) -> None:
    s = dyad_series(rus_tur, "RUS", "TUR", freq="week")
    assert s.periods[0].period == "2019-W01"
    assert s.periods[-1].period == "2019-W14"
    assert len(s.periods) == 14
    assert s.total_events == 4
    assert s.excluded_imprecise == 2


def test_range_bounds_give_empty_periods_at_both_ends(rus_tur: Store) -> None:
    s = dyad_series(rus_tur, "RUS", "TUR", date_from="2018-12", date_to="2019-02")
    assert [(p.period, p.events) for p in s.periods] == [("2018-12", 0), ("2019-01", 3), ("2019-02", 0)]


def test_unknown_dyad_gives_an_empty_series(rus_tur: Store) -> None:
    assert dyad_series(rus_tur, "USA", "CHN").periods == []


def test_to_dict_matches_the_api_shape(rus_tur: Store) -> None:
    body = dyad_series(rus_tur, "RUS", "TUR").to_dict()
    assert body["a"] == "RUS" and body["b"] == "TUR" and body["freq"] == "month"
    first = body["series"][0]
    assert set(first) == {
        "period",
        "events",
        "quad",
        "goldstein_sum",
        "goldstein_mean",
        "balance",
        "event_ids",
    }
    assert first["quad"] == {"1": 1, "2": 1, "3": 0, "4": 1}


@pytest.mark.parametrize(
    "kwargs", [{"freq": "day"}, {"date_from": "soon"}, {"date_from": "2020", "date_to": "2019"}]
)
def test_bad_parameters_raise_invalid_query(rus_tur: Store, kwargs: dict[str, str]) -> None:
    with pytest.raises(InvalidQuery):
        dyad_series(rus_tur, "RUS", "TUR", **kwargs)  # type: ignore[arg-type]


def test_series_is_the_same_after_clustering_the_store(tmp_path: Path) -> None:
    events = [
        ev(
            i,
            ("RUS", "TUR", "USA")[i % 3],
            ("TUR", "RUS", "SYR")[i % 3 if i % 5 else 0],
            1 + i % 4,
            f"2019-{1 + i % 12:02d}-{1 + i % 28:02d}",
        )
        for i in range(300)
    ]
    with Store(tmp_path / "s.duckdb") as s:
        s.upsert_events(events)
        before = dyad_series(s, "RUS", "TUR").to_dict()
        s.optimize()
        assert dyad_series(s, "RUS", "TUR").to_dict() == before
        assert before["series"]
