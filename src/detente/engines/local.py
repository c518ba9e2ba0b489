"""The local engine: batches through ``Pipeline.process_batch`` in-process or in a process pool.

With ``n_process > 1`` each worker process builds its own Pipeline once (the model loads
once per worker) and at most ``2 * n_process`` batches are in flight, so memory stays flat
however long the corpus is. Results come back in input order to the one writer.
"""

from __future__ import annotations

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
        with ProcessPoolExecutor(max_workers=workers, initializer=_init_worker, initargs=(overrides,)) as pool:
            pending: deque[tuple[list[Article], Future[list[Event]]]] = deque()
            for batch in batches:
                pending.append((batch, pool.submit(_process, batch)))
                if len(pending) >= 2 * workers:
                    done, future = pending.popleft()
                    yield done, future.result()
            while pending:
                done, future = pending.popleft()
                yield done, future.result()


def register_engines(registry: Registry[Any]) -> None:
    registry.register("local", LocalEngine)
