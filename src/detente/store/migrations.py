"""Ordered, named schema migrations, recorded in ``_detente_migrations``.

Why named migrations and not ``CREATE TABLE IF NOT EXISTS`` scattered through the code:
a database file outlives the code that wrote it. Each schema change is a function with
a stable name; the store applies, in declaration order, the ones a file has not seen
yet and records each name with the time it was applied, inside the same transaction as
the change itself, so a crash half-way leaves either the old schema or the new one.

A read-only store cannot migrate; :func:`pending` lets it say which migrations a file
lacks so the user can open it writable once.

Adding a migration: append a decorated function below. Never rename or edit one that
has shipped (files in the wild have recorded its name); write a new one instead.

Example::

    @MIGRATIONS(name="0003_events_add_mode")
    def _add_mode(conn):
        conn.execute("ALTER TABLE events ADD COLUMN mode VARCHAR")
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

import duckdb

from detente.errors import StoreError
from detente.store.upsert import KEY_HASH, key_hash_sql

MigrationFn = Callable[[duckdb.DuckDBPyConnection], None]

#: The table that records which migrations a database has had.
MIGRATIONS_TABLE = "_detente_migrations"


@dataclass(frozen=True)
class Migration:
    name: str
    fn: MigrationFn


class Migrations:
    """An ordered set of named migrations; decorate functions to add them."""

    def __init__(self) -> None:
        self._items: list[Migration] = []

    def __call__(self, *, name: str | None = None) -> Callable[[MigrationFn], MigrationFn]:
        def decorate(fn: MigrationFn) -> MigrationFn:
            mname = name or fn.__name__
            if any(m.name == mname for m in self._items):
                raise StoreError(f"migration {mname!r} is declared twice")
            self._items.append(Migration(mname, fn))
            return fn

        return decorate

    @property
    def names(self) -> list[str]:
        return [m.name for m in self._items]

    def applied(self, conn: duckdb.DuckDBPyConnection) -> list[str]:
        """Names recorded in the database, oldest first ([] for a fresh database)."""
        exists = conn.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_name = ?", [MIGRATIONS_TABLE]
        ).fetchall()
        if not exists[0][0]:
            return []
        rows = conn.execute(f"SELECT name FROM {MIGRATIONS_TABLE} ORDER BY applied_at, name").fetchall()
        return [r[0] for r in rows]

    def pending(self, conn: duckdb.DuckDBPyConnection) -> list[str]:
        done = set(self.applied(conn))
        return [m.name for m in self._items if m.name not in done]

    def apply(self, conn: duckdb.DuckDBPyConnection) -> list[str]:
        """Apply what is pending, each migration in its own transaction; returns the names applied."""
        conn.execute(
            f"CREATE TABLE IF NOT EXISTS {MIGRATIONS_TABLE} "
            "(name VARCHAR PRIMARY KEY, applied_at TIMESTAMP NOT NULL)"
        )
        done = set(self.applied(conn))
        ran: list[str] = []
        for migration in self._items:
            if migration.name in done:
                continue
            conn.execute("BEGIN TRANSACTION")
            try:
                migration.fn(conn)
                conn.execute(
                    f"INSERT INTO {MIGRATIONS_TABLE} (name, applied_at) VALUES (?, ?)",
                    [migration.name, datetime.now(UTC).replace(tzinfo=None)],
                )
                conn.execute("COMMIT")
            except duckdb.Error as exc:
                conn.execute("ROLLBACK")
                raise StoreError(f"migration {migration.name} failed: {exc}") from exc
            ran.append(migration.name)
        return ran


MIGRATIONS = Migrations()

_ACTOR_COLUMNS = ("name", "principal", "code", "country", "sector", "wikidata")


@MIGRATIONS(name="0001_articles_and_events")
def _articles_and_events(conn: duckdb.DuckDBPyConnection) -> None:
    conn.execute(
        """
        CREATE TABLE articles (
            id VARCHAR PRIMARY KEY,
            text VARCHAR NOT NULL,
            url VARCHAR,
            title VARCHAR,
            outlet VARCHAR,
            published VARCHAR,
            published_source VARCHAR,
            origin VARCHAR,
            ingested_at TIMESTAMP NOT NULL
        )
        """
    )
    actor_cols = ",\n".join(
        f"{side}_{col} VARCHAR{' NOT NULL' if col in ('name', 'principal', 'code') else ''}"
        for side in ("source", "target")
        for col in _ACTOR_COLUMNS
    )
    # ``dyad`` is the unordered pair of principals ("RUS|TUR", smaller first): one equality
    # filter serves both directions of a relation, and once ``Store.optimize`` has clustered
    # the table on it, DuckDB's row-group min/max statistics skip every other dyad.
    # ``day`` is the typed twin of ``date`` (first day of the period for month/year precision):
    # range filters and date_trunc grouping run on it, while ``date`` keeps the record's text.
    conn.execute(
        f"""
        CREATE TABLE events (
            event_id VARCHAR PRIMARY KEY,
            id VARCHAR NOT NULL,
            doc_id VARCHAR NOT NULL,
            sentence INTEGER NOT NULL,
            {actor_cols},
            cameo VARCHAR NOT NULL,
            root VARCHAR NOT NULL,
            quad TINYINT NOT NULL,
            goldstein DOUBLE NOT NULL,
            plover VARCHAR,
            negated BOOLEAN NOT NULL,
            hypothetical BOOLEAN NOT NULL,
            date VARCHAR,
            day DATE,
            date_precision VARCHAR,
            date_source VARCHAR,
            location_name VARCHAR,
            location_country VARCHAR,
            location_lat DOUBLE,
            location_lon DOUBLE,
            location_geonameid BIGINT,
            evidence_text VARCHAR NOT NULL,
            evidence_start INTEGER NOT NULL,
            evidence_end INTEGER NOT NULL,
            confidence DOUBLE NOT NULL,
            extra VARCHAR,
            ingested_at TIMESTAMP NOT NULL,
            dyad VARCHAR NOT NULL
        )
        """
    )


@MIGRATIONS(name="0002_clusters_and_agreements")
def _clusters_and_agreements(conn: duckdb.DuckDBPyConnection) -> None:
    # Derived records (merge.py, agreements.py) are stored generically: a few key columns to
    # filter on plus the whole record as JSON, so their shape can evolve without migrations here.
    conn.execute(
        """
        CREATE TABLE event_clusters (
            cluster_id VARCHAR PRIMARY KEY,
            parties VARCHAR[] NOT NULL,
            source_principal VARCHAR,
            target_principal VARCHAR,
            root VARCHAR,
            date_from VARCHAR,
            date_to VARCHAR,
            record JSON NOT NULL
        )
        """
    )
    conn.execute(
        """
        CREATE TABLE agreements (
            agreement_id VARCHAR PRIMARY KEY,
            parties VARCHAR[] NOT NULL,
            kind VARCHAR,
            status VARCHAR,
            date_from VARCHAR,
            date_to VARCHAR,
            record JSON NOT NULL
        )
        """
    )


#: Tables that had a PRIMARY KEY until 0003, with their key; the store upserts into those
#: with a ``key_hash`` column (detente.store.upsert), and keeps the others' ids unique itself.
_KEYED_TABLES = {"articles": "id", "events": "event_id", "event_clusters": None, "agreements": None}


@MIGRATIONS(name="0003_keys_without_indexes")
def _keys_without_indexes(conn: duckdb.DuckDBPyConnection) -> None:
    # A key's ART index is held whole in memory and grows with the table until the memory
    # cap stops the process (see detente.store.upsert). DuckDB cannot drop a primary key in
    # place, so each table is copied into one declared without it, its key kept NOT NULL
    # and, where upserts find keys, their hashes added: once, in one streaming pass.
    for table, key in _KEYED_TABLES.items():
        ddl = conn.execute(
            "SELECT sql FROM duckdb_tables() WHERE schema_name = 'main' AND table_name = ?", [table]
        ).fetchall()[0][0]
        head = f"CREATE TABLE {table}("
        if not ddl.startswith(head) or ddl.count(" PRIMARY KEY") != 1 or not ddl.endswith(");"):
            raise StoreError(f"table {table} does not have the expected shape: {ddl!r}")
        columns = ddl[len(head) : -len(");")].replace(" PRIMARY KEY", " NOT NULL", 1)
        added = f", {KEY_HASH} BIGINT NOT NULL" if key else ""
        conn.execute(f"CREATE TABLE _{table}_unkeyed({columns}{added})")
        conn.execute(f"INSERT INTO _{table}_unkeyed SELECT *{', ' + key_hash_sql(key) if key else ''} FROM {table}")
        conn.execute(f"DROP TABLE {table}")
        conn.execute(f"ALTER TABLE _{table}_unkeyed RENAME TO {table}")
