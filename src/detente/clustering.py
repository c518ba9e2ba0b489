"""The clustering rules as a state machine: reports in, one cluster number per report out.

:mod:`detente.merge` states the rules (which reports of a dyad are one event). This module
runs them, and owns only what the decision needs: a report's dyad, code, modality, place
and date span (:class:`Report`), and each open cluster's running bounds
(:class:`ClusterState`), never the reports' evidence. That split is what lets a store
re-cluster a dyad of millions of events: the reports stream in from DuckDB in
:func:`order_key` order, and the clusterer holds only the clusters of the stretch of time
its sweep is in, retiring the rest to a :class:`~detente.spill.SpillRun` (see
:class:`Clusterer`). A cluster's final state is rebuilt from its members
(:func:`replay`), which the store reads back cluster by cluster (``merge.update_store``).
In memory (``merge.cluster_events``) the same clusterer is fed a sorted list, so the two
paths give the same clusters by construction.

Usage::

    clusterer = Clusterer(window_days=3)
    numbers = [clusterer.add(report) for report in sorted(reports, key=order_key)]
    # reports with the same number are one event; replay(them) gives its bounds
"""

from __future__ import annotations

import bisect
import calendar
import heapq
import sys
import tomllib
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from importlib import resources
from typing import Any

from detente.records import Event, Location
from detente.spill import DEFAULT_MEMORY_BYTES, SpillRun

DEFAULT_WINDOW_DAYS = 3


# --------------------------------------------------------------------------- data file


@lru_cache(maxsize=1)
def agreement_rules() -> dict[str, Any]:
    """The parsed ``data/agreements.toml`` (shared by merge and agreements), read once."""
    text = (resources.files("detente") / "data" / "agreements.toml").read_text(encoding="utf-8")
    return tomllib.loads(text)


def code_matches(code: str, prefixes: Iterable[str]) -> bool:
    """True when ``code`` is one of ``prefixes`` or a child of one (``0871`` under ``087``)."""
    return any(code.startswith(p) for p in prefixes)


def is_symmetric(code: str) -> bool:
    """Whether the direction of an event with this code carries no meaning for merging."""
    return code_matches(code, agreement_rules()["merge"]["symmetric_codes"])


# --------------------------------------------------------------------------- dates


@dataclass(frozen=True, slots=True)
class DateSpan:
    """Where an event's true date can lie: ``lo``..``hi`` inclusive; ``point`` when the text fixed the day."""

    lo: date
    hi: date
    point: bool


def parse_date(value: str) -> tuple[date, date]:
    """First and last day of a ``YYYY-MM-DD``, ``YYYY-MM`` or ``YYYY`` date."""
    parts = value[:10].split("-")
    year = int(parts[0])
    if len(parts) == 1:
        return date(year, 1, 1), date(year, 12, 31)
    month = int(parts[1])
    if len(parts) == 2:
        return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])
    day = date(year, month, int(parts[2]))
    return day, day


def date_span(event: Event, *, window_days: int = DEFAULT_WINDOW_DAYS) -> DateSpan | None:
    """The interval an event's date lies in (see :mod:`detente.merge`), or None when undated."""
    if not event.date:
        return None
    try:
        lo, hi = parse_date(event.date)
    except ValueError:
        return None
    if event.date_source == "published" or event.date_source == "inferred":
        # The report came out on ``hi``; the event happened on it or in the days before.
        return DateSpan(lo - timedelta(days=window_days), hi, point=False)
    return DateSpan(lo, hi, point=lo == hi)


def event_day(event: Event) -> date | None:
    """The first day an event's date allows, for ordering events in time (None when undated)."""
    if not event.date:
        return None
    try:
        return parse_date(event.date)[0]
    except ValueError:
        return None


# --------------------------------------------------------------------------- reports


@dataclass(frozen=True, slots=True)
class Report:
    """What the clustering decision reads of one event: no evidence, no actor details."""

    event_id: str
    root: str
    cameo: str
    source: str
    target: str
    negated: bool
    hypothetical: bool
    location: Location | None
    span: DateSpan | None


def report_of(event: Event, window_days: int) -> Report:
    return Report(
        event_id=event.event_id,
        root=event.root,
        cameo=event.cameo,
        source=event.source.principal,
        target=event.target.principal,
        negated=event.negated,
        hypothetical=event.hypothetical,
        location=event.location,
        span=date_span(event, window_days=window_days),
    )


def report_fields(report: Report) -> list[Any]:
    """``report`` without its id as plain values, so a store can sort reports for the clusterer
    (see :func:`report_from_fields`)."""
    loc, span = report.location, report.span
    return [
        report.root,
        report.cameo,
        report.source,
        report.target,
        report.negated,
        report.hypothetical,
        _location_fields(loc),
        None if span is None else [span.lo.toordinal(), span.hi.toordinal(), span.point],
    ]


def report_from_fields(event_id: str, fields: Sequence[Any]) -> Report:
    root, cameo, source, target, negated, hypothetical, loc, span = fields
    # Interned: a hub dyad's reports repeat a few codes and principals millions of times.
    return Report(
        event_id=event_id,
        root=sys.intern(root),
        cameo=sys.intern(cameo),
        source=sys.intern(source),
        target=sys.intern(target),
        negated=negated,
        hypothetical=hypothetical,
        location=None if loc is None else Location(*loc),
        span=None if span is None else DateSpan(date.fromordinal(span[0]), date.fromordinal(span[1]), span[2]),
    )


def _location_fields(loc: Location | None) -> list[Any] | None:
    return None if loc is None else [loc.name, loc.country, loc.lat, loc.lon, loc.geonameid]


def order_key(report: Report) -> tuple[int, int, int, str]:
    """The order the clusterer must see reports in, as integers a database can sort on.

    Firm dates first, by day, so they anchor clusters; then intervals, narrowest first and
    by their end; then undated reports; ties by ``event_id`` so any input order gives the
    same clusters.
    """
    span = report.span
    if span is None:
        return (2, 0, 0, report.event_id)
    if span.point:
        return (0, span.lo.toordinal(), 0, report.event_id)
    return (1, (span.hi - span.lo).days, span.hi.toordinal(), report.event_id)


def same_place(a: Location, b: Location) -> bool:
    """Two resolved places are the same when their gazetteer ids, or else their names, agree."""
    if a.geonameid is not None and b.geonameid is not None:
        return a.geonameid == b.geonameid
    return a.name.casefold() == b.name.casefold()


# --------------------------------------------------------------------------- clusters


class ClusterState:
    """A cluster being built: the running bounds that make the checks O(1), not its members."""

    __slots__ = (
        "cap_hi",
        "cap_lo",
        "hypothetical",
        "location",
        "negated",
        "point_hi",
        "point_lo",
        "root",
        "source",
        "symmetric",
        "target",
        "undated",
    )  # fmt: skip

    def __init__(self, report: Report) -> None:
        self.root = report.root
        self.symmetric = is_symmetric(report.cameo)
        self.source = report.source
        self.target = report.target
        self.location = report.location
        self.negated = report.negated
        self.hypothetical = report.hypothetical
        self.undated = report.span is None
        # Points fixed by the text: the cluster's earliest and latest.
        self.point_lo: date | None = None
        self.point_hi: date | None = None
        # Intersection of all interval members: every point must lie inside it.
        self.cap_lo: date | None = None
        self.cap_hi: date | None = None
        if report.span is not None:
            self._take(report.span)

    def fields(self) -> tuple[Any, ...]:
        """The state as plain values, for a :class:`~detente.spill.SpillRun` (see :meth:`from_fields`)."""
        return (
            self.root,
            self.symmetric,
            self.source,
            self.target,
            _location_fields(self.location),
            self.negated,
            self.hypothetical,
            self.undated,
            _ordinal(self.point_lo),
            _ordinal(self.point_hi),
            _ordinal(self.cap_lo),
            _ordinal(self.cap_hi),
        )

    @classmethod
    def from_fields(cls, fields: Sequence[Any]) -> ClusterState:
        state = cls.__new__(cls)
        root, symmetric, source, target, loc, negated, hypothetical, undated, *bounds = fields
        state.root, state.source, state.target = sys.intern(root), sys.intern(source), sys.intern(target)
        state.symmetric, state.negated, state.hypothetical, state.undated = symmetric, negated, hypothetical, undated
        state.location = None if loc is None else Location(*loc)
        state.point_lo, state.point_hi, state.cap_lo, state.cap_hi = (
            None if b is None else date.fromordinal(b) for b in bounds
        )
        return state

    def _take(self, span: DateSpan) -> None:
        if span.point:
            self.point_lo = span.lo if self.point_lo is None else min(self.point_lo, span.lo)
            self.point_hi = span.hi if self.point_hi is None else max(self.point_hi, span.hi)
        else:
            self.cap_lo = span.lo if self.cap_lo is None else max(self.cap_lo, span.lo)
            self.cap_hi = span.hi if self.cap_hi is None else min(self.cap_hi, span.hi)

    def dates_fit(self, span: DateSpan | None, window_days: int) -> bool:
        if span is None or self.undated:
            return span is None and self.undated
        window = timedelta(days=window_days)
        point_lo, point_hi = self.point_lo, self.point_hi
        cap_lo, cap_hi = self.cap_lo, self.cap_hi
        if span.point:
            point_lo = span.lo if point_lo is None else min(point_lo, span.lo)
            point_hi = span.hi if point_hi is None else max(point_hi, span.hi)
        else:
            cap_lo = span.lo if cap_lo is None else max(cap_lo, span.lo)
            cap_hi = span.hi if cap_hi is None else min(cap_hi, span.hi)
        if point_lo is not None and point_hi is not None and point_hi - point_lo > window:
            return False
        if cap_lo is not None and cap_hi is not None:
            if cap_lo > cap_hi:
                return False
            if point_lo is not None and point_hi is not None and (point_lo < cap_lo or point_hi > cap_hi):
                return False
        return True

    def accepts(self, report: Report, window_days: int) -> bool:
        if report.root != self.root:
            return False
        if (report.negated, report.hypothetical) != (self.negated, self.hypothetical):
            return False
        src, tgt = report.source, report.target
        reverse_ok = (
            self.symmetric and is_symmetric(report.cameo) and (tgt, src) == (self.source, self.target)
        )
        if (src, tgt) != (self.source, self.target) and not reverse_ok:
            return False
        if (
            self.location is not None
            and report.location is not None
            and not same_place(self.location, report.location)
        ):
            return False
        return self.dates_fit(report.span, window_days)

    def add(self, report: Report) -> None:
        self.symmetric = self.symmetric and is_symmetric(report.cameo)
        if self.location is None and report.location is not None:
            self.location = report.location
        if report.span is not None:
            self._take(report.span)


def replay(members: Sequence[Report]) -> ClusterState:
    """The state a cluster ends in, rebuilt from its members in the order they joined it.

    The clusterer forgets a cluster once its sweep has passed it, so the bounds a cluster
    record shows are rebuilt from the members; in join order, as the clusterer added them
    (the first place named is the cluster's place)."""
    state = ClusterState(members[0])
    for report in members[1:]:
        state.add(report)
    return state


def _ordinal(day: date | None) -> int | None:
    return None if day is None else day.toordinal()


def _dyad_key(source: str, target: str) -> frozenset[str]:
    return frozenset((source, target))


def _pass_of(span: DateSpan | None) -> tuple[int, int]:
    """Which sweep a report belongs to: points; intervals of one width (in days); undated."""
    if span is None:
        return (2, 0)
    if span.point:
        return (0, 0)
    return (1, (span.hi - span.lo).days)


#: A dated cluster in the working set: its seed (first member's earliest day), number and state.
_Entry = tuple[date, int, ClusterState]


class Clusterer:
    """Assigns each report to a cluster, given reports in :func:`order_key` order.

    Three phases, told apart by the report's span, so that firm dates anchor clusters and
    vague ones attach to them: a report whose text fixed the day joins the latest compatible
    cluster of its dyad (points arrive in date order, so only clusters seeded in the last
    ``window_days`` can take it); a report with an interval joins the compatible cluster with
    a fixed date nearest its end, else another interval cluster, else starts its own; an
    undated report joins the first compatible undated cluster.

    Memory is bounded by the reports of a stretch of time, not by the whole history. Within
    a sweep (points in date order, or intervals of one width in order of their end) the
    dated clusters a report can join have seeds in a window that only moves forward, from
    ``window_days`` plus the widest interval before its start to ``window_days`` after its
    end (a cluster seeded outside it cannot be compatible; see :meth:`_reach`). Clusters
    the window has passed are retired to a :class:`~detente.spill.SpillRun` in seed order,
    and the next sweep reads them back from the start, merging them into its window as it
    reaches their seeds. The clusters found are exactly those of comparing every report
    with every cluster (a property test checks it).
    """

    def __init__(self, window_days: int = DEFAULT_WINDOW_DAYS, *, memory_bytes: int = DEFAULT_MEMORY_BYTES) -> None:
        """``memory_bytes``: how much of the retired clusters stays in memory before they go to a temporary file."""
        self.window_days = window_days
        self._window = timedelta(days=window_days)
        self._memory_bytes = memory_bytes
        #: Clusters started so far; the next one gets this number.
        self.started = 0
        #: Largest number of dated clusters held at once (the sweep's window), for benchmarks.
        self.peak_held = 0
        # The window: dated clusters per unordered dyad in (seed, number) order, and the same
        # clusters in a heap so the oldest is retired first whatever its dyad.
        self._dated: dict[frozenset[str], list[_Entry]] = defaultdict(list)
        self._heap: list[tuple[date, int, frozenset[str]]] = []
        # Dated clusters of earlier sweeps the window has not reached yet (seed order), and
        # those it has passed, for the next sweep.
        self._ahead: Iterator[tuple[Any, ...]] = iter(())
        self._next: tuple[Any, ...] | None = None
        self._behind = SpillRun(memory_bytes=memory_bytes)
        self._undated: dict[frozenset[str], list[tuple[int, ClusterState]]] = defaultdict(list)
        # A cluster's dates reach at most ``window`` past its seed for points, or the seed
        # interval's width: this bounds how far back an interval report must look.
        self._widest = timedelta(0)
        self._pass: tuple[int, int] | None = None
        self._last: tuple[int, int, int, str] | None = None

    def add(self, report: Report) -> int:
        """The number of the cluster ``report`` joined or started."""
        key = order_key(report)
        if self._last is not None and key < self._last:
            raise ValueError(f"reports out of order: {report.event_id} after {self._last[3]}")
        self._last = key
        span = report.span
        sweep = _pass_of(span)
        if sweep != self._pass:
            self._rewind(dated=span is not None)
            self._pass = sweep
        if span is None:
            return self._add_undated(report)
        self._slide(span.lo - self._reach(span), span.hi + self._window)
        if span.point:
            return self._add_point(report, span)
        return self._add_interval(report, span)

    def _reach(self, span: DateSpan) -> timedelta:
        """How far before ``span`` a compatible cluster's seed can lie.

        A point cluster's seed is its earliest point, and a cluster whose points precede an
        interval cannot take it; an interval cluster's seed is its first interval's start,
        and its dates end within the widest interval started so far. This sweep can itself
        start clusters as wide as ``span``, so the window allows for that at once and its
        lower edge never moves back."""
        if span.point:
            return self._window
        return self._window + max(self._widest, span.hi - span.lo)

    # -- the window ------------------------------------------------------------------------

    def _slide(self, lower: date, upper: date) -> None:
        """Take into the window the clusters of earlier sweeps seeded up to ``upper``; retire
        those seeded before ``lower``, in seed order."""
        low, high = lower.toordinal(), upper.toordinal()
        while self._next is not None and self._next[0] <= high:
            row, self._next = self._next, next(self._ahead, None)
            if row[0] < low:  # already behind the window: pass it on untouched
                self._retire(low, before=(row[0], row[1]))
                self._behind.append(row)
                continue
            self._hold(date.fromordinal(row[0]), row[1], ClusterState.from_fields(row[2:]))
        self._retire(low)

    def _hold(self, seed: date, number: int, state: ClusterState) -> None:
        dyad = _dyad_key(state.source, state.target)
        bisect.insort(self._dated[dyad], (seed, number, state), key=lambda t: t[:2])
        heapq.heappush(self._heap, (seed, number, dyad))
        self.peak_held = max(self.peak_held, len(self._heap))

    def _retire(self, low: int, before: tuple[int, int] | None = None) -> None:
        heap = self._heap
        while heap and heap[0][0].toordinal() < low and (before is None or (heap[0][0].toordinal(), heap[0][1]) < before):
            seed, number, dyad = heapq.heappop(heap)
            held = self._dated[dyad]
            _, _, state = held.pop(0)  # the dyad's oldest, as the heap's oldest is
            if not held:
                del self._dated[dyad]
            self._behind.append((seed.toordinal(), number, *state.fields()))

    def _rewind(self, *, dated: bool) -> None:
        """End a sweep: the next one reads every dated cluster again from the earliest seed.

        Undated reports never meet dated clusters, so before them the dated ones are dropped."""
        if not dated:
            self._dated.clear()
            self._heap.clear()
            self._ahead, self._next = iter(()), None
            self._behind.close()
            return
        self._retire(2**62)
        if self._next is not None:
            self._behind.append(self._next)
            for row in self._ahead:
                self._behind.append(row)
        self._ahead = iter(self._behind)
        self._next = next(self._ahead, None)
        self._behind = SpillRun(memory_bytes=self._memory_bytes)

    # -- the rules ---------------------------------------------------------------------------

    def _start(self, report: Report) -> int:
        number = self.started
        self.started += 1
        state = ClusterState(report)
        if report.span is None:
            self._undated[_dyad_key(report.source, report.target)].append((number, state))
        else:
            self._hold(report.span.lo, number, state)
        return number

    def _add_point(self, report: Report, span: DateSpan) -> int:
        for seed, number, cluster in reversed(self._dated.get(_dyad_key(report.source, report.target), ())):
            if seed < span.lo - self._window:
                break
            if cluster.accepts(report, self.window_days):
                cluster.add(report)
                return number
        return self._start(report)

    def _add_interval(self, report: Report, span: DateSpan) -> int:
        seeded = self._dated.get(_dyad_key(report.source, report.target), [])
        right = bisect.bisect_right(seeded, span.hi + self._window, key=lambda t: t[0])
        best: tuple[tuple[int, int, int], ClusterState, int] | None = None
        for index in range(right - 1, -1, -1):
            seed, number, cluster = seeded[index]
            if seed < span.lo - self._window - self._widest:
                break
            if not cluster.accepts(report, self.window_days):
                continue
            anchor = cluster.point_hi or cluster.cap_hi or seed
            rank = (0 if cluster.point_lo is not None else 1, abs((span.hi - anchor).days), number)
            if best is None or rank < best[0]:
                best = (rank, cluster, number)
        if best is None:
            self._widest = max(self._widest, span.hi - span.lo)
            return self._start(report)
        best[1].add(report)
        return best[2]

    def _add_undated(self, report: Report) -> int:
        for number, cluster in self._undated[_dyad_key(report.source, report.target)]:
            if cluster.accepts(report, self.window_days):
                cluster.add(report)
                return number
        return self._start(report)
