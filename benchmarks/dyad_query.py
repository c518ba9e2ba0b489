"""Benchmark: dyad_series over a store of 10 million synthetic events.

Why: relations are the product's main question, asked interactively from the dashboard and
the API, so one dyad's monthly series must come back in well under a tenth of a second on
a store the size of a decade of global news. The events are generated in SQL (fast, no
Python loop), with principals drawn from a skewed distribution like real news (a few
powers appear in most events), then the query is timed with the store's own code.

Run: ``python benchmarks/dyad_query.py [--events N] [--db FILE] [--runs K]``.
Prints ``dyad_query_ms: X`` (median of K warm runs) and ``dyad_query_events: N``.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from detente.analysis.relations import dyad_series
from detente.store.db import Store
from detente.store.upsert import key_hash_sql

#: Principals of the synthetic world; earlier ones are drawn more often (Zipf-like).
PRINCIPALS = (
    "USA",
    "RUS",
    "CHN",
    "UKR",
    "ISR",
    "IRN",
    "TUR",
    "GBR",
    "FRA",
    "DEU",
    "SYR",
    "IND",
    "PAK",
    "PSE",
    "SAU",
    "EGY",
    "JPN",
    "KOR",
    "PRK",
    "IRQ",
    "AFG",
    "QAT",
    "ARE",
    "NATO",
    "UN",
    "EU",
    "HAMAS",
    "HTS",
    "ISIS",
    "PKK",
    "YPG",
    "SDF",
    "REBELS",
    "CIVILIANS",
    "AZE",
    "ARM",
    "GEO",
    "BLR",
    "POL",
    "ITA",
    "ESP",
    "CAN",
    "AUS",
    "BRA",
    "MEX",
    "VEN",
    "COL",
    "ARG",
    "NGA",
    "ETH",
    "SDN",
    "SSD",
    "LBY",
    "TUN",
    "DZA",
    "MAR",
    "YEM",
    "LBN",
    "JOR",
    "KAZ",
)


def build(
    path: Path,
    n: int,
    *,
    principals: tuple[str, ...] = PRINCIPALS,
    days: int = 9131,
    published_share: float = 0.0,
    evidence: str = "synthetic sentence",
) -> None:
    """Fill ``path`` with ``n`` synthetic events through one INSERT ... SELECT.

    ``days`` spreads them from 2000-01-01; ``published_share`` of them take their date from
    the publication date (an interval for clustering) instead of the text.
    """
    with Store(path) as store:
        conn = store.connection
        conn.execute(
            "CREATE TEMP TABLE principals AS SELECT unnest(?::VARCHAR[]) AS p, "
            "generate_subscripts(?::VARCHAR[], 1) AS k",
            [list(principals), list(principals)],
        )
        k = len(principals)
        conn.execute("SET enable_progress_bar = false")
        conn.execute("SELECT setseed(0.42)")  # the same store for the same arguments
        conn.execute(
            f"""
            INSERT INTO events
            WITH raw AS (
                SELECT i,
                       -- Zipf-ish pick: floor(k ** u) skews toward the first principals
                       1 + (floor(pow({k}, random()))::INT - 1) % {k} AS si,
                       1 + (floor(pow({k}, random()))::INT - 1) % {k} AS ti,
                       DATE '2000-01-01' + (random() * {days})::INT AS d,
                       1 + floor(random() * 20)::INT AS r,  -- roots 01..20
                       random() AS u
                FROM range({n}) t(i)
            ), ev AS (
                SELECT raw.*, s.p AS sp, CASE WHEN si = ti THEN 'CIVILIANS' ELSE t.p END AS tp,
                       lpad(r::VARCHAR, 2, '0') AS root
                FROM raw JOIN principals s ON s.k = si JOIN principals t ON t.k = ti
            )
            SELECT substr(md5(i::VARCHAR), 1, 20), 'doc-' || (i // 8)::VARCHAR, 'doc-' || (i // 8)::VARCHAR,
                   (i % 8)::INT,
                   sp, sp, sp, sp, 'GOV', NULL,
                   tp, tp, tp, tp, 'GOV', NULL,
                   root || '0', root,
                   CASE WHEN r <= 5 THEN 1 WHEN r <= 8 THEN 2 WHEN r <= 13 THEN 3 ELSE 4 END,
                   round(10 - r, 1), NULL,
                   u < 0.03, u > 0.97,
                   strftime(d, '%Y-%m-%d'), d, 'day',
                   CASE WHEN (i * 7919) % 1000 < {round(published_share * 1000)} THEN 'published' ELSE 'text' END,
                   NULL, NULL, NULL, NULL, NULL,
                   ?, 0, {len(evidence)}, 0.8, NULL, now()::TIMESTAMP,
                   least(sp, tp) || '|' || greatest(sp, tp),
                   {key_hash_sql("substr(md5(i::VARCHAR), 1, 20)")}
            FROM ev
            """,
            [evidence],
        )
        conn.execute("CHECKPOINT")


def time_series(store: Store, runs: int) -> tuple[float, int]:
    """Median wall time (ms) of ``dyad_series(store, "RUS", "TUR")`` after one warm-up run."""
    series = dyad_series(store, "RUS", "TUR")
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        series = dyad_series(store, "RUS", "TUR")
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times), series.total_events


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--events", type=int, default=10_000_000)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--db", type=Path, default=None, help="keep/reuse the store at this path")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = args.db or Path(tmp) / "bench.duckdb"
        if not path.exists():
            t0 = time.perf_counter()
            build(path, args.events)
            print(f"dyad_build_s: {time.perf_counter() - t0:.1f}")
            with Store(path, read_only=True) as store:
                ms, _ = time_series(store, args.runs)
            print(f"dyad_query_unclustered_ms: {ms:.1f}")
            t0 = time.perf_counter()
            with Store(path) as store:
                store.optimize()
            print(f"dyad_optimize_s: {time.perf_counter() - t0:.1f}")
        with Store(path, read_only=True) as store:
            ms, n = time_series(store, args.runs)
            print(f"dyad_store_events: {store.count_events()}")
        print(f"dyad_query_ms: {ms:.1f}")
        print(f"dyad_query_events: {n}")


if __name__ == "__main__":
    main()
