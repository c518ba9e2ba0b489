"""The Ray engine (optional extra ``detente[ray]``): the same ``process_batch`` on many workers.

Two ways to use it, both built on one callable class, :class:`BatchCoder`, so each Ray
worker loads the spaCy model once and then codes batch after batch:

* ``RayEngine.map_batches`` (``detente ingest --engine ray``): the driver reads the corpus,
  Ray Data maps the batches over a pool of ``BatchCoder`` actors, and results stream back
  to the driver, the one writer that touches the DuckDB file (a DuckDB file takes writes
  from one process only). A window of batches bounds what is in flight, so memory stays
  flat in corpus size.
* :func:`code_to_parquet` (``detente ingest --engine ray --parquet DIR``): for corpora
  beyond one machine, nothing goes through the driver: Ray Data reads the input files,
  codes them and writes a Parquet dataset of event records that any engine (DuckDB,
  Spark, pandas) can read, or ``detente import`` can load into a store.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

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
    """Ray Data callable class: builds a Pipeline once per worker, then codes each batch.

    Batches arrive as ``{"article": [json, ...], "batch": [index, ...]}`` columns and leave as
    ``{"event": [json, ...], "batch": [...], "doc_id": [...]}``: plain strings travel cheaply
    between Ray processes and keep the records exactly as the contract defines them.
    """

    def __init__(self, overrides: dict[str, Any]) -> None:
        from detente.pipeline import Pipeline

        self.pipeline = Pipeline(settings=load_settings(overrides=overrides.items()))

    def __call__(self, batch: dict[str, Any]) -> dict[str, list[Any]]:
        articles = [Article.from_dict(json.loads(a)) for a in batch["article"]]
        index = {a.id: int(b) for a, b in zip(articles, batch["batch"], strict=True)}
        events = self.pipeline.process_batch(articles)
        return {
            "event": [e.to_json() for e in events],
            "batch": [index[e.doc_id] for e in events],
            "doc_id": [e.doc_id for e in events],
        }


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
        self.window = window or 4 * self.workers

    def map_batches(
        self, pipeline: Pipeline, batches: Iterator[list[Article]]
    ) -> Iterator[tuple[list[Article], list[Event]]]:
        """Code commit batches on Ray workers, ``window`` commit batches per Ray Data pass."""
        ray = init_ray(num_cpus=None if self.address else self.workers, address=self.address)
        overrides = dict(self.settings)
        pool = ray.data.ActorPoolStrategy(size=self.workers)
        while True:
            window = [b for _, b in zip(range(self.window), batches, strict=False)]
            if not window:
                return
            rows = [
                {"article": json.dumps(a.to_dict()), "batch": i}
                for i, batch in enumerate(window)
                for a in batch
            ]
            ds = ray.data.from_items(rows).map_batches(
                BatchCoder,
                fn_constructor_kwargs={"overrides": overrides},
                compute=pool,
                batch_size=max(1, int(self.settings.batch_size)),
                batch_format="numpy",
            )
            coded: list[list[Event]] = [[] for _ in window]
            for row in ds.iter_rows():
                coded[int(row["batch"])].append(Event.from_dict(json.loads(str(row["event"]))))
            yield from zip(window, coded, strict=True)


def code_to_parquet(
    sources: list[str | Path],
    out_dir: str | Path,
    *,
    settings: Settings | None = None,
    workers: int | None = None,
    address: str | None = None,
) -> int:
    """Code a corpus with Ray Data straight into a Parquet dataset of event records.

    Input files are listed on the driver (cheap) and read by the workers, so neither the
    articles nor the events pass through one process. Returns the number of events written.
    Bad records are logged by the workers with their file and line.
    """
    from detente.ingest.readers import iter_paths

    settings = settings or load_settings()
    n = workers or max(1, int(settings.n_process))
    ray = init_ray(num_cpus=None if address else n, address=address)
    overrides = dict(settings)
    paths = [str(p) for p in iter_paths(sources)]
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    ds = (
        ray.data.from_items([{"path": p} for p in paths])
        .flat_map(_read_file, fn_kwargs={"overrides": overrides})
        .map_batches(
            BatchCoder,
            fn_constructor_kwargs={"overrides": overrides},
            compute=ray.data.ActorPoolStrategy(size=n),
            batch_size=max(1, int(settings.batch_size)),
            batch_format="numpy",
        )
        .map(_flatten_event)
    )
    ds.write_parquet(str(out))
    return _count_rows(out)


def _read_file(row: dict[str, Any], *, overrides: dict[str, Any]) -> list[dict[str, Any]]:
    from detente.ingest.readers import read_documents

    def log(err: Exception) -> None:
        logger.warning("%s", err)

    articles = read_documents(row["path"], on_error=log, settings=load_settings(overrides=overrides.items()))
    return [{"article": json.dumps(a.to_dict()), "batch": 0} for a in articles]


def _flatten_event(row: dict[str, Any]) -> dict[str, Any]:
    from detente.store.export import flat_row

    return flat_row(Event.from_dict(json.loads(str(row["event"]))))


def _count_rows(out: Path) -> int:
    import pyarrow.parquet as pq

    return sum(pq.ParquetFile(f).metadata.num_rows for f in out.glob("*.parquet"))


def register_engines(registry: Registry[Any]) -> None:
    registry.register("ray", RayEngine)
