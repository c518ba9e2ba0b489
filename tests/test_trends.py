"""Trend and turning points on constructed series: a clear break is found, noise is not."""

from __future__ import annotations

import random
from datetime import date

import pytest

from detente.analysis.relations import DyadSeries, Period, dyad_series
from detente.analysis.trends import trend, turning_points
from detente.errors import InvalidQuery
from detente.records import Actor, Event, Evidence, event_id
from detente.store.db import Store


def series(means: list[float], counts: list[int] | int = 10) -> DyadSeries:
    """A monthly series from 2019-01 with the given Goldstein means and event counts."""
    ns = counts if isinstance(counts, list) else [counts] * len(means)
    periods = []
    for i, (m, n) in enumerate(zip(means, ns, strict=True)):
        start = date(2019 + i // 12, 1 + i % 12, 1)
        coop = round(n * (m + 10) / 20)
        periods.append(
            Period(
                period=f"{start.year}-{start.month:02d}",
                start=start,
                events=n,
                quad={1: coop, 2: 0, 3: 0, 4: n - coop},
                goldstein_sum=m * n,
                goldstein_mean=m if n else 0.0,
                balance=((2 * coop - n) / n) if n else 0.0,
                event_ids=[f"e{i}-{k}" for k in range(n)],
            )
        )
    return DyadSeries(a="RUS", b="TUR", freq="month", directed=False, periods=periods)


def test_a_rising_relation_is_warming() -> None:
    t = trend(series([-4 + 0.5 * i for i in range(12)]))
    assert t.direction == "warming"
    assert t.slope == pytest.approx(0.5)
    assert t.change == pytest.approx(5.5)


def test_a_falling_relation_is_cooling() -> None:
    assert trend(series([3 - 0.4 * i for i in range(12)])).direction == "cooling"


def test_noise_around_a_level_is_stable() -> None:
    rng = random.Random(7)
    for _ in range(20):
        assert trend(series([1.0 + rng.uniform(-1.5, 1.5) for _ in range(24)])).direction == "stable"


def test_a_small_change_is_stable_below_the_threshold() -> None:
    t = trend(series([0.05 * i for i in range(12)]))
    assert t.change == pytest.approx(0.55)
    assert t.direction == "stable"
    assert trend(series([0.05 * i for i in range(12)]), min_change=0.5).direction == "warming"


def test_periods_without_events_carry_no_weight() -> None:
    means = [2.0, 2.0, 0.0, 0.0, 0.0, 2.0, 2.0]
    assert trend(series(means, [10, 10, 0, 0, 0, 10, 10])).direction == "stable"
    assert trend(series(means, [10, 10, 0, 0, 0, 10, 10])).events == 40


def test_too_little_data_is_stable() -> None:
    assert trend(series([5.0], [3])).direction == "stable"
    assert trend(DyadSeries("RUS", "TUR", "month", False, [])).direction == "stable"


def test_balance_measure_uses_a_scaled_threshold() -> None:
    t = trend(series([-8 + 1.5 * i for i in range(12)]), measure="balance")
    assert t.measure == "balance"
    assert t.min_change == pytest.approx(0.2)
    assert t.direction == "warming"


def test_a_clear_break_is_found_once_with_its_events() -> None:
    means = [3.0] * 8 + [-5.0] * 8
    points = turning_points(series(means))
    assert len(points) == 1
    tp = points[0]
    assert tp.period == "2019-09"
    assert tp.direction == "cooling"
    assert tp.before == pytest.approx(3.0) and tp.after == pytest.approx(-5.0)
    assert tp.shift == pytest.approx(-8.0)
    assert tp.event_ids == [f"e8-{k}" for k in range(10)]


def test_a_rise_and_a_fall_are_two_turning_points() -> None:
    means = [-4.0] * 6 + [4.0] * 6 + [-4.0] * 6
    points = turning_points(series(means))
    assert [(p.period, p.direction) for p in points] == [("2019-07", "warming"), ("2020-01", "cooling")]


def test_noise_below_the_minimum_shift_gives_no_turning_points() -> None:
    rng = random.Random(11)
    for _ in range(20):
        noisy = [0.5 + rng.uniform(-1.0, 1.0) for _ in range(36)]
        assert turning_points(series(noisy, 15)) == []


def test_large_noise_rarely_passes_for_a_turning_point() -> None:
    # Noise as large as the minimum shift: the threshold rises with the series' own noise.
    rng = random.Random(5)
    flagged = sum(
        bool(turning_points(series([0.5 + rng.uniform(-2.0, 2.0) for _ in range(36)], 15)))
        for _ in range(100)
    )
    assert flagged <= 6


def test_a_break_in_noisy_series_is_still_found() -> None:
    rng = random.Random(3)
    found = 0
    for _ in range(50):
        means = [3.0 + rng.uniform(-2, 2) for _ in range(12)] + [-5.0 + rng.uniform(-2, 2) for _ in range(12)]
        points = turning_points(series(means, 15))
        found += [p.period for p in points] == ["2020-01"]
    assert found >= 45


def test_a_break_on_too_few_events_is_not_reported() -> None:
    means = [3.0] * 4 + [-5.0] * 4
    assert turning_points(series(means, [1] * 8), min_events=5) == []
    assert turning_points(series(means, [1] * 8), min_events=2) != []


def test_turning_point_after_a_gap_is_backed_by_the_next_period_with_events() -> None:
    means = [3.0] * 5 + [0.0] + [-5.0] * 5
    counts = [10] * 5 + [0] + [10] * 5
    points = turning_points(series(means, counts))
    assert len(points) == 1
    assert points[0].event_ids and all(i.startswith("e6-") for i in points[0].event_ids)


def test_bad_options_raise_invalid_query() -> None:
    with pytest.raises(InvalidQuery):
        trend(series([1.0, 2.0]), measure="vibes")
    with pytest.raises(InvalidQuery):
        turning_points(series([1.0, 2.0]), window=0)


def test_break_in_stored_events_is_found_end_to_end(store: Store) -> None:
    events = []
    for month in range(1, 13):
        code, quad, g = ("057", 1, 8.0) if month <= 6 else ("190", 4, -10.0)
        for k in range(5):
            doc = f"m{month}-{k}"
            events.append(
                Event(
                    id=doc,
                    event_id=event_id(doc, 0, "RUS", "TUR", code),
                    doc_id=doc,
                    sentence=0,
                    source=Actor("Russia", "RUS", "RUS"),
                    target=Actor("Turkey", "TUR", "TUR"),
                    cameo=code,
                    root=code[:2],
                    quad=quad,
                    goldstein=g,
                    evidence=Evidence("s", 0, 1),
                    date=f"2019-{month:02d}-{10 + k:02d}",
                    date_precision="day",
                )
            )
    store.upsert_events(events)
    s = dyad_series(store, "RUS", "TUR")
    assert trend(s).direction == "cooling"
    (tp,) = turning_points(s)
    assert tp.period == "2019-07"
    assert sorted(tp.event_ids) == sorted(e.event_id for e in events if e.date.startswith("2019-07"))  # type: ignore[union-attr]
