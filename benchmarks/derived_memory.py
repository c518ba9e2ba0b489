"""``make bench-derived``: peak memory of recomputing derived records for one hub dyad.

Why: clusters and agreements are recomputed dyad by dyad, and in real news a few dyads
(the United States and Russia, Israel and Hamas) carry a large share of a store. If a
dyad's events were held while it is clustered, memory would grow with the hub dyad and
so with the corpus. Here each size is a store whose events almost all belong to one dyad
(RUS-TUR, with each side's civilians), at a fixed density of events per day so only the
length of history grows; a fresh process recomputes every cluster and agreement and
reports its own peak RSS. Flat means the largest size peaks where the smallest does.

Each size runs twice: with DuckDB's own memory limit (80% of RAM), and capped with the
``store_memory_limit`` setting (``--cap``, 256MB by default), under which DuckDB spills
the sorts and temporary tables that the records stream through. Python's own share is
bounded either way: the clusterer holds the clusters within reach of the day it is at,
and the rest wait in temporary files, so it follows the density of events, not their number.

The stores are generated in SQL (``dyad_query.build``): 30% of the events take their date
from the publication (intervals for clustering), the rest fix the day in the text.

Run: ``python benchmarks/derived_memory.py [--sizes N ...]``. Prints ``name: value``
lines: ``derived_peak_rss_mb_10k``, ``derived_peak_rss_mb_10k_capped``, ``derived_seconds_10k``,
``derived_clusters_10k``, ... and ``derived_base_rss_mb`` (the same process opening the store
and doing nothing).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from dyad_query import build
from peak import peak_rss_mb

#: Events per day across the hub's dyads: a busy dyad in a busy year.
PER_DAY = 20
#: A sentence of typical news length, so each event carries realistic evidence.
EVIDENCE = (
    "Officials from both governments said on Tuesday that the talks in the capital had "
    "covered the ceasefire line, prisoner exchanges and the reopening of the border crossing."
)


def child(db: Path, work: bool, cap: str) -> None:
    """Recompute derived records in this (fresh) process and print its figures as JSON."""
    from detente import agreements, merge
    from detente.store.db import Store

    t0 = time.perf_counter()
    clusters = 0
    with Store(db, memory_limit=cap or None) as store:
        if work:
            clusters = merge.update_store(store).records
            agreements.update_store(store)
    seconds = time.perf_counter() - t0
    rss = peak_rss_mb()
    print(json.dumps({"seconds": seconds, "peak_rss_mb": rss, "clusters": clusters}))


def measure(db: Path, work: bool, cap: str = "") -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, __file__, "--child", str(db), "work" if work else "idle", cap],
        check=True,
        capture_output=True,
        text=True,
    )
    figures: dict[str, float] = json.loads(out.stdout.strip().splitlines()[-1])
    return figures


def _label(n: int) -> str:
    return f"{n // 1_000_000}M" if n % 1_000_000 == 0 else f"{n // 1000}k"


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--child", nargs=3, metavar=("DB", "WORK", "CAP"), help=argparse.SUPPRESS)
    parser.add_argument("--sizes", type=int, nargs="*", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--cap", default="256MB", help="store_memory_limit for the capped runs")
    args = parser.parse_args()
    if args.child:
        child(Path(args.child[0]), args.child[1] == "work", args.child[2])
        return
    with tempfile.TemporaryDirectory(prefix="detente-derived-") as tmp:
        for i, n in enumerate(args.sizes):
            db = Path(tmp) / f"hub{n}.duckdb"
            build(db, n, principals=("RUS", "TUR"), days=max(1, n // PER_DAY), published_share=0.3, evidence=EVIDENCE)
            if i == 0:
                print(f"derived_base_rss_mb: {measure(db, work=False)['peak_rss_mb']:.0f}")
            f = measure(db, work=True)
            label = _label(n)
            print(f"derived_peak_rss_mb_{label}: {f['peak_rss_mb']:.0f}")
            print(f"derived_seconds_{label}: {f['seconds']:.1f}")
            print(f"derived_clusters_{label}: {int(f['clusters'])}")
            try:
                capped = measure(db, work=True, cap=args.cap)
            except subprocess.CalledProcessError as exc:
                # DuckDB could not stay under the cap (not every operator spills): say so, go on.
                last = (exc.stderr or "").strip().splitlines()[-1:] or ["no message"]
                print(f"derived_capped_failed_{label}: {last[0][:200]}")
            else:
                print(f"derived_peak_rss_mb_{label}_capped: {capped['peak_rss_mb']:.0f}")
                print(f"derived_seconds_{label}_capped: {capped['seconds']:.1f}")
            sys.stdout.flush()
            db.unlink()


if __name__ == "__main__":
    main()
