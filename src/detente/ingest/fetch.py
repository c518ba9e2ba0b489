"""Articles from URLs and from RSS/Atom feeds, over HTTP.

Monitoring desks follow feeds; a feed item is a headline and a link, so each item's link is
fetched and cleaned like any page, and when the link fails the item's own content stands
in (logged, never silently). A feed's dates are metadata the publisher gave, so they win
over what the page shows. Every failure names its URL: ``FetchError`` when the server
could not be reached or answered other than 200, ``BadInput`` when it answered with
something that is not a page or a feed, or too much of it.

Example::

    from detente.ingest.fetch import read_feed

    for article in read_feed("https://example.org/world/rss.xml", on_error=print):
        print(article.published, article.title)
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import time
import tomllib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

import feedparser
import httpx

from detente.errors import BadInput, DetenteError, FetchError
from detente.ingest import html as html_clean
from detente.ingest.published import find_published, normalise_date
from detente.ingest.readers import BYTES_PER_CHAR
from detente.records import Article, doc_id_for
from detente.settings import Settings, load_settings

logger = logging.getLogger(__name__)

OnError = Callable[[DetenteError], Any] | None
_CHARSET = re.compile(rb"<meta[^>]+charset\s*=\s*[\"']?\s*([\w-]+)", re.IGNORECASE)


@dataclass(frozen=True)
class Response:
    """What a fetch brought back, already checked: status 200, a known type, within the size limit."""

    url: str
    kind: str  # "html" or "feed"
    body: bytes
    charset: str | None


def _report(on_error: OnError, error: DetenteError) -> None:
    if on_error is None:
        raise error
    on_error(error)


def make_client(settings: Settings) -> httpx.Client:
    """One client per run: connection reuse, the configured timeout and User-Agent, redirects followed."""
    return httpx.Client(
        timeout=float(settings["fetch_timeout"]),
        headers={"User-Agent": str(settings["fetch_user_agent"])},
        follow_redirects=True,
    )


def _max_bytes(settings: Settings) -> int:
    return int(settings["max_article_chars"]) * BYTES_PER_CHAR["html"]


def get(client: httpx.Client, url: str, *, max_bytes: int) -> Response:
    """Fetch ``url``, reading at most ``max_bytes`` of its body; raises FetchError or BadInput naming it."""
    try:
        with client.stream("GET", url) as r:
            if r.status_code != 200:
                raise FetchError(f"{url}: HTTP {r.status_code} {r.reason_phrase}".rstrip())
            media = (r.headers.get("content-type") or "").split(";")[0].strip().lower()
            kind = _kind(media)
            if kind is None:
                raise BadInput(url, None, f"not an HTML page or a feed (Content-Type {media or 'missing'})")
            declared = r.headers.get("content-length")
            if declared and declared.isdigit() and int(declared) > max_bytes:
                raise BadInput(url, None, f"response of {declared} bytes is over the limit of {max_bytes}")
            chunks: list[bytes] = []
            size = 0
            for chunk in r.iter_bytes():
                size += len(chunk)
                if size > max_bytes:
                    raise BadInput(url, None, f"response is over the limit of {max_bytes} bytes")
                chunks.append(chunk)
            body = b"".join(chunks)
            if kind == "html" and re.search(rb"<(rss|feed|rdf:RDF)\b", body[:1024].lstrip()[:512]):
                kind = "feed"  # feeds served as text/html are common enough to sniff for
            return Response(str(r.url), kind, body, r.charset_encoding)
    except httpx.HTTPError as exc:
        raise FetchError(f"{url}: {type(exc).__name__}: {exc}") from None


def _kind(media: str) -> str | None:
    http = _http_types()
    if media in http["html"]:
        return "html"
    if media in http["feed"]:
        return "feed"
    return None


@lru_cache(maxsize=1)
def _http_types() -> dict[str, tuple[str, ...]]:
    """Content types of pages and feeds, from ``data/ingest/formats.toml``."""
    raw = (resources.files("detente") / "data" / "ingest" / "formats.toml").read_text(encoding="utf-8")
    return {k: tuple(v) for k, v in tomllib.loads(raw)["http"].items()}


def _decode(body: bytes, charset: str | None) -> str:
    """Web pages lie about encodings often enough that a bad byte becomes U+FFFD, not a lost page."""
    if charset is None:
        m = _CHARSET.search(body[:8192])
        charset = m.group(1).decode("ascii", "replace") if m else "utf-8"
    try:
        return body.decode(charset, errors="replace")
    except LookupError:
        return body.decode("utf-8", errors="replace")


def _page_article(
    response: Response,
    settings: Settings,
    *,
    given: Any = None,
    title: str | None = None,
    outlet: str | None = None,
) -> Article | None:
    page = html_clean.clean_html(_decode(response.body, response.charset), url=response.url)
    if not page.text.strip():
        return None
    published, source = page.published, page.published_source
    if normalise_date(given):
        published, source = normalise_date(given), "given"
    return _article(
        page.text,
        response.url,
        settings,
        title=title or page.title,
        outlet=outlet or page.outlet,
        published=published,
        source=source,
    )


def _article(
    text: str,
    url: str,
    settings: Settings,
    *,
    title: str | None,
    outlet: str | None,
    published: str | None,
    source: str,
) -> Article:
    max_chars = int(settings["max_article_chars"])
    if len(text) > max_chars:
        logger.warning("%s: article cut to %d characters (setting max_article_chars)", url, max_chars)
        text = text[:max_chars]
    return Article(
        id=doc_id_for(text, url),
        text=text,
        url=url,
        title=title,
        outlet=outlet,
        published=published,
        published_source=source,
        origin=url,
    )


def fetch_urls(
    urls: Iterable[str], *, settings: Settings | None = None, on_error: OnError = None
) -> Iterator[Article]:
    """An article for each page URL, and one for each item of each feed URL."""
    settings = settings if settings is not None else load_settings()
    with make_client(settings) as client:
        for url in urls:
            try:
                response = get(client, url, max_bytes=_max_bytes(settings))
            except (FetchError, BadInput) as exc:
                _report(on_error, exc)
                continue
            if response.kind == "feed":
                yield from _feed_items(client, response, settings, on_error)
                continue
            article = _page_article(response, settings)
            if article is None:
                _report(on_error, BadInput(url, None, "no article text on the page"))
            else:
                yield article


def read_feed(url: str, *, settings: Settings | None = None, on_error: OnError = None) -> Iterator[Article]:
    """The articles an RSS or Atom feed links to (or, failing a link, the items' own content)."""
    settings = settings if settings is not None else load_settings()
    with make_client(settings) as client:
        try:
            response = get(client, url, max_bytes=_max_bytes(settings))
        except (FetchError, BadInput) as exc:
            _report(on_error, exc)
            return
        yield from _feed_items(client, response, settings, on_error)


def _entry_date(entry: Any) -> str | None:
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        value = entry.get(key)
        if isinstance(value, time.struct_time):
            return normalise_date(dt.date(value.tm_year, value.tm_mon, value.tm_mday))
    return None


def _entry_content(entry: Any) -> str | None:
    for item in entry.get("content") or []:
        value = item.get("value")
        if value and value.strip():
            return str(value)
    summary = entry.get("summary")
    return str(summary) if summary and summary.strip() else None


def _feed_items(
    client: httpx.Client, response: Response, settings: Settings, on_error: OnError
) -> Iterator[Article]:
    feed = feedparser.parse(response.body)
    if not feed.entries:
        reason = (
            f"not a readable feed ({feed.get('bozo_exception')})" if feed.get("bozo") else "feed has no items"
        )
        _report(on_error, BadInput(response.url, None, reason))
        return
    outlet = feed.feed.get("title") or None
    for number, entry in enumerate(feed.entries, start=1):
        given = _entry_date(entry)
        title = entry.get("title") or None
        link = entry.get("link")
        failure: DetenteError | None = None
        if link:
            try:
                linked = get(client, link, max_bytes=_max_bytes(settings))
                if linked.kind != "html":
                    raise BadInput(link, None, "feed item links to another feed")
                article = _page_article(linked, settings, given=given, title=title, outlet=outlet)
                if article is not None:
                    yield article
                    continue
                failure = BadInput(link, None, "no article text on the page")
            except (FetchError, BadInput) as exc:
                failure = exc
        content = _entry_content(entry)
        if content is None:
            _report(
                on_error,
                failure or BadInput(response.url, None, f"feed item {number} has no link and no content"),
            )
            continue
        if failure is not None:
            logger.warning("%s; using the feed item's own content instead", failure)
        if "<" in content:
            text = html_clean.clean_html(content, url=link).text
        else:
            text = content
        if title and text.strip() and not text.lstrip().startswith(title):
            text = f"{title}\n\n{text}"
        if not text.strip():
            _report(on_error, BadInput(response.url, None, f"feed item {number} has no text"))
            continue
        published, source = find_published(text, given=given)
        yield _article(
            text,
            link or response.url,
            settings,
            title=title,
            outlet=outlet,
            published=published,
            source=source,
        )
