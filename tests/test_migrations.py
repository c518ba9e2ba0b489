"""Named migrations: applied once, in order, recorded; a read-only store refuses an old schema."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from detente.errors import StoreError
from detente.records import Article
from detente.store.db import Store
from detente.store.migrations import MIGRATIONS, MIGRATIONS_TABLE, Migrations


def test_a_new_store_records_every_migration_in_order(store: Store) -> None:
    rows = store.connection.execute(
        f"SELECT name FROM {MIGRATIONS_TABLE} ORDER BY applied_at, name"
    ).fetchall()
    assert [r[0] for r in rows] == MIGRATIONS.names
    tables = {
        r[0] for r in store.connection.execute("SELECT table_name FROM information_schema.tables").fetchall()
    }
    assert {"articles", "events", "event_clusters", "agreements", MIGRATIONS_TABLE} <= tables


def test_reopening_applies_nothing_twice(tmp_path: Path) -> None:
    path = tmp_path / "events.duckdb"
    Store(path).close()
    with Store(path) as s:
        (n,) = s.connection.execute(f"SELECT count(*) FROM {MIGRATIONS_TABLE}").fetchone()  # type: ignore[misc]
        assert n == len(MIGRATIONS.names)
        assert MIGRATIONS.pending(s.connection) == []


def test_migrations_run_in_declaration_order_and_only_when_pending() -> None:
    ran: list[str] = []
    migrations = Migrations()

    @migrations(name="0001_a")
    def _a(conn: duckdb.DuckDBPyConnection) -> None:
        ran.append("a")
        conn.execute("CREATE TABLE a (x INTEGER)")

    @migrations(name="0002_b")
    def _b(conn: duckdb.DuckDBPyConnection) -> None:
        ran.append("b")
        conn.execute("ALTER TABLE a ADD COLUMN y INTEGER")

    conn = duckdb.connect()
    assert migrations.apply(conn) == ["0001_a", "0002_b"]
    assert migrations.apply(conn) == []
    assert ran == ["a", "b"]
    assert [c[0] for c in conn.execute("DESCRIBE a").fetchall()] == ["x", "y"]


def test_a_failing_migration_leaves_no_trace() -> None:
    migrations = Migrations()

    @migrations(name="0001_half_done")
    def _bad(conn: duckdb.DuckDBPyConnection) -> None:
        conn.execute("CREATE TABLE half (x INTEGER)")
        conn.execute("SELECT * FROM no_such_table")

    conn = duckdb.connect()
    with pytest.raises(StoreError, match="0001_half_done"):
        migrations.apply(conn)
    assert migrations.applied(conn) == []
    assert conn.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_name = 'half'"
    ).fetchone() == (0,)


def test_a_name_cannot_be_declared_twice() -> None:
    migrations = Migrations()
    migrations(name="0001_x")(lambda conn: None)
    with pytest.raises(StoreError, match="declared twice"):
        migrations(name="0001_x")(lambda conn: None)


def test_read_only_store_behind_the_code_says_to_open_it_writable(tmp_path: Path) -> None:
    path = tmp_path / "old.duckdb"
    with Store(path) as s:
        last = MIGRATIONS.names[-1]
        s.connection.execute(f"DELETE FROM {MIGRATIONS_TABLE} WHERE name = ?", [last])
    with pytest.raises(StoreError, match="open it writable once"):
        Store(path, read_only=True)


def test_a_file_from_before_0003_keeps_its_rows_and_its_keys_lose_their_indexes(tmp_path: Path) -> None:
    from detente.store.migrations import _articles_and_events, _clusters_and_agreements

    path = tmp_path / "old.duckdb"
    before_0003 = Migrations()
    before_0003(name="0001_articles_and_events")(_articles_and_events)
    before_0003(name="0002_clusters_and_agreements")(_clusters_and_agreements)
    conn = duckdb.connect(str(path))
    before_0003.apply(conn)
    conn.execute("INSERT INTO articles (id, text, ingested_at) VALUES ('doc-1', 'Text.', TIMESTAMP '2019-04-29 10:00')")
    conn.execute(
        "INSERT INTO event_clusters (cluster_id, parties, record) VALUES ('c-1', ['RUS', 'TUR'], ?)",
        ['{"cluster_id": "c-1"}'],
    )
    conn.close()

    with Store(path) as store:
        conn = store.connection
        keyed = conn.execute(
            "SELECT table_name FROM duckdb_constraints() WHERE constraint_type = 'PRIMARY KEY' AND table_name <> ?",
            [MIGRATIONS_TABLE],
        ).fetchall()
        assert keyed == []
        assert store.has_article("doc-1")
        assert conn.execute("SELECT ingested_at FROM articles").fetchall()[0][0].year == 2019
        assert [c["cluster_id"] for c in store.clusters()] == ["c-1"]
        assert store.upsert_articles([Article(id="doc-1", text="Text, corrected.")]) == 0
        assert conn.execute("SELECT count(*), any_value(text) FROM articles").fetchall() == [(1, "Text, corrected.")]
        with pytest.raises(duckdb.ConstraintException):
            conn.execute("INSERT INTO events (event_id) VALUES (NULL)")
