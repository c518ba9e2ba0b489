"""The Ray engine codes what the local engine codes, on a local Ray with 2 CPUs.

Skipped cleanly where the optional extra (``detente[ray]``) is not installed.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

ray = pytest.importorskip("ray")

from detente.chunks import batched
from detente.cli import cli, sample_corpus
from detente.engines.local import LocalEngine
from detente.engines.ray import RayEngine, code_to_parquet, init_ray
from detente.ingest.readers import read_documents
from detente.pipeline import Pipeline
from detente.records import Article, Event
from detente.settings import load_settings
from detente.store.db import Store, row_to_event

pytestmark = pytest.mark.ray


@pytest.fixture(scope="module", autouse=True)
def local_ray() -> Iterator[None]:
    init_ray(num_cpus=2)
    yield
    ray.shutdown()


@pytest.fixture(scope="module")
def sample_articles() -> list[Article]:
    return list(read_documents(sample_corpus()))


@pytest.fixture(scope="module")
def local_events(nlp, sample_articles: list[Article]) -> list[Event]:  # type: ignore[no-untyped-def]
    return Pipeline(nlp=nlp).process_batch(sample_articles)


def _by_id(events: list[Event]) -> dict[str, dict[str, Any]]:
    return {e.event_id: e.to_dict() for e in events}


def test_ray_engine_codes_the_same_events_in_the_same_order_as_the_local_engine(
    nlp, sample_articles: list[Article]  # type: ignore[no-untyped-def]
) -> None:
    pipeline = Pipeline(nlp=nlp)
    local = list(LocalEngine().map_batches(pipeline, batched(sample_articles, 3)))
    engine = RayEngine(settings=load_settings(), workers=2)
    remote = list(engine.map_batches(pipeline, batched(sample_articles, 3)))
    assert [[a.id for a in b] for b, _ in remote] == [[a.id for a in b] for b, _ in local]
    assert [[e.to_dict() for e in ev] for _, ev in remote] == [[e.to_dict() for e in ev] for _, ev in local]
    assert sum(len(ev) for _, ev in remote) > 0


def test_ray_workers_load_the_model_once_however_many_batches_they_code(
    nlp, sample_articles: list[Article]  # type: ignore[no-untyped-def]
) -> None:
    engine = RayEngine(settings=load_settings(), workers=2)
    batches = list(batched(sample_articles, 2))
    for _ in engine.map_batches(Pipeline(nlp=nlp), iter(batches)):
        pass
    assert len(engine.last_run) == 2
    assert len({w["pid"] for w in engine.last_run}) == 2
    assert sum(w["batches"] for w in engine.last_run) == 2 * len(batches)
    assert all(w["models"] == 1 for w in engine.last_run)


def test_ingest_with_the_ray_engine_stores_the_local_engines_event_ids(
    runner, tmp_path: Path, local_events: list[Event]  # type: ignore[no-untyped-def]
) -> None:
    db = tmp_path / "ray.duckdb"
    result = runner.invoke(
        cli, ["-q", "ingest", str(sample_corpus()), "--db", str(db), "--engine", "ray", "--workers", "2"]
    )
    assert result.exit_code == 0, result.output
    with Store(db, read_only=True) as store:
        stored = store.events()
    assert _by_id(stored) == _by_id(local_events)


def _parquet_events(out: Path) -> list[Event]:
    import pyarrow.parquet as pq

    events = []
    for f in sorted(out.glob("*.parquet")):
        events += [row_to_event(row) for row in pq.read_table(f).to_pylist()]
    return events


def test_parquet_dataset_from_ray_holds_the_local_engines_events(
    tmp_path: Path, local_events: list[Event]
) -> None:
    out = tmp_path / "events"
    n = code_to_parquet([str(sample_corpus())], out, settings=load_settings(), workers=2)
    events = _parquet_events(out)
    assert n == len(events) == len(local_events)
    assert _by_id(events) == _by_id(local_events)


def test_parquet_files_share_one_schema_so_any_engine_reads_the_dataset(tmp_path: Path) -> None:
    import pyarrow.dataset as pads

    out = tmp_path / "events"
    code_to_parquet([str(sample_corpus())], out, settings=load_settings(), workers=2)
    table = pads.dataset(str(out), format="parquet").to_table()
    assert table.num_rows > 0
    assert str(table.schema.field("day").type) == "date32[day]"
    assert str(table.schema.field("goldstein").type) == "double"


def test_cli_parquet_output_imports_into_a_store_with_the_local_events(
    runner, tmp_path: Path, local_events: list[Event]  # type: ignore[no-untyped-def]
) -> None:
    out = tmp_path / "events"
    result = runner.invoke(
        cli, ["-q", "ingest", str(sample_corpus()), "--engine", "ray", "--workers", "2", "--parquet", str(out)]
    )
    assert result.exit_code == 0, result.output
    db = tmp_path / "imported.duckdb"
    result = runner.invoke(cli, ["-q", "import", str(out), "--db", str(db)])
    assert result.exit_code == 0, result.output
    with Store(db, read_only=True) as store:
        assert _by_id(store.events()) == _by_id(local_events)
    again = runner.invoke(cli, ["import", str(out), "--db", str(db)])
    assert again.exit_code == 0, again.output
    assert "imported 0 new events" in again.output


def test_quiet_ingest_with_the_ray_engine_prints_none_of_rays_own_log_lines(tmp_path: Path) -> None:
    """``-q`` means nothing on stderr but errors: no "Started a local Ray instance", no
    execution plans or progress notices, no token-auth notice from Ray itself."""
    import re
    import subprocess
    import sys

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    first = min(Path(sample_corpus()).rglob("*.txt"))
    (corpus / first.name).write_text(first.read_text(encoding="utf-8"), encoding="utf-8")
    db = tmp_path / "quiet.duckdb"
    done = subprocess.run(
        [sys.executable, "-m", "detente", "-q", "ingest", str(corpus), "--db", str(db),
         "--engine", "ray", "--workers", "2"],
        capture_output=True, text=True, timeout=300, check=False,
    )
    assert done.returncode == 0, done.stderr
    noise = [
        line for line in done.stderr.splitlines()
        if re.search(r"\bINFO\b|\bWARNING\b|Started a local Ray instance|Token authentication|Execution plan", line)
    ]
    assert noise == []
    with Store(db, read_only=True) as store:
        assert store.count_events() > 0
