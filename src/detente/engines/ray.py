"""The Ray engine (optional extra ``detente[ray]``): the same ``process_batch`` on many workers.

Two ways to use it, both built on one class, :class:`BatchCoder`, that builds a Pipeline
(and so loads the spaCy model) once per worker and then codes batch after batch:

* ``RayEngine.map_batches`` (``detente ingest --engine ray``): the driver reads the corpus,
  a fixed pool of ``BatchCoder`` actors codes commit batches, and results come back in
  input order to the driver, the one writer that touches the DuckDB file (a DuckDB file
  takes writes from one process only). The actors live for the whole run: a Ray Data
  pipeline per window of batches would start a fresh actor pool, and so reload the model,
  for every window. At most ``window`` commit batches are in flight, so memory stays flat in
  corpus size however long the corpus is.
* :func:`code_to_parquet` (``detente ingest --engine ray --parquet DIR``): for corpora
  beyond one machine, nothing goes through the driver: Ray Data reads the input files on
  the workers (``read_file`` with the same ``base`` as a local run, so article ids match),
  codes them with an actor pool of ``BatchCoder`` and writes a Parquet dataset of event
  records with fixed column types, which DuckDB, Spark or pandas read, and which
  ``detente import DIR`` loads into a store.
"""

from __future__ import annotations

import json
import logging
import os
from collections import deque
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from detente.engines.local import split
from detente.errors import DetenteError
from detente.records import Article, Event
from detente.settings import Settings, load_settings

if TYPE_CHECKING:
    from detente.pipeline import Pipeline
    from detente.registry import Registry

logger = logging.getLogger(__name__)


class RayUnavailable(DetenteError):
    status = 501

    def __init__(self) -> None:
        super().__init__("the ray engine needs the optional extra: pip install 'detente[ray]'")


def _ray() -> Any:
    try:
        import ray
        import ray.data  # noqa: F401  (the Parquet path and DataContext live here)
    except ImportError:
        raise RayUnavailable() from None
    return ray


def init_ray(*, num_cpus: int | None = None, address: str | None = None) -> Any:
    """Start (or join) Ray quietly; a local cluster uses ``num_cpus`` CPUs."""
    ray = _ray()
    if not ray.is_initialized():
        os.environ.setdefault("RAY_DEDUP_LOGS", "0")
        kwargs: dict[str, Any] = {
            "ignore_reinit_error": True,
            "include_dashboard": False,
            "log_to_driver": False,
            "configure_logging": False,
        }
        if address:
            kwargs["address"] = address
        else:
            kwargs["num_cpus"] = num_cpus
        ray.init(**kwargs)
    ctx = ray.data.DataContext.get_current()
    ctx.enable_progress_bars = False
    ctx.print_on_execution_start = False
    return ray


class BatchCoder:
    """Builds a Pipeline once per worker, then codes each batch it is given.

    Used two ways: as a Ray actor (``code``: a list of articles in, their events out) and as
    a Ray Data callable class (``__call__``: a column batch ``{"article": [json, ...]}`` in,
    ``{"event": [json, ...]}`` out; plain strings travel cheaply between Ray processes).
    """

    def __init__(self, overrides: dict[str, Any]) -> None:
        from detente.pipeline import Pipeline

        self.pipeline = Pipeline(settings=load_settings(overrides=overrides.items()))
        self.batches = 0

    def code(self, articles: list[Article]) -> list[Event]:
        self.batches += 1
        return self.pipeline.process_batch(articles)

    def info(self) -> dict[str, int]:
        """This worker's process id, batches coded and spaCy models loaded (should stay 1)."""
        from detente.nlp import _CACHE

        return {"pid": os.getpid(), "batches": self.batches, "models": len(_CACHE)}

    def __call__(self, batch: dict[str, Any]) -> dict[str, list[Any]]:
        articles = [Article.from_dict(json.loads(str(a))) for a in batch["article"]]
        events = self.pipeline.process_batch(articles)
        return {"event": [e.to_json() for e in events]}


class RayEngine:
    name = "ray"

    def __init__(
        self,
        *,
        settings: Settings | None = None,
        workers: int | None = None,
        address: str | None = None,
        window: int | None = None,
    ) -> None:
        self.settings = settings or load_settings()
        self.workers = workers or max(1, int(self.settings.n_process))
        self.address = address
        self.window = window or 2
        #: Per-worker ``BatchCoder.info()`` of the last run, for logs and tests.
        self.last_run: list[dict[str, int]] = []

    def map_batches(
        self, pipeline: Pipeline, batches: Iterator[list[Article]]
    ) -> Iterator[tuple[list[Article], list[Event]]]:
        """Code commit batches on a pool of actors; yield ``(articles, events)`` in input order.

        Each commit batch is shared out among the actors; ``window`` commit batches are in
        flight at most (default 2: one being coded, one queued so no actor waits).
        """
        ray = init_ray(num_cpus=None if self.address else self.workers, address=self.address)
        overrides = dict(self.settings)
        coder = ray.remote(num_cpus=1)(BatchCoder)
        actors = [coder.remote(overrides) for _ in range(self.workers)]
        pending: deque[tuple[list[Article], list[Any]]] = deque()
        try:
            for batch in batches:
                parts = split(batch, len(actors))
                pending.append((batch, [a.code.remote(p) for a, p in zip(actors, parts, strict=False)]))
                if len(pending) >= self.window:
                    done, refs = pending.popleft()
                    yield done, [e for events in ray.get(refs) for e in events]
            while pending:
                done, refs = pending.popleft()
                yield done, [e for events in ray.get(refs) for e in events]
            self.last_run = ray.get([a.info.remote() for a in actors])
            logger.info("ray: %d workers coded %s batch pieces", len(actors), [w["batches"] for w in self.last_run])
        finally:
            for actor in actors:
                ray.kill(actor)


def code_to_parquet(
    sources: list[str | Path],
    out_dir: str | Path,
    *,
    settings: Settings | None = None,
    workers: int | None = None,
    address: str | None = None,
) -> int:
    """Code a corpus with Ray Data straight into a Parquet dataset of event records.

    Input files are listed on the driver (cheap: names only) and read by the workers, so
    neither the articles nor the events pass through one process. Returns the number of
    events written. Bad records are logged by the workers with their file and line.
    """
    from detente.ingest.readers import iter_sources

    settings = settings or load_settings()
    n = workers or max(1, int(settings.n_process))
    ray = init_ray(num_cpus=None if address else n, address=address)
    overrides = dict(settings)
    items = [
        {"path": item, "base": ""} if isinstance(item, str) else {"path": str(item[0]), "base": str(item[1])}
        for item in iter_sources(sources, on_error=lambda err: logger.warning("%s", err))
    ]
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    if not items:
        return 0
    ds = (
        ray.data.from_items(items)
        .flat_map(_read_source, fn_kwargs={"overrides": overrides})
        .map_batches(
            BatchCoder,
            fn_constructor_kwargs={"overrides": overrides},
            compute=ray.data.ActorPoolStrategy(size=n),
            batch_size=max(1, int(settings.batch_size)),
            batch_format="numpy",
        )
        .map_batches(_events_table, batch_format="numpy")
    )
    ds.write_parquet(str(out))
    return _count_rows(out)


def _read_source(row: dict[str, Any], *, overrides: dict[str, Any]) -> list[dict[str, Any]]:
    """The articles of one file (ids relative to ``base``, as a local run gives) or one URL."""
    from detente.ingest.readers import read_documents, read_file

    def log(err: Exception) -> None:
        logger.warning("%s", err)

    settings = load_settings(overrides=overrides.items())
    path, base = str(row["path"]), str(row["base"])
    if base:
        articles = read_file(path, base=base, on_error=log, settings=settings)
    else:
        articles = read_documents(path, on_error=log, settings=settings)
    return [{"article": json.dumps(a.to_dict())} for a in articles]


def parquet_schema() -> Any:
    """Columns of the Parquet dataset: the flattened record plus ``extra`` (so nothing is lost)."""
    import pyarrow as pa

    from detente.store.db import _ARROW_TYPES, RECORD_COLUMNS

    return pa.schema([(c, _ARROW_TYPES[c]) for c in (*RECORD_COLUMNS, "extra")])


def _events_table(batch: dict[str, Any]) -> Any:
    """Event JSON strings -> an Arrow table with fixed types, so every file has one schema."""
    import pyarrow as pa

    from detente.store.db import RECORD_COLUMNS, event_to_row

    schema = parquet_schema()
    width = len(RECORD_COLUMNS)
    rows = []
    for text in batch["event"]:
        row = event_to_row(Event.from_dict(json.loads(str(text))))
        rows.append((*row[:width], row[width]))  # record columns, then extra
    columns = list(zip(*rows, strict=True)) if rows else [[] for _ in schema]
    return pa.table([pa.array(list(c), f.type) for c, f in zip(columns, schema, strict=True)], schema=schema)


def _count_rows(out: Path) -> int:
    import pyarrow.parquet as pq

    return sum(pq.ParquetFile(f).metadata.num_rows for f in out.glob("*.parquet"))


def register_engines(registry: Registry[Any]) -> None:
    registry.register("ray", RayEngine)
