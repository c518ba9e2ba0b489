"""The REST API over a store filled with articles and events built here (real Store, real app)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from detente.agreements import track
from detente.coding.cameo import CameoTable
from detente.records import Actor, Article, Event, Evidence, Location, event_id
from detente.settings import load_settings
from detente.store.db import Store
from detente.web.app import create_app

ACTORS = {
    "RUS": Actor("Russia", "RUS", "RUSGOV", "RUS", "GOV", "Q159"),
    "TUR": Actor("Turkey", "TUR", "TURGOV", "TUR", "GOV", "Q43"),
    "USA": Actor("Washington", "USA", "USAGOV", "USA", "GOV", "Q30"),
}
PLACES = {
    "Ankara": Location("Ankara", "TUR", 39.92, 32.85, 323786),
    "Moscow": Location("Moscow", "RUS", 55.75, 37.62, 524901),
    "Idlib": Location("Idlib", "SYR", 35.93, 36.63, 169389),
}

#: (date, source, target, CAMEO code, place, sentence, flags): cooperation in 2019, conflict from 2020.
STORY: list[tuple[str, str, str, str, str | None, str, dict[str, bool]]] = [
    ("2019-01-14", "RUS", "TUR", "036", "Moscow", "Russia said it wants to meet Turkey in Moscow.", {}),
    ("2019-01-22", "TUR", "RUS", "057", "Ankara", "Turkey signed a gas agreement with Russia in Ankara.", {}),
    ("2019-02-03", "RUS", "TUR", "061", "Ankara", "Russia and Turkey cooperated economically in Ankara.", {}),
    ("2019-02-19", "TUR", "RUS", "042", "Moscow", "Turkey's president visited Russia on Tuesday.", {}),
    ("2019-03-05", "RUS", "TUR", "043", "Ankara", "Russia's foreign minister hosted Turkey's delegation.", {}),
    ("2019-06-11", "TUR", "RUS", "112", "Idlib", "Turkey accused Russia of shelling Idlib.", {}),
    ("2019-07-02", "RUS", "TUR", "112", "Idlib", "Russia did not accuse Turkey of anything.", {"negated": True}),
    ("2020-02-27", "RUS", "TUR", "190", "Idlib", "Russian aircraft struck Turkish troops near Idlib.", {}),
    ("2020-02-28", "TUR", "RUS", "173", None, "Turkey threatened Russia with retaliation.", {}),
    ("2020-03-01", "TUR", "RUS", "195", "Idlib", "Turkish drones attacked Russian-backed forces in Idlib.", {}),
    ("2019-05-05", "USA", "RUS", "130", None, "Washington threatened Moscow with sanctions.", {}),
    ("2019-05-06", "USA", "TUR", "036", "Ankara", "Washington said it would meet Ankara.", {}),
]


def build_records(story: list[Any] = STORY) -> tuple[list[Article], list[Event]]:
    """Articles whose text holds each event's sentence at its stored offsets, and the events."""
    table = CameoTable.load()
    articles: list[Article] = []
    events: list[Event] = []
    for n, (date, src, tgt, code, place, sentence, flag) in enumerate(story):
        doc = f"doc-{n:02d}"
        lead = f"{'MOSCOW' if n % 2 else 'ANKARA'} ({date}) - Officials spoke on the record. "
        text = lead + sentence + " Talks were expected to go on next week."
        start = len(lead)
        articles.append(
            Article(
                id=doc, text=text, url=f"https://news.example/{doc}", title=f"Story {n}",
                outlet="Example Wire" if n % 2 else "Daily Example", published=date, published_source="given",
            )
        )
        cameo = table.get(code)
        source, target = ACTORS[src], ACTORS[tgt]
        events.append(
            Event(
                id=doc, event_id=event_id(doc, 1, source.code, target.code, code), doc_id=doc, sentence=1,
                source=source, target=target, cameo=code, root=cameo.root, quad=cameo.quad,
                goldstein=cameo.goldstein, plover=cameo.plover, negated=flag.get("negated", False),
                hypothetical=flag.get("hypothetical", False), date=date, date_precision="day",
                date_source="text", location=PLACES[place] if place else None,
                evidence=Evidence(sentence, start, start + len(sentence)), confidence=0.8,
            )
        )
    return articles, events


def fill(store: Store) -> list[Event]:
    """Write the story's articles and events, and the agreements tracked from them, as a run does."""
    articles, events = build_records()
    store.write_batch(articles, events)
    store.save_agreements([a.to_dict() for a in track(events)])
    return events


@pytest.fixture
def filled() -> Iterator[tuple[Store, list[Event]]]:
    with Store(":memory:") as store:
        yield store, fill(store)


@pytest.fixture
def client(filled: tuple[Store, list[Event]]) -> Iterator[TestClient]:
    with TestClient(create_app(filled[0])) as c:
        yield c


def test_events_filtered_by_source_and_target_return_only_that_direction(client: TestClient) -> None:
    body = client.get("/api/events", params={"source": "RUS", "target": "TUR"}).json()
    assert body["total"] == 5
    assert {(e["source"]["principal"], e["target"]["principal"]) for e in body["events"]} == {("RUS", "TUR")}
    assert [e["date"] for e in body["events"]] == sorted(e["date"] for e in body["events"])


def test_event_records_keep_the_contract_keys_and_add_display_names(client: TestClient) -> None:
    ev = client.get("/api/events", params={"cameo": "190"}).json()["events"][0]
    for key in ("id", "event_id", "doc_id", "sentence", "source", "target", "cameo", "root", "quad",
                "goldstein", "plover", "negated", "hypothetical", "date", "date_precision", "date_source",
                "location", "evidence", "confidence"):
        assert key in ev
    assert ev["cameo_name"] and ev["quad"] == 4 and ev["quad_name"] == "material conflict"
    assert ev["location"]["name"] == "Idlib"
    assert ev["outlet"] in {"Example Wire", "Daily Example"}


def test_date_window_and_quad_filters_combine(client: TestClient) -> None:
    body = client.get("/api/events", params={"from": "2020-01", "to": "2020-12-31", "quad": 4}).json()
    assert {e["cameo"] for e in body["events"]} == {"190", "195", "173"} & {e["cameo"] for e in body["events"]}
    assert all(e["date"] >= "2020-01-01" and e["quad"] == 4 for e in body["events"])
    assert body["total"] == len(body["events"]) >= 2


def test_actor_filter_matches_either_side_and_root_filter_narrows(client: TestClient) -> None:
    usa = client.get("/api/events", params={"actor": "usa"}).json()
    assert usa["total"] == 2
    threats = client.get("/api/events", params={"actor": "RUS", "root": "13"}).json()
    assert [e["cameo"] for e in threats["events"]] == ["130"]


def test_flagged_events_can_be_left_out(client: TestClient) -> None:
    everything = client.get("/api/events").json()["total"]
    unflagged = client.get("/api/events", params={"include_flagged": "false"}).json()
    assert unflagged["total"] == everything - 1
    assert not any(e["negated"] or e["hypothetical"] for e in unflagged["events"])


def test_limit_and_offset_page_through_events_without_overlap(client: TestClient) -> None:
    first = client.get("/api/events", params={"limit": 5}).json()
    second = client.get("/api/events", params={"limit": 5, "offset": 5}).json()
    ids = [e["event_id"] for e in first["events"] + second["events"]]
    assert len(first["events"]) == 5 and len(set(ids)) == 10 and first["total"] == len(STORY)


def test_limit_above_the_cap_is_refused(client: TestClient) -> None:
    response = client.get("/api/events", params={"limit": 100_000})
    assert response.status_code == 422
    assert response.json()["error"]["type"] == "InvalidQuery"


def test_one_event_comes_with_its_article_and_the_span_of_its_sentence(
    client: TestClient, filled: tuple[Store, list[Event]]
) -> None:
    ev = filled[1][7]
    body = client.get(f"/api/events/{ev.event_id}").json()
    text = body["article"]["text"]
    span = body["highlight"]
    assert text[span["start"] : span["end"]] == ev.evidence.text
    assert body["segments"]["sentence"] == ev.evidence.text
    assert body["segments"]["before"] + body["segments"]["sentence"] + body["segments"]["after"] == text
    assert body["event"]["event_id"] == ev.event_id


def test_actors_lists_principals_by_event_count_and_the_busiest_pair(client: TestClient) -> None:
    body = client.get("/api/actors").json()
    counts = {a["principal"]: a["events"] for a in body["actors"]}
    assert counts == {"RUS": 11, "TUR": 11, "USA": 2}
    # named from the actor dictionary, not after the commonest mention ("Washington")
    usa = next(a for a in body["actors"] if a["principal"] == "USA")
    assert usa["name"] != "Washington" and "United States" in usa["name"]
    assert body["top_dyads"][0] == {"a": "RUS", "b": "TUR", "events": 10}


def test_stats_count_articles_and_events(client: TestClient) -> None:
    body = client.get("/api/stats").json()
    assert body["articles"] == len(STORY) and body["events"] == len(STORY)
    assert body["date_from"] == "2019-01-14" and body["date_to"] == "2020-03-01"


def test_dyad_series_has_the_contract_shape_in_both_directions(client: TestClient) -> None:
    body = client.get("/api/dyads/RUS/TUR", params={"freq": "month"}).json()
    assert {"a", "b", "series", "trend", "turning_points", "verdict", "balance"} <= body.keys()
    assert (body["a"], body["b"]) == ("RUS", "TUR")
    months = {p["period"]: p for p in body["series"]}
    assert months["2019-01"]["events"] == 2  # one each way
    assert months["2019-01"]["quad"] == {"1": 2, "2": 0, "3": 0, "4": 0}  # 036 and 057 are both verbal
    assert months["2019-02"]["quad"] == {"1": 1, "2": 1, "3": 0, "4": 0}
    assert months["2020-02"]["goldstein_sum"] == pytest.approx(
        CameoTable.load().get("190").goldstein + CameoTable.load().get("173").goldstein
    )
    for p in body["series"]:
        assert set(p) >= {"period", "events", "quad", "goldstein_sum", "goldstein_mean", "event_ids"}
        assert len(p["event_ids"]) == p["events"]
    # the negated accusation of July 2019 is not counted as having happened
    assert months["2019-07"]["events"] == 0


def test_dyad_balance_counts_cooperation_against_conflict(client: TestClient) -> None:
    body = client.get("/api/dyads/tur/rus").json()
    assert body["balance"] == {"cooperation": 5, "conflict": 4, "index": pytest.approx(1 / 9, abs=1e-4)}
    assert body["verdict"]["label"]


def test_dyad_date_window_limits_the_series(client: TestClient) -> None:
    body = client.get("/api/dyads/RUS/TUR", params={"freq": "year", "from": "2020", "to": "2020"}).json()
    assert [p["period"] for p in body["series"]] == ["2020"]
    assert body["series"][0]["events"] == 3


def test_dyad_events_cover_both_directions(client: TestClient) -> None:
    body = client.get("/api/dyads/RUS/TUR/events", params={"limit": 3, "offset": 2}).json()
    assert body["total"] == 10
    assert [e["date"] for e in body["events"]] == ["2019-02-03", "2019-02-19", "2019-03-05"]


def test_dyad_places_count_events_that_happened_there(filled: tuple[Store, list[Event]]) -> None:
    from detente.web.payloads import dyad_places

    found = {p["name"]: (p["events"], p["quad"]) for p in dyad_places(filled[0], "RUS", "TUR")}
    # Idlib: the June accusation and two 2020 attacks; the negated July accusation did not happen
    assert found == {"Idlib": (3, 4), "Ankara": (3, 1), "Moscow": (2, 1)}
    assert {p["name"] for p in dyad_places(filled[0], "TUR", "RUS", date_from="2020")} == {"Idlib"}


def test_agreements_are_listed_with_their_history_and_filtered_by_party(client: TestClient) -> None:
    everything = client.get("/api/agreements").json()["agreements"]
    assert len(everything) == 1
    deal = everything[0]
    assert deal["parties"] == ["RUS", "TUR"] and deal["status"] == "violated"
    assert deal["made"]["evidence"] == ["Turkey signed a gas agreement with Russia in Ankara."]
    assert deal["history"][0]["state"] == "made"
    assert client.get("/api/agreements", params={"party": "USA"}).json()["agreements"] == []
    dyad = client.get("/api/dyads/RUS/TUR").json()
    assert [a["agreement_id"] for a in dyad["agreements"]] == [deal["agreement_id"]]
    assert client.get("/api/dyads/USA/TUR").json()["agreements"] == []


def test_openapi_documents_every_endpoint_with_a_response_model() -> None:
    with Store(":memory:") as store, TestClient(create_app(store)) as c:
        spec = c.get("/openapi.json").json()
    for path in ("/api/events", "/api/events/{event_id}", "/api/dyads/{a}/{b}", "/api/agreements",
                 "/api/actors", "/api/stats"):
        ok = spec["paths"][path]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
        assert "$ref" in ok, path
        assert "404" in spec["paths"][path]["get"]["responses"]


def test_app_over_a_database_file_reads_it_read_only(tmp_path: Any) -> None:
    path = tmp_path / "events.duckdb"
    with Store(path) as store:
        fill(store)
    with TestClient(create_app(path)) as c:
        assert c.get("/api/stats").json()["events"] == len(STORY)
        assert c.get("/api/events", params={"source": "USA"}).json()["total"] == 2
    # a server holds no connection between requests, so a writer can open the file again
    with Store(path) as store:
        assert store.count_events() == len(STORY)


def test_the_connections_a_server_opens_are_capped_by_the_memory_setting(tmp_path: Any) -> None:
    path = tmp_path / "events.duckdb"
    with Store(path) as store:
        fill(store)
    app = create_app(path, settings=load_settings().replace(store_memory_limit="300MB"))
    with app.state.access.open() as store:
        limit = store.connection.execute("SELECT current_setting('memory_limit')").fetchone()
    assert limit is not None and limit[0].replace(" ", "") in {"286.1MiB", "300.0MB"}


def test_dashboard_opens_on_the_busiest_pair_with_its_events(client: TestClient) -> None:
    page = client.get("/")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    html = page.text
    assert "RUS and TUR: the verdict" in html
    assert html.count('<tr id="ev-') == 10
    assert 'src="/vendor/plotly.min.js"' in html and "https://" not in html.split("<main")[0]


def test_dashboard_shows_the_pair_chosen_in_the_form(client: TestClient) -> None:
    html = client.get("/", params={"a": "USA", "b": "TUR", "freq": "year", "from": "", "to": ""}).text
    assert "USA and TUR: the verdict" in html
    assert html.count('<tr id="ev-') == 1
    assert '<option value="USA" selected>' in html


def test_dashboard_of_an_empty_database_says_how_to_fill_it() -> None:
    with Store(":memory:") as store, TestClient(create_app(store)) as c:
        html = c.get("/").text
    assert "no events yet" in html and "detente demo" in html


def test_dashboard_data_cannot_break_out_of_its_script_element(filled: tuple[Store, list[Event]]) -> None:
    store, events = filled
    hostile = "Turkey signed </script><script>alert(1)</script> a deal with Russia."
    store.save_agreements(
        [{**a.to_dict(), "made": {**a.to_dict()["made"], "evidence": [hostile]}} for a in track(events)]
    )
    with TestClient(create_app(store)) as c:
        html = c.get("/", params={"a": "RUS", "b": "TUR"}).text
    assert "<script>alert(1)</script>" not in html
    assert "\\u003c/script\\u003e\\u003cscript\\u003ealert(1)" in html


def test_static_assets_and_plotly_are_served_locally(client: TestClient) -> None:
    plotly = client.get("/vendor/plotly.min.js")
    assert plotly.status_code == 200 and plotly.headers["content-type"].startswith("text/javascript")
    assert len(plotly.content) > 1_000_000
    assert client.get("/static/detente-charts.js").status_code == 200
    assert client.get("/static/detente.css").headers["content-type"].startswith("text/css")
    world = client.get("/vendor/world_110m.json").json()
    assert len(world["countries"]) > 150 and "public domain" in world["licence"]
    assert client.get("/static/..%2Fapp.py").status_code == 404


def test_evidence_span_is_found_again_when_offsets_drifted() -> None:
    from detente.web.payloads import evidence_span

    _, events = build_records()
    ev = events[0]
    text = "A new first paragraph was added. " + f"Intro. {ev.evidence.text} Outro."
    start, end = evidence_span(ev, text)
    assert text[start:end] == ev.evidence.text
    # a sentence that is nowhere in the text still gives a valid (clamped) span
    start, end = evidence_span(ev, "short")
    assert 0 <= start <= end <= len("short")


def test_concurrent_requests_share_one_store_safely(client: TestClient) -> None:
    from concurrent.futures import ThreadPoolExecutor

    paths = ["/api/dyads/RUS/TUR", "/api/events?actor=RUS", "/api/actors", "/api/stats", "/"] * 6
    with ThreadPoolExecutor(max_workers=6) as pool:
        statuses = list(pool.map(lambda p: client.get(p).status_code, paths))
    assert statuses == [200] * len(paths)
