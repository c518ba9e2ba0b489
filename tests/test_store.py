"""The event store: idempotent batches, filters, read-only use, derived records."""

from __future__ import annotations

import csv
import json
import random
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path

import duckdb
import pytest

from detente.errors import InvalidQuery, NotFound, StoreError
from detente.records import Actor, Article, Event, Evidence, Location, event_id
from detente.store.db import DERIVED_CHUNK, Store, WriteResult
from detente.store.ordered import key_pages


def make_event(
    doc: str = "doc-1",
    sentence: int = 0,
    source: str = "RUS",
    target: str = "TUR",
    cameo: str = "042",
    *,
    quad: int = 1,
    goldstein: float = 1.9,
    date: str | None = "2019-04-28",
    precision: str | None = "day",
    **changes: object,
) -> Event:
    src = Actor(name=f"{source} gov", principal=source, code=f"{source}GOV", country=source, sector="GOV")
    tgt = Actor(name=f"{target} gov", principal=target, code=f"{target}GOV", country=target, sector="GOV")
    ev = Event(
        id=doc,
        event_id=event_id(doc, sentence, src.code, tgt.code, cameo),
        doc_id=doc,
        sentence=sentence,
        source=src,
        target=tgt,
        cameo=cameo,
        root=cameo[:2],
        quad=quad,
        goldstein=goldstein,
        evidence=Evidence(text=f"{source} met {target}.", start=10 * sentence, end=10 * sentence + 9),
        date=date,
        date_precision=precision,  # type: ignore[arg-type]
        date_source="text",
    )
    return ev.with_changes(**changes) if changes else ev


def article(doc: str = "doc-1") -> Article:
    return Article(id=doc, text=f"text of {doc}", url=f"https://example.org/{doc}", published="2019-04-29")


def test_write_batch_reports_what_was_added(store: Store) -> None:
    result = store.write_batch([article()], [make_event(sentence=0), make_event(sentence=1)])
    assert result == WriteResult(articles_added=1, events_added=2)
    assert store.count_events() == 2
    assert store.has_article("doc-1")


def test_reingesting_the_same_batch_adds_nothing_and_loses_nothing(store: Store) -> None:
    events = [make_event(sentence=i) for i in range(5)]
    store.write_batch([article()], events)
    again = store.write_batch([article()], events)
    assert again == WriteResult(0, 0)
    assert sorted(e.event_id for e in store.events()) == sorted(e.event_id for e in events)


def test_recoded_event_updates_in_place(store: Store) -> None:
    first = make_event(date="2019-04-28")
    store.write_batch([article()], [first])
    recoded = first.with_changes(
        date="2019-03", date_precision="month", location=Location("Ankara", "TUR", 39.9, 32.8, 323786)
    )
    assert recoded.event_id == first.event_id
    assert store.write_batch([], [recoded]).events_added == 0
    stored = store.event(first.event_id)
    assert stored.date == "2019-03"
    assert stored.location == Location("Ankara", "TUR", 39.9, 32.8, 323786)
    assert store.count_events() == 1


def test_changed_principal_moves_event_to_its_new_dyad(store: Store) -> None:
    ev = make_event()
    store.upsert_events([ev])
    moved = ev.with_changes(target=Actor("Syria", "SYR", "TURGOV"))  # same code, so same event_id
    assert moved.event_id == ev.event_id
    store.upsert_events([moved])
    assert store.events(source="RUS", target="TUR") == []
    assert [e.event_id for e in store.events(source="RUS", target="SYR")] == [ev.event_id]


def test_duplicate_ids_within_a_batch_keep_the_last(store: Store) -> None:
    a = make_event(goldstein=1.0)
    b = a.with_changes(goldstein=3.0)
    assert store.upsert_events([a, b]) == 1
    assert store.event(a.event_id).goldstein == 3.0


def test_failed_batch_writes_nothing(store: Store) -> None:
    good = make_event(sentence=0)
    bad = make_event(sentence=1).with_changes(quad=None)  # violates NOT NULL in the database
    with pytest.raises(StoreError):
        store.write_batch([article()], [good, bad])
    assert store.count_events() == 0
    assert not store.has_article("doc-1")
    assert store.write_batch([article()], [good]) == WriteResult(1, 1)


def test_events_survive_reopening_a_file(tmp_path: Path) -> None:
    path = tmp_path / "events.duckdb"
    with Store(path) as s:
        s.write_batch([article()], [make_event(sentence=i) for i in range(3)])
    with Store(path) as s:
        assert s.count_events() == 3
        assert s.article("doc-1").url == "https://example.org/doc-1"


def test_committed_batch_survives_a_process_that_dies_without_closing(tmp_path: Path) -> None:
    path = tmp_path / "events.duckdb"
    script = (
        "import os, sys\n"
        f"sys.path[:0] = [{str(Path(__file__).parent)!r}]\n"
        "from test_store import make_event, article\n"
        "from detente.store.db import Store\n"
        f"s = Store({str(path)!r})\n"
        "s.write_batch([article()], [make_event(sentence=i) for i in range(3)])\n"
        "os._exit(0)  # no close, no checkpoint: only the write-ahead log has the batch\n"
    )
    subprocess.run([sys.executable, "-c", script], check=True)
    with Store(path, read_only=True) as again:
        assert again.count_events() == 3
        assert again.has_article("doc-1")


def test_event_and_article_raise_not_found(store: Store) -> None:
    with pytest.raises(NotFound):
        store.event("nope")
    with pytest.raises(NotFound):
        store.article("nope")


def test_articles_are_paged_in_id_order(store: Store) -> None:
    store.upsert_articles([article(f"doc-{i}") for i in (3, 1, 2)])
    assert [a.id for a in store.articles()] == ["doc-1", "doc-2", "doc-3"]
    assert [a.id for a in store.articles(limit=1, offset=1)] == ["doc-2"]


def _sample(store: Store) -> None:
    store.write_batch(
        [article("d1"), article("d2")],
        [
            make_event("d1", 0, "RUS", "TUR", "042", date="2019-01-05"),
            make_event("d1", 1, "TUR", "RUS", "190", quad=4, goldstein=-10.0, date="2019-02-10"),
            make_event("d1", 2, "RUS", "SYR", "061", quad=2, goldstein=6.4, date="2019-03"),
            make_event("d2", 0, "USA", "TUR", "111", quad=3, goldstein=-2.0, date="2020", precision="year"),
            make_event("d2", 1, "RUS", "TUR", "057", quad=1, goldstein=8.0, date=None, precision=None),
            make_event("d2", 2, "RUS", "TUR", "036", quad=1, goldstein=4.0, date="2019-06-01", negated=True),
        ],
    )


def test_filters_match_principals_dates_and_codes(store: Store) -> None:
    _sample(store)
    assert {(e.doc_id, e.sentence) for e in store.events(source="RUS", target="TUR")} == {
        ("d1", 0),
        ("d2", 1),
        ("d2", 2),
    }
    assert store.count_events(actor="TUR") == 5
    assert store.count_events(actor="SYR") == 1
    assert [e.sentence for e in store.events(date_from="2019-02", date_to="2019-03")] == [1, 2]
    assert store.count_events(date_to="2019") == 4  # the whole year, undated events excluded
    assert store.count_events(root="19") == 1
    assert store.count_events(root=19) == 1
    assert store.count_events(cameo="061") == 1
    assert store.count_events(quad=4) == 1
    assert store.count_events(doc_id="d2") == 3
    assert store.count_events(include_flagged=False) == 5


def test_events_are_ordered_by_day_with_undated_last(store: Store) -> None:
    _sample(store)
    days = [e.date for e in store.events()]
    assert days[-1] is None
    assert days[:-1] == ["2019-01-05", "2019-02-10", "2019-03", "2019-06-01", "2020"]
    assert [e.date for e in store.events(limit=2, offset=1)] == ["2019-02-10", "2019-03"]


@pytest.mark.parametrize(
    "filters",
    [
        {"date_from": "last week"},
        {"date_to": "2019-13"},
        {"date_from": "2019-02-30"},
        {"date_from": "2020", "date_to": "2019"},
        {"root": "21"},
        {"root": "ab"},
        {"cameo": "19x"},
        {"quad": 5},
        {"limit": -1},
    ],
)
def test_malformed_filters_raise_invalid_query(store: Store, filters: dict[str, object]) -> None:
    with pytest.raises(InvalidQuery):
        store.events(**filters)  # type: ignore[arg-type]


def test_filter_values_are_parameters_not_sql(store: Store) -> None:
    _sample(store)
    assert store.events(source="RUS' OR '1'='1") == []
    assert store.count_events() == 6


def test_stats_summarise_the_store(store: Store) -> None:
    _sample(store)
    assert store.stats() == {
        "articles": 2,
        "events": 6,
        "dyads": 4,
        "date_from": "2019-01-05",
        "date_to": "2020-01-01",
    }


def test_read_only_store_refuses_writes(tmp_path: Path) -> None:
    path = tmp_path / "events.duckdb"
    with Store(path) as s:
        s.upsert_events([make_event()])
    with Store(path, read_only=True) as ro:
        assert ro.count_events() == 1
        with pytest.raises(StoreError, match="read-only"):
            ro.upsert_events([make_event(sentence=2)])


def test_read_only_needs_an_existing_file(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="no such database"):
        Store(tmp_path / "missing.duckdb", read_only=True)
    with pytest.raises(StoreError):
        Store(":memory:", read_only=True)


def test_clusters_are_replaced_as_a_set_and_filtered_by_party(store: Store) -> None:
    store.save_clusters(
        [
            {
                "cluster_id": "c1",
                "source": "RUS",
                "target": "TUR",
                "root": "04",
                "date_from": "2019-01-01",
                "event_ids": ["e1", "e2"],
            },
            {
                "cluster_id": "c2",
                "source": {"principal": "USA"},
                "target": {"principal": "TUR"},
                "date": "2019-02-01",
                "event_ids": ["e3"],
            },
        ]
    )
    assert [c["cluster_id"] for c in store.clusters(a="TUR")] == ["c1", "c2"]
    assert [c["cluster_id"] for c in store.clusters(a="TUR", b="RUS")] == ["c1"]
    assert store.clusters(a="RUS")[0]["event_ids"] == ["e1", "e2"]
    store.save_clusters([{"cluster_id": "c3", "source": "RUS", "target": "SYR"}])
    assert [c["cluster_id"] for c in store.clusters()] == ["c3"]
    # a dyad whose events no longer make a cluster is cleared, though nothing replaces it
    assert store.save_clusters([], dyads=[("SYR", "RUS")]) == 0
    assert store.clusters() == []


def test_agreements_round_trip_their_whole_record(store: Store) -> None:
    record = {
        "agreement_id": "a1",
        "parties": ["RUS", "TUR"],
        "kind": "ceasefire",
        "status": "violated",
        "start": "2020-03-05",
        "history": [{"status": "made", "date": "2020-03-05"}],
    }
    later = {"agreement_id": "a0", "parties": ["TUR", "USA"], "date_from": None, "made": {"date": None}}
    store.save_agreements([later, record])
    assert store.agreements(party="TUR") == [record, later]  # dated first, undated last
    assert store.agreements(party="USA") == [later]
    assert store.agreements(party="SYR") == []
    with pytest.raises(InvalidQuery):
        store.save_agreements([{"parties": ["RUS"]}])
    assert store.agreements() == [record, later]  # a rejected set leaves the old one


def test_optimize_keeps_every_event_and_the_schema(tmp_path: Path) -> None:
    path = tmp_path / "events.duckdb"
    events = [
        make_event(f"d{i}", i % 4, ("RUS", "USA", "TUR")[i % 3], ("TUR", "SYR")[i % 2]) for i in range(40)
    ]
    with Store(path) as s:
        s.write_batch([], events)
        s.optimize()
        assert s.count_events() == 40
        assert s.write_batch([], events).events_added == 0  # primary key survived the rewrite
        assert sorted(e.event_id for e in s.events()) == sorted(e.event_id for e in events)


def test_threads_can_read_while_one_writes(tmp_path: Path) -> None:
    from concurrent.futures import ThreadPoolExecutor

    with Store(tmp_path / "events.duckdb") as s:

        def read(_: int) -> int:
            return len(s.events(source="RUS", target="TUR")) + s.count_events()

        with ThreadPoolExecutor(max_workers=4) as pool:
            reads = [pool.submit(read, i) for i in range(40)]
            for b in range(10):
                s.write_batch([article(f"doc-{b}")], [make_event(f"doc-{b}", i) for i in range(5)])
            assert all(f.result() >= 0 for f in reads)
        assert s.count_events() == 50
        assert s.stats()["articles"] == 10



def test_dyads_lists_each_unordered_pair_once(store: Store) -> None:
    store.write_batch(
        [article()],
        [
            make_event(sentence=0, source="RUS", target="TUR"),
            make_event(sentence=1, source="TUR", target="RUS"),
            make_event(sentence=2, source="USA", target="RUS"),
        ],
    )
    assert store.dyads() == [("RUS", "TUR"), ("RUS", "USA")]


def test_items_come_back_in_the_order_of_keys_the_caller_computed(store: Store) -> None:
    items = [(i % 2, -i, 0, f"id-{i}", f"payload {i}") for i in range(5)]
    walked = list(store.sorted_by_key(iter(items), chunk_size=2))
    assert walked == sorted(items)
    assert [payload for *_, payload in walked] == ["payload 4", "payload 2", "payload 0", "payload 3", "payload 1"]
    assert list(store.sorted_by_key([])) == []


def test_items_beyond_the_memory_cap_come_back_sorted(tmp_path: Path) -> None:
    # 150,000 items of ~230 bytes: one ORDER BY over them ran out of memory under this cap.
    n = 150_000
    items = ((i % 3, (i * 7919) % 100_003, 0, f"event-{i:06d}", "x" * 200) for i in range(n))
    with Store(tmp_path / "sorted.duckdb", memory_limit="24MB") as capped:
        keys = [item[:4] for item in capped.sorted_by_key(items, chunk_size=2_000)]
    assert len(keys) == n
    assert keys == sorted(keys)


@pytest.mark.parametrize(
    "lead",
    [
        pytest.param(lambda i, rng: rng.choice([0, 0, 0, 1, 2]), id="few-values-cut-by-the-rest-of-the-key"),
        pytest.param(lambda i, rng: i, id="a-value-per-row-cut-into-runs"),
    ],
)
def test_key_pages_read_in_turn_equal_one_sort_and_none_outgrows_its_size(
    lead: Callable[[int, random.Random], int],
) -> None:
    rng = random.Random(7)
    rows = [(lead(i, rng), rng.randrange(5), 0, f"id-{i:04d}") for i in range(600)]
    conn = duckdb.connect()
    conn.execute("CREATE TABLE items (k0 BIGINT, k1 BIGINT, k2 BIGINT, id VARCHAR)")
    conn.executemany("INSERT INTO items VALUES (?, ?, ?, ?)", rows)
    walked = []
    for condition, params in key_pages(conn, "items", ("k0", "k1", "k2", "id"), size=50):
        page = conn.execute(f"SELECT * FROM items WHERE {condition} ORDER BY k0, k1, k2, id", params).fetchall()
        assert 0 < len(page) <= 50
        walked += page
    assert walked == sorted(rows)


def test_stored_clusters_are_read_with_the_evidence_of_the_events_they_name(store: Store) -> None:
    events = [make_event("d1", i) for i in range(3)]
    store.write_batch([Article(id="d1", text="x", outlet="TASS")], events)
    store.save_clusters(
        [
            {
                "cluster_id": "c1",
                "source": "RUS",
                "target": "TUR",
                "event_ids": [events[2].event_id, "gone", events[0].event_id],
                "outlets": [],
            }
        ]
    )
    [cluster] = store.clusters()
    assert [(e["event_id"], e["outlet"], e["text"], e["start"]) for e in cluster["evidence"]] == [
        (events[2].event_id, "TASS", "RUS met TUR.", 20),
        (events[0].event_id, "TASS", "RUS met TUR.", 0),
    ]
    assert list(cluster) == ["cluster_id", "source", "target", "event_ids", "outlets", "evidence"]


def test_a_dyads_events_can_be_read_for_some_codes_only(store: Store) -> None:
    deal = make_event("d1", 0, cameo="057")
    clash = make_event("d1", 1, cameo="190")
    store.write_batch([], [deal, clash])
    assert [e.cameo for e in store.dyad_events("TUR", "RUS")] == ["057", "190"]
    assert [e.cameo for e in store.dyad_events("RUS", "TUR", cameo_prefixes=["05", "08"])] == ["057"]


def test_a_replacement_that_fails_half_way_keeps_the_old_clusters(store: Store) -> None:
    store.save_clusters([{"cluster_id": "c-old", "source": "RUS", "target": "TUR"}])

    def failing() -> Iterator[dict[str, str]]:
        yield {"cluster_id": "c-new", "source": "RUS", "target": "TUR"}
        raise RuntimeError("reading the events failed")

    with pytest.raises(RuntimeError):
        store.save_clusters(failing(), dyads=[("RUS", "TUR")])
    assert [c["cluster_id"] for c in store.clusters()] == ["c-old"]


def test_a_replacement_that_gives_an_id_twice_is_refused_and_names_it(store: Store) -> None:
    # the same id in two chunks (each chunk keeps the last of its own repeats): no index
    # catches it, so the store must, and say which id, and keep nothing of the replacement
    same = {"cluster_id": "c-1", "source": "RUS", "target": "TUR"}
    records = [same, *({"cluster_id": f"c-{n}", "source": "RUS", "target": "TUR"} for n in range(2, DERIVED_CHUNK + 1)), same]
    with pytest.raises(StoreError, match="'c-1' given twice"):
        store.save_clusters(records)
    with pytest.raises(StoreError, match="'c-1' given twice"):
        store.save_clusters(iter(records), dyads=iter([("TUR", "RUS")]))
    assert store.clusters() == []


def test_a_replacement_written_in_chunks_lets_each_chunk_go_before_it_commits(store: Store) -> None:
    import pyarrow as pa

    # the whole replacement is one transaction; what it holds must not grow with its chunks
    arrow_bytes = []

    def records() -> Iterator[dict[str, str]]:
        for n in range(3 * DERIVED_CHUNK):
            if n % DERIVED_CHUNK == 0:
                arrow_bytes.append(pa.total_allocated_bytes())
            yield {"cluster_id": f"c-{n}", "source": "RUS", "target": "TUR", "text": "x" * 200}

    assert store.save_clusters(records()) == 3 * DERIVED_CHUNK
    assert arrow_bytes[-1] <= arrow_bytes[0]
    assert len(store.clusters()) == 3 * DERIVED_CHUNK


def test_related_events_come_by_day_then_id_across_pages_with_undated_ones_last(store: Store) -> None:
    idlib = Location("Idlib", "SYR", 35.9, 36.6, 169389)
    days = ["2019-05-02", None, "2019-05-01", "2019-05-02", None, "2019-05-01", "2019-05-03"]
    events = [make_event(f"d{i}", i, date=day, precision="day" if day else None) for i, day in enumerate(days)]
    events += [
        make_event("far", 0, source="USA", target="IRN", date="2019-05-02", location=idlib),  # at a place asked for
        make_event("far", 1, source="USA", target="IRN", date="2019-05-02"),  # neither party nor place
        make_event("far", 2, source="RUS", target="USA", date="2019-05-01", negated=True),  # not factual
    ]
    store.write_batch([], events)
    in_order = sorted(events[:8], key=lambda e: (e.date or "9999", e.event_id))

    read = list(store.related_events(["TUR"], ["Idlib"], chunk_size=2))

    assert [e.event_id for e in read] == [e.event_id for e in in_order]
    since = list(store.related_events(["TUR"], ["Idlib"], date(2019, 5, 2), chunk_size=3))
    assert [e.event_id for e in since] == [e.event_id for e in in_order if e.date and e.date >= "2019-05-02"]


@pytest.fixture(scope="module")
def beyond_its_cap(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store whose rows outgrow an 8MB memory cap: 5,000 events with 2,000 characters of
    evidence each. Sorting them whole in DuckDB under that cap failed for want of memory."""
    text = ("Russian and Turkish officers met in Idlib to review the ceasefire line. " * 30)[:2000]
    path = tmp_path_factory.mktemp("capped") / "hub.duckdb"
    with Store(path) as store:
        store.write_batch(
            [],
            [
                make_event(
                    f"d{i}", i % 3, date=f"2019-{1 + i % 12:02d}-{1 + i % 28:02d}", evidence=Evidence(text, 0, 2000)
                )
                for i in range(5000)
            ],
        )
    return path


def test_related_events_of_a_hub_stream_under_a_memory_cap_smaller_than_their_rows(beyond_its_cap: Path) -> None:
    # Agreement tracking reads a hub party's related events this way: a low cap must slow
    # it, never stop it.
    with Store(beyond_its_cap, memory_limit="8MB") as store:
        days = [e.date for e in store.related_events(["RUS"], [], date(2019, 1, 1))]
    assert len(days) == 5000
    assert days == sorted(days)


def test_a_store_larger_than_its_memory_cap_is_listed_in_order(beyond_its_cap: Path, tmp_path: Path) -> None:
    from detente.store.export import export_jsonl

    with Store(beyond_its_cap, memory_limit="8MB") as store:
        listed = [(e.date, e.doc_id) for e in store.iter_events()]
        dyad = [(e.date, e.doc_id) for e in store.iter_dyad_events("TUR", "RUS")]
        assert export_jsonl(store, tmp_path / "all.jsonl") == 5000
    assert len(listed) == 5000 and listed == sorted(listed)
    assert dyad == listed
    lines = (tmp_path / "all.jsonl").read_text(encoding="utf-8").splitlines()
    assert [json.loads(line)["doc_id"] for line in lines] == [doc for _, doc in listed]


def test_csv_and_parquet_exports_of_a_store_come_in_event_order(beyond_its_cap: Path, tmp_path: Path) -> None:
    # DuckDB's own writers need some memory of their own (its CSV writer a 32 MiB buffer),
    # so this cap is higher; the rows still reach them a page at a time.
    import pyarrow.parquet as pq

    from detente.store.export import export_csv, export_parquet

    with Store(beyond_its_cap, memory_limit="40MB") as store:
        listed = [e.doc_id for e in store.iter_events()]
        assert export_csv(store, tmp_path / "all.csv") == 5000
        assert export_parquet(store, tmp_path / "all.parquet") == 5000
    assert pq.read_table(tmp_path / "all.parquet").column("doc_id").to_pylist() == listed
    with open(tmp_path / "all.csv", encoding="utf-8", newline="") as fh:
        assert [row["doc_id"] for row in csv.DictReader(fh)] == listed


def test_optimize_lays_out_a_store_larger_than_its_memory_cap_a_page_at_a_time(
    beyond_its_cap: Path, tmp_path: Path
) -> None:
    path = tmp_path / "copy.duckdb"
    shutil.copy(beyond_its_cap, path)
    with Store(path) as store:  # dyads before and after the hub's, and an undated event
        store.write_batch([], [make_event("a", 0, "AFG", "PAK"), make_event("z", 0, "USA", "YEM", date=None)])
    # Under this cap DuckDB cannot sort the 10MB of rows whole (the old optimize failed),
    # nor keep its commit under 8MB: pages of 500 rows pass down to 12MB.
    with Store(path, memory_limit="16MB") as store:
        store.optimize(page_size=500)
        laid = store.connection.execute("SELECT dyad, day, event_id FROM events").fetchall()
        assert store.count_events() == 5002
    assert [d for d, *_ in laid[:1] + laid[-1:]] == ["AFG|PAK", "USA|YEM"]
    assert laid == sorted(laid, key=lambda r: (r[0], r[1] or date.max, r[2]))


def test_a_store_takes_more_events_than_its_memory_cap_could_index(tmp_path: Path) -> None:
    # A primary key's index lives whole in memory: under this cap the old keyed tables ran
    # out of memory before 50,000 events. Keys are still kept: writing a batch again adds nothing.
    batches = [[make_event(f"doc-{n}") for n in range(start, start + 5000)] for start in range(0, 100_000, 5000)]
    with Store(tmp_path / "capped.duckdb", memory_limit="32MB") as store:
        added = [store.write_batch([], batch).events_added for batch in batches]
        assert added == [5000] * 20
        assert store.write_batch([], batches[7]).events_added == 0
        assert store.write_batch([], [batches[0][0].with_changes(date="2019-05-01")]).events_added == 0
        assert store.stats()["events"] == 100_000
        assert store.event(batches[0][0].event_id).date == "2019-05-01"


def test_a_memory_limit_caps_duckdb_and_a_malformed_one_is_refused(tmp_path: Path) -> None:
    with Store(tmp_path / "capped.duckdb", memory_limit="300MB") as store:
        limit = store.connection.execute("SELECT current_setting('memory_limit')").fetchone()
        assert limit is not None and limit[0].replace(" ", "") in {"286.1MiB", "300.0MB"}
    with pytest.raises(StoreError, match="not a size"):
        Store(tmp_path / "capped.duckdb", memory_limit="lots")
    with pytest.raises(StoreError, match="under a memory limit of 100KB"):
        Store(tmp_path / "capped.duckdb", memory_limit="100KB")


def test_events_read_back_share_one_string_for_each_repeated_value(store: Store) -> None:
    # A caller holding many events (a hub pair's making reports) would otherwise hold
    # "RUS", "042" and the date once per event: DuckDB hands out a fresh string per row.
    store.write_batch([article("doc-1"), article("doc-2")], [make_event("doc-1"), make_event("doc-2")])
    first, second = store.iter_dyad_events("RUS", "TUR")
    assert first.event_id != second.event_id
    assert first.source.principal is second.source.principal
    assert first.target.code is second.target.code
    assert first.cameo is second.cameo
    assert first.date is second.date
