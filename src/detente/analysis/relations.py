"""How two actors relate over time: a dyad series of events per period.

The question analysts ask is "are these two powers making deals or parting ways?". A
series answers it per period (week, month, year) with the counts by quad class, the
Goldstein sum and mean, and a cooperation-conflict balance, and it keeps the ids of the
events behind every number, so each claim can be traced to the sentences that support it.

Choices, and why:

- Aggregation runs in SQL (``GROUP BY date_trunc``) inside DuckDB, so a dyad query over a
  store of millions of events reads only two columns' worth of data and returns in
  milliseconds; Python only fills the empty periods.
- Negated and hypothetical events are left out by default: they did not happen
  ("Turkey did not sign", "Russia may send troops").
- Events whose date is coarser than the period are left out and counted in
  ``excluded_imprecise``: an event known only to have happened "in 2019" would otherwise
  pile up in January and fake a spike. A yearly series includes them.
- Periods with no events inside the range appear with zeros: a silence is information.
- ``directed=False`` (the default) counts both directions (A→B and B→A), which is what a
  relation is; ``directed=True`` counts only what ``a`` did to ``b``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any, Literal

import duckdb

from detente.errors import InvalidQuery, StoreError
from detente.store.db import dyad_key, parse_day

if TYPE_CHECKING:
    from detente.store.db import Store

Freq = Literal["week", "month", "year"]
FREQS: tuple[str, ...] = ("week", "month", "year")

#: A series longer than this is a mistake in the range (``date_from="0001"``), not a question.
MAX_PERIODS = 20_000

#: Which date precisions may be placed in a period of each length.
_PRECISIONS: dict[str, tuple[str, ...]] = {
    "week": ("day",),
    "month": ("day", "month"),
    "year": ("day", "month", "year"),
}


@dataclass(frozen=True)
class Period:
    """One period of a dyad series. ``balance`` = (cooperation - conflict) / events, in -1..1."""

    period: str
    start: date
    events: int
    quad: dict[int, int]
    goldstein_sum: float
    goldstein_mean: float
    balance: float
    event_ids: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "period": self.period,
            "events": self.events,
            "quad": {str(q): n for q, n in sorted(self.quad.items())},
            "goldstein_sum": self.goldstein_sum,
            "goldstein_mean": self.goldstein_mean,
            "balance": self.balance,
            "event_ids": list(self.event_ids),
        }


@dataclass(frozen=True)
class DyadSeries:
    """A dyad's periods in time order; ``to_dict`` is the API's ``/api/dyads/{a}/{b}`` body."""

    a: str
    b: str
    freq: str
    directed: bool
    periods: list[Period]
    excluded_imprecise: int = 0

    @property
    def total_events(self) -> int:
        return sum(p.events for p in self.periods)

    def to_dict(self) -> dict[str, Any]:
        return {
            "a": self.a,
            "b": self.b,
            "freq": self.freq,
            "directed": self.directed,
            "series": [p.to_dict() for p in self.periods],
            "excluded_imprecise": self.excluded_imprecise,
        }


def period_label(start: date, freq: str) -> str:
    """``2019-04`` for a month, ``2019`` for a year, the ISO week ``2019-W17`` for a week."""
    if freq == "year":
        return f"{start.year:04d}"
    if freq == "month":
        return f"{start.year:04d}-{start.month:02d}"
    iso = start.isocalendar()
    return f"{iso.year:04d}-W{iso.week:02d}"


def period_start(day: date, freq: str) -> date:
    """First day of the period containing ``day`` (Monday for weeks, as ``date_trunc``)."""
    if freq == "year":
        return date(day.year, 1, 1)
    if freq == "month":
        return date(day.year, day.month, 1)
    return day - timedelta(days=day.weekday())


def next_period(start: date, freq: str) -> date:
    if freq == "year":
        return date(start.year + 1, 1, 1)
    if freq == "month":
        return date(start.year + (start.month == 12), start.month % 12 + 1, 1)
    return start + timedelta(days=7)


# One scan: events too coarse for the period are counted (``imprecise``) but not aggregated.
# {freq} and {precisions} are filled from the closed sets FREQS/_PRECISIONS (checked before),
# never from user text, so the planner sees constants; user values stay bound parameters.
_SERIES_SQL = """
WITH sel AS (
    SELECT date_trunc('{freq}', day)::DATE AS p, day, quad, goldstein, event_id,
           coalesce(date_precision, 'day') IN ({precisions}) AS precise
    FROM events
    WHERE {dyad}
      AND day IS NOT NULL AND day >= ? AND day <= ?
      AND (? OR (NOT negated AND NOT hypothetical))
)
SELECT p,
       count(*) FILTER (WHERE precise) AS n,
       count(*) FILTER (WHERE precise AND quad = 1) AS q1,
       count(*) FILTER (WHERE precise AND quad = 2) AS q2,
       count(*) FILTER (WHERE precise AND quad = 3) AS q3,
       count(*) FILTER (WHERE precise AND quad = 4) AS q4,
       sum(goldstein) FILTER (WHERE precise) AS gsum,
       list(event_id ORDER BY day, event_id) FILTER (WHERE precise) AS ids,
       count(*) FILTER (WHERE NOT precise) AS imprecise
FROM sel
GROUP BY p
ORDER BY p
"""

_DIRECTED = "dyad = ? AND source_principal = ? AND target_principal = ?"
_UNDIRECTED = "dyad = ?"


def dyad_series(
    store: Store,
    a: str,
    b: str,
    *,
    freq: str = "month",
    date_from: str | date | None = None,
    date_to: str | date | None = None,
    directed: bool = False,
    include_flagged: bool = False,
) -> DyadSeries:
    """The relation between principals ``a`` and ``b`` per ``freq`` period.

    Example::

        s = dyad_series(store, "RUS", "TUR", freq="month", date_from="2019")
        [(p.period, p.events, p.balance) for p in s.periods]
    """
    if freq not in FREQS:
        raise InvalidQuery(f"freq={freq!r} is not a period: use week, month or year")
    if not a or not b:
        raise InvalidQuery("a dyad needs two principals, such as RUS and TUR")
    lo = parse_day(date_from, name="date_from") or date(1, 1, 1)
    hi = parse_day(date_to, name="date_to", end=True) or date(9999, 12, 31)
    if lo > hi:
        raise InvalidQuery(f"date_from={date_from!r} is after date_to={date_to!r}")
    key = dyad_key(a, b)
    dyad, dyad_params = (_DIRECTED, [key, a, b]) if directed else (_UNDIRECTED, [key])
    params = [*dyad_params, lo, hi, include_flagged]
    sql = _SERIES_SQL.format(dyad=dyad, freq=freq, precisions=", ".join(f"'{p}'" for p in _PRECISIONS[freq]))
    cur = store.cursor()
    try:
        rows = cur.execute(sql, params).fetchall()
    except duckdb.Error as exc:
        raise StoreError(f"dyad query failed: {exc}") from exc
    finally:
        cur.close()

    found: dict[date, Period] = {}
    imprecise = 0
    for p, n, q1, q2, q3, q4, gsum, ids, coarse in rows:
        imprecise += int(coarse)
        n = int(n)
        if not n:
            continue
        gsum = float(gsum or 0.0)
        found[p] = Period(
            period=period_label(p, freq),
            start=p,
            events=n,
            quad={1: int(q1), 2: int(q2), 3: int(q3), 4: int(q4)},
            goldstein_sum=round(gsum, 6),
            goldstein_mean=round(gsum / n, 6) if n else 0.0,
            balance=round(((q1 + q2) - (q3 + q4)) / n, 6) if n else 0.0,
            event_ids=list(ids or []),
        )
    periods: list[Period] = []
    if found or date_from is not None and date_to is not None:
        first = period_start(lo if date_from is not None else min(found), freq)
        last = period_start(hi if date_to is not None else max(found), freq)
        if _span(first, last, freq) > MAX_PERIODS:
            raise InvalidQuery(f"{first}..{last} is more than {MAX_PERIODS} {freq}s: narrow the range")
        cursor = first
        while cursor <= last:
            periods.append(found.get(cursor) or _empty(cursor, freq))
            cursor = next_period(cursor, freq)
    return DyadSeries(
        a=a, b=b, freq=freq, directed=directed, periods=periods, excluded_imprecise=int(imprecise)
    )


def _span(first: date, last: date, freq: str) -> int:
    if freq == "year":
        return last.year - first.year + 1
    if freq == "month":
        return (last.year - first.year) * 12 + last.month - first.month + 1
    return (last - first).days // 7 + 1


def _empty(start: date, freq: str) -> Period:
    return Period(
        period=period_label(start, freq),
        start=start,
        events=0,
        quad={1: 0, 2: 0, 3: 0, 4: 0},
        goldstein_sum=0.0,
        goldstein_mean=0.0,
        balance=0.0,
        event_ids=[],
    )
