"""The static report: one self-contained HTML file that draws its plots with the network off."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from markupsafe import escape

from detente.errors import UnknownActor
from detente.records import Event, Evidence
from detente.report import write_report
from detente.store.db import Store
from test_dashboard_browser import CHROMIUM, CHROMIUM_ARGS, assert_real_picture
from test_web_api import STORY, fill


@pytest.fixture
def filled() -> Iterator[tuple[Store, list[Event]]]:
    with Store(":memory:") as store:
        yield store, fill(store)


@pytest.fixture
def report(filled: tuple[Store, list[Event]], tmp_path: Path) -> Path:
    return write_report(filled[0], "RUS", "TUR", tmp_path / "rus-tur.html", freq="month")


def test_report_is_one_file_that_loads_nothing_from_the_network(report: Path) -> None:
    html = report.read_text(encoding="utf-8")
    assert html.startswith("<!doctype html>")
    tags = re.findall(r"<(?:script|link|img|iframe)\b[^>]*>", html, flags=re.IGNORECASE)
    for tag in tags:
        assert not re.search(r"\b(?:src|href)\s*=", tag, flags=re.IGNORECASE), f"external resource: {tag}"
    # plotly.js itself is inlined, not referenced
    assert "Plotly" in html and len(html) > 1_000_000


def test_report_carries_the_plots_the_events_and_their_sentences(
    report: Path, filled: tuple[Store, list[Event]]
) -> None:
    html = report.read_text(encoding="utf-8")
    for div in ('id="timeline"', 'id="agreements-chart"', 'id="map"', 'id="events-table"'):
        assert div in html
    dyad_events = [e for e in filled[1] if {e.source.principal, e.target.principal} == {"RUS", "TUR"}]
    for ev in dyad_events:
        assert f'id="ev-{ev.event_id}"' in html
        assert str(escape(ev.evidence.text)) in html
    data = json.loads(re.search(r'id="dyad-data">(.*?)</script>', html, flags=re.DOTALL).group(1))  # type: ignore[union-attr]
    assert (data["a"], data["b"]) == ("RUS", "TUR") and data["verdict"]["label"]
    assert sum(p["events"] for p in data["series"]) == 9  # the negated accusation is not counted
    world = json.loads(re.search(r'id="world-data">(.*?)</script>', html, flags=re.DOTALL).group(1))  # type: ignore[union-attr]
    assert {"RUS", "TUR"} <= {c["iso3"] for c in world["countries"]}


def test_report_escapes_article_text_that_looks_like_markup(tmp_path: Path) -> None:
    with Store(":memory:") as store:
        fill(store)
        ev = store.events(cameo="190")[0]
        hostile = ev.with_changes(
            evidence=Evidence("Russia struck <script>alert(1)</script> Turkey.", 0, 48)
        )
        store.upsert_events([hostile])
        html = write_report(store, "RUS", "TUR", tmp_path / "r.html").read_text(encoding="utf-8")
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_report_on_an_unknown_actor_says_so(filled: tuple[Store, list[Event]], tmp_path: Path) -> None:
    with pytest.raises(UnknownActor):
        write_report(filled[0], "RUS", "ATLANTIS", tmp_path / "r.html")
    assert not (tmp_path / "r.html").exists()


@pytest.mark.browser
@pytest.mark.skipif(not CHROMIUM.exists(), reason="needs /usr/bin/chromium (apt-get install chromium)")
def test_report_draws_its_plots_in_a_browser_with_the_network_off(report: Path, tmp_path: Path) -> None:
    from playwright.sync_api import sync_playwright

    requests: list[str] = []
    errors: list[str] = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        context = browser.new_context(offline=True, viewport={"width": 1280, "height": 900})
        page = context.new_page()
        page.on("request", lambda req: requests.append(req.url))
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.goto(report.as_uri())
        for chart in ("#timeline", "#agreements-chart", "#map"):
            page.wait_for_selector(f"{chart} svg.main-svg", timeout=20_000)
        assert page.locator("#timeline g.trace.bars").count() == 4
        assert page.locator("#timeline g.point path").count() >= 6
        assert page.locator("#map g.trace.scatter").count() == 3
        assert page.locator("#events-table tbody tr").count() == sum(
            1 for s in STORY if {s[1], s[2]} == {"RUS", "TUR"}
        )
        # a verdict's evidence link jumps to the event's row in the same file
        link = page.locator(".verdict a.event-link").first
        target = link.get_attribute("href")
        assert target and target.startswith("#ev-")
        link.click()
        assert page.evaluate("location.hash") == target
        shot = tmp_path / "report.png"
        page.evaluate("window.scrollTo(0, 0)")
        page.screenshot(path=str(shot), full_page=True)
        assert_real_picture(browser, shot, min_width=1280, min_height=2000)
        context.close()
        browser.close()
    assert not errors, errors
    assert [u for u in requests if not u.startswith(("file:", "data:"))] == []
