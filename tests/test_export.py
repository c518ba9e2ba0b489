"""Exporters: store -> file -> events again, in every format; PLOVER records; JSON Lines import."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from detente.errors import BadInput, InvalidQuery
from detente.records import Actor, Event, Evidence, Location, event_id
from detente.registry import Registry
from detente.store.db import Store
from detente.store.export import (
    export_store,
    import_jsonl,
    plover_record,
    read_events,
    register_exporters,
)


def sample_events() -> list[Event]:
    out = []
    for i in range(30):
        src = (
            Actor("Russian forces", "RUS", "RUSMIL", "RUS", "MIL", "Q159")
            if i % 2
            else Actor("Ankara", "TUR", "TURGOV")
        )
        tgt = Actor('Idlib résidents, "civilians"', "CIVILIANS", "SYRCVL", "SYR", "CVL", None)
        cameo = ("195", "042", "0311", "111")[i % 4]
        out.append(
            Event(
                id=f"in-{i // 3}",
                event_id=event_id(f"doc-{i // 3}", i % 3, src.code, tgt.code, cameo),
                doc_id=f"doc-{i // 3}",
                sentence=i % 3,
                source=src,
                target=tgt,
                cameo=cameo,
                root=cameo[:2],
                quad=(4, 1, 1, 3)[i % 4],
                goldstein=(-10.0, 1.9, 3.4, -0.1)[i % 4],
                evidence=Evidence(f"Line {i},\nwith a comma and a newline.", 5 * i, 5 * i + 30),
                plover=("ASSAULT", "CONSULT", "COOPERATE", None)[i % 4],
                negated=i % 7 == 0,
                hypothetical=i % 5 == 0,
                date=(f"2019-{1 + i % 12:02d}-{1 + i:02d}", "2019-04", "2018", None)[i % 4],
                date_precision=("day", "month", "year", None)[i % 4],  # type: ignore[arg-type]
                date_source=("text", "published", "inferred", None)[i % 4],  # type: ignore[arg-type]
                location=Location("Idlib", "SYR", 35.93, 36.63, 169389) if i % 3 else None,
                confidence=0.1 * (i % 10),
            )
        )
    return out


@pytest.fixture
def filled(store: Store) -> Store:
    store.upsert_events(sample_events())
    return store


def by_id(events: list[Event]) -> dict[str, Event]:
    return {e.event_id: e for e in events}


@pytest.mark.parametrize("fmt", ["jsonl", "csv", "parquet"])
def test_store_export_reads_back_to_the_same_events(filled: Store, tmp_path: Path, fmt: str) -> None:
    path = tmp_path / f"events.{fmt}"
    assert export_store(filled, path, fmt) == 30
    assert by_id(list(read_events(path))) == by_id(filled.events())


@pytest.mark.parametrize("fmt", ["jsonl", "csv", "parquet"])
def test_exporting_an_iterable_reads_back_the_same(tmp_path: Path, fmt: str) -> None:
    events = sample_events()
    registry: Registry[object] = Registry("exporter")
    register_exporters(registry)
    path = tmp_path / f"events.{fmt}"
    assert registry.get(fmt)(iter(events), path) == 30  # type: ignore[operator]
    assert by_id(list(read_events(path))) == by_id(events)


def test_exports_from_a_store_take_the_event_filters(filled: Store, tmp_path: Path) -> None:
    n = export_store(filled, tmp_path / "rus.parquet", "parquet", source="RUS", include_flagged=False)
    assert n == filled.count_events(source="RUS", include_flagged=False) > 0
    table = pq.read_table(tmp_path / "rus.parquet")
    assert table.num_rows == n
    assert set(table.column("source_principal").to_pylist()) == {"RUS"}
    assert str(table.schema.field("day").type) == "date32[day]"
    assert export_store(filled, tmp_path / "rus.jsonl", "jsonl", source="RUS", include_flagged=False) == n


def test_jsonl_lines_are_the_contract_record(filled: Store, tmp_path: Path) -> None:
    path = tmp_path / "events.jsonl"
    export_store(filled, path, "jsonl")
    lines = path.read_text(encoding="utf-8").splitlines()
    first = json.loads(lines[0])
    assert list(first) == list(filled.events()[0].to_dict())
    assert "résidents" in lines[0]  # UTF-8, not \\u escapes


def test_plover_records_carry_category_actors_date_and_place(filled: Store, tmp_path: Path) -> None:
    path = tmp_path / "events.plover.jsonl"
    assert export_store(filled, path, "plover") == 30
    records = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    assault = next(r for r in records if r["event_type"] == "ASSAULT" and r["location"])
    assert assault["actor1"]["principal"] in {"RUS", "TUR"}
    assert assault["actor2"]["code"] == "SYRCVL"
    assert assault["location"] == {
        "name": "Idlib",
        "country": "SYR",
        "lat": 35.93,
        "lon": 36.63,
        "geonameid": 169389,
    }
    assert assault["cameo"] == "195" and assault["quad"] == 4


def test_plover_mode_and_context_come_from_extra_when_known() -> None:
    ev = sample_events()[0]
    rec = plover_record(
        Event(**{**ev.__dict__, "extra": {"plover_mode": "aerial", "plover_context": ["military"]}})
    )
    assert rec["mode"] == "aerial" and rec["context"] == ["military"]
    assert plover_record(ev)["mode"] is None and plover_record(ev)["context"] == []


def test_import_jsonl_round_trips_into_a_new_store(filled: Store, tmp_path: Path) -> None:
    path = tmp_path / "events.jsonl"
    export_store(filled, path, "jsonl")
    with Store(tmp_path / "copy.duckdb") as copy:
        assert import_jsonl(copy, path, batch_size=7) == 30
        assert import_jsonl(copy, path) == 0  # idempotent
        assert copy.events() == filled.events()


def test_import_reports_bad_lines_with_their_number(tmp_path: Path, store: Store) -> None:
    good = sample_events()[0].to_json()
    path = tmp_path / "mixed.jsonl"
    path.write_text(good + "\n{not json\n" + json.dumps({"id": "x"}) + "\n", encoding="utf-8")
    with pytest.raises(BadInput, match=r"mixed.jsonl:2"):
        import_jsonl(store, path)
    errors: list[BadInput] = []
    assert import_jsonl(store, path, on_error=errors.append) == 1
    assert [e.line for e in errors] == [2, 3]


def test_unknown_format_and_filters_on_iterables_are_refused(filled: Store, tmp_path: Path) -> None:
    with pytest.raises(InvalidQuery):
        export_store(filled, tmp_path / "x.xml", "xml")
    registry: Registry[object] = Registry("exporter")
    register_exporters(registry)
    with pytest.raises(InvalidQuery):
        registry.get("jsonl")(sample_events(), tmp_path / "x.jsonl", source="RUS")  # type: ignore[operator]


def test_large_export_streams_in_chunks(tmp_path: Path) -> None:
    base = sample_events()[1]

    def many() -> object:
        for i in range(25_000):
            yield base.with_changes(sentence=i)

    path = tmp_path / "big.parquet"
    registry: Registry[object] = Registry("exporter")
    register_exporters(registry)
    assert registry.get("parquet")(many(), path) == 25_000  # type: ignore[operator]
    assert pq.ParquetFile(path).metadata.num_row_groups >= 3  # written chunk by chunk
    assert len({e.event_id for e in read_events(path)}) == 25_000
