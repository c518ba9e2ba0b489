"""Upserts keyed on a column that has no index behind it.

Why the store's tables have no PRIMARY KEY: DuckDB backs a key with an ART index that it
keeps whole in memory, counted against the memory cap and never evicted, at about 75 bytes
a key. Measured here (2 events an article, plain inserts, 64MB cap): the index held 1, 3
and 22 MB at 1k, 10k and 100k articles, and the next few hundred thousand articles ended
the process with DuckDB's "FATAL Error ... failed to pin block"; under the default 1GB cap
that happens near 4M articles. Below that limit it is what made an ingest's memory grow
with the corpus (ON CONFLICT upserts: 236 MB at 100k articles against 184 MB without keys,
which stays at 176-188 MB up to 1M).

Without the index a key is found by scanning its column: one scan of one column per
batch and table, which grows with the table (20-odd ms a batch at 100k articles) but is
paid once per transaction, not per row. The key's uniqueness is kept here: a batch's rows
whose key is stored update those rows in place; the others are appended.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

_BATCH = "_upsert_batch"


def stored_keys(conn: duckdb.DuckDBPyConnection, table: str, key: str, keys: Iterable[str]) -> set[str]:
    """Which of ``keys`` ``table`` holds, in one scan of its ``key`` column.

    The keys go in as one list parameter and are joined, not tested one by one: a hash
    semi-join reads the column once whatever the number of keys.
    """
    wanted = list(dict.fromkeys(keys))
    if not wanted:
        return set()
    rows = conn.execute(
        f"SELECT DISTINCT {key} FROM {table} WHERE {key} IN (SELECT unnest(?::VARCHAR[]))", [wanted]
    ).fetchall()
    return {r[0] for r in rows}


def upsert(
    conn: duckdb.DuckDBPyConnection, table: str, key: str, batch: pa.Table, *, keep: Sequence[str] = ()
) -> int:
    """Write ``batch`` (unique keys, columns named as ``table``'s) into ``table``.

    A row whose key is stored replaces that row's columns, except ``keep`` (values that say
    when a row first arrived); the other rows are appended. Returns how many were appended.
    The caller holds the transaction, so a batch lands whole or not at all.
    """
    if batch.num_rows == 0:
        return 0
    columns = batch.column_names
    stored = stored_keys(conn, table, key, batch[key].to_pylist())
    fresh = batch
    if stored:
        sets = ", ".join(f"{c} = b.{c}" for c in columns if c != key and c not in keep)
        _run_on(conn, batch, f"UPDATE {table} SET {sets} FROM {_BATCH} AS b WHERE {table}.{key} = b.{key}")
        fresh = batch.filter(
            pc.invert(pc.is_in(batch[key], value_set=pa.array(sorted(stored), batch.schema.field(key).type)))
        )
    if fresh.num_rows:
        names = ", ".join(columns)
        _run_on(conn, fresh, f"INSERT INTO {table} ({names}) SELECT {names} FROM {_BATCH}")
    return int(fresh.num_rows)


def _run_on(conn: duckdb.DuckDBPyConnection, batch: pa.Table, sql: str) -> None:
    conn.register(_BATCH, batch)
    try:
        conn.execute(sql).fetchall()
    finally:
        conn.unregister(_BATCH)
