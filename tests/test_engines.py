"""The local engine: a process pool codes exactly what the in-process path codes, in order."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from detente.chunks import batched
from detente.cli import sample_corpus
from detente.engines.local import LocalEngine, split
from detente.ingest.readers import read_documents
from detente.pipeline import Pipeline
from detente.records import Article
from detente.registry import engines
from detente.settings import load_settings
from detente.store.db import Store


@given(n=st.integers(min_value=0, max_value=200), parts=st.integers(min_value=1, max_value=40))
def test_split_keeps_every_article_once_in_order_in_near_equal_pieces(n: int, parts: int) -> None:
    batch = [Article(id=str(i), text="x") for i in range(n)]
    pieces = split(batch, parts)
    assert [a for piece in pieces for a in piece] == batch
    assert all(pieces) if n else pieces == [[]]
    assert len(pieces) <= max(1, min(parts, n))
    sizes = [len(p) for p in pieces]
    assert not sizes or max(sizes) - min(sizes) <= 1


def test_local_engine_is_registered_under_its_name() -> None:
    assert engines().get("local") is LocalEngine


@pytest.fixture(scope="module")
def sample_articles() -> list[Article]:
    return list(read_documents(sample_corpus()))


def test_two_worker_processes_code_the_same_events_as_in_process(
    nlp, sample_articles: list[Article]  # type: ignore[no-untyped-def]
) -> None:
    pipeline = Pipeline(nlp=nlp)
    in_process = [
        (batch, events)
        for batch, events in LocalEngine(settings=load_settings()).map_batches(
            pipeline, batched(sample_articles, 5)
        )
    ]
    pooled_settings = load_settings(overrides=[("n_process", 2)])
    pooled = list(LocalEngine(settings=pooled_settings).map_batches(pipeline, batched(sample_articles, 5)))
    assert [[a.id for a in b] for b, _ in pooled] == [[a.id for a in b] for b, _ in in_process]
    assert [[e.to_dict() for e in ev] for _, ev in pooled] == [[e.to_dict() for e in ev] for _, ev in in_process]
    assert sum(len(ev) for _, ev in pooled) > 0


def test_ingest_with_two_workers_stores_the_same_events_as_one(nlp, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    stored = {}
    for n in (1, 2):
        settings = load_settings(overrides=[("n_process", n), ("commit_every", 4)])
        with Store(tmp_path / f"n{n}.duckdb") as store:
            result = Pipeline(settings=settings, nlp=nlp).run(sample_corpus(), store, update_derived=False)
            assert not result.errors
            stored[n] = sorted(e.to_json() for e in store.events())
    assert stored[1] and stored[1] == stored[2]
