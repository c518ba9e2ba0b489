"""Rows read in a fixed order a page at a time, in memory that does not grow with the store.

Why not one ORDER BY: DuckDB sorts whole rows, evidence text and all, and under its memory
cap that sort does not reliably spill to disk. With a 64MB cap, reading the 225,000 events
of a 100k-article corpus in day order failed for want of memory, and so did exporting
them; a larger cap only moves that wall to a larger store. So the rows are cut into
pages of whole days from one count per day (a day too busy for one page is cut further by
a top-N over the rest of its key alone), each page is read unsorted and put in order here,
and only one page is held at a time.

The price is time: each page is a scan of its own, and DuckDB skips only the row groups
whose days all lie outside the page, so reading many pages costs more than one sort would
have (a hub's 196,000 related events: 4.9 s sorted whole, 7.6 s in pages of 2,000).

The same holds for the keyed items a caller sorts through a table of its own
(``Store.sorted_by_key``: a hub dyad's clustering order): one ORDER BY over them ran out of
memory under a 64MB cap at 300,000 items of 220 bytes, and pages of the cap's size do not
(:func:`key_pages`).

Usage::

    for row in ordered_rows(cursor, "dyad = ?", ["RUS|TUR"], EVENT_COLUMNS, EVENT_ORDER):
        ...
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import date
from typing import TYPE_CHECKING, Any

import duckdb

if TYPE_CHECKING:
    import pyarrow as pa

#: The order events are listed and exported in: by day (undated last), article, sentence, id.
EVENT_ORDER = ("day", "doc_id", "sentence", "event_id")
#: By day (undated last) then id: the order agreement tracking reads a party's events in.
DAY_ORDER = ("day", "event_id")
#: A dyad's events together, by day: the order ``Store.optimize`` lays the table out in.
CLUSTER_ORDER = ("dyad", *DAY_ORDER)

#: Where an event with no day sorts: after every real day. Every other key column is NOT NULL.
UNDATED = date(9999, 12, 31)

#: Rows per page: one page is held at a time, by DuckDB while read and by the caller.
PAGE_SIZE = 10_000


def _after(order: Sequence[str], key: Sequence[Any]) -> tuple[str, list[Any]]:
    """SQL that holds for rows whose key comes after ``key`` in ``order``, and its parameters."""
    terms, params = [], []
    for i, column in enumerate(order):
        terms.append("(" + " AND ".join([*(f"{c} = ?" for c in order[:i]), f"{column} > ?"]) + ")")
        params += [*key[:i], key[i]]
    return "(" + " OR ".join(terms) + ")", params


def pages(
    cur: duckdb.DuckDBPyConnection,
    where: str,
    params: Sequence[Any],
    order: Sequence[str],
    size: int = PAGE_SIZE,
) -> Iterator[tuple[str, list[Any]]]:
    """Conditions, each with its parameters, that cut the events matching ``where`` (SQL, no
    WHERE keyword) into pages of at most ``size`` rows in ``order`` (which starts with
    ``day``, or with ``dyad`` then ``day``), first page first.

    Pages are runs of whole days (or dyads), found from one count per day, so the keys are
    not sorted again for every page. A dyad with more than ``size`` events is cut into runs
    of its days, and a day with more than ``size`` by the rest of the key (:func:`_keyset_pages`).
    """
    lead = order[0] if order else None
    if lead not in ("day", "dyad") or (lead == "dyad" and tuple(order[1:2]) != ("day",)):
        raise ValueError(f"an event order starts with day, or dyad then day, not {order!r}")
    counts = cur.execute(
        f"SELECT {lead}, count(*) FROM events WHERE {where} GROUP BY {lead} ORDER BY {lead} NULLS LAST", list(params)
    ).fetchall()
    for after, upto, heavy in _runs(counts, size):
        if heavy is None:
            yield _range(lead, where, params, after, upto)
        elif lead == "dyad":
            yield from pages(cur, f"({where}) AND dyad = ?", [*params, heavy], order[1:], size)
        else:
            yield from _keyset_pages(cur, f"({where}) AND day = ?", [*params, heavy], order[1:], size)
    if counts and counts[-1][0] is None:  # only days can be missing
        yield from _keyset_pages(cur, f"({where}) AND day IS NULL", list(params), order[1:], size)


def _runs(counts: Iterable[Sequence[Any]], size: int) -> Iterator[tuple[Any, Any, Any]]:
    """From ``(value, rows)`` counts in order (a None value last, left out): ``(after, upto,
    None)`` for each run of values, after ``after`` up to ``upto`` (None: unbounded), that
    fits in ``size`` rows, and ``(None, None, value)`` for a value that alone outgrows it."""
    after = upto = None  # the run being gathered starts after ``after`` (None: at the first)
    held = 0  # rows in that run
    for value, n in counts:
        if value is None:
            break
        if held and held + n > size:  # also when this value alone outgrows a page
            yield after, upto, None
            after, held = upto, 0
        if n > size:
            yield None, None, value
            after = value
        else:
            held, upto = held + n, value
    if held:
        yield after, None, None


def _range(
    column: str, where: str, params: Sequence[Any], after: Any, upto: Any
) -> tuple[str, list[Any]]:
    """The rows matching ``where`` whose ``column`` is after ``after`` and not after ``upto`` (None: unbounded)."""
    sql, bound = f"({where}) AND {column} IS NOT NULL", list(params)
    if after is not None:
        sql, bound = f"{sql} AND {column} > ?", [*bound, after]
    if upto is not None:
        sql, bound = f"{sql} AND {column} <= ?", [*bound, upto]
    return sql, bound


def _keyset_pages(
    cur: duckdb.DuckDBPyConnection,
    where: str,
    params: Sequence[Any],
    order: Sequence[str],
    size: int,
    table: str = "events",
) -> Iterator[tuple[str, list[Any]]]:
    """Pages of the rows matching ``where`` by ``order`` (NOT NULL columns): each found by a
    top-N over the key alone, the next starting after the last key of this one."""
    keys_sql = ", ".join(order)
    lower, lower_params = f"({where})", list(params)
    while True:
        keys = cur.execute(
            f"SELECT {keys_sql} FROM {table} WHERE {lower} ORDER BY {keys_sql} LIMIT ?", [*lower_params, size]
        ).fetchall()
        if len(keys) < size:
            if keys:
                yield lower, lower_params
            return
        after, after_params = _after(order, keys[-1])
        yield f"{lower} AND NOT {after}", [*lower_params, *after_params]
        lower, lower_params = f"({where}) AND {after}", [*params, *after_params]


def key_pages(
    cur: duckdb.DuckDBPyConnection,
    table: str,
    order: Sequence[str],
    size: int = PAGE_SIZE,
    where: str = "TRUE",
    params: Sequence[Any] = (),
) -> list[tuple[str, list[Any]]]:
    """Conditions that cut ``table``'s rows matching ``where`` into pages of at most ``size``
    rows in ``order`` (NOT NULL columns), first page first, for a table with no days to cut on.

    As :func:`pages` does with days, the rows are cut into runs of whole values of the key's
    first column, from one count per value; a value too common for one page is cut by the
    rest of the key the same way, and the last column by top-N (:func:`_keyset_pages`). The
    counts are read a chunk at a time, so a column with a value per row (a sequence number)
    is never held whole. The conditions are returned as a list (one entry a page) so the
    caller may reuse ``cur`` to read the pages.
    """
    lead, rest = order[0], order[1:]
    if not rest:
        return list(_keyset_pages(cur, where, params, order, size, table=table))
    cur.execute(f"SELECT {lead}, count(*) FROM {table} WHERE {where} GROUP BY {lead} ORDER BY {lead}", list(params))
    runs = list(_runs(fetched(cur), size))
    found: list[tuple[str, list[Any]]] = []
    for after, upto, heavy in runs:
        if heavy is None:
            found.append(_range(lead, where, params, after, upto))
        else:
            found += key_pages(cur, table, rest, size, f"({where}) AND {lead} = ?", [*params, heavy])
    return found


def fetched(cur: duckdb.DuckDBPyConnection, chunk: int = 10_000) -> Iterator[tuple[Any, ...]]:
    """The rows of ``cur``'s last query, fetched a chunk at a time, never all at once."""
    while rows := cur.fetchmany(chunk):
        yield from rows


def row_key(columns: Sequence[str], order: Sequence[str]) -> Callable[[Sequence[Any]], tuple[Any, ...]]:
    """A sort key for rows of ``columns`` that orders them as :func:`pages` cuts them."""
    at = [(columns.index(c), c == "day") for c in order]
    return lambda row: tuple(UNDATED if day and row[i] is None else row[i] for i, day in at)


def ordered_rows(
    cur: duckdb.DuckDBPyConnection,
    where: str,
    params: Sequence[Any],
    columns: Sequence[str],
    order: Sequence[str],
    size: int = PAGE_SIZE,
) -> Iterator[tuple[Any, ...]]:
    """The ``columns`` of the events matching ``where``, in ``order``, one page held at a time."""
    key = row_key(columns, order)
    for condition, page_params in pages(cur, where, params, order, size):
        rows = cur.execute(f"SELECT {', '.join(columns)} FROM events WHERE {condition}", page_params).fetchall()
        rows.sort(key=key)
        yield from rows


def ordered_tables(
    cur: duckdb.DuckDBPyConnection,
    where: str,
    params: Sequence[Any],
    columns: Sequence[str],
    order: Sequence[str],
    size: int = PAGE_SIZE,
) -> Iterator[pa.Table]:
    """Like :func:`ordered_rows`, as one Arrow table per page, for writers that take Arrow."""
    for condition, page_params in pages(cur, where, params, order, size):
        table = cur.sql(f"SELECT {', '.join(columns)} FROM events WHERE {condition}", params=page_params)
        yield table.to_arrow_table().sort_by([(c, "ascending") for c in order])  # a null day sorts last
