"""What the API, the dashboard and the static report show, built once from the store.

The JSON API, the Jinja pages and ``detente.report`` all present the same things (a dyad's
series with its verdict, an event with its sentence); building them here keeps the three
from drifting apart, and keeps FastAPI out of the report's imports.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from functools import lru_cache
from typing import TYPE_CHECKING, Any

import duckdb

from detente.errors import NotFound, StoreError, UnknownActor
from detente.records import QUAD_NAMES, Article, Event
from detente.settings import Settings

if TYPE_CHECKING:
    from detente.store.db import Store

#: Largest page of events one request may ask for; bigger exports go through ``detente export``.
MAX_LIMIT = 1000
DEFAULT_LIMIT = 100


def plain(value: Any) -> Any:
    """JSON-ready form of an analysis result (object with ``to_dict``, dataclass, or plain data)."""
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    to_dict = getattr(value, "to_dict", None)
    if callable(to_dict):
        return plain(to_dict())
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return plain(dataclasses.asdict(value))
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [plain(v) for v in value]
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def cameo_name(code: str) -> str | None:
    """The CAMEO code's name, or ``None`` for a code the table does not list."""
    from detente.coding.cameo import CameoTable
    from detente.errors import InvalidQuery

    try:
        return CameoTable.load().get(code).name
    except InvalidQuery:
        return None


def flags(event: Event) -> list[str]:
    """Why an event should be read with care: negated or hypothetical statements."""
    out = []
    if event.negated:
        out.append("negated")
    if event.hypothetical:
        out.append("hypothetical")
    return out


def event_row(event: Event, article: Article | None = None) -> dict[str, Any]:
    """The contract's event record plus what a reader needs to see it in a table.

    The added keys (``cameo_name``, ``quad_name``, ``flags``, ``outlet``, ``title``, ``url``,
    ``published``) come after the contract's keys and never replace one of them.
    """
    row = event.to_dict()
    row["cameo_name"] = cameo_name(event.cameo)
    row["quad_name"] = QUAD_NAMES.get(event.quad)
    row["flags"] = flags(event)
    row["outlet"] = article.outlet if article else None
    row["title"] = article.title if article else None
    row["url"] = article.url if article else None
    row["published"] = article.published if article else None
    return row


def _articles_for(store: Store, events: Iterable[Event]) -> dict[str, Article | None]:
    found: dict[str, Article | None] = {}
    for ev in events:
        if ev.doc_id not in found:
            try:
                found[ev.doc_id] = store.article(ev.doc_id)
            except NotFound:
                found[ev.doc_id] = None
    return found


def event_rows(store: Store, events: list[Event]) -> list[dict[str, Any]]:
    """Table rows for events, each with its article's outlet and title (one lookup per article)."""
    articles = _articles_for(store, events)
    return [event_row(ev, articles.get(ev.doc_id)) for ev in events]


def evidence_span(event: Event, text: str) -> tuple[int, int]:
    """Where the event's sentence lies in its article text.

    The stored offsets are trusted when they point at the stored sentence; when the text
    was cleaned again after coding (so the offsets drifted) the sentence is searched for,
    and failing that the offsets are clamped, so a page can always highlight something.
    """
    start, end = event.evidence.start, event.evidence.end
    sentence = event.evidence.text
    if 0 <= start <= end <= len(text) and text[start:end] == sentence:
        return start, end
    if sentence:
        found = text.find(sentence)
        if found >= 0:
            return found, found + len(sentence)
    start = max(0, min(start, len(text)))
    end = max(start, min(end, len(text)))
    return start, end


def event_detail(store: Store, event_id: str) -> dict[str, Any]:
    """One event, its article's text, and the span of its sentence in that text (for highlighting)."""
    event = store.event(event_id)
    try:
        article: Article | None = store.article(event.doc_id)
    except NotFound:
        article = None
    row = event_row(event, article)
    if article is not None:
        start, end = evidence_span(event, article.text)
        text = article.text
        art = {
            "id": article.id,
            "title": article.title,
            "url": article.url,
            "outlet": article.outlet,
            "published": article.published,
            "published_source": article.published_source,
            "text": text,
        }
    else:
        # The article row is gone (a partial import): the sentence itself is all the context there is.
        text = event.evidence.text
        start, end = 0, len(text)
        art = {
            "id": event.doc_id,
            "title": None,
            "url": None,
            "outlet": None,
            "published": None,
            "published_source": "none",
            "text": text,
        }
    return {
        "event": row,
        "article": art,
        "highlight": {"start": start, "end": end},
        "segments": {"before": text[:start], "sentence": text[start:end], "after": text[end:]},
    }


def check_actor(store: Store, principal: str) -> str:
    """The principal, upper-cased, if this database has events for it; else :class:`UnknownActor`."""
    code = principal.strip().upper()
    if not code or store.count_events(actor=code) == 0:
        raise UnknownActor(principal)
    return code


def dyad_events(
    store: Store,
    a: str,
    b: str,
    *,
    date_from: str | None = None,
    date_to: str | None = None,
    limit: int = DEFAULT_LIMIT,
    offset: int = 0,
) -> tuple[list[Event], int]:
    """Events between ``a`` and ``b`` in either direction, in the store's order (oldest first,
    undated last), and how many there are in all."""
    window = offset + limit
    both: list[Event] = []
    total = 0
    for src, tgt in ((a, b), (b, a)):
        if src == tgt and both:
            break
        both.extend(store.events(source=src, target=tgt, date_from=date_from, date_to=date_to, limit=window))
        total += store.count_events(source=src, target=tgt, date_from=date_from, date_to=date_to)
    both.sort(key=lambda e: (e.date is None, e.date or "", e.doc_id, e.sentence, e.event_id))
    return both[offset:window], total


def balance(series: list[dict[str, Any]]) -> dict[str, Any]:
    """Cooperation against conflict over the whole series.

    ``index`` runs from -1 (every event conflictual) to +1 (every event cooperative), the
    share researchers read first before looking at Goldstein weights.
    """
    coop = conf = 0
    for period in series:
        quad = period.get("quad") or {}
        coop += int(quad.get("1", quad.get(1, 0))) + int(quad.get("2", quad.get(2, 0)))
        conf += int(quad.get("3", quad.get(3, 0))) + int(quad.get("4", quad.get(4, 0)))
    total = coop + conf
    return {
        "cooperation": coop,
        "conflict": conf,
        "index": round((coop - conf) / total, 4) if total else None,
    }


def dyad_payload(
    store: Store,
    a: str,
    b: str,
    *,
    freq: str = "month",
    date_from: str | None = None,
    date_to: str | None = None,
    settings: Settings | None = None,
) -> dict[str, Any]:
    """The relation between two actors: series, trend, turning points, verdict, balance, agreements.

    The keys ``a``, ``b``, ``series``, ``trend`` and ``turning_points`` are the contract's
    (``shared/CONTRACT.md``); ``verdict``, ``balance`` and ``agreements`` are added so a
    reader sees the conclusion and what it rests on in one response. The numbers come from
    :func:`detente.analysis.summary.summarise`, the same call the CLI and the report use.
    """
    from detente.analysis.summary import summarise

    a = check_actor(store, a)
    b = check_actor(store, b)
    summary = summarise(store, a, b, freq=freq, date_from=date_from, date_to=date_to, settings=settings)
    body: dict[str, Any] = plain(summary.to_dict())
    periods = body.get("series", [])
    body.update(
        {
            "a": a,
            "b": b,
            "freq": freq,
            "series": periods,
            "turning_points": body.get("turning_points") or [],
            "agreements": body.get("agreements") or [],
            "balance": balance(periods),
        }
    )
    return body


_PRINCIPALS_SQL = """
SELECT principal, count(*) AS n, mode(name) AS name FROM (
    SELECT source_principal AS principal, source_name AS name FROM events
    UNION ALL
    SELECT target_principal AS principal, target_name AS name FROM events
) GROUP BY principal ORDER BY n DESC, principal
"""

_DYADS_SQL = """
SELECT least(source_principal, target_principal) AS a, greatest(source_principal, target_principal) AS b,
       count(*) AS n
FROM events WHERE source_principal <> target_principal
GROUP BY a, b ORDER BY n DESC, a, b LIMIT ?
"""


def _rows(store: Store, sql: str, params: list[Any]) -> list[tuple[Any, ...]]:
    cur = store.cursor()
    try:
        return list(cur.execute(sql, params).fetchall())
    except duckdb.Error as exc:
        raise StoreError(f"query failed: {exc}") from exc
    finally:
        cur.close()


@lru_cache(maxsize=1)
def principal_names() -> dict[str, str]:
    """Display names of principals from the actor dictionary files (``RUS`` -> ``Russia``).

    The commonest mention is a poor label (Turkey's is often "Erdogan"), so the dictionary's
    own name for a state, organisation or group is preferred.
    """
    from detente.actors.dictionary import read_actor_files

    names: dict[str, str] = {}
    for stem in ("groups", "organisations", "states"):
        for row in read_actor_files().get(stem, []):
            principal = row.get("principal")
            name = row.get("name") or (row.get("names") or [None])[0]
            if principal and name:
                names[str(principal)] = str(name)
    return names


def principal_counts(store: Store) -> list[dict[str, Any]]:
    """Every principal in the database with how many events it is source or target of."""
    known = principal_names()
    return [
        {"principal": p, "events": int(n), "name": known.get(p) or name or p}
        for p, n, name in _rows(store, _PRINCIPALS_SQL, [])
        if p
    ]


def top_dyads(store: Store, *, limit: int = 10) -> list[dict[str, Any]]:
    """The most frequent actor pairs (either direction), for the dashboard's default choice."""
    return [{"a": a, "b": b, "events": int(n)} for a, b, n in _rows(store, _DYADS_SQL, [limit]) if a and b]


def world_outline() -> dict[str, Any]:
    """The shipped Natural Earth 1:110m country outlines (public domain), for offline maps."""
    import json
    from importlib import resources

    text = (resources.files("detente") / "data" / "geo" / "world_110m.json").read_text(encoding="utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


_PLACES_SQL = """
SELECT location_name, any_value(location_country), avg(location_lat), avg(location_lon), count(*) AS n,
       mode(quad) AS quad
FROM events
WHERE ((source_principal = ? AND target_principal = ?) OR (source_principal = ? AND target_principal = ?))
  AND location_lat IS NOT NULL AND location_lon IS NOT NULL
  AND NOT negated AND NOT hypothetical
  AND (? IS NULL OR day >= ?) AND (? IS NULL OR day <= ?)
GROUP BY location_name, round(location_lat, 2), round(location_lon, 2)
ORDER BY n DESC, location_name
"""


def dyad_places(
    store: Store, a: str, b: str, *, date_from: str | None = None, date_to: str | None = None
) -> list[dict[str, Any]]:
    """Where the events between ``a`` and ``b`` happened, with counts and the commonest quad class.

    Negated and hypothetical events are left off the map: they did not happen there.
    Computed in the database, so a dyad of a million events still returns one row per place.
    """
    from detente.store.db import parse_day

    lo = parse_day(date_from, name="date_from")
    hi = parse_day(date_to, name="date_to", end=True)
    rows = _rows(store, _PLACES_SQL, [a, b, b, a, lo, lo, hi, hi])
    return [
        {"name": name, "country": country, "lat": float(lat), "lon": float(lon), "events": int(n), "quad": int(q)}
        for name, country, lat, lon, n, q in rows
    ]
