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

import hashlib
import json
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from itertools import count, groupby
from typing import Any

from detente.clustering import (
    DEFAULT_WINDOW_DAYS,
    Clusterer,
    Report,
    event_day,
    order_key,
    replay,
    report_fields,
    report_from_fields,
    report_of,
)
from detente.records import Event, Evidence, Location

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


@dataclass(frozen=True, slots=True)
class Member:
    """What a cluster record reads of one report: its clustering report, its article, how it
    was dated, and (when at hand) its evidence. Members read back from a store carry no
    evidence: the stored record names the events, whose evidence the store already holds."""

    report: Report
    doc_id: str
    day: date | None
    text_dated: bool
    evidence: Evidence | None = None

    @property
    def event_id(self) -> str:
        return self.report.event_id


def member_of(event: Event, window_days: int) -> Member:
    return Member(report_of(event, window_days), event.doc_id, event_day(event), event.date_source == "text", event.evidence)


def member_payload(member: Member) -> str:
    """``member`` without its id and evidence as one string, for a store to sort (see :func:`member_from_payload`)."""
    day = None if member.day is None else member.day.toordinal()
    return json.dumps([*report_fields(member.report), member.doc_id, day, member.text_dated], ensure_ascii=False)


def member_from_payload(event_id: str, payload: str) -> Member:
    *fields, doc_id, day, text_dated = json.loads(payload)
    return Member(
        report_from_fields(event_id, fields), doc_id, None if day is None else date.fromordinal(day), text_dated
    )


def cluster_events(
    events: Iterable[Event],
    *,
    window_days: int = DEFAULT_WINDOW_DAYS,
    outlets: Mapping[str, str] | None = None,
) -> list[EventCluster]:
    """Merge reports of the same event across articles; see the module docstring for the rules.

    The reports are fed to a :class:`~detente.clustering.Clusterer` in its order (firm
    dates first, then intervals narrowest first, then undated), so firm dates anchor
    clusters and vague ones attach to them. Output is deterministic: the same events in any
    order give the same clusters, ordered by start date then ``cluster_id`` (undated
    clusters last). ``outlets`` maps ``doc_id`` to the outlet that published it, so clusters
    can say which outlets carried the event.
    """
    groups = group_members((member_of(e, window_days) for e in events), window_days=window_days)
    result = [finish_cluster(group, outlets or {}) for group in groups]
    result.sort(key=lambda c: (c.date_from is None, c.date_from or "", c.cluster_id))
    return result


def group_members(members: Iterable[Member], *, window_days: int = DEFAULT_WINDOW_DAYS) -> list[list[Member]]:
    """``members`` grouped by the cluster each joins, each group in joining order: the
    grouping :func:`cluster_events` makes, for callers that hold members, not events."""
    clusterer = Clusterer(window_days)
    groups: dict[int, list[Member]] = defaultdict(list)
    for member in sorted(members, key=lambda m: order_key(m.report)):
        groups[clusterer.add(member.report)].append(member)
    return list(groups.values())


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


def finish_cluster(members: Sequence[Member], outlets: Mapping[str, str]) -> EventCluster:
    """The cluster record: ``members`` in the order they joined, with their evidence when they carry it."""
    from detente.coding.cameo import CameoTable

    cluster = replay([m.report for m in members])
    first = members[0].report
    earliest = min(members, key=lambda m: (m.day or date.max, m.event_id))
    codes = [m.report.cameo for m in members]
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
        fixed = any(m.text_dated for m in members)
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
            ClusterEvidence(m.event_id, m.doc_id, m.evidence.text, m.evidence.start, m.evidence.end, outlets.get(m.doc_id))
            for m in members
            if m.evidence is not None
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

    Clusters never span dyads, so each dyad is clustered and saved on its own, and an ingest
    recomputes only the dyads it touched while every other dyad's clusters stay as a full
    run would leave them. Within a dyad nothing is held whole: see :func:`dyad_clusters`.
    """
    window = window_setting(window_days)
    todo = all_dyads(store) if dyads is None else normalise_dyads(dyads)
    saved = 0
    for a, b in todo:
        saved += store.save_clusters(dyad_clusters(store, a, b, window_days=window), dyads=[(a, b)])
    return DerivedUpdate(dyads=tuple(todo), records=saved)


#: Clusters finished together, so their outlets are read in one query.
FINISH_BATCH = 200
#: Rows fetched at a time from the store's sorts.
SORT_CHUNK = 2_000


def dyad_clusters(store: Any, a: str, b: str, *, window_days: int) -> Iterator[dict[str, Any]]:
    """The cluster records of one dyad, streamed, equal to ``cluster_events`` over its events
    but for the evidence, which the stored record leaves to the events it names.

    A hub dyad can hold most of a store, so nothing here holds it: its events are read once
    and reduced to members (no evidence), DuckDB sorts them into the clusterer's order
    (spilling to disk past its memory limit), the clusterer holds only the clusters of the
    stretch of time it is in, and DuckDB sorts the members again by the cluster each
    joined, so each cluster is finished from its members alone.
    """
    members = (member_of(e, window_days) for e in store.iter_dyad_events(a, b, ordered=False, chunk_size=SORT_CHUNK))
    keyed = ((*order_key(m.report), member_payload(m)) for m in members)
    clusterer = Clusterer(window_days)
    joined = count()

    def assignments() -> Iterator[tuple[int, int, int, str, str]]:
        for _, _, _, event_id, payload in store.sorted_by_key(keyed, chunk_size=SORT_CHUNK):
            number = clusterer.add(member_from_payload(event_id, payload).report)
            yield (number, next(joined), 0, event_id, payload)

    rows = store.sorted_by_key(assignments(), chunk_size=SORT_CHUNK)
    batch: list[list[Member]] = []
    for _, group in groupby(rows, key=lambda row: row[0]):
        batch.append([member_from_payload(event_id, payload) for *_, event_id, payload in group])
        if len(batch) >= FINISH_BATCH:
            yield from _finish_batch(store, batch)
            batch = []
    yield from _finish_batch(store, batch)


def _finish_batch(store: Any, batch: list[list[Member]]) -> Iterator[dict[str, Any]]:
    outlets = store.outlets(m.doc_id for members in batch for m in members)
    for members in batch:
        record = finish_cluster(members, outlets).to_dict()
        del record["evidence"]  # the store joins it from the events when the cluster is read
        yield record
