"""Boilerplate removal for web pages, HTML or already flattened to text.

Events carry character offsets into ``Article.text``, and evaluation matches sentences by
their exact text, so cleaning here only ever drops whole lines (or a marker at the start of
one: "## ", a "date 2021-09-28" prefix); it never rewrites inside a sentence. The patterns
for what counts as chrome live in ``data/ingest/noise.toml``.

The body of an HTML page comes from trafilatura; title, outlet and date come from the page's
own metadata, read here, because they decide how every relative date in the text resolves.
"""

from __future__ import annotations

import json
import logging
import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any
from urllib.parse import urlsplit

import lxml.html
from lxml import etree

from detente.ingest import published as pub

logger = logging.getLogger(__name__)

#: Block elements whose text becomes one paragraph when trafilatura finds no body.
BLOCK_TAGS = ("h1", "h2", "h3", "h4", "h5", "h6", "p", "li", "blockquote", "pre", "figcaption")


@dataclass(frozen=True)
class CleanPage:
    """A page reduced to its article: clean text plus the metadata read off the page."""

    text: str
    title: str | None = None
    outlet: str | None = None
    published: str | None = None
    published_source: str = "none"


@dataclass(frozen=True)
class NoisePatterns:
    lines: re.Pattern[str]
    weather: re.Pattern[str]
    heading: re.Pattern[str]
    by_only: re.Pattern[str]
    max_line_chars: int


@lru_cache(maxsize=1)
def noise_patterns() -> NoisePatterns:
    raw = (resources.files("detente") / "data" / "ingest" / "noise.toml").read_text(encoding="utf-8")
    data = tomllib.loads(raw)
    every = [p for group in data["lines"].values() for p in group]
    return NoisePatterns(
        lines=re.compile("|".join(f"(?:{p})" for p in every), re.IGNORECASE),
        weather=re.compile("|".join(f"(?:{p})" for p in data["lines"]["weather"]), re.IGNORECASE),
        heading=re.compile(data["prefixes"]["heading"]),
        by_only=re.compile(data["byline"]["by_only"]),
        max_line_chars=int(data["max_line_chars"]),
    )


def is_noise_line(line: str) -> bool:
    """Whether a whole line is page chrome (banner, control, counter, byline, footer, bare date)."""
    s = line.strip()
    if not s:
        return False
    p = noise_patterns()
    if len(s) > p.max_line_chars:
        return False
    return bool(p.lines.fullmatch(s) or p.by_only.fullmatch(s) or pub.is_byline(s) or pub.is_bare_date(s))


def _weather_block(lines: list[str]) -> set[int]:
    """The paragraph at the top of a page that holds a temperature reading, with its place and date."""
    p = noise_patterns()
    limit = pub.patterns().header_max_lines
    for i, line in enumerate(lines[:limit]):
        s = line.strip()
        if s and pub.is_content_line(s):
            return set()
        if s and p.weather.fullmatch(s):
            start = i
            while start > 0 and lines[start - 1].strip():
                start -= 1
            end = i
            while end + 1 < len(lines) and lines[end + 1].strip() and not pub.is_content_line(lines[end + 1]):
                end += 1
            return set(range(start, end + 1))
    return set()


def strip_noise(text: str) -> str:
    """The text with page-chrome lines removed and every other line left exactly as it was.

    Blank lines around a removed line collapse into one break, so a sentence that a page
    split across a blank line keeps that break.

    >>> strip_noise("Aa Aa Aa\\n\\nTurkey and Russia met.\\n\\n13 33 0\\n\\n© Al Jazeera")
    'Turkey and Russia met.'
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    lines = text.split("\n")
    drop = pub.capture_date_lines(lines) | _weather_block(lines)
    header_lines = pub.patterns().header_max_lines
    kept: list[str] = []
    removed_since_kept = False
    for i, line in enumerate(lines):
        if i in drop or is_noise_line(line):
            removed_since_kept = True
            continue
        if i < header_lines:
            cut = pub.header_prefix_end(line)
            if cut:
                line = line[cut:]
                if not line.strip():
                    removed_since_kept = True
                    continue
        heading = noise_patterns().heading.match(line)
        if heading:
            line = line[heading.end() :]
        if not line.strip():
            if not kept or (removed_since_kept and not kept[-1].strip()):
                continue
            kept.append(line)
            continue
        kept.append(line)
        removed_since_kept = False
    while kept and not kept[-1].strip():
        kept.pop()
    return "\n".join(kept)


def guess_title(text: str) -> str | None:
    """The first line of a cleaned plain-text page when it reads as a headline.

    A headline is short, stands alone as a paragraph and does not end like a sentence
    (a question mark is allowed: "Are Russia and Turkey making deals ...?").
    """
    lines = text.split("\n")
    for i, line in enumerate(lines):
        s = line.strip()
        if not s:
            continue
        alone = i + 1 >= len(lines) or not lines[i + 1].strip()
        if alone and 2 <= len(s.split()) <= 30 and len(s) <= 200 and not s.endswith((".", ",", ";", ":")):
            return s
        return None
    return None


_COPYRIGHT = re.compile(
    r"^(?:©|\(c\)|copyright)\s*(?:©|\(c\))?\s*(?:\d{4}(?:\s*[-\u2013]\s*\d{4})?)?\s*[,.]?\s*"
    r"(?P<name>[^.|,©]+?)\s*(?:[-\u2013]?\s*\d{4}(?:\s*[-\u2013]\s*\d{4})?)?\s*(?:\.|,|\||all rights reserved|$)",
    re.IGNORECASE,
)


def outlet_from_text(text: str) -> str | None:
    """The outlet a copyright line names ("© Al Jazeera", "Copyright 2019 Reuters. All rights reserved.")."""
    for line in reversed(text.split("\n")[-40:]):
        m = _COPYRIGHT.match(line.strip())
        if m and 1 <= len(m["name"].split()) <= 6 and not m["name"].lower().startswith("all rights"):
            return m["name"].strip()
    return None


def _meta(tree: Any) -> dict[str, str]:
    found: dict[str, str] = {}
    for meta in tree.iter("meta"):
        name = (meta.get("property") or meta.get("name") or meta.get("itemprop") or "").strip().lower()
        content = (meta.get("content") or "").strip()
        if name and content and name not in found:
            found[name] = content
    return found


def _jsonld(tree: Any) -> list[Any]:
    blocks: list[Any] = []
    for script in tree.iter("script"):
        if (script.get("type") or "").strip().lower() == "application/ld+json" and script.text:
            try:
                blocks.append(json.loads(script.text))
            except ValueError:
                logger.debug("unreadable JSON-LD block skipped")
    return blocks


def _jsonld_value(node: Any, path: tuple[str, ...]) -> str | None:
    if isinstance(node, list):
        for item in node:
            found = _jsonld_value(item, path)
            if found:
                return found
        return None
    if not isinstance(node, dict):
        return None
    value: Any = node
    for key in path:
        value = value.get(key) if isinstance(value, dict) else None
    if isinstance(value, str) and value.strip():
        return value.strip()
    return _jsonld_value(node.get("@graph"), path)


def _strip_site_suffix(title: str, outlet: str | None) -> str:
    """ "Russia postpones offensive | WSWS" -> "Russia postpones offensive" when the tail names the site."""
    parts = re.split(r"\s+[|\u2013\u2014-]\s+", title)
    if len(parts) > 1:
        tail = parts[-1].strip()
        if (outlet and tail.lower() == outlet.lower()) or (
            len(tail.split()) <= 3 and len(parts[0].split()) >= 4
        ):
            return title[: len(title) - len(parts[-1])].rstrip(" |-\u2013\u2014")
    return title


def _text_of(element: Any) -> str:
    return re.sub(r"[ \t\r\n]+", " ", element.text_content() or "").strip()


def _title(tree: Any, meta: dict[str, str], ld: list[Any], outlet: str | None) -> str | None:
    candidates = [meta.get("og:title"), meta.get("twitter:title"), _jsonld_value(ld, ("headline",))]
    h1 = next(iter(tree.iter("h1")), None)
    if h1 is not None:
        candidates.append(_text_of(h1))
    t = next(iter(tree.iter("title")), None)
    if t is not None:
        candidates.append(_text_of(t))
    for c in candidates:
        if c and c.strip():
            return _strip_site_suffix(re.sub(r"\s+", " ", c).strip(), outlet)
    return None


def _outlet(meta: dict[str, str], ld: list[Any], url: str | None) -> str | None:
    for value in (
        meta.get("og:site_name"),
        meta.get("application-name"),
        _jsonld_value(ld, ("publisher", "name")),
    ):
        if value:
            return value
    if url:
        host = urlsplit(url).hostname or ""
        return host.removeprefix("www.") or None
    return None


def _fallback_body(tree: Any) -> str:
    """Paragraph text of a page trafilatura declines (too short, unusual markup)."""
    from lxml_html_clean import Cleaner

    cleaner = Cleaner(scripts=True, javascript=True, style=True, comments=True, forms=True, meta=True)
    try:
        cleaned = cleaner.clean_html(tree)
    except (ValueError, etree.ParserError):
        cleaned = tree
    for bad in cleaned.xpath("//nav|//header|//footer|//aside"):
        bad.drop_tree()
    blocks = [_text_of(el) for el in cleaned.iter(*BLOCK_TAGS)]
    blocks = [b for b in blocks if b]
    if not blocks:
        body = next(iter(cleaned.iter("body")), cleaned)
        return _text_of(body)
    return "\n\n".join(blocks)


def parse_html(html: str) -> Any:
    """An lxml document, or None for markup lxml cannot read at all."""
    try:
        return lxml.html.document_fromstring(html.encode("utf-8", "surrogatepass"))
    except (ValueError, etree.ParserError):
        return None


def clean_html(html: str, *, url: str | None = None) -> CleanPage:
    """The article in an HTML page: body text without chrome, title, outlet and publication date.

    The title is kept as the text's first paragraph (headlines report events too, and the
    gold keeps them as sentences) unless the body already opens with it.
    """
    import trafilatura  # on first use: the reader registry imports this module for every run

    tree = parse_html(html)
    if tree is None:
        text = strip_noise(re.sub(r"<[^>]*>", " ", html))
        date, source = pub.find_published(text)
        return CleanPage(text=text, published=date, published_source=source)
    meta = _meta(tree)
    ld = _jsonld(tree)
    outlet = _outlet(meta, ld, url)
    title = _title(tree, meta, ld, outlet)
    body = trafilatura.extract(
        html, url=url, include_comments=False, include_tables=False, deduplicate=False, output_format="txt"
    )
    if body and body.strip():
        body = "\n\n".join(body.split("\n"))  # one paragraph a line -> paragraphs apart, as on text pages
    else:
        body = _fallback_body(tree)
    date, source = pub.find_published(body, html=tree)
    text = strip_noise(body)
    if title and not text.lstrip().startswith(title):
        text = f"{title}\n\n{text}" if text else title
    if outlet is None:
        outlet = outlet_from_text(body)
    return CleanPage(text=text, title=title, outlet=outlet, published=date, published_source=source)
