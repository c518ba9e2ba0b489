"""The plain-language answer to "are A and B making deals or parting ways?".

Analysts and early-warning desks want one sentence they can put in a brief, and the
evidence to defend it. :func:`verdict` reads a dyad series (and, when given, its trend,
turning points, agreements and events) and returns a label, a headline with the numbers,
and reasons that each cite the event ids behind them, so every claim can be traced back to
the sentences that support it.

How the label is chosen, and why:

* Fewer than ``min_events`` events over the whole range: "too few events to say". A handful
  of coded sentences is a news cycle, not a relation, and a label would overstate it.
* The judgement is about *now*: when the last ``recent_periods`` periods hold at least
  ``min_events`` events the label reads them, else it reads the whole range (and the
  headline says which).
* "mixed: cooperating and clashing" when material cooperation (quad 2: aid, joint
  patrols, ceasefires) and material conflict (quad 4: strikes, sanctions) each reach
  ``clash_share`` of the events: Russia and Turkey in Idlib in 2020 patrolled together and
  fought, and calling that either "deals" or "parting ways" hides half of it.
* Otherwise "making deals" when cooperative events (quads 1-2) reach ``lean`` of the
  events, "parting ways" when conflictual ones (quads 3-4) do, else mixed.

Usage::

    v = verdict(series, trend=trend(series), turning_points=turning_points(series),
                agreements=store.agreements(party="RUS"))
    print(v.label, v.headline)
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from detente.agreements import Agreement
from detente.records import Event

MAKING_DEALS = "making deals"
PARTING_WAYS = "parting ways"
MIXED = "mixed: cooperating and clashing"
TOO_FEW = "too few events to say"

#: How each label reads after "A and B" in a headline.
_PHRASES = {
    MAKING_DEALS: "are making deals",
    PARTING_WAYS: "are parting ways",
    MIXED: "are both cooperating and clashing",
    TOO_FEW: "have too few events to say",
}

DEFAULT_MIN_EVENTS = 5
DEFAULT_RECENT_PERIODS = 3
DEFAULT_LEAN = 0.6
DEFAULT_CLASH_SHARE = 0.2


@dataclass(frozen=True)
class Reason:
    """One claim behind a verdict and the events that support it."""

    text: str
    event_ids: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"text": self.text, "event_ids": list(self.event_ids)}


@dataclass(frozen=True)
class Tally:
    """Counts over some periods of a series: what the headline's numbers are made of."""

    events: int
    quad: dict[int, int]
    goldstein_sum: float
    first: str | None
    last: str | None
    event_ids: list[str]

    @property
    def cooperative(self) -> int:
        return self.quad.get(1, 0) + self.quad.get(2, 0)

    @property
    def conflictual(self) -> int:
        return self.quad.get(3, 0) + self.quad.get(4, 0)

    @property
    def goldstein_mean(self) -> float:
        return self.goldstein_sum / self.events if self.events else 0.0

    def share(self, *quads: int) -> float:
        return sum(self.quad.get(q, 0) for q in quads) / self.events if self.events else 0.0

    def to_dict(self) -> dict[str, Any]:
        return {
            "events": self.events,
            "quad": {str(q): n for q, n in sorted(self.quad.items())},
            "cooperative": self.cooperative,
            "conflictual": self.conflictual,
            "goldstein_mean": round(self.goldstein_mean, 4),
            "first": self.first,
            "last": self.last,
        }


@dataclass(frozen=True)
class Verdict:
    """The answer: a label, a one-sentence headline with numbers, and cited reasons."""

    label: str
    headline: str
    reasons: list[Reason]
    overall: Tally
    recent: Tally
    basis: str  # "recent" or "overall": which tally the label reads

    def to_dict(self) -> dict[str, Any]:
        return {
            "label": self.label,
            "headline": self.headline,
            "reasons": [r.to_dict() for r in self.reasons],
            "overall": self.overall.to_dict(),
            "recent": self.recent.to_dict(),
            "basis": self.basis,
        }


def tally(periods: Sequence[Any]) -> Tally:
    """Sum the periods of a series (objects with ``events``, ``quad``, ``goldstein_sum``, ...)."""
    quad = {q: 0 for q in (1, 2, 3, 4)}
    total = 0
    gsum = 0.0
    ids: list[str] = []
    busy = [p for p in periods if p.events]
    for p in busy:
        total += int(p.events)
        gsum += float(p.goldstein_sum)
        for q, n in p.quad.items():
            quad[int(q)] = quad.get(int(q), 0) + int(n)
        ids.extend(p.event_ids)
    return Tally(
        events=total,
        quad=quad,
        goldstein_sum=gsum,
        first=busy[0].period if busy else None,
        last=busy[-1].period if busy else None,
        event_ids=ids,
    )


def label_for(
    basis: Tally,
    *,
    lean: float = DEFAULT_LEAN,
    clash_share: float = DEFAULT_CLASH_SHARE,
) -> str:
    """The label a tally earns (see the module docstring); callers check the minimum first."""
    if basis.share(2) >= clash_share and basis.share(4) >= clash_share:
        return MIXED
    if basis.share(1, 2) >= lean:
        return MAKING_DEALS
    if basis.share(3, 4) >= lean:
        return PARTING_WAYS
    return MIXED


def verdict(
    series: Any,
    *,
    trend: Any = None,
    turning_points: Sequence[Any] = (),
    agreements: Sequence[Agreement | Mapping[str, Any]] = (),
    events: Sequence[Event] = (),
    min_events: int = DEFAULT_MIN_EVENTS,
    recent_periods: int = DEFAULT_RECENT_PERIODS,
    lean: float = DEFAULT_LEAN,
    clash_share: float = DEFAULT_CLASH_SHARE,
) -> Verdict:
    """Answer "are ``series.a`` and ``series.b`` making deals or parting ways?" with cited reasons.

    ``series`` is a :class:`detente.analysis.relations.DyadSeries`. ``agreements`` may be
    :class:`~detente.agreements.Agreement` records or their stored dicts. ``events``, when
    given, lets the reasons name the single strongest cooperative and conflictual events;
    without them the reasons cite the most cooperative and most conflictual periods.
    """
    periods = list(series.periods)
    overall = tally(periods)
    recent = tally(periods[-recent_periods:] if recent_periods > 0 else [])
    freq = str(getattr(series, "freq", "period"))
    if overall.events < min_events:
        label, basis = TOO_FEW, "overall"
    elif recent.events >= min_events:
        label, basis = label_for(recent, lean=lean, clash_share=clash_share), "recent"
    else:
        label, basis = label_for(overall, lean=lean, clash_share=clash_share), "overall"
    headline = _headline(series.a, series.b, overall, recent, freq, recent_periods, trend, label, min_events)
    reasons: list[Reason] = []
    if overall.events:
        reasons.extend(_strongest(periods, events, freq))
        if recent_periods > 0 and recent.events:
            reasons.append(
                Reason(
                    f"Last {_plural(recent_periods, freq)}: {recent.cooperative} of {recent.events} events "
                    f"cooperative, {recent.conflictual} conflictual ({recent.quad[4]} material conflict, "
                    f"{recent.quad[2]} material cooperation).",
                    list(recent.event_ids),
                )
            )
    if trend is not None and trend.slope is not None and overall.events >= min_events:
        reasons.append(_trend_reason(trend, recent, freq))
    for tp in turning_points:
        reasons.append(
            Reason(
                f"Turning point in {tp.period}: relations started {tp.direction} "
                f"({_measure(trend)} {float(tp.before):+.1f} before, {float(tp.after):+.1f} after).",
                list(tp.event_ids),
            )
        )
    reasons.extend(_agreement_reasons([_as_agreement(a) for a in agreements]))
    return Verdict(label=label, headline=headline, reasons=reasons, overall=overall, recent=recent, basis=basis)


# --------------------------------------------------------------------------- wording


def _plural(n: int, freq: str) -> str:
    return f"{n} {freq}" if n == 1 else f"{n} {freq}s"


def _pct(part: int, whole: int) -> str:
    return f"{round(100 * part / whole)}%" if whole else "0%"


def _headline(
    a: str,
    b: str,
    overall: Tally,
    recent: Tally,
    freq: str,
    recent_periods: int,
    trend: Any,
    label: str,
    min_events: int,
) -> str:
    if overall.events == 0:
        return f"{a} and {b}: no coded events in this range, so nothing can be said about their relations."
    span = overall.first if overall.first == overall.last else f"{overall.first} to {overall.last}"
    text = f"{a} and {b} {_PHRASES[label]}"
    text += (
        f": {overall.events} events over {span}, {overall.cooperative} cooperative "
        f"({_pct(overall.cooperative, overall.events)}) and {overall.conflictual} conflictual "
        f"({_pct(overall.conflictual, overall.events)}), mean Goldstein {overall.goldstein_mean:+.1f}"
    )
    if label == TOO_FEW:
        return text + f" (at least {min_events} are needed)."
    if recent.events:
        text += (
            f"; in the last {_plural(recent_periods, freq)} {recent.cooperative} of {recent.events} were "
            f"cooperative ({_pct(recent.cooperative, recent.events)})"
        )
    else:
        text += f"; no events in the last {_plural(recent_periods, freq)}"
    if trend is not None and trend.slope is not None:
        text += f", trend {trend.direction} ({float(trend.slope):+.2f} {_measure(trend)} per {freq})"
    return text + "."


def _strongest(periods: Sequence[Any], events: Sequence[Event], freq: str) -> list[Reason]:
    """The most cooperative and most conflictual evidence: single events if known, else periods."""
    in_series = {i for p in periods for i in p.event_ids}
    known = [e for e in events if e.event_id in in_series and not e.negated and not e.hypothetical]
    reasons: list[Reason] = []
    if known:
        coop = [e for e in known if e.quad in (1, 2)]
        conf = [e for e in known if e.quad in (3, 4)]
        if coop:
            top = max(coop, key=lambda e: (e.goldstein, e.quad, e.date or "", e.event_id))
            reasons.append(Reason(f"Strongest cooperation: {_describe(top)}.", [top.event_id]))
        if conf:
            top = min(conf, key=lambda e: (e.goldstein, -e.quad, _neg_date(e.date), e.event_id))
            reasons.append(Reason(f"Strongest conflict: {_describe(top)}.", [top.event_id]))
        return reasons
    busy = [p for p in periods if p.events]
    best = max(busy, key=lambda p: (p.goldstein_mean, p.events, p.period))
    worst = min(busy, key=lambda p: (p.goldstein_mean, -p.events, p.period))
    if best.goldstein_mean > 0:
        reasons.append(
            Reason(
                f"Most cooperative {freq}: {best.period} ({best.events} events, mean Goldstein "
                f"{best.goldstein_mean:+.1f}).",
                list(best.event_ids),
            )
        )
    if worst.goldstein_mean < 0:
        reasons.append(
            Reason(
                f"Most conflictual {freq}: {worst.period} ({worst.events} events, mean Goldstein "
                f"{worst.goldstein_mean:+.1f}).",
                list(worst.event_ids),
            )
        )
    return reasons


def _neg_date(value: str | None) -> str:
    """Sort key that puts later dates first among equally strong events (the latest is the news)."""
    return "".join(chr(0x10FFFF - ord(c)) for c in (value or ""))


def _describe(event: Event) -> str:
    from detente.coding.cameo import CameoTable

    name = CameoTable.load().get(event.cameo).name.lower()
    when = f" on {event.date}" if event.date else ""
    where = f" in {event.location.name}" if event.location else ""
    return (
        f"{event.source.principal} to {event.target.principal}, {name} ({event.cameo}){when}{where}, "
        f"Goldstein {event.goldstein:+.1f}"
    )


def _measure(trend: Any) -> str:
    """What a trend's numbers measure, in words (trends read the Goldstein mean or the balance)."""
    return "balance" if getattr(trend, "measure", "goldstein_mean") == "balance" else "mean Goldstein"


def _trend_reason(trend: Any, recent: Tally, freq: str) -> Reason:
    """The fitted trend, backed by the recent events (the trend has no ids of its own)."""
    ids = getattr(trend, "event_ids", None)
    change = getattr(trend, "change", None)
    over = f" ({float(change):+.2f} over the range)" if change is not None else ""
    return Reason(
        f"Trend {trend.direction}: {_measure(trend)} changes by {float(trend.slope):+.2f} per {freq}{over}.",
        list(ids) if ids else list(recent.event_ids),
    )


def _as_agreement(value: Agreement | Mapping[str, Any]) -> Agreement:
    return value if isinstance(value, Agreement) else Agreement.from_dict(value)


def _agreement_reasons(agreements: Sequence[Agreement]) -> list[Reason]:
    if not agreements:
        return []
    ordered = sorted(agreements, key=lambda a: (a.made.date or "", a.agreement_id))
    latest = ordered[-1]
    where = f" at {latest.made.place}" if latest.made.place else ""
    last = latest.history[-1]
    since = f" since {last.date}" if last.state != "made" and last.date else ""
    terms = f" ({', '.join(latest.terms)})" if latest.terms else ""
    ids = list(dict.fromkeys([*latest.made.event_ids, *last.event_ids]))
    reasons = [
        Reason(
            f"Latest agreement: {latest.kind}{terms} between {' and '.join(latest.parties)}, made "
            f"{latest.made.date or 'on an unknown date'}{where}; now {latest.status}{since}.",
            ids,
        )
    ]
    if len(ordered) > 1:
        broken = [a for a in ordered if a.status in ("violated", "collapsed")]
        kept = [a for a in ordered if a.status in ("implemented", "extended")]
        reasons.append(
            Reason(
                f"{len(ordered)} agreements in range: {len(kept)} implemented or extended, "
                f"{len(broken)} violated or collapsed.",
                [i for a in ordered for i in a.made.event_ids],
            )
        )
    return reasons
