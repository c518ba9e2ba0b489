"""How each outlet reports one dyad: which sources tell a story of conflict, which of deals.

State media, wire services and opposition monitors cover the same relation differently
(TASS reports the Moscow meeting, the Syrian Observatory the strike). A series pooled over
all of them mixes those lenses; profiling the dyad per outlet shows the lens, so an analyst
can see that a "conflict spike" comes from one source, or that one outlet never reports
the clashes others do. Each profile cites its event ids.

Negated and hypothetical events are left out by default, as in the dyad series: they did
not happen. ``conflict_share`` is the share of an outlet's events in quads 3-4, and
``relative_conflict`` its difference from the pooled share over all outlets, so outlets
that report more conflict than the rest stand out at the top of the list.

Usage::

    for p in compare_outlets(events, {"doc-1": "TASS", "doc-2": "Reuters"}, "RUS", "TUR"):
        print(p.outlet, p.events, f"{p.conflict_share:.0%}")
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from detente.records import Event


@dataclass(frozen=True)
class OutletProfile:
    """One outlet's coverage of a dyad: counts by quad class, mean Goldstein, conflict share."""

    outlet: str
    events: int
    quad: dict[int, int]
    goldstein_mean: float
    conflict_share: float
    relative_conflict: float
    event_ids: list[str]

    def to_dict(self) -> dict[str, Any]:
        return {
            "outlet": self.outlet,
            "events": self.events,
            "quad": {str(q): n for q, n in sorted(self.quad.items())},
            "goldstein_mean": self.goldstein_mean,
            "conflict_share": self.conflict_share,
            "relative_conflict": self.relative_conflict,
            "event_ids": list(self.event_ids),
        }


def compare_outlets(
    events: Iterable[Event],
    outlets: Mapping[str, str],
    a: str,
    b: str,
    *,
    directed: bool = False,
    unknown: str | None = None,
    include_flagged: bool = False,
) -> list[OutletProfile]:
    """Profiles of how each outlet reports the ``a``-``b`` dyad, most conflict-heavy first.

    ``outlets`` maps ``doc_id`` to outlet. Events from articles with no known outlet are
    left out, or grouped under ``unknown`` when it is given. ``directed=True`` keeps only
    what ``a`` did to ``b``.
    """
    groups: dict[str, list[Event]] = defaultdict(list)
    for event in events:
        if not include_flagged and (event.negated or event.hypothetical):
            continue
        pair = (event.source.principal, event.target.principal)
        if pair != (a, b) and (directed or pair != (b, a)):
            continue
        outlet = outlets.get(event.doc_id, unknown)
        if outlet is None:
            continue
        groups[outlet].append(event)
    total = sum(len(g) for g in groups.values())
    pooled = sum(1 for g in groups.values() for e in g if e.quad in (3, 4)) / total if total else 0.0
    profiles = []
    for outlet, group in groups.items():
        group.sort(key=lambda e: (e.date or "", e.event_id))
        quad = {q: 0 for q in (1, 2, 3, 4)}
        for e in group:
            quad[e.quad] = quad.get(e.quad, 0) + 1
        share = (quad[3] + quad[4]) / len(group)
        profiles.append(
            OutletProfile(
                outlet=outlet,
                events=len(group),
                quad=quad,
                goldstein_mean=round(sum(e.goldstein for e in group) / len(group), 6),
                conflict_share=round(share, 6),
                relative_conflict=round(share - pooled, 6),
                event_ids=[e.event_id for e in group],
            )
        )
    profiles.sort(key=lambda p: (-p.conflict_share, -p.events, p.outlet))
    return profiles


def outlet_profiles(store: Any, a: str, b: str, *, directed: bool = False) -> list[OutletProfile]:
    """:func:`compare_outlets` over a store's events, with outlets read for just their articles."""
    events = store.events(actor=a, include_flagged=False)
    return compare_outlets(events, store.outlets(e.doc_id for e in events), a, b, directed=directed)
