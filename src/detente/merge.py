"""One real-world event, many reports: cluster coded events across articles and days.

Ten outlets reporting one air strike give ten coded events; counting them as ten strikes
inflates every series built on them (the GDELT "NumMentions" problem). A cluster is the
event once, with how many reports it had (``mentions``), from how many articles
(``sources``) and outlets, and every report's evidence, so analysts can weigh a story
carried by one outlet against one carried by twenty.

Two events may share a cluster when all of these hold, checked against *every* member
(complete linkage, so a chain of near neighbours cannot drift across a month):

* same dyad of principals; for symmetric codes (meetings, signed agreements, clashes:
  ``[merge] symmetric_codes`` in ``data/agreements.toml``) either direction;
* compatible codes: the same CAMEO root (a parent code such as ``19`` is compatible with
  its children ``190``-``196``);
* the same modality (a report that Russia "did not attack" is not the attack);
* compatible dates (below);
* compatible places: the same place, or at least one of them unknown.

Dates. A date the sentence fixes to the day is a point; two points must lie within
``window_days`` of each other. A date that carries less information is an interval that
the true date lies in: a month or year fixed by the text covers that month or year, and a
date taken from the publication date (``date_source`` "published" or "inferred") covers the
``window_days`` before publication, because news reports events that already happened.
An event with an interval is compatible with a member only when the intervals overlap,
so an undated report joins the strike it most plausibly describes but cannot stretch a
cluster. Events with no date at all only cluster with other undated events.

Usage::

    clusters = cluster_events(store.events(), window_days=3, outlets={"doc-1": "Reuters"})
    biggest = max(clusters, key=lambda c: c.mentions)
"""

from __future__ import annotations

import bisect
import calendar
import hashlib
import tomllib
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache
from importlib import resources
from typing import Any

from detente.records import Event, Location

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


@dataclass(frozen=True)
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
    """The interval an event's date lies in (see the module docstring), or None when undated."""
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


# --------------------------------------------------------------------------- records


@dataclass(frozen=True)
class ClusterEvidence:
    """One report of a clustered event: which event, which article, which sentence."""

    event_id: str
    doc_id: str
    text: str
    start: int
    end: int
    outlet: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "event_id": self.event_id,
            "doc_id": self.doc_id,
            "text": self.text,
            "start": self.start,
            "end": self.end,
            "outlet": self.outlet,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ClusterEvidence:
        return cls(
            event_id=data["event_id"],
            doc_id=data["doc_id"],
            text=data["text"],
            start=int(data["start"]),
            end=int(data["end"]),
            outlet=data.get("outlet"),
        )


@dataclass(frozen=True)
class EventCluster:
    """One real-world event as reported by one or more articles.

    ``source``/``target`` are principals (the direction of the earliest report for symmetric
    codes); ``cameo`` is the most specific code a majority of reports agree on, else the root.
    ``date_from``/``date_to`` are the days the reports' dates allow (text-fixed days when
    any report fixed one); ``date_fixed`` says whether any report fixed the date itself.
    """

    cluster_id: str
    source: str
    target: str
    cameo: str
    root: str
    quad: int
    goldstein: float
    symmetric: bool
    date_from: str | None
    date_to: str | None
    date_fixed: bool
    location: Location | None
    event_ids: tuple[str, ...]
    sources: tuple[str, ...]
    outlets: tuple[str, ...]
    evidence: tuple[ClusterEvidence, ...]
    negated: bool = False
    hypothetical: bool = False
    codes: dict[str, int] = field(default_factory=dict)

    @property
    def mentions(self) -> int:
        """Number of coded reports (events) of this event, across articles."""
        return len(self.event_ids)

    @property
    def dyad(self) -> tuple[str, str]:
        return (self.source, self.target)

    def to_dict(self) -> dict[str, Any]:
        return {
            "cluster_id": self.cluster_id,
            "source": self.source,
            "target": self.target,
            "cameo": self.cameo,
            "root": self.root,
            "quad": self.quad,
            "goldstein": self.goldstein,
            "symmetric": self.symmetric,
            "date_from": self.date_from,
            "date_to": self.date_to,
            "date_fixed": self.date_fixed,
            "location": _location_dict(self.location),
            "event_ids": list(self.event_ids),
            "mentions": self.mentions,
            "sources": list(self.sources),
            "num_sources": len(self.sources),
            "outlets": list(self.outlets),
            "evidence": [e.to_dict() for e in self.evidence],
            "negated": self.negated,
            "hypothetical": self.hypothetical,
            "codes": dict(self.codes),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> EventCluster:
        loc = data.get("location")
        return cls(
            cluster_id=data["cluster_id"],
            source=data["source"],
            target=data["target"],
            cameo=data["cameo"],
            root=data["root"],
            quad=int(data["quad"]),
            goldstein=float(data["goldstein"]),
            symmetric=bool(data["symmetric"]),
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
            date_fixed=bool(data.get("date_fixed", False)),
            location=Location.from_dict(loc) if loc else None,
            event_ids=tuple(data["event_ids"]),
            sources=tuple(data["sources"]),
            outlets=tuple(data.get("outlets", ())),
            evidence=tuple(ClusterEvidence.from_dict(e) for e in data.get("evidence", ())),
            negated=bool(data.get("negated", False)),
            hypothetical=bool(data.get("hypothetical", False)),
            codes={str(k): int(v) for k, v in (data.get("codes") or {}).items()},
        )


def _location_dict(location: Location | None) -> dict[str, Any] | None:
    if location is None:
        return None
    return {
        "name": location.name,
        "country": location.country,
        "lat": location.lat,
        "lon": location.lon,
        "geonameid": location.geonameid,
    }


# --------------------------------------------------------------------------- clustering


def same_place(a: Location, b: Location) -> bool:
    """Two resolved places are the same when their gazetteer ids, or else their names, agree."""
    if a.geonameid is not None and b.geonameid is not None:
        return a.geonameid == b.geonameid
    return a.name.casefold() == b.name.casefold()


class _Open:
    """A cluster being built: its members and the running bounds that make the checks O(1)."""

    def __init__(self, event: Event, span: DateSpan | None) -> None:
        self.members: list[Event] = [event]
        self.root = event.root
        self.symmetric = is_symmetric(event.cameo)
        self.source = event.source.principal
        self.target = event.target.principal
        self.location = event.location
        self.undated = span is None
        # Points fixed by the text: the cluster's earliest and latest.
        self.point_lo: date | None = None
        self.point_hi: date | None = None
        # Intersection of all interval members: every point must lie inside it.
        self.cap_lo: date | None = None
        self.cap_hi: date | None = None
        if span is not None:
            self._take(span)

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

    def accepts(self, event: Event, span: DateSpan | None, window_days: int) -> bool:
        if event.root != self.root:
            return False
        if (event.negated, event.hypothetical) != (self.members[0].negated, self.members[0].hypothetical):
            return False
        src, tgt = event.source.principal, event.target.principal
        reverse_ok = self.symmetric and is_symmetric(event.cameo) and (tgt, src) == (self.source, self.target)
        if (src, tgt) != (self.source, self.target) and not reverse_ok:
            return False
        if self.location is not None and event.location is not None and not same_place(self.location, event.location):
            return False
        return self.dates_fit(span, window_days)

    def add(self, event: Event, span: DateSpan | None) -> None:
        self.members.append(event)
        self.symmetric = self.symmetric and is_symmetric(event.cameo)
        if self.location is None and event.location is not None:
            self.location = event.location
        if span is not None:
            self._take(span)


def cluster_events(
    events: Iterable[Event],
    *,
    window_days: int = DEFAULT_WINDOW_DAYS,
    outlets: Mapping[str, str] | None = None,
) -> list[EventCluster]:
    """Merge reports of the same event across articles; see the module docstring for the rules.

    Three passes, so that firm dates anchor clusters and vague ones attach to them:
    first the reports whose text fixed the day (in date order), then the reports with an
    interval (narrowest first; each joins the compatible cluster with a fixed date nearest
    its end, else another interval cluster, else starts its own), then undated reports.
    Output is deterministic: the same events in any order give the same clusters, ordered
    by start date then ``cluster_id`` (undated clusters last). ``outlets`` maps ``doc_id``
    to the outlet that published it, so clusters can say which outlets carried the event.
    """
    points: list[tuple[Event, DateSpan]] = []
    intervals: list[tuple[Event, DateSpan]] = []
    undated: list[Event] = []
    for event in events:
        span = date_span(event, window_days=window_days)
        if span is None:
            undated.append(event)
        elif span.point:
            points.append((event, span))
        else:
            intervals.append((event, span))
    points.sort(key=lambda item: (item[1].lo, item[0].event_id))
    intervals.sort(key=lambda item: (item[1].hi - item[1].lo, item[1].hi, item[0].event_id))
    undated.sort(key=lambda e: e.event_id)

    window = timedelta(days=window_days)
    # Per unordered dyad: clusters in order of their first member's earliest date.
    by_dyad: dict[frozenset[str], list[tuple[date, int, _Open]]] = defaultdict(list)
    everything: list[_Open] = []

    def start(event: Event, span: DateSpan | None) -> None:
        cluster = _Open(event, span)
        everything.append(cluster)
        if span is not None:
            bisect.insort(by_dyad[_dyad_key(event)], (span.lo, len(everything), cluster), key=lambda t: t[:2])

    for event, span in points:
        # Points arrive in date order: only the latest clusters of the dyad can still take one.
        found = None
        for seed, _, cluster in reversed(by_dyad[_dyad_key(event)]):
            if seed < span.lo - window:
                break
            if cluster.accepts(event, span, window_days):
                found = cluster
                break
        if found is None:
            start(event, span)
        else:
            found.add(event, span)

    # A cluster's dates reach at most ``window`` past its seed for points, or the seed
    # interval's width: this bounds how far back a new report must look.
    widest = timedelta(0)
    for event, span in intervals:
        seeded = by_dyad[_dyad_key(event)]
        right = bisect.bisect_right(seeded, span.hi + window, key=lambda t: t[0])
        best: tuple[tuple[int, int, int], _Open] | None = None
        for index in range(right - 1, -1, -1):
            seed, order, cluster = seeded[index]
            if seed < span.lo - window - widest:
                break
            if not cluster.accepts(event, span, window_days):
                continue
            anchor = cluster.point_hi or cluster.cap_hi or seed
            rank = (0 if cluster.point_lo is not None else 1, abs((span.hi - anchor).days), order)
            if best is None or rank < best[0]:
                best = (rank, cluster)
        if best is None:
            start(event, span)
            widest = max(widest, span.hi - span.lo)
        else:
            best[1].add(event, span)

    loose: dict[frozenset[str], list[_Open]] = defaultdict(list)
    for event in undated:
        for cluster in loose[_dyad_key(event)]:
            if cluster.accepts(event, None, window_days):
                cluster.add(event, None)
                break
        else:
            cluster = _Open(event, None)
            loose[_dyad_key(event)].append(cluster)
            everything.append(cluster)

    result = [_finish(c, outlets or {}) for c in everything]
    result.sort(key=lambda c: (c.date_from is None, c.date_from or "", c.cluster_id))
    return result


def _dyad_key(event: Event) -> frozenset[str]:
    return frozenset((event.source.principal, event.target.principal))


def cluster_id_for(event_id: str) -> str:
    """Stable cluster id: a hash of the earliest member's ``event_id``."""
    return "c-" + hashlib.sha1(event_id.encode("utf-8")).hexdigest()[:16]


def representative_code(codes: Sequence[str]) -> str:
    """The most specific code that more than half the reports agree with, else their root.

    A report agrees with a code when its own code is that code, a parent of it or a child of
    it: ``19``, ``195`` and ``195`` agree on ``195``; ``193`` and ``195`` only on ``19``.
    """
    root = codes[0][:2]
    best = root
    for candidate in sorted(set(codes), key=lambda c: (-len(c), c)):
        support = sum(1 for c in codes if c.startswith(candidate) or candidate.startswith(c))
        if support * 2 > len(codes) and len(candidate) > len(best):
            best = candidate
    return best


def _finish(cluster: _Open, outlets: Mapping[str, str]) -> EventCluster:
    from detente.coding.cameo import CameoTable

    members = cluster.members
    first = members[0]
    earliest = min(members, key=lambda m: (event_day(m) or date.max, m.event_id))
    codes = [m.cameo for m in members]
    cameo = representative_code(codes)
    entry = CameoTable.load().get(cameo)
    doc_ids = sorted({m.doc_id for m in members})
    outlet_names = sorted({outlets[d] for d in doc_ids if d in outlets})
    start: date | None = None
    end: date | None = None
    fixed = False
    if cluster.point_lo is not None and cluster.point_hi is not None:
        start, end, fixed = cluster.point_lo, cluster.point_hi, True
    elif cluster.cap_lo is not None and cluster.cap_hi is not None:
        start, end = cluster.cap_lo, cluster.cap_hi
        fixed = any(m.date_source == "text" for m in members)
    return EventCluster(
        cluster_id=cluster_id_for(earliest.event_id),
        source=cluster.source,
        target=cluster.target,
        cameo=cameo,
        root=entry.root,
        quad=entry.quad,
        goldstein=entry.goldstein,
        symmetric=cluster.symmetric,
        date_from=start.isoformat() if start else None,
        date_to=end.isoformat() if end else None,
        date_fixed=fixed,
        location=cluster.location,
        event_ids=tuple(m.event_id for m in members),
        sources=tuple(doc_ids),
        outlets=tuple(outlet_names),
        evidence=tuple(
            ClusterEvidence(
                m.event_id, m.doc_id, m.evidence.text, m.evidence.start, m.evidence.end, outlets.get(m.doc_id)
            )
            for m in members
        ),
        negated=first.negated,
        hypothetical=first.hypothetical,
        codes=dict(sorted(Counter(codes).items())),
    )


# --------------------------------------------------------------------------- store


@dataclass(frozen=True)
class DerivedUpdate:
    """What one update of derived records did: which dyads it recomputed, how many records it saved."""

    dyads: tuple[tuple[str, str], ...]
    records: int


def normalise_dyads(dyads: Iterable[Sequence[str]]) -> list[tuple[str, str]]:
    """Unordered dyads as sorted ``(a, b)`` pairs, each once, in order."""
    return sorted({(min(a, b), max(a, b)) for a, b in dyads})


def all_dyads(store: Any) -> list[tuple[str, str]]:
    """Dyads with events plus dyads with stored clusters, so a full run also clears stale clusters."""
    return normalise_dyads({*store.dyads(), *store.derived_dyads(agreements=False)})


def window_setting(window_days: int | None) -> int:
    """``window_days``, else the ``merge_window_days`` setting."""
    if window_days is not None:
        return window_days
    from detente.settings import load_settings

    return int(load_settings().merge_window_days)


def update_store(
    store: Any,
    *,
    dyads: Iterable[Sequence[str]] | None = None,
    window_days: int | None = None,
) -> DerivedUpdate:
    """Re-cluster the events of ``dyads`` (default: every dyad) and replace their stored clusters.

    Clusters never span dyads, so each dyad is read, clustered and saved on its own: memory
    is bounded by the largest dyad, and an ingest recomputes only the dyads it touched while
    every other dyad's clusters stay as a full run would leave them.
    """
    window = window_setting(window_days)
    todo = all_dyads(store) if dyads is None else normalise_dyads(dyads)
    saved = 0
    for a, b in todo:
        events = store.dyad_events(a, b)
        outlets = store.outlets(e.doc_id for e in events)
        clusters = cluster_events(events, window_days=window, outlets=outlets)
        saved += store.save_clusters([c.to_dict() for c in clusters], dyads=[(a, b)])
    return DerivedUpdate(dyads=tuple(todo), records=saved)
