"""The dyad relation summary users ask for: series, trend, turning points, agreements, verdict.

One function composes the analysis modules so the CLI (``detente relations``, ``detente
demo``), the report and the API give the same answer from the same numbers.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from detente.records import QUAD_NAMES
from detente.settings import Settings, load_settings


@dataclass
class RelationSummary:
    a: str
    b: str
    series: Any
    trend: Any
    turning_points: list[Any]
    agreements: list[dict[str, Any]]
    verdict: Any
    outlets: list[Any]

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = self.series.to_dict()
        data["trend"] = _plain(self.trend)
        data["turning_points"] = [_plain(tp) for tp in self.turning_points]
        data["agreements"] = self.agreements
        data["verdict"] = _plain(self.verdict)
        data["outlets"] = [_plain(o) for o in self.outlets]
        return data

    def format_text(self) -> str:
        """A monthly (or weekly/yearly) table and the verdict, readable in a terminal."""
        lines = [f"{self.a}-{self.b} relations by {self.series.freq}", ""]
        header = f"{'period':<10} {'events':>6}  " + "  ".join(f"q{q}" for q in QUAD_NAMES)
        header += f"  {'goldstein':>9}  {'balance':>7}"
        lines.append(header)
        for p in self.series.periods:
            if not p.events:
                continue
            quads = "  ".join(f"{p.quad.get(q, 0):>2}" for q in QUAD_NAMES)
            lines.append(
                f"{p.period:<10} {p.events:>6}  {quads}  {p.goldstein_mean:>+9.2f}  {p.balance:>+7.2f}"
            )
        lines.append("")
        lines.append("q1 verbal cooperation, q2 material cooperation, q3 verbal conflict, q4 material conflict;")
        lines.append("goldstein = mean Goldstein weight (-10 conflict .. +10 cooperation);")
        lines.append("balance = (cooperative - conflictual events) / events.")
        if self.trend is not None:
            lines.append(f"Trend: {self.trend.direction} (slope {self.trend.slope:+.2f} per period)")
        for tp in self.turning_points:
            lines.append(
                f"Turning point {tp.period}: {tp.direction} ({tp.before:+.2f} -> {tp.after:+.2f}), "
                f"events {', '.join(tp.event_ids[:3])}{'...' if len(tp.event_ids) > 3 else ''}"
            )
        if self.agreements:
            lines.append("Agreements:")
            for ag in self.agreements:
                made = ag.get("made") or {}
                lines.append(
                    f"  {made.get('date') or '?':<10} {ag.get('kind', '')}: {ag.get('status', '')}"
                    f" ({'-'.join(ag.get('parties', []))})"
                )
        if len(self.outlets) > 1:
            lines.append("By outlet (how each source reports this dyad):")
            for o in self.outlets:
                lines.append(
                    f"  {o.outlet[:28]:<28} {o.events:>4} events  conflict share {o.conflict_share:>4.0%}"
                    f"  mean Goldstein {o.goldstein_mean:+.2f}"
                )
        lines.append("")
        lines.append(f"Verdict: {self.verdict.label}. {self.verdict.headline}")
        for reason in self.verdict.reasons:
            ids = ", ".join(reason.event_ids[:3])
            lines.append(f"  - {reason.text}" + (f" [{ids}]" if ids else ""))
        return "\n".join(lines)


def _plain(obj: Any) -> Any:
    if obj is None:
        return None
    if hasattr(obj, "to_dict"):
        return obj.to_dict()
    from dataclasses import asdict, is_dataclass

    if is_dataclass(obj) and not isinstance(obj, type):
        return asdict(obj)
    return obj


def summarise(
    db: str | Path | Any,
    a: str,
    b: str,
    *,
    freq: str = "month",
    date_from: str | None = None,
    date_to: str | None = None,
    settings: Settings | None = None,
) -> RelationSummary:
    """Everything known about the A-B dyad; ``db`` is a path or an open Store."""
    from detente.analysis.outlets import outlet_profiles
    from detente.analysis.relations import dyad_series
    from detente.analysis.trends import trend, turning_points
    from detente.analysis.verdict import verdict
    from detente.store.db import Store

    settings = settings or load_settings()
    if isinstance(db, (str, Path)):
        with Store(db, read_only=True, memory_limit=settings.store_memory_limit or None) as store:
            return summarise(store, a, b, freq=freq, date_from=date_from, date_to=date_to, settings=settings)
    store = db
    series = dyad_series(store, a, b, freq=freq, date_from=date_from, date_to=date_to)
    tr = trend(series)
    tps = turning_points(series, min_shift=float(settings.turning_point_min_shift))
    agreements = [ag for ag in store.agreements(party=a) if b in ag.get("parties", [])]
    v = verdict(series, trend=tr, turning_points=tps, agreements=agreements)
    return RelationSummary(a, b, series, tr, tps, agreements, v, outlet_profiles(store, a, b))
