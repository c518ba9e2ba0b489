"""``make bench-scale``: peak memory of streaming ingest at 1k, 10k and 100k generated articles.

Why: users ingest millions of articles; memory must stay flat in corpus size, so nothing
on the path (readers, pipeline, engine, store) may hold a list of all articles or events.
Each size runs in a fresh subprocess and reports its own peak RSS (``peak.py``: its own,
not inherited from this parent), so one size's memory cannot hide in another's; flat means the 10k and 100k peaks match the 1k peak.

Two measurements:

* ``full``: ``Pipeline.run`` with the real model and coder, from a JSON Lines dump of short
  generated articles into a fresh DuckDB file, exactly as ``detente ingest`` does it.
  On a 2-core machine this codes ~10-20 short articles a second, so by default it runs at
  1k and 10k and prints the time 100k would take at the measured rate (``--full-sizes``
  adds 100000 where there is time).
* ``path``: the same readers, ``commit_every`` batching and ``Store.write_batch`` with no
  model (articles only), at 1k, 10k and 100k, from a folder of ``.txt`` files and from a
  JSON Lines dump: the parts of the path whose memory could grow with the corpus.

Both open the store capped by the ``store_memory_limit`` setting (``--cap`` sets it), as
``detente ingest`` does: DuckDB uses memory up to its cap as a cache, so flat means the
peaks stay the same under one cap, not that DuckDB leaves its allowance unused.

``full`` also prints the peak before the clusters and agreements are recomputed
(``peak_rss_mb_10k_before_derived``): reading, coding and storing, apart from the recompute;
what DuckDB accounts for itself at that point (``store_mb_10k_before_derived``: its cache,
bounded by the cap); and how many strings the run left in the model's vocabulary
(``vocab_growth_10k``). Each generated article credits a few invented names, as real news
brings words the model never saw: a vocabulary that kept them would grow with the corpus.
The chunks of text a corpus repeats are kept, for the tokenizer's cache, up to a fixed
number (``detente.nlp.token_cache``), so ``vocab_growth`` stays small and bounded.

Prints ``name: value`` lines: ``peak_rss_mb_1k``, ``peak_rss_mb_10k``, ``seconds_10k``,
``est_seconds_100k``, ``path_peak_rss_mb_100k_txt``, ...
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING

sys.path.insert(0, str(Path(__file__).resolve().parent))

import synth
from peak import peak_rss_mb

if TYPE_CHECKING:
    from detente.store.db import Store

SHORT = (2, 4)  # sentences per generated article: short news items
NEW_NAMES = 4  # invented names a generated article brings, as real news brings words the model never saw


def _label(n: int) -> str:
    return f"{n // 1000}k" if n % 1000 == 0 else str(n)


def child(mode: str, source: Path, db: Path, cap: str) -> None:
    """Run one ingest in this (fresh) process and print its figures as JSON.

    The store is opened as ``detente ingest`` opens it: capped by ``store_memory_limit``
    (``cap`` when given), the limit flat memory is measured against."""
    from detente.chunks import batched
    from detente.pipeline import Pipeline, update_derived_records
    from detente.settings import load_settings
    from detente.store.db import Store

    settings = load_settings(overrides=[("store_memory_limit", cap)] if cap else ())
    limit = settings.store_memory_limit or None
    t0 = time.perf_counter()
    before_derived = None
    vocab_growth = store_mb = None
    if mode == "full":
        with Store(db, memory_limit=limit) as store:
            pipeline = Pipeline(settings=settings)
            strings = pipeline.nlp.vocab.strings
            known = len(strings)
            # The derived records are recomputed apart so the peak of reading, coding and
            # storing can be told from the peak of the recompute. The store starts empty,
            # so every dyad is one the run touched: all of them are redone, as ingest would.
            result = pipeline.run(source, store, update_derived=False)
            before_derived = peak_rss_mb()
            vocab_growth = len(strings) - known
            store_mb = _duckdb_mb(store)
            update_derived_records(store, None)
        articles, events = result.articles_added, result.events_added
    else:
        from detente.ingest.readers import read_documents

        articles = events = 0
        with Store(db, memory_limit=limit) as store:
            for batch in batched(read_documents(source, settings=settings), int(settings.commit_every)):
                articles += store.write_batch(batch, ()).articles_added
    seconds = time.perf_counter() - t0
    rss = peak_rss_mb()
    figures = {
        "articles": articles,
        "events": events,
        "seconds": seconds,
        "peak_rss_mb": rss,
        "peak_rss_mb_before_derived": before_derived,
        "vocab_growth": vocab_growth,
        "store_mb": store_mb,
    }
    print(json.dumps(figures))


def _duckdb_mb(store: Store) -> float:
    """Memory DuckDB accounts for itself (buffer cache, tables not yet checkpointed), in MB.

    Bounded by the store's memory limit however large the store grows; printed so a peak's
    growth can be told apart: DuckDB filling its allowance, or something else."""
    cur = store.cursor()
    try:
        (used,) = cur.execute("SELECT coalesce(sum(memory_usage_bytes), 0) FROM duckdb_memory()").fetchone() or (0,)
    finally:
        cur.close()
    return int(used) / 2**20


def measure(mode: str, source: Path, db: Path, cap: str) -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, __file__, "--child", mode, str(source), str(db), cap],
        check=True,
        capture_output=True,
        text=True,
    )
    figures: dict[str, float] = json.loads(out.stdout.strip().splitlines()[-1])
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--child", nargs=4, metavar=("MODE", "SOURCE", "DB", "CAP"), help=argparse.SUPPRESS)
    parser.add_argument("--full-sizes", type=int, nargs="*", default=[1000, 10_000])
    parser.add_argument("--path-sizes", type=int, nargs="*", default=[1000, 10_000, 100_000])
    parser.add_argument("--cap", default="", help="store_memory_limit for every run (default: the setting's default)")
    args = parser.parse_args()
    if args.child:
        mode, source, db, cap = args.child
        child(mode, Path(source), Path(db), cap)
        return

    with tempfile.TemporaryDirectory(prefix="detente-scale-") as tmp:
        root = Path(tmp)
        rate = None
        for n in args.full_sizes:
            dump = synth.write_jsonl_corpus(root / f"full{n}.jsonl", n, seed=n, sentences=SHORT, new_names=NEW_NAMES)
            f = measure("full", dump, root / f"full{n}.duckdb", args.cap)
            if f["articles"] != n:
                raise RuntimeError(f"full run stored {f['articles']} of {n} articles")
            label = _label(n)
            print(f"peak_rss_mb_{label}: {f['peak_rss_mb']:.0f}")
            print(f"peak_rss_mb_{label}_before_derived: {f['peak_rss_mb_before_derived']:.0f}")
            print(f"store_mb_{label}_before_derived: {f['store_mb']:.0f}")
            print(f"vocab_growth_{label}: {int(f['vocab_growth'])}")
            print(f"seconds_{label}: {f['seconds']:.1f}")
            print(f"events_{label}: {int(f['events'])}")
            rate = n / f["seconds"]
            dump.unlink()
            sys.stdout.flush()
        if rate and 100_000 not in args.full_sizes:
            print(f"est_seconds_100k: {100_000 / rate:.0f}")
        for n in args.path_sizes:
            label = _label(n)
            dump = synth.write_jsonl_corpus(root / f"path{n}.jsonl", n, seed=n, sentences=SHORT, new_names=NEW_NAMES)
            f = measure("path", dump, root / f"path{n}-jsonl.duckdb", args.cap)
            print(f"path_peak_rss_mb_{label}_jsonl: {f['peak_rss_mb']:.0f}")
            print(f"path_seconds_{label}_jsonl: {f['seconds']:.1f}")
            dump.unlink()
            folder = root / f"path{n}"
            synth.write_text_corpus(folder, n, seed=n, sentences=SHORT, new_names=NEW_NAMES)
            f = measure("path", folder, root / f"path{n}-txt.duckdb", args.cap)
            print(f"path_peak_rss_mb_{label}_txt: {f['peak_rss_mb']:.0f}")
            print(f"path_seconds_{label}_txt: {f['seconds']:.1f}")
            sys.stdout.flush()


if __name__ == "__main__":
    main()
