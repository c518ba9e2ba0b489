"""The `detente` command as a user drives it: real pipeline, real DuckDB files, real output."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from detente.cli import cli

ARTICLE_A = (
    "Turkey and Russia sign ceasefire for Idlib\n\n"
    "Russia and Turkey signed a ceasefire agreement in Moscow on Thursday, officials said. "
    "Turkish troops shelled Syrian army positions near Saraqib on Wednesday."
)
ARTICLE_B = (
    "Kremlin criticises Ankara\n\n"
    "The Kremlin accused Turkey of violating the agreement on Monday. "
    "Russian warplanes bombed rebel positions in Idlib province."
)


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    d = tmp_path / "corpus"
    d.mkdir()
    (d / "a.txt").write_text(ARTICLE_A, encoding="utf-8")
    rows = [
        {"id": "b", "text": ARTICLE_B, "published": "2020-03-10", "outlet": "Test Wire"},
        {"id": "c", "text": "Russian and Turkish officials met in Ankara on Tuesday.", "published": "2020-03-11"},
    ]
    (d / "more.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return d


def invoke(*args: str, input: str | None = None):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(cli, list(args), input=input, catch_exceptions=False)


def test_code_prints_one_event_record_per_line_with_the_input_id(tmp_path: Path) -> None:
    f = tmp_path / "in.jsonl"
    f.write_text(
        json.dumps({"id": "s1", "text": "Russian jets bombed rebel positions in Idlib.", "published": "2019-05-02"})
        + "\n",
        encoding="utf-8",
    )
    result = invoke("code", str(f))
    assert result.exit_code == 0
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert records and all(r["id"] == "s1" for r in records)
    assert {(r["source"]["principal"], r["root"]) for r in records} >= {("RUS", "19")} or any(
        r["source"]["principal"] == "RUS" and r["quad"] == 4 for r in records
    )


def test_code_reports_a_malformed_line_with_its_number_and_goes_on(tmp_path: Path) -> None:
    f = tmp_path / "in.jsonl"
    good = json.dumps({"id": "ok", "text": "Turkey and Russia signed a deal in Sochi.", "published": "2018-09-17"})
    f.write_text("{not json\n" + good + "\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["code", str(f)])
    assert result.exit_code == 0
    assert f"{f}:1" in result.stderr
    assert all(json.loads(line)["id"] == "ok" for line in result.stdout.splitlines())
    assert result.stdout.strip(), "the good line after the bad one was coded"


def test_ingest_twice_adds_nothing_the_second_time(tmp_path: Path, corpus: Path) -> None:
    db = tmp_path / "t.duckdb"
    first = invoke("ingest", str(corpus), "--db", str(db))
    assert first.exit_code == 0, first.stderr
    assert "3 articles read, 3 new" in first.stderr
    second = invoke("ingest", str(corpus), "--db", str(db))
    assert "0 new, 3 already stored; 0 new events" in second.stderr
    listing = invoke("events", "--db", str(db), "--format", "jsonl", "--limit", "1000")
    ids = [json.loads(line)["event_id"] for line in listing.stdout.splitlines()]
    assert ids and len(ids) == len(set(ids))


def test_ingest_reports_bad_files_and_exits_1_but_stores_the_good_ones(tmp_path: Path, corpus: Path) -> None:
    (corpus / "broken.jsonl").write_text('{"id": "x", "text": "fine"}\n{"id": "y", "text": \n', encoding="utf-8")
    (corpus / "binary.txt").write_bytes(b"\x00\x01\x02garbage\x00")
    db = tmp_path / "t.duckdb"
    result = CliRunner().invoke(cli, ["ingest", str(corpus), "--db", str(db)])
    assert result.exit_code == 1
    assert "broken.jsonl:2" in result.stderr
    assert "binary.txt" in result.stderr
    listing = invoke("events", "--db", str(db), "--format", "jsonl", "--limit", "1000")
    assert {json.loads(line)["doc_id"] for line in listing.stdout.splitlines()} >= {"b"}


def test_events_filters_by_dyad_and_export_round_trips_through_import(tmp_path: Path, corpus: Path) -> None:
    db = tmp_path / "t.duckdb"
    invoke("ingest", str(corpus), "--db", str(db))
    rus = invoke("events", "--db", str(db), "--source", "RUS", "--format", "jsonl")
    assert all(json.loads(line)["source"]["principal"] == "RUS" for line in rus.stdout.splitlines())
    out = tmp_path / "events.jsonl"
    exported = invoke("export", "--db", str(db), "--format", "jsonl", "-o", str(out))
    assert exported.exit_code == 0
    n = len(out.read_text(encoding="utf-8").splitlines())
    db2 = tmp_path / "copy.duckdb"
    imported = invoke("import", str(out), "--db", str(db2))
    assert f"imported {n} new events" in imported.stderr
    for fmt, suffix in (("csv", "csv"), ("parquet", "parquet"), ("plover", "jsonl")):
        target = tmp_path / f"e.{fmt}.{suffix}"
        assert invoke("export", "--db", str(db), "--format", fmt, "-o", str(target)).exit_code == 0
        assert target.stat().st_size > 0


def test_relations_json_has_the_contract_series_shape(tmp_path: Path, corpus: Path) -> None:
    db = tmp_path / "t.duckdb"
    invoke("ingest", str(corpus), "--db", str(db))
    result = invoke("relations", "rus", "tur", "--db", str(db), "--json")
    data = json.loads(result.stdout)
    assert (data["a"], data["b"]) == ("RUS", "TUR")
    assert {"series", "trend", "turning_points", "verdict"} <= set(data)
    for period in data["series"]:
        assert {"period", "events", "quad", "goldstein_sum", "goldstein_mean", "event_ids"} <= set(period)


def test_demo_codes_the_bundled_corpus_and_prints_the_russia_turkey_summary(tmp_path: Path) -> None:
    db = tmp_path / "demo.duckdb"
    result = invoke("demo", "--db", str(db))
    assert result.exit_code == 0, result.stderr
    assert "Russia-Turkey events" in result.stdout
    assert "RUS-TUR relations by month" in result.stdout
    assert "Verdict:" in result.stdout
    again = invoke("demo", "--db", str(db))
    assert "0 new events" in again.stdout


def test_a_missing_database_is_a_clear_usage_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["events", "--db", str(tmp_path / "nope.duckdb")])
    assert result.exit_code == 2
    assert "does not exist" in result.stderr


def test_a_bad_setting_is_named(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["--setting", "batchsize", "3", "settings"])
    assert result.exit_code == 1
    assert "unknown setting 'batchsize'" in result.stderr


def test_the_store_memory_limit_setting_reaches_the_database(tmp_path: Path) -> None:
    db = tmp_path / "capped.duckdb"
    (tmp_path / "one.txt").write_text("Russia and Turkey signed a ceasefire in Moscow on Monday.", encoding="utf-8")
    bad = CliRunner().invoke(cli, ["--setting", "store_memory_limit", "lots", "ingest", str(tmp_path / "one.txt"), "--db", str(db)])
    assert bad.exit_code == 1
    assert "memory limit 'lots' is not a size" in bad.stderr
    good = CliRunner().invoke(cli, ["-q", "--setting", "store_memory_limit", "256MB", "ingest", str(tmp_path / "one.txt"), "--db", str(db)])
    assert good.exit_code == 0, good.stderr
    assert "RUS" in invoke("events", "--db", str(db)).stdout


def test_actor_resolves_leaders_by_their_time_in_office() -> None:
    result = invoke("actor", "Erdogan", "--date", "2016-08-09")
    assert json.loads(result.stdout)["principal"] == "TUR"
