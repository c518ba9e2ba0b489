"""The local engine: batches through ``Pipeline.process_batch`` in-process or in a process pool.

With ``n_process > 1`` each worker process builds its own Pipeline once (the model loads
once per worker). Each commit batch is cut into one piece per worker, and at most two
commit batches are in flight (one being coded, one queued so no worker waits), so memory stays flat
however long the corpus is. Results come back in input order to the one writer.

Workers are started with ``spawn``, not ``fork``: the parent holds a DuckDB connection and
may hold a loaded model, both with their own threads, and forking a process with running
threads can leave a lock held forever in the child.
"""

from __future__ import annotations

import multiprocessing
from collections import deque
from collections.abc import Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from typing import TYPE_CHECKING, Any

from detente.records import Article, Event
from detente.settings import Settings, load_settings

if TYPE_CHECKING:
    from detente.pipeline import Pipeline
    from detente.registry import Registry

_worker_pipeline: Any = None


def _init_worker(overrides: dict[str, Any]) -> None:
    global _worker_pipeline
    from detente.pipeline import Pipeline

    _worker_pipeline = Pipeline(settings=load_settings(overrides=overrides.items()))


def _process(batch: list[Article]) -> list[Event]:
    assert _worker_pipeline is not None, "worker not initialised"
    events: list[Event] = _worker_pipeline.process_batch(batch)
    return events


class LocalEngine:
    """Codes commit batches in this process, or in ``n_process`` worker processes."""

    name = "local"

    def __init__(self, *, settings: Settings | None = None) -> None:
        self.settings = settings or load_settings()

    def map_batches(
        self, pipeline: Pipeline, batches: Iterator[list[Article]]
    ) -> Iterator[tuple[list[Article], list[Event]]]:
        workers = int(self.settings.n_process)
        if workers <= 1:
            for batch in batches:
                yield batch, pipeline.process_batch(batch)
            return
        overrides = dict(self.settings)
        with ProcessPoolExecutor(
            max_workers=workers,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=_init_worker,
            initargs=(overrides,),
        ) as pool:
            pending: deque[tuple[list[Article], list[Future[list[Event]]]]] = deque()
            for batch in batches:
                pending.append((batch, [pool.submit(_process, part) for part in split(batch, workers)]))
                if len(pending) >= 2:
                    done, futures = pending.popleft()
                    yield done, [e for f in futures for e in f.result()]
            while pending:
                done, futures = pending.popleft()
                yield done, [e for f in futures for e in f.result()]


def split(batch: list[Article], parts: int) -> list[list[Article]]:
    """``batch`` cut into at most ``parts`` contiguous, near-equal, non-empty pieces, in order.

    A commit batch is shared out among all workers, so a run uses every worker even when the
    corpus is a single commit batch; contiguous pieces keep the events in input order.
    """
    parts = max(1, min(parts, len(batch)))
    size, extra = divmod(len(batch), parts)
    out, start = [], 0
    for i in range(parts):
        end = start + size + (1 if i < extra else 0)
        out.append(batch[start:end])
        start = end
    return out


def register_engines(registry: Registry[Any]) -> None:
    registry.register("local", LocalEngine)
