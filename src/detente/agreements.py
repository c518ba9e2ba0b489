"""Agreements as first-class records, followed through their life.

"Are these two powers making deals or parting ways?" is answered less by counts of
cooperative verbs than by what happens to the deals they make: the 2018 Sochi
memorandum was signed and then bombed through; the March 2020 Moscow ceasefire was
signed and then patrolled jointly. :func:`track` turns coded events into
:class:`Agreement` records with who made them, when and where, what they say (terms),
and a dated history of later events that implemented, extended, violated or ended them,
each entry citing the events behind it.

How it reads events (every word list and code list is in ``data/agreements.toml``):

* **Making.** A factual event (not negated, not hypothetical) between two different
  principals with a making code (057 sign formal agreement, 0871 declare ceasefire), or a
  conditional code whose evidence says so (03x when the text says "agreed", 046 when a
  deal was "reached"). Its *kind* is the first kind whose words the evidence contains,
  else the code's default kind. Reports of one agreement are merged twice: first as
  clustered reports of one event (:func:`detente.merge.cluster_events`), then clusters
  with the same parties and a compatible kind (equal, or one the generic kind) within
  ``same_agreement_days`` of each other, since one outlet codes the signing (057) and
  another the ceasefire it declares (0871). A making report that says the agreement was
  "extended" is an extension of the earlier agreement, not a new one.
* **Life.** Each later factual event is related to the agreements in force on its date:
  *between* (both principals are parties), *party* (one is), *area* (its place is named
  in the making evidence: the Sochi memorandum names Idlib) and *names* (its evidence
  names an agreement or this agreement's kind). The ``[[states]]`` rules are tried in
  order (collapsed, violated, extended, implemented) and the first that fires gives the
  state; when several agreements of the same parties qualify, the event goes to the one
  it names by kind, else the most recently made. Agreements of different parties are read
  independently (an event in Idlib can violate both a Russian-Turkish and a Syrian-Turkish
  ceasefire), and another dyad's making reports belong to that dyad's agreements, never to
  this one's life: so each pair of parties can be tracked, and stored, on its own. Sustained fighting between the parties
  (``[collapse_by_conflict]``) ends an agreement even when no report says so.
  A collapsed agreement takes no further events.

Usage::

    for agreement in track(events):
        print(agreement.kind, agreement.parties, agreement.status)
    update_store(store, dyads=[("RUS", "TUR")])  # redo what events of these dyads can change
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter, defaultdict, deque
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from functools import lru_cache
from typing import Any

from detente.clustering import DEFAULT_WINDOW_DAYS, agreement_rules, code_matches, event_day
from detente.merge import DerivedUpdate, Member, group_members, member_of, normalise_dyads, window_setting
from detente.records import Event, Location

#: Life states in the order an agreement can pass through them; "made" starts every history.
STATES = ("made", "implemented", "extended", "violated", "collapsed")


# --------------------------------------------------------------------------- records


@dataclass(frozen=True)
class StateChange:
    """One dated step of an agreement's life and the events that show it."""

    date: str | None
    state: str
    event_ids: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        return {"date": self.date, "state": self.state, "event_ids": list(self.event_ids)}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> StateChange:
        return cls(date=data.get("date"), state=data["state"], event_ids=tuple(data["event_ids"]))


@dataclass(frozen=True)
class Making:
    """When, where and by which reports an agreement was made.

    ``date`` is the earliest date a report's text fixed; when none did, the earliest
    publication date, with ``date_fixed`` False so a reader knows it is an upper bound.
    """

    date: str | None
    date_fixed: bool
    place: str | None
    event_ids: tuple[str, ...]
    sources: tuple[str, ...]
    outlets: tuple[str, ...]
    evidence: tuple[str, ...]
    location: Location | None = None

    def to_dict(self) -> dict[str, Any]:
        loc = self.location
        return {
            "date": self.date,
            "date_fixed": self.date_fixed,
            "place": self.place,
            "location": None
            if loc is None
            else {"name": loc.name, "country": loc.country, "lat": loc.lat, "lon": loc.lon, "geonameid": loc.geonameid},
            "event_ids": list(self.event_ids),
            "sources": list(self.sources),
            "outlets": list(self.outlets),
            "evidence": list(self.evidence),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Making:
        loc = data.get("location")
        return cls(
            date=data.get("date"),
            date_fixed=bool(data.get("date_fixed", False)),
            place=data.get("place"),
            event_ids=tuple(data["event_ids"]),
            sources=tuple(data.get("sources", ())),
            outlets=tuple(data.get("outlets", ())),
            evidence=tuple(data.get("evidence", ())),
            location=Location.from_dict(loc) if loc else None,
        )


@dataclass(frozen=True)
class Agreement:
    """An agreement between principals: what it is, how it was made, what became of it.

    ``status`` is the state of the latest ``history`` entry ("made" until something happens).
    """

    agreement_id: str
    parties: tuple[str, ...]
    kind: str
    made: Making
    terms: tuple[str, ...]
    history: tuple[StateChange, ...]

    @property
    def status(self) -> str:
        return self.history[-1].state if self.history else "made"

    def changes(self, state: str) -> tuple[StateChange, ...]:
        """The history entries in ``state``, oldest first."""
        return tuple(h for h in self.history if h.state == state)

    @property
    def implemented(self) -> tuple[StateChange, ...]:
        return self.changes("implemented")

    @property
    def extended(self) -> tuple[StateChange, ...]:
        return self.changes("extended")

    @property
    def violated(self) -> tuple[StateChange, ...]:
        return self.changes("violated")

    @property
    def collapsed(self) -> tuple[StateChange, ...]:
        return self.changes("collapsed")

    @property
    def event_ids(self) -> tuple[str, ...]:
        """Every event behind this record: making reports first, then its history."""
        seen = dict.fromkeys(self.made.event_ids)
        for h in self.history:
            seen.update(dict.fromkeys(h.event_ids))
        return tuple(seen)

    def to_dict(self) -> dict[str, Any]:
        return {
            "agreement_id": self.agreement_id,
            "parties": list(self.parties),
            "kind": self.kind,
            "status": self.status,
            "date_from": self.made.date,
            "date_to": self.history[-1].date if self.history else self.made.date,
            "made": self.made.to_dict(),
            "terms": list(self.terms),
            "history": [h.to_dict() for h in self.history],
            **{state: [h.to_dict() for h in self.changes(state)] for state in STATES[1:]},
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Agreement:
        return cls(
            agreement_id=data["agreement_id"],
            parties=tuple(data["parties"]),
            kind=data["kind"],
            made=Making.from_dict(data["made"]),
            terms=tuple(data.get("terms", ())),
            history=tuple(StateChange.from_dict(h) for h in data.get("history", ())),
        )


# --------------------------------------------------------------------------- word lists


class Words:
    """A word list from the data file, matched case-insensitively on whole words.

    Case is compared by simple lower-casing, as the store's SQL pre-filter does it: full
    case folding would turn "Straße" into "strasse", which the regex then fails to find in
    "Straße" while the store's ``lower()`` still does.
    """

    def __init__(self, words: Iterable[str]) -> None:
        phrases = sorted({w.strip().lower() for w in words if w.strip()}, key=lambda w: (-len(w), w))
        self._pattern = (
            re.compile(
                r"(?<!\w)(?:" + "|".join(r"\s+".join(map(re.escape, p.split())) for p in phrases) + r")(?!\w)",
                re.IGNORECASE,
            )
            if phrases
            else None
        )

    def find(self, text: str) -> bool:
        return bool(self._pattern and self._pattern.search(text))


@dataclass(frozen=True)
class _StateRule:
    state: str
    words: Words
    codes: tuple[str, ...]
    code_scopes: frozenset[str]


@dataclass(frozen=True)
class _Rules:
    making_codes: tuple[str, ...]
    conditional: tuple[tuple[tuple[str, ...], Words], ...]
    default_kind: dict[str, str]
    generic_kind: str
    same_agreement_days: int
    kinds: dict[str, Words]
    references: Words
    terms: dict[str, Words]
    states: tuple[_StateRule, ...]
    extension: Words
    conflict_events: int
    conflict_days: int


@lru_cache(maxsize=1)
def _rules() -> _Rules:
    data = agreement_rules()
    making = data["making"]
    states = tuple(
        _StateRule(s["state"], Words(s.get("words", ())), tuple(s.get("codes", ())), frozenset(s.get("code_scopes", ())))
        for s in data["states"]
    )
    extension = next((s.words for s in states if s.state == "extended"), Words(()))
    return _Rules(
        making_codes=tuple(making["codes"]),
        conditional=tuple((tuple(c["codes"]), Words(c["words"])) for c in making.get("conditional", ())),
        default_kind=dict(making["default_kind"]),
        generic_kind=making["generic_kind"],
        same_agreement_days=int(making["same_agreement_days"]),
        kinds={kind: Words(words) for kind, words in data["kinds"].items()},
        references=Words(data["references"]["words"]),
        terms={label: Words(words) for label, words in data["terms"].items()},
        states=states,
        extension=extension,
        conflict_events=int(data["collapse_by_conflict"]["events"]),
        conflict_days=int(data["collapse_by_conflict"]["days"]),
    )


# --------------------------------------------------------------------------- making


def is_making(event: Event) -> bool:
    """Whether this event reports an agreement being made (see the module docstring)."""
    if event.negated or event.hypothetical or event.source.principal == event.target.principal:
        return False
    rules = _rules()
    if code_matches(event.cameo, rules.making_codes):
        return True
    return any(code_matches(event.cameo, codes) and words.find(event.evidence.text) for codes, words in rules.conditional)


def kind_of(event: Event) -> str:
    """The kind the evidence names (first in data-file order), else the code's default kind."""
    rules = _rules()
    for kind, words in rules.kinds.items():
        if kind != rules.generic_kind and words.find(event.evidence.text):
            return kind
    prefixes = sorted((p for p in rules.default_kind if event.cameo.startswith(p)), key=len, reverse=True)
    return rules.default_kind[prefixes[0]] if prefixes else rules.generic_kind


def _kinds_compatible(a: str, b: str) -> bool:
    generic = _rules().generic_kind
    return a == b or a == generic or b == generic


def _merged_kind(kinds: Sequence[str]) -> str:
    generic = _rules().generic_kind
    order = list(_rules().kinds)
    specific = Counter(k for k in kinds if k != generic)
    if not specific:
        return generic
    return min(specific, key=lambda k: (-specific[k], order.index(k) if k in order else len(order), k))


@dataclass
class _Draft:
    """An agreement while its reports are gathered and its life is read."""

    parties: tuple[str, ...]
    kinds: list[str]
    reports: list[MakingReport]
    last_day: date | None
    kind: str = ""
    history: list[tuple[date, str, str, str | None]] = field(default_factory=list)
    area: list[str] = field(default_factory=list)
    made: date | None = None
    closed: bool = False
    conflict: deque[tuple[date, str]] = field(default_factory=deque)
    doc_ids: set[str] = field(default_factory=set)

    def __post_init__(self) -> None:
        self.kind = _merged_kind(self.kinds)
        self.doc_ids = {r.doc_id for r in self.reports}

    def reports_making(self, event: Event) -> bool:
        """True when ``event`` comes from an article that reports this making and its date is
        only that article's publication date: such an event is background to the making (what
        led to it), not a step in the agreement's later life."""
        return event.date_source != "text" and event.doc_id in self.doc_ids

    def absorb(self, members: Sequence[MakingReport], day: date | None) -> None:
        """Take more reports of the same making."""
        self.reports.extend(members)
        self.kinds.extend(r.kind for r in members)
        self.doc_ids.update(r.doc_id for r in members)
        self.kind = _merged_kind(self.kinds)
        if day is not None:
            self.last_day = day if self.last_day is None else max(self.last_day, day)


def _parties(event: Event) -> tuple[str, ...]:
    return tuple(sorted({event.source.principal, event.target.principal}))


@dataclass(frozen=True, slots=True)
class MakingReport:
    """A making report reduced to what tracking reads of it: a hub pair of parties has
    hundreds of thousands of them, held together while they are grouped into agreements,
    and a whole event (actors, location, extra fields) weighs several times this."""

    member: Member  # how it clusters with other reports of one making, its article and day
    shown_date: str | None  # the event's date as the record shows it (``Event.date``)
    kind: str
    extends: bool  # the evidence says an agreement was extended
    text: str  # the evidence: quoted by the record, searched for places and terms

    @property
    def event_id(self) -> str:
        return self.member.event_id

    @property
    def doc_id(self) -> str:
        return self.member.doc_id

    @property
    def day(self) -> date | None:
        return self.member.day

    @property
    def location(self) -> Location | None:
        return self.member.report.location

    @property
    def parties(self) -> tuple[str, ...]:
        report = self.member.report
        return tuple(sorted({report.source, report.target}))


def making_report(event: Event, window_days: int = DEFAULT_WINDOW_DAYS) -> MakingReport:
    """``event``, a making report (:func:`is_making`), as tracking holds it."""
    return MakingReport(
        member=replace(member_of(event, window_days), evidence=None),  # the text below is all it keeps
        shown_date=event.date,
        kind=kind_of(event),
        extends=_rules().extension.find(event.evidence.text),
        text=event.evidence.text,
    )


# --------------------------------------------------------------------------- tracking


#: Finds the events that may bear on agreements between ``parties`` whose areas are ``places``
#: and that were made on day ``since`` or later: every factual event from that day on with a
#: party on either side or at one of the places (a superset is fine), each once, in order of
#: day then ``event_id`` (the store streams them so; they are read once, as they come).
RelatedEvents = Callable[[Sequence[str], Sequence[str], date | None], Iterable[Event]]


def track(
    events: Iterable[Event],
    *,
    outlets: Mapping[str, str] | None = None,
    window_days: int = DEFAULT_WINDOW_DAYS,
) -> list[Agreement]:
    """Agreements made in ``events`` and what later events did to them.

    Deterministic: the same events in any order give the same records, ordered by the date
    they were made then ``agreement_id``. ``outlets`` maps ``doc_id`` to outlet so a record
    can say which outlets reported its making. Each pair of parties is tracked on its own
    (:func:`track_parties`), which is what lets the store update one dyad at a time.
    """
    events = list(events)
    places = place_words(e.location.name for e in events if e.location is not None)
    making: dict[tuple[str, ...], list[MakingReport]] = defaultdict(list)
    for event in events:
        if is_making(event):
            making[_parties(event)].append(making_report(event, window_days))

    def related(parties: Sequence[str], area: Sequence[str], since: date | None) -> list[Event]:
        who, where = set(parties), set(area)
        found = [
            e
            for e in {e.event_id: e for e in events}.values()
            if (
                e.source.principal in who
                or e.target.principal in who
                or (e.location is not None and e.location.name.strip() in where)
            )
            and (since is None or (event_day(e) or date.min) >= since)
        ]
        return sorted(found, key=lambda e: (event_day(e) or date.min, e.event_id))

    agreements: list[Agreement] = []
    for parties in sorted(making):
        agreements.extend(
            track_parties(
                parties, making[parties], related, places=places, outlets=outlets or {}, window_days=window_days
            )
        )
    agreements.sort(key=lambda a: (a.made.date or "", a.agreement_id))
    return agreements


def place_words(names: Iterable[str]) -> dict[str, Words]:
    """Each distinct place name events happen at, as a word list to find it in making evidence."""
    return {name: Words([name]) for name in sorted({n.strip() for n in names if n.strip()})}


def track_parties(
    parties: tuple[str, ...],
    making: Sequence[MakingReport],
    related: RelatedEvents,
    *,
    places: Mapping[str, Words],
    outlets: Mapping[str, str],
    window_days: int = DEFAULT_WINDOW_DAYS,
) -> list[Agreement]:
    """The agreements one pair of parties made (``making``: their making reports, see
    :func:`making_report`, read with the same ``window_days``) and their life.

    An agreement is made by one dyad, but its life is read from any event that involves a
    party or lies in its area (the Sochi memorandum between Russia and Turkey is violated by
    Syrian shelling in Idlib). So the inputs are exactly: this dyad's making reports, the
    events ``related`` returns for the parties and areas, and the known place names. Other
    dyads' making reports are about their own agreements and are not read as life events.
    When several of this pair's agreements qualify for an event, it goes to one of them.
    """
    rules = _rules()
    drafts = _drafts(making, window_days, rules)
    if not drafts:
        return []
    making_ids = {r.event_id for d in drafts for r in d.reports}
    _set_areas(drafts, places)
    for draft in drafts:
        draft.made = _first_day(draft.reports)
    area = sorted({place for d in drafts for place in d.area})
    # An event before the first making meets no agreement in force: no need to read it.
    since = min((d.made for d in drafts if d.made is not None), default=None)
    if since is None:
        return [_finish(d, outlets) for d in drafts]
    # A generator: for a hub party the related events are most of the store, so they are
    # read as they stream from ``related`` (already in date order), never held at once.
    life = (
        e
        for e in related(parties, area, since)
        if e.event_id not in making_ids
        and not e.negated
        and not e.hypothetical
        and event_day(e) is not None
        and (_parties(e) == parties or not is_making(e))
    )
    _live(drafts, life, rules)
    return [_finish(d, outlets) for d in drafts]


def _drafts(making: Sequence[MakingReport], window_days: int, rules: _Rules) -> list[_Draft]:
    """Group one pair's making reports into agreements (see the module docstring)."""
    drafts: list[_Draft] = []
    by_id = {r.event_id: r for r in making}
    groups = [
        [by_id[m.event_id] for m in group]
        for group in group_members((r.member for r in making), window_days=window_days)
    ]
    groups.sort(key=lambda members: (_first_day(members) or date.max, members[0].event_id))
    for members in groups:
        kinds = [r.kind for r in members]
        kind = _merged_kind(kinds)
        day = _first_day(members)
        related = [d for d in drafts if _kinds_compatible(d.kind, kind)]
        if any(r.extends for r in members) and any(
            d.last_day is not None and day is not None and d.last_day < day for d in related
        ):
            continue  # an extension of an earlier agreement: read as part of its life below
        same = next(
            (
                d
                for d in reversed(related)
                if d.last_day is not None
                and day is not None
                and abs((day - d.last_day).days) <= rules.same_agreement_days
            ),
            None,
        )
        if same is not None:
            same.absorb(members, day)
        else:
            drafts.append(_Draft(members[0].parties, kinds, list(members), day))
    return drafts


def _live(drafts: Sequence[_Draft], life: Iterable[Event], rules: _Rules) -> None:
    """Read the life events (in date order) against the agreements in force on their dates."""
    # Agreements enter the indexes on the day they are made, and events arrive in date
    # order, so each event only meets agreements already made and not yet collapsed.
    pending = sorted((d for d in drafts if d.made is not None), key=lambda d: d.made or date.min)
    pending.reverse()
    by_party: dict[str, list[_Draft]] = defaultdict(list)
    by_place: dict[str, list[_Draft]] = defaultdict(list)
    for event in life:
        day = event_day(event)
        while pending and day is not None and (pending[-1].made or date.min) <= day:
            draft = pending.pop()
            for party in draft.parties:
                by_party[party].append(draft)
            for place in draft.area:
                by_place[place].append(draft)
        lists = [by_party.get(event.source.principal), by_party.get(event.target.principal)]
        if event.location is not None:
            lists.append(by_place.get(event.location.name.strip()))
        candidates: dict[int, _Draft] = {}
        for found in lists:
            if found:
                found[:] = [d for d in found if not d.closed]
                candidates.update((id(d), d) for d in found)
        if candidates:
            _apply(event, list(candidates.values()), rules)


def _set_areas(drafts: Sequence[_Draft], places: Mapping[str, Words]) -> None:
    """An agreement's area: the places its making evidence names, as places events happen in.

    The Sochi memorandum's evidence names Idlib, so a strike located in Idlib lies in its
    area. A making venue on a party's own soil (Sochi, Moscow) is where the leaders met,
    not where the agreement applies, so it is left out: a later drone strike on Moscow does
    not violate a ceasefire for Idlib that was signed there.
    """
    for draft in drafts:
        text = "\n".join(dict.fromkeys(r.text for r in draft.reports))
        venues = {
            r.location.name.strip()
            for r in draft.reports
            if r.location is not None and r.location.country in draft.parties
        }
        draft.area = sorted(name for name, words in places.items() if name not in venues and words.find(text))


def _first_day(members: Sequence[MakingReport]) -> date | None:
    """The day a group of making reports dates the making: a text-fixed day if any, else the earliest."""
    fixed = [d for r in members if r.member.text_dated and (d := r.day) is not None]
    days = [d for r in members if (d := r.day) is not None]
    return min(fixed) if fixed else min(days, default=None)


@dataclass(frozen=True)
class _Reading:
    """What an event's evidence says, independent of any agreement (read once per event)."""

    words: dict[str, bool]
    references: bool


def _read(event: Event, rules: _Rules) -> _Reading:
    text = event.evidence.text
    return _Reading(
        words={rule.state: rule.words.find(text) for rule in rules.states},
        references=rules.references.find(text),
    )


def _relations(event: Event, draft: _Draft, reading: _Reading, rules: _Rules) -> set[str]:
    src, tgt = event.source.principal, event.target.principal
    parties = draft.parties
    found: set[str] = set()
    if src != tgt and src in parties and tgt in parties:
        found.add("between")
    if src in parties or tgt in parties:
        found.add("party")
    if event.location and event.location.name.strip() in draft.area:
        found.add("area")
    kind_words = rules.kinds.get(draft.kind)
    names_kind = kind_words is not None and kind_words.find(event.evidence.text)
    if names_kind or reading.references:
        found.add("names")
    if names_kind and draft.kind != rules.generic_kind:
        found.add("names_kind")
    return found


def _state_for(event: Event, relations: set[str], reading: _Reading, rules: _Rules) -> str | None:
    word_scope = "between" in relations or ("names" in relations and bool(relations & {"party", "area"}))
    for rule in rules.states:
        if word_scope and reading.words[rule.state]:
            return rule.state
        if rule.codes and code_matches(event.cameo, rule.codes) and relations & rule.code_scopes:
            return rule.state
    return None


def _apply(event: Event, drafts: Sequence[_Draft], rules: _Rules) -> None:
    day = event_day(event)
    assert day is not None
    reading = _read(event, rules)
    best: tuple[tuple[bool, date], _Draft, str, set[str]] | None = None
    for draft in drafts:
        made = draft.made
        if made is None or draft.reports_making(event):
            continue
        relations = _relations(event, draft, reading, rules)
        state = _state_for(event, relations, reading, rules)
        counts_as_conflict = event.quad == 4 and "between" in relations
        if state is None and not counts_as_conflict:
            continue
        rank = ("names_kind" in relations, made)
        if best is None or rank > best[0]:
            best = (rank, draft, state or "", relations)
    if best is None:
        return
    _, draft, state, relations = best
    if state:
        draft.history.append((day, state, event.event_id, event.date))
    if event.quad == 4 and "between" in relations:
        draft.conflict.append((day, event.event_id))
        while draft.conflict and (day - draft.conflict[0][0]) > timedelta(days=rules.conflict_days):
            draft.conflict.popleft()
        if len(draft.conflict) >= rules.conflict_events and state != "collapsed":
            for _, event_id in draft.conflict:
                draft.history.append((day, "collapsed", event_id, event.date))
    if any(entry[1] == "collapsed" for entry in draft.history):
        draft.closed = True


def _finish(draft: _Draft, outlets: Mapping[str, str]) -> Agreement:
    rules = _rules()
    reports = sorted(draft.reports, key=lambda r: (r.day or date.max, not r.member.text_dated, r.event_id))
    fixed = [r for r in reports if r.member.text_dated and r.shown_date]
    first = fixed[0] if fixed else reports[0]
    places = Counter(r.location.name for r in reports if r.location)
    place = min(places, key=lambda n: (-places[n], n)) if places else None
    location = next((r.location for r in reports if r.location and r.location.name == place), None)
    texts = list(dict.fromkeys(r.text for r in reports))
    doc_ids = sorted({r.doc_id for r in reports})
    made = Making(
        date=first.shown_date,
        date_fixed=bool(fixed),
        place=place,
        event_ids=tuple(r.event_id for r in reports),
        sources=tuple(doc_ids),
        outlets=tuple(sorted({outlets[d] for d in doc_ids if d in outlets})),
        evidence=tuple(texts),
        location=location,
    )
    terms = tuple(label for label, words in rules.terms.items() if any(words.find(t) for t in texts))
    grouped: dict[tuple[date, str, str | None], list[str]] = {}
    for day, state, event_id, shown in draft.history:
        grouped.setdefault((day, state, shown), []).append(event_id)
    history = [StateChange(made.date, "made", made.event_ids)]
    ordered = sorted(grouped.items(), key=lambda kv: (kv[0][0], STATES.index(kv[0][1]), kv[0][2] or ""))
    for (day, state, shown), ids in ordered:
        history.append(StateChange(shown or day.isoformat(), state, tuple(dict.fromkeys(ids))))
    earliest = min(reports, key=lambda r: (r.day or date.max, r.event_id))
    return Agreement(
        agreement_id="a-" + hashlib.sha1(earliest.event_id.encode("utf-8")).hexdigest()[:16],
        parties=draft.parties,
        kind=draft.kind,
        made=made,
        terms=terms,
        history=tuple(history),
    )


# --------------------------------------------------------------------------- store


def making_prefixes() -> list[str]:
    """Every code that can make an agreement (alone or with words), for a coarse SQL pre-filter."""
    rules = _rules()
    return sorted({*rules.making_codes, *(c for codes, _ in rules.conditional for c in codes)})


def affected_dyads(store: Any, touched: Iterable[Sequence[str]]) -> list[tuple[str, str]]:
    """The dyads whose agreements can change when events of ``touched`` dyads change.

    An agreement's inputs (see :func:`track_parties`) are its dyad's making reports, events
    with a party on either side, events at places its making evidence names, and the set of
    place names. So besides the touched dyads themselves, the dyads to redo are those with a
    possible making report that involves a touched principal or mentions a place of a
    touched dyad's events (a superset: redoing a dyad exactly is always safe).
    """
    touched = normalise_dyads(touched)
    if not touched:
        return []
    principals = {p for dyad in touched for p in dyad}
    found = store.candidate_dyads(
        prefixes=making_prefixes(), involving=principals, mentioning=store.place_names(dyads=touched)
    )
    return normalise_dyads([*touched, *found])


def update_store(
    store: Any,
    *,
    dyads: Iterable[Sequence[str]] | None = None,
    window_days: int | None = None,
) -> DerivedUpdate:
    """Track agreements for the dyads that ``dyads`` (default: every dyad) can affect; save them.

    Each pair of parties is tracked and saved on its own, reading only its making reports
    and the events related to it, so memory is bounded by one pair's share of the store and
    an ingest recomputes only the agreements its events can change.
    """
    window = window_setting(window_days)
    if dyads is None:
        stale = store.derived_dyads(clusters=False)
        todo = normalise_dyads({*store.candidate_dyads(prefixes=making_prefixes()), *stale})
    else:
        todo = affected_dyads(store, dyads)
    places = place_words(store.place_names())
    prefixes = making_prefixes()
    saved = 0
    for a, b in todo:
        making = (
            [
                making_report(e, window)
                for e in store.iter_dyad_events(a, b, cameo_prefixes=prefixes, ordered=False)
                if is_making(e)
            ]
            if a != b
            else []
        )
        outlets = store.outlets(r.doc_id for r in making)
        found = track_parties(
            (a, b), making, store.related_events, places=places, outlets=outlets, window_days=window
        )
        saved += store.save_agreements([x.to_dict() for x in found], dyads=[(a, b)])
    return DerivedUpdate(dyads=tuple(todo), records=saved)
