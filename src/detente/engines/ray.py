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
  codes them with an actor pool of ``FileCoder`` and writes a Parquet dataset of event
  records with fixed column types, which DuckDB, Spark or pandas read, and which
  ``detente import DIR`` loads into a store.
"""

from __future__ import annotations

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
        import ray.data
    except ImportError:
        raise RayUnavailable() from None
    return ray


def ray_log_level() -> int:
    """The level Ray may log at on this driver: INFO when detente itself logs INFO (``-v``),
    else ERROR, so a default or ``-q`` run shows Ray's errors but none of its chatter
    (cluster start-up, execution plans, progress notices)."""
    return logging.INFO if logging.getLogger().getEffectiveLevel() <= logging.INFO else logging.ERROR


def quiet_ray_logs(level: int) -> None:
    """Show Ray's own log records from ``level`` up.

    Ray core logs through the ``ray`` logger; Ray Data installs its own console handler on
    ``ray.data`` (propagation off) when it is imported, so its console handler is raised too.
    Its file handler, in the Ray session directory, keeps everything for post-mortems.
    """
    logging.getLogger("ray").setLevel(level)
    for handler in logging.getLogger("ray.data").handlers:
        if type(handler).__name__ == "PlainRayHandler" or isinstance(handler, logging.StreamHandler):
            handler.setLevel(max(level, handler.level))


def init_ray(*, num_cpus: int | None = None, address: str | None = None) -> Any:
    """Start (or join) Ray quietly; a local cluster uses ``num_cpus`` CPUs.

    Worker output stays on the workers (``log_to_driver=False``): their bad-record warnings
    are in the Ray session logs, and a task that fails raises on the driver anyway.
    """
    ray = _ray()
    level = ray_log_level()
    quiet_ray_logs(level)
    if not ray.is_initialized():
        os.environ.setdefault("RAY_DEDUP_LOGS", "0")
        kwargs: dict[str, Any] = {
            "ignore_reinit_error": True,
            "include_dashboard": False,
            "log_to_driver": False,
            "configure_logging": False,
            "logging_level": level,
        }
        if address:
            kwargs["address"] = address
        else:
            kwargs["num_cpus"] = num_cpus
        ray.init(**kwargs)
    ctx = ray.data.DataContext.get_current()
    ctx.enable_progress_bars = False
    ctx.enable_operator_progress_bars = False
    ctx.print_on_execution_start = False
    ctx.execution_options.verbose_progress = False
    return ray


class BatchCoder:
    """Builds a Pipeline once per worker, then codes each batch it is given.

    The Ray actor of ``RayEngine`` (``code``: a list of articles in, their events out) and
    the base of :class:`FileCoder`, the Ray Data callable class of :func:`code_to_parquet`.
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

    Input files are listed on the driver (cheap: names only); each :class:`FileCoder` actor
    reads whole files and codes them, so neither the articles nor the events pass through
    one process. Reading and coding are one stage on purpose: a separate read stage would
    need CPUs the coder pool already holds (on a 2-CPU node, 2 actors hold both), and Ray
    would wait for them forever. Returns the number of events written. Bad records are
    logged by the workers with their file and line.
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
    ds = ray.data.from_items(items, override_num_blocks=min(len(items), 4 * n)).map_batches(
        FileCoder,
        fn_constructor_kwargs={"overrides": overrides},
        # No more actors than files: an actor with no input only loads a model for nothing.
        compute=ray.data.ActorPoolStrategy(size=min(n, len(items))),
        batch_size=1,
        batch_format="numpy",
    )
    ds.write_parquet(str(out))
    return _count_rows(out)


class FileCoder(BatchCoder):
    """Ray Data callable class: reads the files of a batch and yields their events as Arrow tables.

    Articles are coded ``commit_every`` at a time and each group's events leave as one
    table, so a JSON Lines file of a million records never sits in a worker's memory.
    """

    def __call__(self, batch: dict[str, Any]) -> Iterator[Any]:
        from detente.chunks import batched
        from detente.ingest.readers import read_documents, read_file

        settings = self.pipeline.settings

        def log(err: Exception) -> None:
            logger.warning("%s", err)

        for path, base in zip(batch["path"], batch["base"], strict=True):
            if base:
                articles = read_file(str(path), base=str(base), on_error=log, settings=settings)
            else:
                articles = read_documents(str(path), on_error=log, settings=settings)
            for group in batched(articles, max(1, int(settings.commit_every))):
                events = self.pipeline.process_batch(group)
                if events:
                    yield events_table(events)


def parquet_schema() -> Any:
    """Columns of the Parquet dataset: the flattened record plus ``extra`` (so nothing is lost)."""
    import pyarrow as pa

    from detente.store.rows import _ARROW_TYPES, RECORD_COLUMNS

    return pa.schema([(c, _ARROW_TYPES[c]) for c in (*RECORD_COLUMNS, "extra")])


def events_table(events: list[Event]) -> Any:
    """Events -> an Arrow table with fixed column types, so every Parquet file has one schema."""
    import pyarrow as pa

    from detente.store.rows import RECORD_COLUMNS, event_to_row

    schema = parquet_schema()
    width = len(RECORD_COLUMNS)
    rows = [event_to_row(e)[: width + 1] for e in events]  # record columns, then extra
    columns = list(zip(*rows, strict=True)) if rows else [() for _ in schema]
    return pa.table([pa.array(list(c), f.type) for c, f in zip(columns, schema, strict=True)], schema=schema)


def _count_rows(out: Path) -> int:
    import pyarrow.parquet as pq

    return sum(pq.ParquetFile(f).metadata.num_rows for f in out.glob("*.parquet"))


def register_engines(registry: Registry[Any]) -> None:
    registry.register("ray", RayEngine)
