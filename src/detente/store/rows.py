"""Records <-> table rows: the column layout of articles and events and its Arrow types.

Kept apart from the store so exporters, the Ray engine and importers share one layout
with the database without opening one.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime
from typing import Any

from detente.records import Actor, Event, Evidence, Location

ARTICLE_COLUMNS = (
    "id",
    "text",
    "url",
    "title",
    "outlet",
    "published",
    "published_source",
    "origin",
    "ingested_at",
)

_ACTOR_FIELDS = ("name", "principal", "code", "country", "sector", "wikidata")

#: The flattened event record, in table order; exporters (CSV, Parquet) write these columns.
RECORD_COLUMNS: tuple[str, ...] = (
    "event_id",
    "id",
    "doc_id",
    "sentence",
    *(f"source_{f}" for f in _ACTOR_FIELDS),
    *(f"target_{f}" for f in _ACTOR_FIELDS),
    "cameo",
    "root",
    "quad",
    "goldstein",
    "plover",
    "negated",
    "hypothetical",
    "date",
    "day",
    "date_precision",
    "date_source",
    "location_name",
    "location_country",
    "location_lat",
    "location_lon",
    "location_geonameid",
    "evidence_text",
    "evidence_start",
    "evidence_end",
    "confidence",
)
EVENT_COLUMNS: tuple[str, ...] = (*RECORD_COLUMNS, "extra", "ingested_at")

#: SQL for the ``dyad`` key column from the two principal columns (see migration 0001).
DYAD_SQL = "least(source_principal, target_principal) || '|' || greatest(source_principal, target_principal)"


def dyad_key(a: str, b: str) -> str:
    """The unordered pair key of two principals, as stored in ``events.dyad``."""
    return f"{min(a, b)}|{max(a, b)}"


_DATE_RE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")


def day_of(value: str | None) -> date | None:
    """The typed day of a record date: first day of the period for ``YYYY-MM`` and ``YYYY``.

    A record date that is not a date (malformed input from elsewhere) gives None, so the event
    is stored and listed but stays out of date ranges and series instead of failing the batch.
    """
    if not value:
        return None
    m = _DATE_RE.match(value.strip())
    if not m:
        return None
    try:
        return date(int(m.group(1)), int(m.group(2) or 1), int(m.group(3) or 1))
    except ValueError:
        return None


def event_to_row(event: Event, *, ingested_at: datetime | None = None) -> tuple[Any, ...]:
    """One event as a tuple in :data:`EVENT_COLUMNS` order."""
    loc = event.location

    def actor(a: Actor) -> tuple[Any, ...]:
        return tuple(getattr(a, f) for f in _ACTOR_FIELDS)

    return (
        event.event_id,
        event.id,
        event.doc_id,
        event.sentence,
        *actor(event.source),
        *actor(event.target),
        event.cameo,
        event.root,
        event.quad,
        event.goldstein,
        event.plover,
        event.negated,
        event.hypothetical,
        event.date,
        day_of(event.date),
        event.date_precision,
        event.date_source,
        loc.name if loc else None,
        loc.country if loc else None,
        loc.lat if loc else None,
        loc.lon if loc else None,
        loc.geonameid if loc else None,
        event.evidence.text,
        event.evidence.start,
        event.evidence.end,
        event.confidence,
        json.dumps(event.extra, ensure_ascii=False, sort_keys=True) if event.extra else None,
        ingested_at or utc_now(),
    )


def row_to_event(row: Sequence[Any] | dict[str, Any]) -> Event:
    """The inverse of :func:`event_to_row`; takes a tuple in RECORD/EVENT column order or a dict."""
    r = row if isinstance(row, dict) else dict(zip(EVENT_COLUMNS, row, strict=False))
    loc = None
    if r.get("location_name") is not None:
        loc = Location(
            name=_shared(r["location_name"]),
            country=_shared(r.get("location_country")),
            lat=_opt_float(r.get("location_lat")),
            lon=_opt_float(r.get("location_lon")),
            geonameid=_opt_int(r.get("location_geonameid")),
        )
    extra = r.get("extra")
    return Event(
        id=r["id"],
        event_id=r["event_id"],
        doc_id=r["doc_id"],
        sentence=int(r["sentence"]),
        source=_actor(r, "source"),
        target=_actor(r, "target"),
        cameo=_shared(r["cameo"]),
        root=_shared(r["root"]),
        quad=int(r["quad"]),
        goldstein=float(r["goldstein"]),
        evidence=Evidence(
            text=r["evidence_text"], start=int(r["evidence_start"]), end=int(r["evidence_end"])
        ),
        plover=_shared(r.get("plover")),
        negated=bool(r["negated"]),
        hypothetical=bool(r["hypothetical"]),
        date=_shared(r.get("date")),
        date_precision=_shared(r.get("date_precision")),
        date_source=_shared(r.get("date_source")),
        location=loc,
        confidence=float(r["confidence"]),
        extra=json.loads(extra) if isinstance(extra, str) and extra else {},
    )


def _actor(r: dict[str, Any], side: str) -> Actor:
    return Actor(
        name=_shared(r[f"{side}_name"]),
        principal=_shared(r[f"{side}_principal"]),
        code=_shared(r[f"{side}_code"]),
        country=_shared(r.get(f"{side}_country")),
        sector=_shared(r.get(f"{side}_sector")),
        wikidata=_shared(r.get(f"{side}_wikidata")),
    )


def _shared(value: Any) -> Any:
    """One string object for each repeated value (principals, codes, dates, places).

    Each row fetched from DuckDB brings its own copy of every string, so a caller holding
    many events (a pair's making reports, an in-memory analysis) would otherwise hold
    "RUS" once per event.
    """
    return sys.intern(value) if type(value) is str else value


def _opt_float(v: Any) -> float | None:
    return None if v is None else float(v)


def _opt_int(v: Any) -> int | None:
    return None if v is None else int(v)


def utc_now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


_ARROW_TYPES: dict[str, Any] = {}


def _init_arrow_types() -> None:
    import pyarrow as pa

    _ARROW_TYPES.update(
        {
            "sentence": pa.int32(),
            "quad": pa.int8(),
            "goldstein": pa.float64(),
            "negated": pa.bool_(),
            "hypothetical": pa.bool_(),
            "day": pa.date32(),
            "location_lat": pa.float64(),
            "location_lon": pa.float64(),
            "location_geonameid": pa.int64(),
            "evidence_start": pa.int32(),
            "evidence_end": pa.int32(),
            "confidence": pa.float64(),
            "ingested_at": pa.timestamp("us"),
            **{
                c: pa.string()
                for c in EVENT_COLUMNS
                if c.endswith(("_name", "_principal", "_code", "_country", "_sector", "_wikidata"))
            },
            **{
                c: pa.string()
                for c in (
                    "event_id",
                    "id",
                    "doc_id",
                    "cameo",
                    "root",
                    "plover",
                    "date",
                    "date_precision",
                    "date_source",
                    "evidence_text",
                    "extra",
                )
            },
        }
    )


_init_arrow_types()


def dedupe(items: Iterable[Any], *, key: Any) -> list[Any]:
    """Last one wins for a repeated id, as if the batch were written one record at a time."""
    seen: dict[Any, Any] = {}
    for item in items:
        seen[key(item)] = item
    return list(seen.values())
