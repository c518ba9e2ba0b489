"""``make bench``: end-to-end throughput as a ratio of the spaCy pipeline alone, same run, same texts.

Why a ratio: absolute articles/s swing with the machine and its other load; the spaCy
parse is the floor no detente run can beat, so end-to-end articles/s divided by spaCy-alone
articles/s, both measured here in one process on the same texts, says how much detente's
own work (reading, actors, coding, dates, places, the store) costs on top of the model.

Measured:

* spaCy alone: ``spacy.load(model)`` and ``nlp.pipe(texts, batch_size=...)`` over the texts
  the readers produce from the generated files (so both sides parse the same strings).
* end to end: ``Pipeline.run`` from the files on disk into a fresh DuckDB file (read,
  clean, parse, actors, code, dates, places, one transaction per ``commit_every``), derived
  records (clusters, agreements) included, as ``detente ingest`` does.
* coder overhead: ``Pipeline.process_batch`` on the same articles (no files, no store),
  divided by spaCy alone: the cost of detente's components and coder on top of the parse.
* the same two ratios in CPU seconds (``*_cpu``), which other load on a shared machine
  disturbs far less than wall time.

Both sides are warmed up (model loaded, first docs parsed) before timing; each is timed
``--repeats`` times, alternating, and the median is reported. The dyad query figure comes
from ``benchmarks/dyad_query.py`` (10M synthetic events), imported, not duplicated.

Prints ``name: value`` lines; ``ratio_vs_spacy`` is the contract's figure (target >= 0.8).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import synth
from peak import peak_rss_mb

from detente.ingest.readers import read_documents
from detente.pipeline import Pipeline
from detente.settings import load_settings
from detente.store.db import Store


def timed(fn: Callable[[], object]) -> tuple[float, float]:
    """Wall seconds and CPU seconds (this process, all threads) of one call.

    CPU time is reported beside wall time because the benchmark machine is shared: other
    processes stretch wall time of whichever side they overlap, not its CPU time.
    """
    w0, c0 = time.perf_counter(), time.process_time()
    fn()
    return time.perf_counter() - w0, time.process_time() - c0


def steady_rate(engine: object, pipeline: Pipeline, articles: list[object], commit: int) -> float:
    """Articles/s between the first and the last finished commit batch.

    Starting workers and loading the model happen before the first batch comes back, so
    they are left out: what is measured is the rate a long run settles at.
    """
    from detente.chunks import batched

    stamps: list[tuple[float, int]] = []
    for batch, _ in engine.map_batches(pipeline, batched(articles, commit)):  # type: ignore[attr-defined]
        stamps.append((time.perf_counter(), len(batch)))
    (t_first, _), (t_last, _) = stamps[0], stamps[-1]
    return sum(n for _, n in stamps[1:]) / (t_last - t_first)


def engine_scaling(n: int, seed: int, workers: list[int]) -> None:
    """Local process pool and Ray engine at each worker count; efficiency against 1 worker."""
    from detente.engines.local import LocalEngine

    settings = load_settings()
    commit = 8
    with tempfile.TemporaryDirectory(prefix="detente-scaling-") as tmp:
        corpus = Path(tmp) / "corpus"
        synth.write_text_corpus(corpus, n, seed=seed + 1)
        articles: list[object] = list(read_documents(corpus, settings=settings))
        pipeline = Pipeline(settings=settings)
        rates: dict[str, dict[int, float]] = {"local": {}, "ray": {}}
        for w in workers:
            local = LocalEngine(settings=settings.replace(n_process=w))
            rates["local"][w] = steady_rate(local, pipeline, articles, commit)
        from detente.engines.ray import RayEngine, RayUnavailable, init_ray

        try:
            init_ray(num_cpus=max(workers))
            for w in workers:
                rates["ray"][w] = steady_rate(RayEngine(settings=settings, workers=w), pipeline, articles, commit)
        except RayUnavailable:
            print("ray: not installed (pip install 'detente[ray]')")
        for kind, by_w in rates.items():
            for w, rate in by_w.items():
                print(f"{kind}_articles_per_s_w{w}: {rate:.2f}")
                if w > 1 and 1 in by_w:
                    print(f"{kind}_efficiency_w{w}: {rate / (w * by_w[1]):.3f}")
        sys.stdout.flush()


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--articles", type=int, default=200, help="generated articles to time")
    parser.add_argument("--repeats", type=int, default=3, help="timed runs of each side (median kept)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--dyad-events", type=int, default=10_000_000, help="0 skips the dyad query")
    parser.add_argument("--profile", type=Path, help="write a cProfile of one end-to-end run here")
    parser.add_argument(
        "--workers",
        type=int,
        nargs="*",
        default=[],
        help="also time the local process pool and the Ray engine with these worker counts (e.g. 1 2)",
    )
    args = parser.parse_args()

    import spacy

    settings = load_settings()
    batch_size = int(settings.batch_size)
    with tempfile.TemporaryDirectory(prefix="detente-bench-") as tmp:
        corpus = Path(tmp) / "corpus"
        synth.write_text_corpus(corpus, args.articles, seed=args.seed)
        articles = list(read_documents(corpus, settings=settings))  # bench-sized, held on purpose
        texts = [a.text for a in articles]
        words = sum(len(t.split()) for t in texts)

        spacy_nlp = spacy.load(str(settings.nlp_model))
        pipeline = Pipeline(settings=settings)

        # Warm-up: load and exercise both pipelines (and the store's first transaction).
        for _ in spacy_nlp.pipe(texts[:8], batch_size=batch_size):
            pass
        pipeline.process_batch(articles[:8])
        with Store(Path(tmp) / "warm.duckdb") as store:
            pipeline.run(articles[:8], store)

        sentences = sum(1 for doc in spacy_nlp.pipe(texts, batch_size=batch_size) for _ in doc.sents)

        def spacy_alone() -> None:
            for _ in spacy_nlp.pipe(texts, batch_size=batch_size):
                pass

        runs: dict[str, list[tuple[float, float]]] = {"spacy": [], "e2e": [], "coder": []}
        for r in range(args.repeats):
            runs["spacy"].append(timed(spacy_alone))
            db = Path(tmp) / f"run{r}.duckdb"

            def end_to_end(db: Path = db) -> None:
                with Store(db) as store:
                    result = pipeline.run(corpus, store)
                if result.articles_added != len(articles) or result.errors:
                    raise RuntimeError(f"end-to-end run stored {result.articles_added}/{len(articles)}")

            runs["e2e"].append(timed(end_to_end))
            runs["coder"].append(timed(lambda: pipeline.process_batch(articles)))

        if args.profile:
            import cProfile

            with Store(Path(tmp) / "profile.duckdb") as store:
                cProfile.runctx("pipeline.run(corpus, store)", globals(), locals(), str(args.profile))

        t_spacy = statistics.median(w for w, _ in runs["spacy"])
        t_e2e = statistics.median(w for w, _ in runs["e2e"])
        t_coder = statistics.median(w for w, _ in runs["coder"])
        c_spacy = statistics.median(c for _, c in runs["spacy"])
        c_e2e = statistics.median(c for _, c in runs["e2e"])
        c_coder = statistics.median(c for _, c in runs["coder"])
        n = len(articles)
        print(f"articles: {n}")
        print(f"words: {words}")
        print(f"repeats: {args.repeats}")
        print(f"spacy_articles_per_s: {n / t_spacy:.2f}")
        print(f"articles_per_s: {n / t_e2e:.2f}")
        print(f"sentences_per_s: {sentences / t_e2e:.2f}")
        print(f"words_per_s: {words / t_e2e:.0f}")
        print(f"ratio_vs_spacy: {t_spacy / t_e2e:.3f}")
        print(f"ratio_vs_spacy_cpu: {c_spacy / c_e2e:.3f}")
        print(f"coder_overhead_ratio: {t_coder / t_spacy:.3f}")
        print(f"coder_overhead_ratio_cpu: {c_coder / c_spacy:.3f}")
        print(f"store_and_read_share: {(t_e2e - t_coder) / t_e2e:.3f}")
        print(f"peak_rss_mb: {peak_rss_mb():.0f}")
        sys.stdout.flush()

    if args.workers:
        engine_scaling(args.articles, args.seed, args.workers)

    if args.dyad_events > 0:
        import dyad_query

        with tempfile.TemporaryDirectory(prefix="detente-dyad-") as tmp:
            path = Path(tmp) / "dyad.duckdb"
            dyad_query.build(path, args.dyad_events)
            with Store(path) as store:
                store.optimize()
            with Store(path, read_only=True) as store:
                ms, n_events = dyad_query.time_series(store, 7)
        print(f"dyad_query_ms: {ms:.1f}")
        print(f"dyad_query_events: {args.dyad_events}")


if __name__ == "__main__":
    main()
