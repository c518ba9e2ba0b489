"""Event exporters (CSV, Parquet, JSON Lines, PLOVER) and the JSON Lines importer.

Researchers take event data into R, pandas, Stata or another coder's pipeline, so each
format is the usual one for its users: CSV and Parquet hold the flattened record (one
column per field, as the ``events`` table), JSON Lines holds the contract record exactly
(so ``import_jsonl`` round-trips it), and ``plover`` writes PLOVER-style records (event
category, mode and context where known, two actors, date, place) for tools built on the
newer ontology.

Every exporter streams: it takes an iterable of events (or a :class:`Store`) and writes
in chunks, so exporting millions of events never holds them all in memory. From a store,
CSV and Parquet are written by DuckDB itself (``COPY ... TO``), which keeps its formats and
Parquet types exact, from the events in order a page at a time (see :func:`_copy`).

Registered by name through :func:`register_exporters`, like any plug-in::

    from detente.registry import exporters
    n = exporters().get("parquet")(store, "events.parquet")
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import IO, Any

import duckdb

from detente.chunks import batched
from detente.errors import BadInput, InvalidQuery, StoreError
from detente.records import Event
from detente.store.db import RECORD_COLUMNS, Store, event_filters, event_to_row, row_to_event
from detente.store.ordered import EVENT_ORDER, ordered_tables

Exporter = Callable[..., int]
FORMATS = ("csv", "parquet", "jsonl", "plover")

#: Events per chunk written by the streaming writers.
CHUNK = 10_000

_INT_COLUMNS = {"sentence", "quad", "location_geonameid", "evidence_start", "evidence_end"}
_FLOAT_COLUMNS = {"goldstein", "location_lat", "location_lon", "confidence"}
_BOOL_COLUMNS = {"negated", "hypothetical"}


def _record_row(event: Event) -> tuple[Any, ...]:
    return event_to_row(event)[: len(RECORD_COLUMNS)]


def _events_of(source: Iterable[Event] | Store, filters: dict[str, Any]) -> Iterable[Event]:
    if isinstance(source, Store):
        return source.iter_events(**filters)
    if filters:
        raise InvalidQuery("filters apply to a store; filter an iterable of events before exporting it")
    return source


def _copy(store: Store, path: str | Path, options: str, filters: dict[str, Any]) -> int:
    """Write the events with DuckDB's own writer (``COPY ... TO``), fed in order a page at a time.

    DuckDB writes the file, so its CSV and Parquet stay exactly what ``COPY`` makes; it reads
    the rows from pages (:mod:`detente.store.ordered`) that Arrow puts in order, not from one
    ORDER BY, which under the store's memory cap fails on a large store.
    """
    import pyarrow as pa

    where, params = event_filters(**filters)
    condition = where.removeprefix(" WHERE ") or "TRUE"
    reader_cur, cur = store.cursor(), store.cursor()

    def batches() -> Iterator[pa.RecordBatch]:
        for table in ordered_tables(reader_cur, condition, params, RECORD_COLUMNS, EVENT_ORDER):
            yield from table.to_batches()

    try:
        schema = reader_cur.sql(f"SELECT {', '.join(RECORD_COLUMNS)} FROM events LIMIT 0").to_arrow_table().schema
        cur.register("_export_pages", pa.RecordBatchReader.from_batches(schema, batches()))
        rows = cur.execute(f"COPY (SELECT * FROM _export_pages) TO ? ({options})", [str(path)]).fetchall()
        row = rows[0] if rows else None
    except duckdb.Error as exc:
        raise StoreError(f"{path}: export failed: {exc}") from exc
    finally:
        cur.close()
        reader_cur.close()
    return int(row[0]) if row and row[0] is not None else store.count_events(**filters)


# ---------------------------------------------------------------------------------------------
# Exporters: (events | store, path, **filters) -> number of events written


def export_csv(events: Iterable[Event] | Store, path: str | Path, **filters: Any) -> int:
    """Flattened records with a header row; empty cell = null."""
    if isinstance(events, Store):
        return _copy(events, path, "FORMAT csv, HEADER true", filters)
    n = 0
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(RECORD_COLUMNS)
        for chunk in batched(_events_of(events, filters), CHUNK):
            writer.writerows(tuple(_csv_cell(v) for v in _record_row(e)) for e in chunk)
            n += len(chunk)
    return n


def _csv_cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return value


def export_parquet(events: Iterable[Event] | Store, path: str | Path, **filters: Any) -> int:
    """Flattened records with exact types (DATE day, DOUBLE goldstein, BOOLEAN flags)."""
    if isinstance(events, Store):
        return _copy(events, path, "FORMAT parquet", filters)
    import pyarrow as pa
    import pyarrow.parquet as pq

    from detente.store.db import _ARROW_TYPES

    schema = pa.schema([(c, _ARROW_TYPES[c]) for c in RECORD_COLUMNS])
    n = 0
    with pq.ParquetWriter(str(path), schema) as writer:
        for chunk in batched(_events_of(events, filters), CHUNK):
            columns = list(zip(*(_record_row(e) for e in chunk), strict=True))
            writer.write_table(pa.table(dict(zip(RECORD_COLUMNS, columns, strict=True)), schema=schema))
            n += len(chunk)
    return n


def _write_lines(
    events: Iterable[Event] | Store, path: str | Path, filters: dict[str, Any], line: Callable[[Event], str]
) -> int:
    n = 0
    with open(path, "w", encoding="utf-8") as fh:
        for chunk in batched(_events_of(events, filters), CHUNK):
            fh.write("".join(line(e) + "\n" for e in chunk))
            n += len(chunk)
    return n


def export_jsonl(events: Iterable[Event] | Store, path: str | Path, **filters: Any) -> int:
    """The contract's event record, one per line (reads back with :func:`import_jsonl`)."""
    return _write_lines(events, path, filters, Event.to_json)


def plover_record(event: Event) -> dict[str, Any]:
    """An event in PLOVER style: category from ``plover``, mode/context from ``extra`` when known.

    The CAMEO code, quad and Goldstein weight ride along so nothing of the record is lost
    for users who compare the two ontologies.
    """

    def actor(a: Any) -> dict[str, Any]:
        return {
            "name": a.name,
            "code": a.code,
            "principal": a.principal,
            "country": a.country,
            "sector": a.sector,
            "wikidata": a.wikidata,
        }

    loc = event.location
    context = event.extra.get("plover_context") or event.extra.get("context") or []
    return {
        "id": event.event_id,
        "doc_id": event.doc_id,
        "event_type": event.plover,
        "mode": event.extra.get("plover_mode") or event.extra.get("mode"),
        "context": list(context) if isinstance(context, (list, tuple)) else [context],
        "actor1": actor(event.source),
        "actor2": actor(event.target),
        "date": event.date,
        "date_precision": event.date_precision,
        "location": (
            {
                "name": loc.name,
                "country": loc.country,
                "lat": loc.lat,
                "lon": loc.lon,
                "geonameid": loc.geonameid,
            }
            if loc
            else None
        ),
        "negated": event.negated,
        "hypothetical": event.hypothetical,
        "cameo": event.cameo,
        "quad": event.quad,
        "goldstein": event.goldstein,
        "confidence": event.confidence,
        "text": event.evidence.text,
    }


def export_plover(events: Iterable[Event] | Store, path: str | Path, **filters: Any) -> int:
    """PLOVER-style JSON Lines (see :func:`plover_record`)."""
    return _write_lines(events, path, filters, lambda e: json.dumps(plover_record(e), ensure_ascii=False))


_EXPORTERS: dict[str, Exporter] = {
    "csv": export_csv,
    "parquet": export_parquet,
    "jsonl": export_jsonl,
    "plover": export_plover,
}


def register_exporters(registry: Any) -> None:
    """Registry hook (``detente.registry``): the built-in exporters, registered like plug-ins."""
    for name, fn in _EXPORTERS.items():
        registry.register(name, fn)


def export_store(store: Store, path: str | Path, fmt: str, **filters: Any) -> int:
    """Export the events of ``store`` matching ``filters`` (as :meth:`Store.events`) to ``path``."""
    if fmt not in _EXPORTERS:
        raise InvalidQuery(f"unknown export format {fmt!r}; use one of {', '.join(FORMATS)}")
    return _EXPORTERS[fmt](store, path, **filters)


# ---------------------------------------------------------------------------------------------
# Reading back


_SUFFIXES = {".jsonl": "jsonl", ".ndjson": "jsonl", ".csv": "csv", ".parquet": "parquet"}


def read_events(
    path: str | Path, *, fmt: str | None = None, on_error: Callable[[BadInput], None] | None = None
) -> Iterator[Event]:
    """Events from a file written by the ``jsonl``, ``csv`` or ``parquet`` exporter.

    ``fmt`` defaults to the file's suffix. A bad line calls ``on_error(BadInput(...))`` and
    reading goes on; with ``on_error=None`` it raises.
    """
    p = Path(path)
    kind = fmt or _SUFFIXES.get(p.suffix.lower(), "")
    if kind == "jsonl":
        yield from _read_jsonl(p, on_error)
    elif kind == "csv":
        with open(p, encoding="utf-8", newline="") as fh:
            yield from _read_csv(p, fh, on_error)
    elif kind == "parquet":
        import pyarrow.parquet as pq

        for batch in pq.ParquetFile(str(p)).iter_batches(batch_size=CHUNK):
            for row in batch.to_pylist():
                yield row_to_event(row)
    else:
        raise InvalidQuery(f"{p}: cannot tell the format; give fmt= jsonl, csv or parquet")


def _read_jsonl(path: Path, on_error: Callable[[BadInput], None] | None) -> Iterator[Event]:
    with open(path, encoding="utf-8") as fh:
        for lineno, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                yield Event.from_dict(json.loads(line))
            except (ValueError, KeyError, TypeError) as exc:
                err = BadInput(str(path), lineno, f"not an event record: {exc!r}")
                if on_error is None:
                    raise err from exc
                on_error(err)


def _read_csv(path: Path, fh: IO[str], on_error: Callable[[BadInput], None] | None) -> Iterator[Event]:
    for lineno, row in enumerate(csv.DictReader(fh), 2):
        try:
            yield row_to_event({k: _csv_value(k, v) for k, v in row.items()})
        except (ValueError, KeyError, TypeError) as exc:
            err = BadInput(str(path), lineno, f"not an event row: {exc!r}")
            if on_error is None:
                raise err from exc
            on_error(err)


def _csv_value(column: str, text: str | None) -> Any:
    if text is None or text == "":
        return None
    if column in _INT_COLUMNS:
        return int(text)
    if column in _FLOAT_COLUMNS:
        return float(text)
    if column in _BOOL_COLUMNS:
        return text.lower() == "true"
    return text


def import_events(
    store: Store,
    path: str | Path,
    *,
    fmt: str | None = None,
    batch_size: int = CHUNK,
    on_error: Callable[[BadInput], None] | None = None,
    dyads: set[tuple[str, str]] | None = None,
) -> int:
    """Load exported events (a JSON Lines, CSV or Parquet file, or a folder of them such as a
    Parquet dataset written by the Ray engine) into ``store``; idempotent; returns events added.

    ``dyads``, when given, collects the unordered dyads of the events written, so the caller
    can update derived records for just those."""
    p = Path(path)
    files = sorted(f for f in p.iterdir() if f.suffix.lower() in _SUFFIXES) if p.is_dir() else [p]
    added = 0
    for f in files:
        for chunk in batched(read_events(f, fmt=fmt, on_error=on_error), batch_size):
            added += store.upsert_events(chunk)
            if dyads is not None:
                dyads.update(
                    (min(e.source.principal, e.target.principal), max(e.source.principal, e.target.principal))
                    for e in chunk
                )
    return added


def import_jsonl(
    store: Store,
    path: str | Path,
    *,
    batch_size: int = CHUNK,
    on_error: Callable[[BadInput], None] | None = None,
) -> int:
    """Load an event JSON Lines file into ``store`` (idempotent upserts); returns events added."""
    return import_events(store, path, fmt="jsonl", batch_size=batch_size, on_error=on_error)


def flat_row(event: Event) -> dict[str, Any]:
    """One event as the flat columns CSV and Parquet exports use (the inverse of ``row_to_event``)."""
    return dict(zip(RECORD_COLUMNS, _record_row(event), strict=True))
