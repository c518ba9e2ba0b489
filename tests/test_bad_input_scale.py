"""Broken files mixed into a corpus: each one reported with file and line, the rest all stored.

Real corpora hold binaries, empty files, a 50 MB single line, text in the wrong encoding,
pages and dumps cut off mid-record, and run-on "sentences" of page noise. ``detente ingest``
(run as a subprocess, as users run it) must name every failure on stderr with its file and
line, exit 1, store every good article with exactly the events a run on the good files
alone stores, and add nothing when run again.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from detente.store.db import Store

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "benchmarks"))

import synth

GOOD_ARTICLES = 6
ERROR_LINE = re.compile(r"^error: (?P<path>.+?):(?P<line>\d+): (?P<reason>.+)$", re.MULTILINE)


def _ingest(corpus: Path, db: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "detente", "ingest", str(corpus), "--db", str(db)],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


def _errors(stderr: str) -> dict[str, int]:
    return {Path(m["path"]).name: int(m["line"]) for m in ERROR_LINE.finditer(stderr)}


def _stored(db: Path) -> tuple[set[str], list[str]]:
    with Store(db, read_only=True) as store:
        ids = {a.id for a in store.articles()}
        events = sorted(e.to_json() for e in store.events())
    return ids, events


@pytest.fixture(scope="module")
def corpora(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, dict[str, dict[str, object]]]:
    """``mixed/`` (good articles plus broken files) and ``clean/`` (the same good articles only)."""
    root = tmp_path_factory.mktemp("bad-input")
    for name in ("mixed", "clean"):
        synth.write_text_corpus(root / name / "good", GOOD_ARTICLES, seed=11)
    expect = synth.write_broken_files(root / "mixed" / "broken", big_line_mb=50)
    return root / "mixed", root / "clean", expect


def test_every_broken_file_is_reported_with_file_and_line_and_every_good_article_stored(
    corpora: tuple[Path, Path, dict[str, dict[str, object]]], tmp_path: Path
) -> None:
    mixed, clean, expect = corpora
    db = tmp_path / "mixed.duckdb"
    run = _ingest(mixed, db)
    assert run.returncode == 1, run.stderr
    assert "Traceback" not in run.stderr

    want_errors = {name: e["line"] for name, e in expect.items() if e["line"] is not None}
    assert _errors(run.stderr) == want_errors, run.stderr
    for name in want_errors:
        assert str(mixed / "broken" / name) in run.stderr

    ids, events = _stored(db)
    good_ids = {
        (f"broken/{g}" if g == name else str(g))
        for name, e in expect.items()
        for g in e["good"]  # type: ignore[attr-defined]
    }
    good_pages = {f"good/{p.relative_to(mixed / 'good').as_posix()}" for p in (mixed / "good").rglob("*.txt")}
    assert len(good_pages) == GOOD_ARTICLES
    assert ids == good_ids | good_pages

    clean_db = tmp_path / "clean.duckdb"
    assert _ingest(clean, clean_db).returncode == 0
    clean_ids, clean_events = _stored(clean_db)
    assert clean_ids == good_pages
    assert clean_events, "the good articles must yield events"
    good_events = [e for e in events if '"doc_id": "good/' in e]
    assert good_events == clean_events


def test_rerunning_a_corpus_with_broken_files_reports_them_again_and_adds_nothing(
    corpora: tuple[Path, Path, dict[str, dict[str, object]]], tmp_path: Path
) -> None:
    mixed, _, _ = corpora
    db = tmp_path / "mixed.duckdb"
    first = _ingest(mixed, db)
    before = _stored(db)
    again = _ingest(mixed, db)
    assert again.returncode == 1
    assert _errors(again.stderr) == _errors(first.stderr)
    assert re.search(r"\b0 new, (\d+) already stored; 0 new events", again.stderr), again.stderr
    assert _stored(db) == before
    with Store(db, read_only=True) as store:
        (n, distinct), = store.connection.execute(
            "SELECT count(*), count(DISTINCT event_id) FROM events"
        ).fetchall()
    assert n == distinct
