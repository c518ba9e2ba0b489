"""Fetching pages and feeds from a real HTTP server the test starts on 127.0.0.1."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from detente.errors import BadInput, DetenteError, FetchError
from detente.ingest.fetch import fetch_urls, read_feed
from detente.ingest.readers import read_documents
from detente.settings import load_settings

PAGES = Path(__file__).parent / "data" / "pages"

RSS = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Frontier Wire</title><link>{base}/</link>
<description>Test feed</description>
<item><title>Plates deal</title><link>{base}/page.html</link>
  <pubDate>Thu, 24 Nov 2022 09:00:00 GMT</pubDate></item>
<item><title>Border talks stall</title><link>{base}/missing</link>
  <pubDate>Fri, 25 Nov 2022 10:00:00 GMT</pubDate>
  <description>&lt;p&gt;Armenian and Azerbaijani envoys left the border talks in Brussels without a statement on Friday.&lt;/p&gt;</description></item>
<item><title>Nothing to read</title></item>
</channel></rss>
"""

ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Steppe Monitor</title><id>urn:x</id>
<updated>2023-06-02T00:00:00Z</updated>
<entry><title>Defence talks</title><id>urn:x:1</id><updated>2023-06-02T08:00:00Z</updated>
<content type="html">&lt;p&gt;Japan and South Korea resumed defence talks in Tokyo on Friday after a five-year pause.&lt;/p&gt;</content>
</entry></feed>
"""


@dataclass
class Site:
    base: str
    user_agents: list[str] = field(default_factory=list)


def _routes(base: str) -> dict[str, tuple[int, str, bytes, dict[str, str]]]:
    page = (PAGES / "article.html").read_bytes()
    return {
        "/page.html": (200, "text/html; charset=utf-8", page, {}),
        "/redirect": (302, "text/html", b"", {"Location": "/page.html"}),
        "/missing": (404, "text/html", b"gone", {}),
        "/data.json": (200, "application/json", b'{"a": 1}', {}),
        "/big-declared.html": (200, "text/html", b"<p>" + b"x" * 6000 + b"</p>", {}),
        "/feed.xml": (200, "application/rss+xml", RSS.format(base=base).encode(), {}),
        "/atom.xml": (200, "application/atom+xml", ATOM.encode(), {}),
        "/feed-as-html": (200, "text/html; charset=utf-8", ATOM.encode(), {}),
        "/empty-feed.xml": (200, "application/xml", b"<rss><channel><title>t</title></channel></rss>", {}),
    }


@pytest.fixture
def site() -> Iterator[Site]:
    state = Site(base="")

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            state.user_agents.append(self.headers.get("User-Agent", ""))
            if self.path == "/slow.html":
                time.sleep(1.5)
            if self.path == "/big-streamed.html":
                self.send_response(200)
                self.send_header("Content-Type", "text/html")
                self.end_headers()
                self.wfile.write(b"<p>" + b"y" * 6000 + b"</p>")
                return
            status, ctype, body, headers = _routes(state.base).get(
                self.path, (200, "text/html", b"<p>slow page with enough words in it</p>", {})
            )
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            for k, v in headers.items():
                self.send_header(k, v)
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    state.base = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()


def collect(gen_factory, **kw):  # type: ignore[no-untyped-def]
    errors: list[DetenteError] = []
    return list(gen_factory(on_error=errors.append, **kw)), errors


def test_page_is_fetched_cleaned_and_dated_with_our_user_agent(site: Site) -> None:
    settings = load_settings(overrides=[("fetch_user_agent", "detente-test/1.0")])
    (article,) = fetch_urls([f"{site.base}/page.html"], settings=settings)
    assert article.url == f"{site.base}/page.html"
    assert article.origin == article.url
    assert article.title == "Serbia and Kosovo sign deal on car plates"
    assert article.outlet == "Balkan Desk"
    assert (article.published, article.published_source) == ("2022-11-24", "header")
    assert "Belgrade will stop issuing plates" in article.text
    assert "Advertisement" not in article.text
    assert site.user_agents == ["detente-test/1.0"]


def test_redirects_are_followed(site: Site) -> None:
    (article,) = fetch_urls([f"{site.base}/redirect"])
    assert article.url == f"{site.base}/page.html"


def test_failures_name_the_url_and_the_rest_goes_on(site: Site) -> None:
    settings = load_settings(overrides=[("max_article_chars", 250)])  # 4,000 bytes of HTML
    urls = [f"{site.base}/{p}" for p in ("missing", "data.json", "big-declared.html", "big-streamed.html")]
    articles, errors = collect(
        lambda **kw: fetch_urls(urls + [f"{site.base}/page.html"], **kw), settings=settings
    )
    assert len(articles) == 1
    assert [type(e) for e in errors] == [FetchError, BadInput, BadInput, BadInput]
    assert all(url in str(e) for url, e in zip(urls, errors))
    assert "HTTP 404" in str(errors[0])
    assert "application/json" in str(errors[1])
    assert "over the limit" in str(errors[2]) and "over the limit" in str(errors[3])


def test_timeouts_and_refused_connections_are_fetch_errors(site: Site) -> None:
    settings = load_settings(overrides=[("fetch_timeout", 0.3)])
    closed = ThreadingHTTPServer(("127.0.0.1", 0), BaseHTTPRequestHandler)
    port = closed.server_address[1]
    closed.server_close()
    urls = [f"{site.base}/slow.html", f"http://127.0.0.1:{port}/x.html"]
    articles, errors = collect(lambda **kw: fetch_urls(urls, **kw), settings=settings)
    assert articles == []
    assert [type(e) for e in errors] == [FetchError, FetchError]
    assert "Timeout" in str(errors[0]) and urls[0] in str(errors[0])


def test_without_a_handler_a_failed_fetch_raises(site: Site) -> None:
    with pytest.raises(FetchError, match="HTTP 404"):
        list(fetch_urls([f"{site.base}/missing"]))


def test_rss_items_are_followed_with_the_feed_date_and_content_as_fallback(site: Site) -> None:
    articles, errors = collect(lambda **kw: read_feed(f"{site.base}/feed.xml", **kw))
    linked, fallback = articles
    assert linked.url == f"{site.base}/page.html"
    assert (linked.title, linked.outlet, linked.published, linked.published_source) == (
        "Plates deal", "Frontier Wire", "2022-11-24", "given",
    )  # fmt: skip
    assert "Pristina will suspend fines" in linked.text
    assert fallback.url == f"{site.base}/missing"
    assert (fallback.published, fallback.published_source) == ("2022-11-25", "given")
    assert fallback.text == (
        "Border talks stall\n\nArmenian and Azerbaijani envoys left the border talks in Brussels "
        "without a statement on Friday."
    )
    assert [str(e) for e in errors] == [f"{site.base}/feed.xml: feed item 3 has no link and no content"]


def test_atom_entry_without_link_uses_its_content(site: Site) -> None:
    (article,) = read_feed(f"{site.base}/atom.xml")
    assert article.outlet == "Steppe Monitor"
    assert article.published == "2023-06-02"
    assert "Japan and South Korea resumed defence talks in Tokyo" in article.text


def test_feed_url_given_as_a_source_yields_its_items(site: Site) -> None:
    articles, errors = collect(
        lambda **kw: read_documents([f"{site.base}/feed.xml", f"{site.base}/atom.xml"], **kw)
    )
    assert [a.title for a in articles] == ["Plates deal", "Border talks stall", "Defence talks"]
    assert len(errors) == 1


def test_xml_that_is_not_a_feed_is_bad_input(site: Site) -> None:
    articles, errors = collect(lambda **kw: fetch_urls([f"{site.base}/empty-feed.xml"], **kw))
    assert articles == []
    assert isinstance(errors[0], BadInput) and f"{site.base}/empty-feed.xml" in str(errors[0])


def test_feed_served_as_html_is_still_read_as_a_feed(site: Site) -> None:
    (article,) = fetch_urls([f"{site.base}/feed-as-html"])
    assert article.outlet == "Steppe Monitor"
