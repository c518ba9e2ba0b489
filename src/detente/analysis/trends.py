"""Which way a relation is going, and when it changed: trend and turning points of a dyad series.

Both work on a :class:`~detente.analysis.relations.DyadSeries` and read one per-period
measure, ``goldstein_mean`` (default, -10..10) or ``balance`` (-1..1). Periods without
events carry no information about the level of the relation, so they get no weight, and
every period counts in proportion to its number of events: a month with 40 reports says
more than a month with one.

Trend (:func:`trend`)
    Weighted least-squares line through (period index, measure), weights = events. The
    ``change`` is the fitted rise over the span of the series (slope x periods). The
    relation is "warming" or "cooling" only when both hold: the change is at least
    ``min_change`` (default: the ``turning_point_min_shift`` setting for Goldstein, a tenth
    of it for balance) and the slope is at least twice its standard error; otherwise it is
    "stable". The second test keeps a handful of scattered reports from calling a trend,
    and fewer than three periods with events are always "stable" (two points make a line
    but not a trend).

Turning points (:func:`turning_points`)
    At each boundary between periods, compare the event-weighted mean of the ``window``
    periods before it with that of the ``window`` periods after it. A boundary is a
    candidate when the shift is at least ``min_shift`` and each side has at least
    ``min_events`` events. Candidates closer than ``window`` periods to a larger one are
    dropped (one break is reported once, where it is sharpest). Each turning point carries
    the ids of the events of the first period after the break that has events: the reports
    to read to see what changed.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from itertools import pairwise
from typing import Any, Literal

from detente.analysis.relations import DyadSeries, Period
from detente.errors import InvalidQuery
from detente.settings import Settings, load_settings

Direction = Literal["warming", "cooling", "stable"]
MEASURES = ("goldstein_mean", "balance")

#: Balance runs -1..1 where the Goldstein mean runs -10..10: thresholds scale by this.
_SCALE = {"goldstein_mean": 1.0, "balance": 0.1}


@dataclass(frozen=True)
class Trend:
    """The fitted direction of a relation; ``change`` is in the units of ``measure``."""

    direction: Direction
    slope: float
    change: float
    stderr: float | None
    measure: str
    periods: int
    events: int
    min_change: float

    def to_dict(self) -> dict[str, Any]:
        return {
            "direction": self.direction,
            "slope": self.slope,
            "change": self.change,
            "stderr": self.stderr,
            "measure": self.measure,
            "periods": self.periods,
            "events": self.events,
            "min_change": self.min_change,
        }


@dataclass(frozen=True)
class TurningPoint:
    """A break in a relation: the mean ``before`` and ``after`` the start of ``period``."""

    period: str
    before: float
    after: float
    shift: float
    direction: Literal["warming", "cooling"]
    event_ids: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "period": self.period,
            "before": self.before,
            "after": self.after,
            "shift": self.shift,
            "direction": self.direction,
            "event_ids": list(self.event_ids),
        }


def _values(series: DyadSeries, measure: str) -> list[tuple[float, float]]:
    """(value, weight) per period; weight is the event count (0 for an empty period)."""
    if measure not in MEASURES:
        raise InvalidQuery(f"measure={measure!r}: use one of {', '.join(MEASURES)}")
    return [(float(getattr(p, measure)), float(p.events)) for p in series.periods]


def _default_shift(measure: str, settings: Settings | None) -> float:
    s = settings if settings is not None else load_settings()
    return float(s.turning_point_min_shift) * _SCALE[measure]


def trend(
    series: DyadSeries,
    *,
    measure: str = "goldstein_mean",
    min_change: float | None = None,
    settings: Settings | None = None,
) -> Trend:
    """Is the relation warming, cooling or stable? (Method in the module docstring.)"""
    values = _values(series, measure)
    threshold = min_change if min_change is not None else _default_shift(measure, settings)
    points = [(float(t), y, w) for t, (y, w) in enumerate(values) if w > 0]
    events = int(sum(w for _, _, w in points))
    if len(points) < 2:
        return Trend("stable", 0.0, 0.0, None, measure, len(points), events, threshold)
    sw = sum(w for _, _, w in points)
    t_mean = sum(t * w for t, _, w in points) / sw
    y_mean = sum(y * w for _, y, w in points) / sw
    sxx = sum(w * (t - t_mean) ** 2 for t, _, w in points)
    sxy = sum(w * (t - t_mean) * (y - y_mean) for t, y, w in points)
    slope = sxy / sxx
    stderr: float | None = None
    if len(points) > 2:
        # Var(mean of a period) ~ sigma^2 / events; sigma^2 is estimated from the weighted
        # residuals (the usual WLS estimate), so the standard error is sqrt(sigma^2 / Sxx).
        rss = sum(w * (y - (y_mean + slope * (t - t_mean))) ** 2 for t, y, w in points)
        stderr = math.sqrt(rss / (len(points) - 2) / sxx)
    span = points[-1][0] - points[0][0]
    change = slope * span
    significant = stderr is None or stderr == 0.0 or abs(slope) >= 2.0 * stderr
    direction: Direction = "stable"
    if abs(change) >= threshold and significant and len(points) > 2:
        direction = "warming" if slope > 0 else "cooling"
    return Trend(
        direction=direction,
        slope=round(slope, 6),
        change=round(change, 6),
        stderr=round(stderr, 6) if stderr is not None else None,
        measure=measure,
        periods=len(points),
        events=events,
        min_change=threshold,
    )


def _weighted_mean(window: list[tuple[float, float]]) -> tuple[float, float]:
    total = sum(w for _, w in window)
    if total <= 0:
        return 0.0, 0.0
    return sum(y * w for y, w in window) / total, total


def _period_noise(values: list[tuple[float, float]]) -> float:
    """Robust standard deviation of one period's value, from successive differences."""
    present = [y for y, w in values if w > 0]
    diffs = sorted(abs(b - a) for a, b in pairwise(present))
    if not diffs:
        return 0.0
    mid = len(diffs) // 2
    median = diffs[mid] if len(diffs) % 2 else (diffs[mid - 1] + diffs[mid]) / 2
    return median / 0.6745 / math.sqrt(2.0)


def turning_points(
    series: DyadSeries,
    *,
    min_shift: float | None = None,
    window: int = 3,
    min_events: int = 3,
    z: float = 4.0,
    measure: str = "goldstein_mean",
    settings: Settings | None = None,
) -> list[TurningPoint]:
    """Where the relation changed level or direction, oldest first. (Method in the module docstring.)

    ``min_shift`` defaults to the ``turning_point_min_shift`` setting (Goldstein points;
    a tenth of it when ``measure="balance"``).
    """
    if window < 1:
        raise InvalidQuery(f"window={window!r} must be at least 1 period")
    values = _values(series, measure)
    threshold = min_shift if min_shift is not None else _default_shift(measure, settings)
    threshold = max(threshold, z * _period_noise(values) * math.sqrt(2.0 / window))
    periods: list[Period] = series.periods
    candidates: list[tuple[float, int, float, float]] = []
    for i in range(1, len(values)):
        before, n_before = _weighted_mean(values[max(0, i - window) : i])
        after, n_after = _weighted_mean(values[i : i + window])
        if n_before < min_events or n_after < min_events:
            continue
        shift = after - before
        if abs(shift) >= threshold:
            candidates.append((shift, i, before, after))
    kept: list[tuple[float, int, float, float]] = []
    for cand in sorted(candidates, key=lambda c: (-abs(c[0]), c[1])):
        if all(abs(cand[1] - k[1]) >= window for k in kept):
            kept.append(cand)
    points = []
    for shift, i, before, after in sorted(kept, key=lambda c: c[1]):
        backing = next((p for p in periods[i : i + window] if p.events), periods[i])
        points.append(
            TurningPoint(
                period=backing.period,
                before=round(before, 6),
                after=round(after, 6),
                shift=round(shift, 6),
                direction="warming" if shift > 0 else "cooling",
                event_ids=list(backing.event_ids),
            )
        )
    return points
