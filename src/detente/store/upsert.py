"""Upserts keyed on a column that has no index behind it.

Why the store's tables have no PRIMARY KEY: DuckDB backs a key with an ART index that it
keeps whole in memory, counted against the memory cap and never evicted, at about 75 bytes
a key. Measured here (2 events an article, plain inserts, 64MB cap): the index held 1, 3
and 22 MB at 1k, 10k and 100k articles, and the next few hundred thousand articles ended
the process with DuckDB's "FATAL Error ... failed to pin block"; under the default 1GB cap
that would happen near 4M articles. Below that limit it is what made an ingest's memory
grow with the corpus (ON CONFLICT upserts: 236 MB at 100k articles against 184 MB without
keys, which stays at 176-188 MB up to 1M).

Without the index a key is found by scanning: once per batch and table, a cost that grows
with the table but is paid per transaction, not per row. What is scanned is ``key_hash``,
60 bits of the key's MD5 as a BIGINT, not the key: at 2.25M keys a probe for 150 of them
reads the integers in 17 ms against 103 ms for the strings. A hash match is then checked
against the key itself, so a collision costs a row read, never a wrong answer. The key's
uniqueness is kept here: a batch's rows whose key is stored update those rows in place;
the others are appended.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

_BATCH = "_upsert_batch"

#: The column that holds each row's key hash, in the tables :func:`upsert` writes.
KEY_HASH = "key_hash"


def key_hash_sql(key: str) -> str:
    """SQL for the hash of column ``key``, equal to :func:`key_hash` (migrations fill it with this)."""
    return f"('0x' || substr(md5({key}), 1, 15))::BIGINT"


def key_hash(key: str) -> int:
    """60 bits of the key's MD5: a standard digest, so SQL and Python compute the same number."""
    return int(hashlib.md5(key.encode("utf-8")).hexdigest()[:15], 16)


def stored_keys(conn: duckdb.DuckDBPyConnection, table: str, key: str, keys: Iterable[str]) -> set[str]:
    """Which of ``keys`` ``table`` holds, in one scan of its ``key_hash`` column.

    The hashes go in as one list parameter and are joined, not tested one by one: a hash
    semi-join reads the column once whatever the number of keys.
    """
    wanted = set(keys)
    if not wanted:
        return set()
    rows = conn.execute(
        f"SELECT {key} FROM {table} WHERE {KEY_HASH} IN (SELECT unnest(?::BIGINT[]))",
        [sorted({key_hash(k) for k in wanted})],
    ).fetchall()
    return {r[0] for r in rows} & wanted


def upsert(
    conn: duckdb.DuckDBPyConnection, table: str, key: str, batch: pa.Table, *, keep: Sequence[str] = ()
) -> int:
    """Write ``batch`` (unique keys, columns named as ``table``'s but ``key_hash``) into ``table``.

    A row whose key is stored replaces that row's columns, except ``keep`` (values that say
    when a row first arrived); the other rows are appended. Returns how many were appended.
    The caller holds the transaction, so a batch lands whole or not at all.
    """
    if batch.num_rows == 0:
        return 0
    keys = batch[key].to_pylist()
    batch = batch.append_column(KEY_HASH, pa.array([key_hash(k) for k in keys], pa.int64()))
    columns = batch.column_names
    stored = stored_keys(conn, table, key, keys)
    fresh = batch
    if stored:
        sets = ", ".join(f"{c} = b.{c}" for c in columns if c not in (key, KEY_HASH, *keep))
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
