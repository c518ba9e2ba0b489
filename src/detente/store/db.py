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

The record layout lives in :mod:`detente.store.rows`, the query filters in
:mod:`detente.store.queries` and the rows of derived records (clusters, agreements) in
:mod:`detente.store.derived`; this module holds the connection, the transactions and the
queries, and re-exports the names other modules import from it.

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
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from itertools import islice
from pathlib import Path
from types import TracebackType
from typing import Any

import duckdb

from detente.chunks import batched
from detente.errors import NotFound, StoreError
from detente.records import Article, Event
from detente.store.derived import (
    AGREEMENT_DYAD_SQL,
    CLUSTER_DYAD_SQL,
    agreement_rows,
    cluster_rows,
    delete_rows,
    insert_rows,
    repeated_id,
    split_dyad,
    with_evidence,
)
from detente.store.migrations import MIGRATIONS
from detente.store.ordered import (
    CLUSTER_ORDER,
    DAY_ORDER,
    EVENT_ORDER,
    PAGE_SIZE,
    fetched,
    key_pages,
    ordered_rows,
    pages,
)

# Re-exported: the record layout and the query filters were defined here first, and
# exporters, engines and analysis code import them from this module.
from detente.store.queries import _check_page, event_filters, parse_day
from detente.store.rows import (
    _ARROW_TYPES,
    ARTICLE_COLUMNS,
    DYAD_SQL,
    EVENT_COLUMNS,
    RECORD_COLUMNS,
    day_of,
    dedupe,
    dyad_key,
    event_to_row,
    row_to_event,
    utc_now,
)
from detente.store.upsert import stored_keys, upsert

__all__ = [
    "ARTICLE_COLUMNS",
    "DYAD_SQL",
    "EVENT_COLUMNS",
    "RECORD_COLUMNS",
    "_ARROW_TYPES",
    "Store",
    "WriteResult",
    "day_of",
    "dyad_key",
    "event_filters",
    "event_to_row",
    "parse_day",
    "row_to_event",
]


#: A memory size as users give it and DuckDB reports it: B, KB..TB (powers of 1000), KiB..TiB (1024).
_SIZE = re.compile(r"(\d+(?:\.\d+)?)\s*(?:([KMGT])(i?))?B", re.IGNORECASE)

#: Memory a row may take in DuckDB's sort while ``optimize`` lays out a page: four times what
#: a row of the 10k-article corpus took (under a 64MB cap, pages of 64,000 rows sorted, 128,000 did not).
SORT_BYTES_PER_ROW = 4096

#: The key :meth:`Store.sorted_by_key` orders its items by.
SORT_KEY = ("k0", "k1", "k2", "id")

#: Derived records inserted per statement while a replacement streams in.
DERIVED_CHUNK = 2_000


@dataclass(frozen=True)
class WriteResult:
    """How many rows a write added that were not there before (updates are not counted)."""

    articles_added: int
    events_added: int


# ---------------------------------------------------------------------------------------------
# The store


class Store:
    """Articles and events in DuckDB (a file, or ``":memory:"``); use as a context manager.

    One ``Store`` may be shared by threads (the web server does): reads run on their own
    cursor, writes are serialised by a lock. A DuckDB file takes writes from one process
    at a time; a second writer gets a :class:`StoreError` that says so.
    """

    def __init__(
        self, path: str | Path = ":memory:", *, read_only: bool = False, memory_limit: str | None = None
    ) -> None:
        """``memory_limit`` caps DuckDB's memory (``"512MB"``, ``"2GB"``; the ``store_memory_limit``
        setting): past it, the sorts and temporary tables that derived records stream through
        spill to disk instead of growing with the largest dyad."""
        self.path = str(path)
        if memory_limit and not _SIZE.fullmatch(memory_limit.strip()):
            raise StoreError(f"memory limit {memory_limit!r} is not a size: use a number and a unit, such as 512MB or 2GB")
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
            if memory_limit:  # before the migrations, which may rewrite whole tables
                self._conn.execute(f"SET memory_limit = '{memory_limit.strip()}'")
            if read_only:
                pending = MIGRATIONS.pending(self._conn)
                if pending:
                    raise StoreError(
                        f"{self.path}: the database schema is older than this detente "
                        f"(missing {', '.join(pending)}); open it writable once to upgrade it"
                    )
            else:
                MIGRATIONS.apply(self._conn)
        except BaseException as exc:
            self._conn.close()
            if isinstance(exc, duckdb.Error):
                under = f" under a memory limit of {memory_limit}" if memory_limit else ""
                raise StoreError(f"{self.path}: cannot open the store{under}: {exc}") from exc
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
        arts = dedupe(articles, key=lambda a: a.id)
        evs = dedupe(events, key=lambda e: e.event_id)
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

        now = utc_now()
        table = pa.table(
            {
                **{c: [getattr(a, c) for a in articles] for c in ARTICLE_COLUMNS[:-1]},
                "ingested_at": pa.array([now] * len(articles), pa.timestamp("us")),
            }
        )
        # ingested_at of an existing article keeps its first value: it says when it arrived.
        return upsert(conn, "articles", "id", table, keep=("ingested_at",))

    @staticmethod
    def _upsert_events(conn: duckdb.DuckDBPyConnection, events: list[Event]) -> int:
        if not events:
            return 0
        import pyarrow as pa

        now = utc_now()
        rows = [event_to_row(e, ingested_at=now) for e in events]
        columns = list(zip(*rows, strict=True))
        table = pa.table(
            {
                **{
                    name: pa.array(col, _ARROW_TYPES.get(name))
                    for name, col in zip(EVENT_COLUMNS, columns, strict=True)
                },
                "dyad": [dyad_key(e.source.principal, e.target.principal) for e in events],
            }
        )
        return upsert(conn, "events", "event_id", table, keep=("ingested_at",))

    # -- articles -------------------------------------------------------------------------

    def has_article(self, id: str) -> bool:
        return bool(self.stored_article_ids([id]))

    def stored_article_ids(self, ids: Iterable[str]) -> set[str]:
        """Which of ``ids`` are stored. Ask for many at once: each call scans the id column."""
        cur = self.cursor()
        try:
            return stored_keys(cur, "articles", "id", ids)
        except duckdb.Error as exc:
            raise StoreError(f"query failed: {exc}") from exc
        finally:
            cur.close()

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
        """Like :meth:`events` but streams, a page of ``chunk_size`` rows at a time (for exports of
        millions), in order without a sort of whole rows (:mod:`detente.store.ordered`)."""
        _check_page(limit, offset)
        where, params = event_filters(**filters)
        yield from self._stream_ordered(
            where.removeprefix(" WHERE ") or "TRUE",
            params,
            EVENT_ORDER,
            chunk_size,
            start=offset,
            stop=None if limit is None else offset + limit,
        )

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

    def optimize(self, *, page_size: int | None = None) -> None:
        """Cluster the events table by dyad and day, so dyad queries read only their own rows.

        Why: DuckDB keeps min/max statistics per row group (about 120,000 rows) and skips the
        groups a filter cannot match. Events arrive in ingest order, so every group holds
        every dyad and a dyad query scans the whole table; after clustering, one dyad lives
        in a few groups (10M events: ~300 ms -> ~50 ms for a monthly series). Run it after a
        bulk ingest; it rewrites the table in one transaction (about a minute per 10 million
        events), and events written later are found too, just without the skip until the next run.
        DuckDB sorts a page of events at a time, as many as its memory cap allows (at
        ``SORT_BYTES_PER_ROW``); ``page_size`` sets the number of events instead.
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
                # A page at a time: DuckDB's sort of the whole table runs out of memory under
                # its cap (64MB: at 225,000 events), a page's sort does not.
                size = page_size or max(PAGE_SIZE, _memory_limit(conn) // SORT_BYTES_PER_ROW)
                for condition, page_params in pages(conn, "TRUE", [], CLUSTER_ORDER, size):
                    conn.execute(
                        "INSERT INTO _events_clustered SELECT * FROM events "
                        f"WHERE {condition} ORDER BY dyad, day NULLS LAST, event_id",
                        page_params,
                    ).fetchall()
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
    # Derived rows are recomputed from events, never merged. They can be replaced whole, or
    # only for some dyads (``dyads=``): an ingest then rewrites just what its events touched.

    def save_clusters(
        self, records: Iterable[dict[str, Any]], *, dyads: Iterable[tuple[str, str]] | None = None
    ) -> int:
        """Replace the stored event clusters: all of them, or (``dyads``) those of these dyads only.

        ``records`` may be a generator reading this store: they are written in chunks as they
        come, inside one transaction, so readers see the old clusters or the new, never a mix.
        """
        chunks = (cluster_rows(chunk) for chunk in batched(records, DERIVED_CHUNK))
        return self._replace("event_clusters", "cluster_id", chunks, CLUSTER_DYAD_SQL, dyads)

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
        records = [json.loads(r[0]) for r in rows]
        bare = [r for r in records if "evidence" not in r]
        if not bare:
            return records
        ids = sorted({i for r in bare for i in r.get("event_ids", ())})
        found = {
            event_id: rest
            for event_id, *rest in self._query(
                "SELECT event_id, doc_id, evidence_text, evidence_start, evidence_end FROM events "
                "WHERE event_id IN (SELECT unnest(?::VARCHAR[]))",
                [ids],
            )
        }
        outlets = self.outlets(doc_id for doc_id, *_ in found.values())
        return [with_evidence(r, found, outlets) if "evidence" not in r else r for r in records]

    def save_agreements(
        self, records: Iterable[dict[str, Any]], *, dyads: Iterable[tuple[str, str]] | None = None
    ) -> int:
        """Replace the stored agreements: all of them, or (``dyads``) those whose parties are these dyads."""
        chunks = (agreement_rows(chunk) for chunk in batched(records, DERIVED_CHUNK))
        return self._replace("agreements", "agreement_id", chunks, AGREEMENT_DYAD_SQL, dyads)

    def agreements(self, *, party: str | None = None) -> list[dict[str, Any]]:
        """Stored agreements, optionally only those ``party`` is a party to."""
        where, params = ("", []) if not party else (" WHERE list_contains(parties, ?)", [party])
        rows = self._query(
            f"SELECT record FROM agreements{where} ORDER BY date_from NULLS LAST, agreement_id", params
        )
        return [json.loads(r[0]) for r in rows]

    def derived_dyads(self, *, clusters: bool = True, agreements: bool = True) -> set[tuple[str, str]]:
        """Dyads that have stored clusters and/or agreements, so a full recompute can clear stale ones."""
        parts = [f"SELECT {CLUSTER_DYAD_SQL} FROM event_clusters"] if clusters else []
        parts += [f"SELECT {AGREEMENT_DYAD_SQL} FROM agreements"] if agreements else []
        if not parts:
            return set()
        rows = self._query(" UNION ".join(parts))
        return {split_dyad(key) for (key,) in rows if key and "|" in key}

    def outlets(self, doc_ids: Iterable[str]) -> dict[str, str]:
        """``doc_id`` -> outlet for just these articles (those that name one), without reading the rest."""
        ids = sorted(set(doc_ids))
        if not ids:
            return {}
        rows = self._query(
            "SELECT id, outlet FROM articles WHERE outlet IS NOT NULL AND outlet <> '' "
            "AND id IN (SELECT unnest(?::VARCHAR[]))",
            [ids],
        )
        return {doc_id: outlet for doc_id, outlet in rows}

    def place_names(self, *, dyads: Iterable[tuple[str, str]] | None = None) -> set[str]:
        """Distinct (trimmed) event place names, of every event or of these dyads' events.

        Bounded by the gazetteer, not by the store."""
        where, params = "", []
        if dyads is not None:
            where, params = (
                " AND list_contains(?::VARCHAR[], dyad)",
                [sorted({dyad_key(a, b) for a, b in dyads})],
            )
        rows = self._query(
            "SELECT DISTINCT trim(location_name) FROM events "
            f"WHERE location_name IS NOT NULL AND trim(location_name) <> ''{where}",
            params,
        )
        return {name for (name,) in rows}

    def dyad_events(self, a: str, b: str, *, cameo_prefixes: Sequence[str] | None = None) -> list[Event]:
        """Every event of the unordered dyad ``a``-``b`` (both directions), in :meth:`events` order.

        ``cameo_prefixes`` keeps only events whose code starts with one of them, filtered in
        SQL, so a caller after a dyad's deals does not build every clash of a hub dyad.
        """
        return list(self.iter_dyad_events(a, b, cameo_prefixes=cameo_prefixes))

    def iter_dyad_events(
        self,
        a: str,
        b: str,
        *,
        cameo_prefixes: Sequence[str] | None = None,
        ordered: bool = True,
        chunk_size: int = 10_000,
    ) -> Iterator[Event]:
        """Like :meth:`dyad_events` but streamed, ``chunk_size`` rows at a time.

        ``ordered=False`` returns them in storage order in one scan, for callers that do not
        need the order: the order costs a scan per page (:mod:`detente.store.ordered`).
        """
        where = ["dyad = ?"]
        params: list[Any] = [dyad_key(a, b)]
        if cameo_prefixes is not None:
            where.append("list_bool_or([starts_with(cameo, p) for p in ?::VARCHAR[]])")
            params.append(sorted(set(cameo_prefixes)))
        if ordered:
            yield from self._stream_ordered(" AND ".join(where), params, EVENT_ORDER, chunk_size)
        else:
            yield from self._stream(
                f"SELECT {', '.join(EVENT_COLUMNS)} FROM events WHERE {' AND '.join(where)}", params, chunk_size
            )

    def sorted_by_key(
        self, items: Iterable[tuple[int, int, int, str, str]], *, chunk_size: int = 10_000
    ) -> Iterator[tuple[int, int, int, str, str]]:
        """``items`` (three integers, an id and a payload string each) back in key order.

        An external sort for orders only Python can compute (a clustering order): the items
        go into a temporary table, which DuckDB moves to disk past its memory limit, and
        come back a page at a time, each page sorted on its own (:func:`key_pages`), so a
        caller can walk millions of records in its own order without holding a list of
        them, and DuckDB holds one page, not the whole sort: one ORDER BY over the items of
        a 100k-article corpus's hub dyad ran out of memory under a 32MB cap. Items are read
        whole before the first comes back; they may stream from another query of this store.
        """
        with self._sort_table(items, chunk_size) as (cur, table):
            size = max(PAGE_SIZE, _memory_limit(cur) // SORT_BYTES_PER_ROW)
            for condition, params in key_pages(cur, table, SORT_KEY, size):
                cur.execute(
                    f"SELECT k0, k1, k2, id, payload FROM {table} WHERE {condition} ORDER BY {', '.join(SORT_KEY)}",
                    params,
                )
                yield from fetched(cur, chunk_size)

    @contextmanager
    def _sort_table(
        self, items: Iterable[tuple[int, int, int, str, str]], chunk_size: int
    ) -> Iterator[tuple[duckdb.DuckDBPyConnection, str]]:
        """A cursor holding ``items`` in a temporary table of its own, dropped with the cursor."""
        import uuid

        import pyarrow as pa

        table = f"_sorted_{uuid.uuid4().hex}"
        names = ("k0", "k1", "k2", "id", "payload")
        cur = self.cursor()
        try:
            cur.execute(f"CREATE TEMP TABLE {table} (k0 BIGINT, k1 BIGINT, k2 BIGINT, id VARCHAR, payload VARCHAR)")
            for chunk in batched(items, chunk_size):
                cur.register("_sort_chunk", pa.table({n: list(c) for n, c in zip(names, zip(*chunk))}))
                cur.execute(f"INSERT INTO {table} SELECT {', '.join(names)} FROM _sort_chunk")
                cur.unregister("_sort_chunk")
            yield cur, table
        except duckdb.Error as exc:
            raise StoreError(f"query failed: {exc}") from exc
        finally:
            cur.close()

    def _stream(self, sql: str, params: Sequence[Any], chunk_size: int) -> Iterator[Event]:
        cur = self.cursor()
        try:
            cur.execute(sql, list(params))
            yield from (row_to_event(r) for r in fetched(cur, chunk_size))
        except duckdb.Error as exc:
            raise StoreError(f"query failed: {exc}") from exc
        finally:
            cur.close()

    def _stream_ordered(
        self,
        where: str,
        params: Sequence[Any],
        order: Sequence[str],
        chunk_size: int,
        *,
        start: int = 0,
        stop: int | None = None,
    ) -> Iterator[Event]:
        """The events matching ``where`` in ``order``, from the ``start``-th up to the
        ``stop``-th, read a page of ``chunk_size`` at a time (see :mod:`detente.store.ordered`);
        a short listing (an API page) reads a page of its own length."""
        size = chunk_size if stop is None else max(1, min(chunk_size, stop))
        cur = self.cursor()
        try:
            rows = ordered_rows(cur, where, params, EVENT_COLUMNS, order, size)
            yield from (row_to_event(r) for r in islice(rows, start, stop))
        except duckdb.Error as exc:
            raise StoreError(f"query failed: {exc}") from exc
        finally:
            cur.close()

    def related_events(
        self, principals: Iterable[str], places: Iterable[str], since: date | None = None, *, chunk_size: int = 2_000
    ) -> Iterator[Event]:
        """Factual events (not negated, not hypothetical) from day ``since`` on that have one of
        ``principals`` on either side or happened at one of ``places`` (trimmed names), in
        order of day then ``event_id``.

        Streamed a page at a time, not fetched at once: for a hub principal this is most of
        the store, and agreement tracking reads each event once. The page is small because
        it is most of what tracking holds (10,000 rows: 42 MB of Python at its peak over a
        10k-article store; 2,000: 12 MB), at the cost of more, smaller scans.
        """
        who, where = sorted(set(principals)), sorted(set(places))
        params: list[Any] = [who, who, where]
        after = ""
        if since is not None:
            after, params = " AND day >= ?", [*params, since]
        yield from self._stream_ordered(
            "NOT negated AND NOT hypothetical AND (list_contains(?::VARCHAR[], source_principal) "
            f"OR list_contains(?::VARCHAR[], target_principal) OR list_contains(?::VARCHAR[], trim(location_name))){after}",
            params,
            DAY_ORDER,
            chunk_size,
        )

    def candidate_dyads(
        self,
        *,
        prefixes: Sequence[str],
        involving: Iterable[str] | None = None,
        mentioning: Iterable[str] | None = None,
    ) -> list[tuple[str, str]]:
        """Dyads with a factual event between two principals whose code starts with one of
        ``prefixes``; given ``involving`` or ``mentioning``, only those whose event involves one
        of ``involving`` or has evidence that mentions one of ``mentioning`` (case and spacing
        ignored). A superset, for callers that then decide exactly."""
        sql = (
            "SELECT DISTINCT dyad FROM events WHERE NOT negated AND NOT hypothetical "
            "AND source_principal <> target_principal "
            "AND EXISTS (SELECT 1 FROM unnest(?::VARCHAR[]) t(p) WHERE starts_with(cameo, p))"
        )
        params: list[Any] = [list(prefixes)]
        if involving is not None or mentioning is not None:
            who, where = sorted(set(involving or ())), sorted(set(mentioning or ()))
            sql += (
                " AND (list_contains(?::VARCHAR[], source_principal) OR list_contains(?::VARCHAR[], target_principal)"
                " OR EXISTS (SELECT 1 FROM unnest(?::VARCHAR[]) t(n) WHERE contains("
                "regexp_replace(lower(evidence_text), '\\s+', ' ', 'g'), regexp_replace(lower(trim(n)), '\\s+', ' ', 'g'))))"
            )
            params += [who, who, where]
        rows = self._query(sql + " ORDER BY dyad", params)
        return [split_dyad(key) for (key,) in rows]

    def _replace(
        self,
        table: str,
        key: str,
        chunks: Iterable[list[tuple[Any, ...]]],
        dyad_sql: str,
        dyads: Iterable[tuple[str, str]] | None,
    ) -> int:
        if self.read_only:
            raise StoreError(f"{self.path}: store is open read-only; open it without --read-only to write")
        written = 0
        dyads = None if dyads is None else list(dyads)
        with self._lock:
            conn = self._conn
            try:
                conn.execute("BEGIN TRANSACTION")
                delete_rows(conn, table, dyad_sql, dyads)
                for rows in chunks:
                    insert_rows(conn, table, rows)
                    written += len(rows)
                twice = repeated_id(conn, table, key, dyad_sql, dyads)
                if twice is not None:
                    raise StoreError(f"{self.path}: {table} not written: {key} {twice!r} given twice")
                conn.execute("COMMIT")
            except duckdb.Error as exc:
                conn.execute("ROLLBACK")
                raise StoreError(f"{self.path}: {table} not written: {exc}") from exc
            except BaseException:
                conn.execute("ROLLBACK")
                raise
        return written


def _memory_limit(conn: duckdb.DuckDBPyConnection) -> int:
    """DuckDB's memory cap in bytes (it reports "953.6 MiB")."""
    text = conn.execute("SELECT current_setting('memory_limit')").fetchall()[0][0]
    found = _SIZE.fullmatch(str(text).strip())
    if not found:
        raise StoreError(f"DuckDB reports a memory limit that is not a size: {text!r}")
    number, prefix, binary = found.groups()
    return int(float(number) * (1024 if binary else 1000) ** " KMGT".index((prefix or " ").upper()))


def _open_message(path: str, exc: duckdb.Error) -> str:
    text = str(exc)
    if "lock" in text.lower():
        return (
            f"{path}: the database is in use by another process (a DuckDB file takes one writer); "
            f"stop it, or open with read_only=True to read: {text}"
        )
    return f"{path}: cannot open database: {text}"
