"""The dashboard in a real headless Chromium against a real uvicorn server on a DuckDB file.

Needs Debian's Chromium (``apt-get install chromium``); skips with that reason without it.
"""

from __future__ import annotations

import base64
import socket
import struct
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from test_web_api import STORY, fill

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs /usr/bin/chromium (apt-get install chromium)"),
]


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def server(tmp_path: Path) -> Iterator[str]:
    """``detente``'s app under uvicorn on 127.0.0.1 and a free port, over a temp DuckDB file."""
    import uvicorn

    from detente.store.db import Store
    from detente.web.app import create_app

    db = tmp_path / "events.duckdb"
    with Store(db) as store:
        fill(store)
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    srv = uvicorn.Server(uvicorn.Config(create_app(db), log_level="warning"))
    thread = threading.Thread(target=srv.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not srv.started:
        if time.monotonic() > deadline:
            raise RuntimeError("uvicorn did not start within 20 s")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    srv.should_exit = True
    thread.join(timeout=10)
    sock.close()


def png_size(png: bytes) -> tuple[int, int]:
    assert png[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    width, height = struct.unpack(">II", png[16:24])
    return width, height


def distinct_colours(browser: Any, png: bytes) -> int:
    """Colours in the picture, counted by the browser's own PNG decoder on a canvas."""
    page = browser.new_page()
    try:
        data_url = "data:image/png;base64," + base64.b64encode(png).decode("ascii")
        return int(
            page.evaluate(
                """async (src) => {
                    const img = new Image(); img.src = src; await img.decode();
                    const c = document.createElement('canvas'); c.width = img.width; c.height = img.height;
                    const ctx = c.getContext('2d'); ctx.drawImage(img, 0, 0);
                    const d = ctx.getImageData(0, 0, c.width, c.height).data;
                    const seen = new Set();
                    for (let i = 0; i < d.length; i += 4 * 7) seen.add((d[i] << 16) | (d[i+1] << 8) | d[i+2]);
                    return seen.size;
                }""",
                data_url,
            )
        )
    finally:
        page.close()


def assert_real_picture(browser: Any, path: Path, *, min_width: int, min_height: int) -> None:
    png = path.read_bytes()
    width, height = png_size(png)
    assert width >= min_width and height >= min_height, (width, height)
    assert len(png) > 20_000
    assert distinct_colours(browser, png) > 40, "screenshot is nearly blank"


def test_dashboard_draws_the_chosen_dyad_and_traces_an_event_to_its_sentence(
    browser: Any, server: str, tmp_path: Path
) -> None:
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    outside: list[str] = []
    page.on("request", lambda req: None if req.url.startswith(server) else outside.append(req.url))

    page.goto(server + "/")
    # the busiest pair is chosen before anyone picks
    assert page.input_value("#actor-a") == "RUS" and page.input_value("#actor-b") == "TUR"

    page.select_option("#actor-a", "TUR")
    page.select_option("#actor-b", "RUS")
    page.select_option("#freq", "month")
    with page.expect_navigation():
        page.click("#show")
    assert "a=TUR" in page.url and "b=RUS" in page.url
    page.wait_for_selector("#timeline .main-svg")
    assert page.locator("#timeline g.trace.bars").count() == 4
    assert page.locator("#timeline g.point").count() > 0
    page.wait_for_selector("#map .main-svg")
    page.wait_for_selector("#agreements-chart .main-svg")

    rows = page.locator("#events-table tbody tr")
    assert rows.count() == sum(1 for s in STORY if {s[1], s[2]} == {"RUS", "TUR"})
    assert "TUR and RUS: the verdict" in page.inner_text("#verdict-title")
    assert page.locator(".verdict .label").inner_text().strip()

    strike = next(s for s in STORY if s[3] == "190")
    row = page.locator("#events-table tbody tr", has_text="190")
    assert "Idlib" in row.inner_text()
    row.locator("a.event-link").click()
    mark = page.wait_for_selector("#event-panel mark.evidence")
    assert mark.inner_text() == strike[5]
    assert page.locator("#event-panel .article-text").inner_text().count(strike[5]) == 1
    assert "selected" in (row.get_attribute("class") or "")

    page.evaluate("window.scrollTo(0, 0)")
    shot = tmp_path / "dashboard.png"
    page.screenshot(path=str(shot), full_page=True)
    assert_real_picture(browser, shot, min_width=1280, min_height=1500)
    assert not errors, errors
    assert not outside, f"the dashboard reached outside its server: {outside}"
    page.close()


def test_event_page_highlights_the_sentence_without_javascript(browser: Any, server: str, tmp_path: Path) -> None:
    import httpx

    ev = httpx.get(server + "/api/events", params={"cameo": "195"}).json()["events"][0]
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{server}/events/{ev['event_id']}")
    assert page.inner_text("mark#evidence") == ev["evidence"]["text"]
    assert "Turkey" in page.inner_text("h2") and "195" in page.inner_text("main")
    shot = tmp_path / "event.png"
    page.screenshot(path=str(shot), full_page=True)
    width, height = png_size(shot.read_bytes())
    assert width > 600 and height > 300
    context.close()
