"""Event query filters: user values checked, then turned into bound SQL parameters.

Shared by the store and the exporters so both read the same rows for the same filters; a
malformed filter raises :class:`~detente.errors.InvalidQuery` saying what was expected.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from typing import Any

from detente.errors import InvalidQuery
from detente.store.rows import dyad_key

_CAMEO_RE = re.compile(r"^\d{2,4}$")


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
