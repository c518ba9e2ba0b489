"""A run killed with SIGKILL mid-corpus loses at most the batch in flight; rerunning completes it.

The real thing, not a simulation: ``detente ingest`` runs as a subprocess on a generated
corpus with ``commit_every 2``, is killed with ``kill -9`` once at least one batch is
committed, and is run again to completion. The final store must equal that of a clean,
uninterrupted run: every article once, no duplicate events, the same event records.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from detente.store.db import Store

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "benchmarks"))

import synth

DETENTE = [sys.executable, "-m", "detente"]
ARTICLES = 24
#: The line the pipeline logs at INFO once a batch's transaction has committed.
COMMIT_LINE = re.compile(r"committed batch", re.IGNORECASE)


def _ingest(corpus: Path, db: Path, *extra: str) -> list[str]:
    return [*DETENTE, "-v", "--setting", "commit_every", "2", *extra, "ingest", str(corpus), "--db", str(db)]


def _kill_after_first_commit(cmd: list[str], timeout: float = 300) -> str:
    """Start ``cmd``; SIGKILL it as soon as a batch is committed. Returns its stderr so far.

    A batch counts as committed when the pipeline logs it, which it does once COMMIT has
    returned. The write-ahead log's growth is no such sign: it grows while a commit is being
    written, and a kill on it once landed before the first commit was whole.
    """
    proc = subprocess.Popen(cmd, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True)
    lines: list[str] = []
    reader = threading.Thread(target=lambda: lines.extend(iter(proc.stderr.readline, "")), daemon=True)  # type: ignore[union-attr]
    reader.start()
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                pytest.fail(f"ingest finished (rc={proc.returncode}) before it could be killed:\n{''.join(lines)}")
            if any(COMMIT_LINE.search(line) for line in lines):
                os.kill(proc.pid, signal.SIGKILL)
                break
            time.sleep(0.02)
        else:
            pytest.fail("no batch was committed before the timeout")
    finally:
        if proc.poll() is None and time.monotonic() >= deadline:
            proc.kill()
        proc.wait(timeout=60)
        reader.join(timeout=10)
    assert proc.returncode == -signal.SIGKILL
    return "".join(lines)


def _contents(db: Path) -> tuple[list[str], list[str], int, int]:
    with Store(db, read_only=True) as store:
        conn = store.connection
        article_ids = [r[0] for r in conn.execute("SELECT id FROM articles ORDER BY id").fetchall()]
        events = sorted(e.to_json() for e in store.events())
        n_events, n_distinct = conn.execute("SELECT count(*), count(DISTINCT event_id) FROM events").fetchall()[0]
    return article_ids, events, int(n_events), int(n_distinct)


def test_kill_9_mid_run_then_rerun_gives_the_store_of_a_clean_run(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    synth.write_text_corpus(corpus, ARTICLES, seed=7)

    interrupted = tmp_path / "interrupted.duckdb"
    _kill_after_first_commit(_ingest(corpus, interrupted))

    # The kill left a partial store: at least one committed batch, whole batches only.
    partial_ids, _, n_events, n_distinct = _contents(interrupted)
    assert 0 < len(partial_ids) < ARTICLES
    assert len(partial_ids) % 2 == 0, "a batch is committed whole or not at all"
    assert n_events == n_distinct

    rerun = subprocess.run(_ingest(corpus, interrupted), capture_output=True, text=True, timeout=600, check=False)
    assert rerun.returncode == 0, rerun.stderr
    assert f"{len(partial_ids)} already stored" in rerun.stderr

    clean = tmp_path / "clean.duckdb"
    done = subprocess.run(_ingest(corpus, clean), capture_output=True, text=True, timeout=600, check=False)
    assert done.returncode == 0, done.stderr

    got_ids, got_events, got_n, got_distinct = _contents(interrupted)
    want_ids, want_events, _, _ = _contents(clean)
    assert len(got_ids) == len(set(got_ids)) == ARTICLES
    assert got_ids == want_ids
    assert got_n == got_distinct
    assert want_events, "the generated corpus must yield events"
    assert got_events == want_events
