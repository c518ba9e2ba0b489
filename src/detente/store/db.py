"""The embedded event store: articles and coded events in one DuckDB file.

Why DuckDB: relations are aggregations over millions of events (GROUP BY period over one
dyad), which a columnar engine does in milliseconds, in a single file that needs no
server. Why the shape of this module:

- Writes are idempotent upserts keyed on ``Article.id`` and ``Event.event_id``, one
  transaction per batch. Re-ingesting a corpus adds nothing and loses nothing; an event
  re-coded with better fields (a date, a place) replaces its old row in place.
- A batch is committed whole or not at all. DuckDB's write-ahead log makes a committed
  transaction durable, so a killed process (kill -9) loses at most the batch in flight
  and nothing needs a clean shutdown.
- Every user value reaches SQL as a bound parameter; filters are checked first and a
  malformed one raises :class:`~detente.errors.InvalidQuery` with what was expected.

Example::

    with Store("events.duckdb") as store:
        store.write_batch(articles, events)
        store.events(source="RUS", target="TUR", date_from="2019-01", limit=10)
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from types import TracebackType
from typing import Any

import duckdb

from detente.errors import InvalidQuery, NotFound, StoreError
from detente.records import Actor, Article, Event, Evidence, Location
from detente.store.migrations import MIGRATIONS

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
_CAMEO_RE = re.compile(r"^\d{2,4}$")


@dataclass(frozen=True)
class WriteResult:
    """How many rows a write added that were not there before (updates are not counted)."""

    articles_added: int
    events_added: int


# ---------------------------------------------------------------------------------------------
# Record <-> row


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
        ingested_at or _now(),
    )


def row_to_event(row: Sequence[Any] | dict[str, Any]) -> Event:
    """The inverse of :func:`event_to_row`; takes a tuple in RECORD/EVENT column order or a dict."""
    r = row if isinstance(row, dict) else dict(zip(EVENT_COLUMNS, row, strict=False))
    loc = None
    if r.get("location_name") is not None:
        loc = Location(
            name=r["location_name"],
            country=r.get("location_country"),
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
        cameo=r["cameo"],
        root=r["root"],
        quad=int(r["quad"]),
        goldstein=float(r["goldstein"]),
        evidence=Evidence(
            text=r["evidence_text"], start=int(r["evidence_start"]), end=int(r["evidence_end"])
        ),
        plover=r.get("plover"),
        negated=bool(r["negated"]),
        hypothetical=bool(r["hypothetical"]),
        date=r.get("date"),
        date_precision=r.get("date_precision"),
        date_source=r.get("date_source"),
        location=loc,
        confidence=float(r["confidence"]),
        extra=json.loads(extra) if isinstance(extra, str) and extra else {},
    )


def _actor(r: dict[str, Any], side: str) -> Actor:
    return Actor(
        name=r[f"{side}_name"],
        principal=r[f"{side}_principal"],
        code=r[f"{side}_code"],
        country=r.get(f"{side}_country"),
        sector=r.get(f"{side}_sector"),
        wikidata=r.get(f"{side}_wikidata"),
    )


def _opt_float(v: Any) -> float | None:
    return None if v is None else float(v)


def _opt_int(v: Any) -> int | None:
    return None if v is None else int(v)


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


# ---------------------------------------------------------------------------------------------
# Query filters


def parse_day(value: str | date | None, *, name: str, end: bool = False) -> date | None:
    """A user's date bound (``YYYY``, ``YYYY-MM``, ``YYYY-MM-DD`` or a date) as a day.

    With ``end=True`` a coarse bound means the end of its period, so ``date_to="2019"``
    includes all of 2019: that is what people mean when they type it.
    """
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    m = re.fullmatch(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?", str(value).strip())
    if not m:
        raise InvalidQuery(f"{name}={value!r} is not a date: use YYYY, YYYY-MM or YYYY-MM-DD")
    year, month, day = int(m.group(1)), m.group(2), m.group(3)
    try:
        if day is not None:
            return date(year, int(month or 1), int(day))
        if month is not None:
            first = date(year, int(month), 1)
            if not end:
                return first
            nxt = date(year + (first.month == 12), first.month % 12 + 1, 1)
            return nxt - timedelta(days=1)
        return date(year, 12, 31) if end else date(year, 1, 1)
    except ValueError:
        raise InvalidQuery(f"{name}={value!r} is not a valid calendar date") from None


def _check_root(root: str | int) -> str:
    text = str(root).strip()
    if not text.isdigit() or not 1 <= int(text) <= 20 or len(text) > 2:
        raise InvalidQuery(f"root={root!r} is not a CAMEO root: use a two-digit code 01-20")
    return text.zfill(2)


def _check_cameo(cameo: str) -> str:
    text = str(cameo).strip()
    if not _CAMEO_RE.match(text):
        raise InvalidQuery(f"cameo={cameo!r} is not a CAMEO code: use 2-4 digits such as 190 or 0311")
    return text


def _check_quad(quad: int | str) -> int:
    try:
        q = int(quad)
    except (TypeError, ValueError):
        q = 0
    if not 1 <= q <= 4:
        raise InvalidQuery(f"quad={quad!r} is not a quad class: use 1, 2, 3 or 4")
    return q


def _check_page(limit: int | None, offset: int) -> None:
    if limit is not None and (not isinstance(limit, int) or limit < 0):
        raise InvalidQuery(f"limit={limit!r} must be a whole number >= 0")
    if not isinstance(offset, int) or offset < 0:
        raise InvalidQuery(f"offset={offset!r} must be a whole number >= 0")


def event_filters(
    *,
    source: str | None = None,
    target: str | None = None,
    actor: str | None = None,
    date_from: str | date | None = None,
    date_to: str | date | None = None,
    root: str | int | None = None,
    cameo: str | None = None,
    quad: int | str | None = None,
    doc_id: str | None = None,
    include_flagged: bool = True,
) -> tuple[str, list[Any]]:
    """A WHERE clause (fixed SQL text) and its parameters for the event filters.

    Shared by the store and the exporters so both read the same rows for the same filters.
    """
    clauses: list[str] = []
    params: list[Any] = []
    if source and target:
        # Redundant with the two tests below, but lets DuckDB skip row groups on the dyad key.
        clauses.append("dyad = ?")
        params.append(dyad_key(source, target))
    if source:
        clauses.append("source_principal = ?")
        params.append(source)
    if target:
        clauses.append("target_principal = ?")
        params.append(target)
    if actor:
        clauses.append("(source_principal = ? OR target_principal = ?)")
        params += [actor, actor]
    lo = parse_day(date_from, name="date_from")
    hi = parse_day(date_to, name="date_to", end=True)
    if lo and hi and lo > hi:
        raise InvalidQuery(f"date_from={date_from!r} is after date_to={date_to!r}")
    if lo:
        clauses.append("day >= ?")
        params.append(lo)
    if hi:
        clauses.append("day <= ?")
        params.append(hi)
    if root is not None and root != "":
        clauses.append("root = ?")
        params.append(_check_root(root))
    if cameo:
        clauses.append("cameo = ?")
        params.append(_check_cameo(cameo))
    if quad is not None and quad != "":
        clauses.append("quad = ?")
        params.append(_check_quad(quad))
    if doc_id:
        clauses.append("doc_id = ?")
        params.append(doc_id)
    if not include_flagged:
        clauses.append("NOT negated AND NOT hypothetical")
    return (" WHERE " + " AND ".join(clauses)) if clauses else "", params


# ---------------------------------------------------------------------------------------------
# The store


class Store:
    """Articles and events in DuckDB (a file, or ``":memory:"``); use as a context manager.

    One ``Store`` may be shared by threads (the web server does): reads run on their own
    cursor, writes are serialised by a lock. A DuckDB file takes writes from one process
    at a time; a second writer gets a :class:`StoreError` that says so.
    """

    def __init__(self, path: str | Path = ":memory:", *, read_only: bool = False) -> None:
        self.path = str(path)
        self.read_only = read_only
        self._lock = threading.RLock()
        if read_only and self.path == ":memory:":
            raise StoreError("an in-memory store cannot be opened read-only: give a database file")
        if read_only and not Path(self.path).exists():
            raise StoreError(
                f"{self.path}: no such database file (run `detente ingest --db {self.path}` first)"
            )
        try:
            self._conn = duckdb.connect(self.path, read_only=read_only)
        except duckdb.Error as exc:
            raise StoreError(_open_message(self.path, exc)) from exc
        try:
            if read_only:
                pending = MIGRATIONS.pending(self._conn)
                if pending:
                    raise StoreError(
                        f"{self.path}: the database schema is older than this detente "
                        f"(missing {', '.join(pending)}); open it writable once to upgrade it"
                    )
            else:
                MIGRATIONS.apply(self._conn)
        except BaseException:
            self._conn.close()
            raise

    # -- lifecycle ------------------------------------------------------------------------

    def __enter__(self) -> Store:  # noqa: PYI034 (subclasses are not expected)
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def close(self) -> None:
        """Close the database. Committed batches are durable whether or not this is called."""
        with self._lock:
            self._conn.close()

    @property
    def connection(self) -> duckdb.DuckDBPyConnection:
        """The DuckDB connection, for analysis code that runs its own SQL (read-only use)."""
        return self._conn

    def cursor(self) -> duckdb.DuckDBPyConnection:
        """A new connection to the same database, safe to use from another thread."""
        try:
            return self._conn.cursor()
        except duckdb.Error as exc:
            raise StoreError(f"{self.path}: store is closed or unusable: {exc}") from exc

    def _query(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        cur = self.cursor()
        try:
            return cur.execute(sql, list(params)).fetchall()
        except duckdb.Error as exc:
            raise StoreError(f"query failed: {exc}") from exc
        finally:
            cur.close()

    # -- writes ---------------------------------------------------------------------------

    def write_batch(self, articles: Iterable[Article], events: Iterable[Event]) -> WriteResult:
        """Upsert a batch of articles and events in one transaction: all of it or none of it."""
        arts = _dedupe(articles, key=lambda a: a.id)
        evs = _dedupe(events, key=lambda e: e.event_id)
        if self.read_only:
            raise StoreError(f"{self.path}: store is open read-only; open it without --read-only to write")
        with self._lock:
            conn = self._conn
            try:
                conn.execute("BEGIN TRANSACTION")
                added_a = self._upsert_articles(conn, arts)
                added_e = self._upsert_events(conn, evs)
                conn.execute("COMMIT")
            except BaseException as exc:
                try:
                    conn.execute("ROLLBACK")
                except duckdb.Error:
                    pass
                if isinstance(exc, duckdb.Error):
                    raise StoreError(f"{self.path}: batch not written: {exc}") from exc
                raise
        return WriteResult(articles_added=added_a, events_added=added_e)

    def upsert_articles(self, articles: Iterable[Article]) -> int:
        """Upsert articles (one transaction); returns how many were new."""
        return self.write_batch(articles, ()).articles_added

    def upsert_events(self, events: Iterable[Event]) -> int:
        """Upsert events (one transaction); returns how many were new."""
        return self.write_batch((), events).events_added

    @staticmethod
    def _upsert_articles(conn: duckdb.DuckDBPyConnection, articles: list[Article]) -> int:
        if not articles:
            return 0
        import pyarrow as pa

        now = _now()
        table = pa.table(
            {
                **{c: [getattr(a, c) for a in articles] for c in ARTICLE_COLUMNS[:-1]},
                "ingested_at": pa.array([now] * len(articles), pa.timestamp("us")),
            }
        )
        conn.register("_batch_articles", table)
        try:
            before = _count(conn, "articles")
            # ingested_at of an existing article keeps its first value: it says when it arrived.
            sets = ", ".join(f"{c} = excluded.{c}" for c in ARTICLE_COLUMNS[1:-1])
            conn.execute(
                f"INSERT INTO articles SELECT {', '.join(ARTICLE_COLUMNS)} FROM _batch_articles "
                f"ON CONFLICT (id) DO UPDATE SET {sets}"
            ).fetchall()
            added = _count(conn, "articles") - before
        finally:
            conn.unregister("_batch_articles")
        return added

    @staticmethod
    def _upsert_events(conn: duckdb.DuckDBPyConnection, events: list[Event]) -> int:
        if not events:
            return 0
        import pyarrow as pa

        now = _now()
        rows = [event_to_row(e, ingested_at=now) for e in events]
        columns = list(zip(*rows, strict=True))
        table = pa.table(
            {
                name: pa.array(col, _ARROW_TYPES.get(name))
                for name, col in zip(EVENT_COLUMNS, columns, strict=True)
            }
        )
        conn.register("_batch_events", table)
        try:
            # Rows added = growth of the table inside this transaction. A count(*) is read from
            # row-group metadata, where probing the batch's ids would scan the whole id column.
            before = _count(conn, "events")
            sets = ", ".join(f"{c} = excluded.{c}" for c in (*EVENT_COLUMNS[1:-1], "dyad"))
            cols = ", ".join(EVENT_COLUMNS)
            conn.execute(
                f"INSERT INTO events ({cols}, dyad) SELECT {cols}, {DYAD_SQL} FROM _batch_events "
                f"ON CONFLICT (event_id) DO UPDATE SET {sets}"
            ).fetchall()
            added = _count(conn, "events") - before
        finally:
            conn.unregister("_batch_events")
        return added

    # -- articles -------------------------------------------------------------------------

    def has_article(self, id: str) -> bool:
        return bool(self._query("SELECT 1 FROM articles WHERE id = ?", [id]))

    def article(self, id: str) -> Article:
        rows = self._query(f"SELECT {', '.join(ARTICLE_COLUMNS[:-1])} FROM articles WHERE id = ?", [id])
        if not rows:
            raise NotFound(f"no article with id {id!r}")
        return Article(**dict(zip(ARTICLE_COLUMNS[:-1], rows[0], strict=True)))

    def articles(self, *, limit: int | None = None, offset: int = 0) -> list[Article]:
        """Articles in id order (stable pages for ``limit``/``offset``)."""
        _check_page(limit, offset)
        rows = self._query(
            f"SELECT {', '.join(ARTICLE_COLUMNS[:-1])} FROM articles ORDER BY id LIMIT ? OFFSET ?",
            [limit if limit is not None else 2**62, offset],
        )
        return [Article(**dict(zip(ARTICLE_COLUMNS[:-1], r, strict=True))) for r in rows]

    # -- events ---------------------------------------------------------------------------

    def event(self, event_id: str) -> Event:
        rows = self._query(f"SELECT {', '.join(EVENT_COLUMNS)} FROM events WHERE event_id = ?", [event_id])
        if not rows:
            raise NotFound(f"no event with event_id {event_id!r}")
        return row_to_event(rows[0])

    def events(
        self,
        *,
        source: str | None = None,
        target: str | None = None,
        actor: str | None = None,
        date_from: str | date | None = None,
        date_to: str | date | None = None,
        root: str | int | None = None,
        cameo: str | None = None,
        quad: int | str | None = None,
        doc_id: str | None = None,
        include_flagged: bool = True,
        limit: int | None = None,
        offset: int = 0,
    ) -> list[Event]:
        """Events matching every filter given, oldest first (undated last), then by article order.

        ``source``/``target``/``actor`` match principals (``RUS``, ``NATO``); ``actor`` matches
        either side. ``include_flagged=False`` drops negated and hypothetical events.
        """
        return list(
            self.iter_events(
                source=source,
                target=target,
                actor=actor,
                date_from=date_from,
                date_to=date_to,
                root=root,
                cameo=cameo,
                quad=quad,
                doc_id=doc_id,
                include_flagged=include_flagged,
                limit=limit,
                offset=offset,
            )
        )

    def iter_events(
        self,
        *,
        chunk_size: int = 10_000,
        limit: int | None = None,
        offset: int = 0,
        **filters: Any,
    ) -> Iterator[Event]:
        """Like :meth:`events` but streams, ``chunk_size`` rows at a time (for exports of millions)."""
        _check_page(limit, offset)
        where, params = event_filters(**filters)
        sql = (
            f"SELECT {', '.join(EVENT_COLUMNS)} FROM events{where} "
            "ORDER BY day NULLS LAST, doc_id, sentence, event_id LIMIT ? OFFSET ?"
        )
        cur = self.cursor()
        try:
            try:
                cur.execute(sql, [*params, limit if limit is not None else 2**62, offset])
            except duckdb.Error as exc:
                raise StoreError(f"query failed: {exc}") from exc
            while True:
                rows = cur.fetchmany(chunk_size)
                if not rows:
                    break
                for row in rows:
                    yield row_to_event(row)
        finally:
            cur.close()

    def count_events(self, **filters: Any) -> int:
        """How many events match; takes the same filters as :meth:`events` (without paging)."""
        where, params = event_filters(**filters)
        return int(self._query(f"SELECT count(*) FROM events{where}", params)[0][0])

    def dyads(self) -> list[tuple[str, str]]:
        """Every unordered pair of principals with events, as ``(a, b)`` with ``a <= b``."""
        rows = self._query("SELECT DISTINCT dyad FROM events ORDER BY dyad")
        return [(pair.split("|", 1)[0], pair.split("|", 1)[1]) for (pair,) in rows]

    def stats(self) -> dict[str, Any]:
        """Counts for a summary line: articles, events, distinct directed dyads, date range."""
        (n_articles,) = self._query("SELECT count(*) FROM articles")[0]
        n_events, n_dyads, first, last = self._query(
            "SELECT count(*), count(DISTINCT (source_principal, target_principal)), min(day), max(day) FROM events"
        )[0]
        return {
            "articles": int(n_articles),
            "events": int(n_events),
            "dyads": int(n_dyads),
            "date_from": first.isoformat() if first else None,
            "date_to": last.isoformat() if last else None,
        }

    def optimize(self) -> None:
        """Cluster the events table by dyad and day, so dyad queries read only their own rows.

        Why: DuckDB keeps min/max statistics per row group (about 120,000 rows) and skips the
        groups a filter cannot match. Events arrive in ingest order, so every group holds
        every dyad and a dyad query scans the whole table; after clustering, one dyad lives
        in a few groups (10M events: ~300 ms -> ~50 ms for a monthly series). Run it after a
        bulk ingest; it rewrites the table in one transaction (about a minute per 10 million
        events), and events written later are found too, just without the skip until the next run.
        """
        if self.read_only:
            raise StoreError(f"{self.path}: store is open read-only; open it writable to optimize it")
        with self._lock:
            conn = self._conn
            try:
                found = conn.execute(
                    "SELECT sql FROM duckdb_tables() WHERE table_name = 'events' AND schema_name = 'main'"
                ).fetchall()
                ddl = found[0][0] if found else None
                if not ddl or not ddl.startswith("CREATE TABLE events("):
                    raise StoreError(f"{self.path}: events table not found or unexpected: {ddl!r}")
                conn.execute("BEGIN TRANSACTION")
                conn.execute("CREATE TABLE _events_clustered(" + ddl[len("CREATE TABLE events(") :])
                conn.execute(
                    "INSERT INTO _events_clustered SELECT * FROM events ORDER BY dyad, day, event_id"
                )
                conn.execute("DROP TABLE events")
                conn.execute("ALTER TABLE _events_clustered RENAME TO events")
                conn.execute("COMMIT")
                conn.execute("CHECKPOINT")
            except duckdb.Error as exc:
                try:
                    conn.execute("ROLLBACK")
                except duckdb.Error:
                    pass
                raise StoreError(f"{self.path}: optimize failed, store unchanged: {exc}") from exc

    # -- derived records (clusters, agreements) ------------------------------------------

    def save_clusters(self, records: Iterable[dict[str, Any]]) -> int:
        """Replace the stored event clusters (derived data: recomputed from events, never merged)."""
        rows = []
        for rec in _dedupe(records, key=lambda r: _require_id(r, "cluster_id")):
            src, tgt = _principal(rec.get("source")), _principal(rec.get("target"))
            parties = _parties(rec.get("parties")) or [p for p in (src, tgt) if p]
            rows.append(
                (
                    str(rec["cluster_id"]),
                    parties,
                    src,
                    tgt,
                    _opt_str(rec.get("root")),
                    _first_str(rec, "date_from", "start", "date"),
                    _first_str(rec, "date_to", "end", "date"),
                    json.dumps(rec, ensure_ascii=False, default=str),
                )
            )
        self._replace("event_clusters", rows)
        return len(rows)

    def clusters(self, *, a: str | None = None, b: str | None = None) -> list[dict[str, Any]]:
        """Stored clusters, optionally those involving principal ``a`` (and ``b``), in id order."""
        clauses, params = [], []
        for p in (a, b):
            if p:
                clauses.append("list_contains(parties, ?)")
                params.append(p)
        where = (" WHERE " + " AND ".join(clauses)) if clauses else ""
        rows = self._query(
            f"SELECT record FROM event_clusters{where} ORDER BY date_from NULLS LAST, cluster_id", params
        )
        return [json.loads(r[0]) for r in rows]

    def save_agreements(self, records: Iterable[dict[str, Any]]) -> int:
        """Replace the stored agreements (derived data: recomputed from events, never merged)."""
        rows = []
        for rec in _dedupe(records, key=lambda r: _require_id(r, "agreement_id")):
            rows.append(
                (
                    str(rec["agreement_id"]),
                    _parties(rec.get("parties")),
                    _opt_str(rec.get("kind")),
                    _opt_str(rec.get("status")),
                    _first_str(rec, "date_from", "start"),
                    _first_str(rec, "date_to", "end"),
                    json.dumps(rec, ensure_ascii=False, default=str),
                )
            )
        self._replace("agreements", rows)
        return len(rows)

    def agreements(self, *, party: str | None = None) -> list[dict[str, Any]]:
        """Stored agreements, optionally only those ``party`` is a party to."""
        where, params = ("", []) if not party else (" WHERE list_contains(parties, ?)", [party])
        rows = self._query(
            f"SELECT record FROM agreements{where} ORDER BY date_from NULLS LAST, agreement_id", params
        )
        return [json.loads(r[0]) for r in rows]

    def _replace(self, table: str, rows: list[tuple[Any, ...]]) -> None:
        if self.read_only:
            raise StoreError(f"{self.path}: store is open read-only; open it without --read-only to write")
        with self._lock:
            conn = self._conn
            try:
                conn.execute("BEGIN TRANSACTION")
                conn.execute(f"DELETE FROM {table}")
                if rows:
                    # one Arrow table in one INSERT: executemany costs a round trip per row
                    import pyarrow as pa

                    columns = [d[0] for d in conn.execute(f"SELECT * FROM {table} LIMIT 0").description]
                    arrow = pa.table({c: pa.array([r[i] for r in rows]) for i, c in enumerate(columns)})
                    conn.register("_replace_rows", arrow)
                    try:
                        conn.execute(f"INSERT INTO {table} SELECT * FROM _replace_rows")
                    finally:
                        conn.unregister("_replace_rows")
                conn.execute("COMMIT")
            except duckdb.Error as exc:
                conn.execute("ROLLBACK")
                raise StoreError(f"{self.path}: {table} not written: {exc}") from exc


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


def _count(conn: duckdb.DuckDBPyConnection, table: str) -> int:
    rows = conn.execute(f"SELECT count(*) FROM {table}").fetchall()
    return int(rows[0][0])


def _dedupe(items: Iterable[Any], *, key: Any) -> list[Any]:
    """Last one wins for a repeated id, as if the batch were written one record at a time."""
    seen: dict[Any, Any] = {}
    for item in items:
        seen[key(item)] = item
    return list(seen.values())


def _require_id(rec: dict[str, Any], name: str) -> str:
    if not isinstance(rec, dict) or not rec.get(name):
        raise InvalidQuery(f"record without {name!r}: {str(rec)[:80]}")
    return str(rec[name])


def _principal(value: Any) -> str | None:
    if isinstance(value, dict):
        value = value.get("principal")
    elif isinstance(value, Actor):
        value = value.principal
    return str(value) if value else None


def _parties(value: Any) -> list[str]:
    if not value:
        return []
    if isinstance(value, (str, dict)):
        value = [value]
    return [p for p in (_principal(v) for v in value) if p]


def _first_str(rec: dict[str, Any], *keys: str) -> str | None:
    """The first of ``keys`` whose value is a non-empty string (dates may be absent or nested)."""
    for key in keys:
        value = rec.get(key)
        if isinstance(value, str) and value:
            return value
    return None


def _opt_str(value: Any) -> str | None:
    return None if value is None or value == "" else str(value)


def _open_message(path: str, exc: duckdb.Error) -> str:
    text = str(exc)
    if "lock" in text.lower():
        return (
            f"{path}: the database is in use by another process (a DuckDB file takes one writer); "
            f"stop it, or open with read_only=True to read: {text}"
        )
    return f"{path}: cannot open database: {text}"
