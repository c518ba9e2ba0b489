"""Derived records (event clusters, agreements) as stored rows.

They are stored generically: a few key columns to filter on plus the whole record as JSON
(see migration 0002), so their shape can evolve without migrations. They are recomputed
from events, never merged, and replaced whole or dyad by dyad; the dyad of a stored row is
read back from its key columns with the SQL below.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import duckdb

from detente.errors import InvalidQuery
from detente.records import Actor
from detente.store.rows import dedupe, dyad_key

#: The dyad key (as :func:`dyad_key`) of a stored cluster and of a stored agreement.
CLUSTER_DYAD_SQL = (
    "least(source_principal, target_principal) || '|' || greatest(source_principal, target_principal)"
)
AGREEMENT_DYAD_SQL = "array_to_string(list_sort(parties), '|')"


def split_dyad(key: str) -> tuple[str, str]:
    a, b = key.split("|", 1)
    return a, b


def insert_rows(conn: duckdb.DuckDBPyConnection, table: str, rows: list[tuple[Any, ...]]) -> None:
    """Append ``rows`` to ``table`` in one INSERT, each column passed as one list and unnested.

    Why not executemany: it costs a round trip per row. Why not a registered Arrow table:
    inside a transaction DuckDB keeps every Arrow table it scanned alive until the
    transaction ends, so a replacement written chunk by chunk would hold all its chunks
    (190 MB for a 1M-event dyad's clusters); list parameters are copied and let go.
    """
    if not rows:
        return
    types = conn.execute(
        "SELECT data_type FROM duckdb_columns() WHERE schema_name = 'main' AND table_name = ? ORDER BY column_index",
        [table],
    ).fetchall()
    select = ", ".join(f"unnest(?::{data_type}[])" for (data_type,) in types)
    conn.execute(f"INSERT INTO {table} SELECT {select}", [list(column) for column in zip(*rows, strict=True)])


def cluster_rows(records: Iterable[dict[str, Any]]) -> list[tuple[Any, ...]]:
    """``event_clusters`` rows for cluster records (the last of a repeated id wins)."""
    rows = []
    for rec in dedupe(records, key=lambda r: _require_id(r, "cluster_id")):
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
    return rows


def agreement_rows(records: Iterable[dict[str, Any]]) -> list[tuple[Any, ...]]:
    """``agreements`` rows for agreement records (the last of a repeated id wins)."""
    return [
        (
            str(rec["agreement_id"]),
            _parties(rec.get("parties")),
            _opt_str(rec.get("kind")),
            _opt_str(rec.get("status")),
            _first_str(rec, "date_from", "start"),
            _first_str(rec, "date_to", "end"),
            json.dumps(rec, ensure_ascii=False, default=str),
        )
        for rec in dedupe(records, key=lambda r: _require_id(r, "agreement_id"))
    ]


def delete_rows(
    conn: duckdb.DuckDBPyConnection, table: str, dyad_sql: str, dyads: Iterable[tuple[str, str]] | None
) -> None:
    """Delete ``table``'s rows: all, or those of ``dyads``. The caller holds the transaction
    in which the replacements are inserted, so readers see the old rows or the new, never neither."""
    where, params = dyad_filter(dyad_sql, dyads)
    conn.execute(f"DELETE FROM {table} WHERE {where}", params)


def repeated_id(
    conn: duckdb.DuckDBPyConnection, table: str, key: str, dyad_sql: str, dyads: Iterable[tuple[str, str]] | None
) -> str | None:
    """An id that ``table``'s rows of ``dyads`` (None: all) hold more than once, if any.

    Why: no index keeps these ids unique (detente.store.upsert says why), so a replacement
    checks its own rows before it commits. A dyad's ids cannot meet another's: a record's
    id is made from its earliest event, and an event belongs to one dyad.
    """
    where, params = dyad_filter(dyad_sql, dyads)
    rows = conn.execute(
        f"SELECT {key} FROM {table} WHERE {where} GROUP BY {key} HAVING count(*) > 1 LIMIT 1", params
    ).fetchall()
    return str(rows[0][0]) if rows else None


def dyad_filter(dyad_sql: str, dyads: Iterable[tuple[str, str]] | None) -> tuple[str, list[Any]]:
    """SQL (and parameters) matching the rows of ``dyads``, or every row for None."""
    if dyads is None:
        return "TRUE", []
    return f"list_contains(?::VARCHAR[], {dyad_sql})", [sorted({dyad_key(a, b) for a, b in dyads})]


def with_evidence(
    record: dict[str, Any], events: Mapping[str, Sequence[Any]], outlets: Mapping[str, str]
) -> dict[str, Any]:
    """A stored cluster record with its members' evidence put back, in member order.

    Cluster records are stored without it: the events they name hold it already, and a
    copy would double the store and the memory of writing a hub dyad's clusters.
    ``events`` maps an ``event_id`` to its ``(doc_id, evidence_text, evidence_start, evidence_end)``.
    """
    evidence = [
        {
            "event_id": event_id,
            "doc_id": doc_id,
            "text": text,
            "start": start,
            "end": end,
            "outlet": outlets.get(doc_id),
        }
        for event_id in record.get("event_ids", ())
        if event_id in events
        for doc_id, text, start, end in [events[event_id]]
    ]
    out: dict[str, Any] = {}
    for key, value in record.items():
        out[key] = value
        if key == "outlets":
            out["evidence"] = evidence
    out.setdefault("evidence", evidence)
    return out


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
