"""An article's publication date, and how it was found.

Event dates are read against the publication date ("yesterday", "last September"), so a
wrong publication date shifts every relative date in the article. The order of trust is:
metadata the caller gave, the page's own header (HTML metadata, a labelled date such as
"date 2021-09-28", a bare date line under the title), a news-agency dateline, a byline,
and last the text's own latest dated reference (month precision, marked ``text``).

A date at the very top of a page beside site chrome (a weather widget's "Wednesday, May 8,
2024") is the day the page was captured, not published; :func:`capture_date_lines` finds
those lines so neither the header rule nor the text inference reads them.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
import tomllib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

import lxml.html
from lxml import etree

logger = logging.getLogger(__name__)

#: Earliest year accepted as a publication or reference date.
MIN_YEAR = 1900

_SPACE = r"[\s\u00a0]"


@dataclass(frozen=True)
class DatePatterns:
    """Compiled date patterns, built once from ``data/ingest/dates.toml``."""

    months: dict[str, int]
    full: re.Pattern[str]  # a day-precision date anywhere in a string
    month_year: re.Pattern[str]
    year: re.Pattern[str]
    bare_line: re.Pattern[str]  # a line that is only a date (with weekday, time, label)
    header: re.Pattern[str]  # a labelled date at the start of a line
    byline: re.Pattern[str]
    dateline: re.Pattern[str]
    header_max_lines: int
    header_max_chars: int
    meta_names: tuple[str, ...]
    jsonld_keys: tuple[str, ...]


@lru_cache(maxsize=1)
def patterns() -> DatePatterns:
    raw = (resources.files("detente") / "data" / "ingest" / "dates.toml").read_text(encoding="utf-8")
    data = tomllib.loads(raw)
    months: dict[str, int] = {k.lower(): int(v) for k, v in data["months"].items()}
    month = "(?i:" + "|".join(sorted(map(re.escape, months), key=len, reverse=True)) + r")\.?"
    weekday = (
        "(?i:" + "|".join(sorted(map(re.escape, data["weekdays"]["names"]), key=len, reverse=True)) + r")\.?"
    )
    day = r"(?:[0-3]?\d)(?i:st|nd|rd|th)?"
    year = r"(?:1[89]\d\d|20\d\d)"
    iso = rf"(?P<iy>{year})[-/.](?P<im>[01]?\d)[-/.](?P<id>[0-3]?\d)(?:[T ][\d:.]+(?:Z|[+-]\d\d:?\d\d)?)?"
    dmy = rf"(?P<dd>{day}){_SPACE}+(?i:of{_SPACE}+)?(?P<dm>{month}),?{_SPACE}+(?P<dy>{year})"
    mdy = rf"(?P<mm>{month}){_SPACE}+(?P<md>{day})(?:,?{_SPACE}*|{_SPACE}*/{_SPACE}*)(?P<my>{year})"
    full = rf"(?:{weekday},?{_SPACE}+)?(?:{iso}|{dmy}|{mdy})"
    time = rf"(?:,?{_SPACE}*(?:at{_SPACE}+)?\d{{1,2}}[:.]\d\d(?:{_SPACE}*(?i:am|pm|a\.m\.|p\.m\.))?(?:{_SPACE}*[A-Z]{{2,5}}|{_SPACE}*(?:GMT|UTC)[+-]?\d*)?)?"
    labels = "(?i:" + "|".join(data["header"]["labels"]) + ")"
    updated = r"(?i:updated|last updated|modified)"
    agencies = "|".join(sorted(map(re.escape, data["dateline"]["agencies"]), key=len, reverse=True))
    dateline = (
        rf"^{_SPACE}*(?P<place>[A-Z][A-Z'.\-]+(?:{_SPACE}[A-Z][A-Z'.\-]+){{0,3}}(?:,{_SPACE}*[A-Z][\w.'\-]+(?:{_SPACE}[A-Z][\w.'\-]+){{0,2}})?)"
        rf",?{_SPACE}+(?P<lm>{month}){_SPACE}+(?P<ld>{day})(?:,{_SPACE}*(?P<ly>{year}))?"
        rf"{_SPACE}*(?:\((?:{agencies})\))?{_SPACE}*[-\u2013\u2014]+"
    )
    return DatePatterns(
        months=months,
        full=re.compile(full),
        month_year=re.compile(rf"(?P<m>{month}){_SPACE}+(?i:of{_SPACE}+)?(?P<y>{year})\b"),
        year=re.compile(rf"(?<!\d)(?P<y>{year})(?!\d)"),
        bare_line=re.compile(
            rf"{_SPACE}*(?:(?P<label>{labels}|{updated}){_SPACE}*[:\-\u2013]?{_SPACE}*)?{full}{time}{_SPACE}*"
        ),
        header=re.compile(
            rf"^{_SPACE}*(?P<label>{labels}){_SPACE}*[:\-\u2013]?{_SPACE}*(?P<date>{full}){time}"
        ),
        byline=re.compile(
            data["byline"]["pattern"].replace("{date}", f"(?P<date>{full})") + time + f"{_SPACE}*"
        ),
        dateline=re.compile(dateline),
        header_max_lines=int(data["header"]["max_lines"]),
        header_max_chars=int(data["header"]["max_chars"]),
        meta_names=tuple(n.lower() for n in data["html"]["meta"]),
        jsonld_keys=tuple(data["html"]["jsonld"]),
    )


def _valid(y: int, m: int | None = None, d: int | None = None) -> bool:
    if not MIN_YEAR <= y <= dt.date.today().year + 1:
        return False
    try:
        dt.date(y, m or 1, d or 1)
    except ValueError:
        return False
    return True


def _from_match(m: re.Match[str], months: dict[str, int]) -> str | None:
    """A day-precision ``YYYY-MM-DD`` from a match of the full-date pattern, or None if impossible."""
    g = m.groupdict()
    if g.get("iy"):
        y, mo, d = int(g["iy"]), int(g["im"]), int(g["id"])
    elif g.get("dy"):
        y, mo, d = int(g["dy"]), months[g["dm"].rstrip(".").lower()], int(re.sub(r"\D", "", g["dd"]))
    elif g.get("my"):
        y, mo, d = int(g["my"]), months[g["mm"].rstrip(".").lower()], int(re.sub(r"\D", "", g["md"]))
    else:
        return None
    return f"{y:04d}-{mo:02d}-{d:02d}" if _valid(y, mo, d) else None


def normalise_date(value: Any) -> str | None:
    """``YYYY-MM-DD``, ``YYYY-MM`` or ``YYYY`` from a date, a datetime or a string; None if it is none of those.

    A datetime keeps the calendar day it was written with: "2021-09-28T23:30:00-05:00" is the
    28th where it was published, which is the day its "yesterday" is counted from.
    """
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return value.isoformat() if _valid(value.year) else None
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str):
        return None
    s = value.strip()
    m = re.fullmatch(r"(\d{4})(?:[-/](\d{1,2})(?:[-/](\d{1,2})(?:[T ].*)?)?)?", s)
    if m:
        y, mo, d = int(m[1]), m[2] and int(m[2]), m[3] and int(m[3])
        if not _valid(y, mo or None, d or None):
            return None
        if d:
            return f"{y:04d}-{mo:02d}-{d:02d}"
        return f"{y:04d}-{mo:02d}" if mo else f"{y:04d}"
    p = patterns()
    full = p.full.search(s)
    if full:
        return _from_match(full, p.months)
    my = p.month_year.fullmatch(s)
    if my:
        y, mo = int(my["y"]), p.months[my["m"].rstrip(".").lower()]
        return f"{y:04d}-{mo:02d}" if _valid(y, mo) else None
    return None


def is_content_line(line: str) -> bool:
    """A line that reads as a title or body text rather than chrome: four words or more."""
    return len(line.split()) >= 4 and not patterns().bare_line.fullmatch(line)


def capture_date_lines(lines: Sequence[str]) -> set[int]:
    """Indices of bare date lines at the top of a page that sit among site chrome.

    Such a date ("57.6 F / Cambridge / Wednesday, May 8, 2024" above the title) is the day
    the page was shown, not the day the article appeared. A bare date alone above the title,
    with nothing else before it, is left to the header rule instead.
    """
    p = patterns()
    dates: list[int] = []
    chrome = 0
    for i, line in enumerate(lines[: p.header_max_lines]):
        s = line.strip()
        if not s:
            continue
        if is_content_line(s):
            break
        if p.bare_line.fullmatch(s) and not p.header.match(s):
            dates.append(i)
        else:
            chrome += 1
    return set(dates) if chrome else set()


def header_prefix_end(line: str) -> int:
    """Where a labelled date that opens a line ends ("date 2021-09-28 Ankara and ..."), else 0."""
    m = patterns().header.match(line)
    if not m or not _from_match(m, patterns().months):
        return 0
    end = m.end()
    while end < len(line) and line[end] in " \t\u00a0:|-\u2013\u2014":
        end += 1
    return end


def is_byline(line: str) -> bool:
    """A line that is a name and a date ("Alex Lantier 15 September 2018")."""
    s = line.strip()
    return bool(s) and len(s) <= 160 and patterns().byline.fullmatch(s) is not None


def is_bare_date(line: str) -> bool:
    """A line that is only a date, maybe with a weekday, a time or a label ("Updated: ...")."""
    s = line.strip()
    return bool(s) and patterns().bare_line.fullmatch(s) is not None


def _from_header(lines: Sequence[str], skip: set[int]) -> str | None:
    p = patterns()
    seen_chars = 0
    content = 0
    for i, line in enumerate(lines[: p.header_max_lines]):
        seen_chars += len(line) + 1
        if seen_chars > p.header_max_chars + len(line):
            break
        if i in skip or not line.strip():
            continue
        s = line.strip()
        m = p.header.match(s)
        if m:
            found = _from_match(m, p.months)
            if found:
                return found
        bare = p.bare_line.fullmatch(s)
        if bare and content <= 1:
            label = (bare["label"] or "").lower()
            if not any(w in label for w in ("updated", "modified")):
                found = _from_match(bare, p.months)
                if found:
                    return found
        if is_content_line(s):
            content += 1
    return None


def _references(text: str) -> Iterator[tuple[int, int | None]]:
    """(year, month or None) for each dated reference in the text.

    Every reference that counts names a year, so the date patterns run only on a short
    window around each year: scanning a long article with them position by position is
    many times slower and finds nothing more.
    """
    p = patterns()
    today = dt.date.today()
    for y in p.year.finditer(text):
        year = int(y["y"])
        if not _valid(year) or year > today.year:
            continue
        window = text[max(0, y.start() - 40) : y.end() + 24]
        months: list[int] = []
        for m in p.full.finditer(window):
            day = _from_match(m, p.months)
            if day and int(day[:4]) == year:
                months.append(int(day[5:7]))
        for m in p.month_year.finditer(window):
            if int(m["y"]) == year:
                months.append(p.months[m["m"].rstrip(".").lower()])
        months = [mo for mo in months if (year, mo) <= (today.year, today.month)]
        yield (year, max(months)) if months else (year, None)


def _latest_month(text: str) -> tuple[int, int] | None:
    """The latest (year, month) the text names; a bare year counts as its January."""
    found = [(y, m or 1) for y, m in _references(text)]
    return max(found) if found else None


def _from_dateline(lines: Sequence[str], text: str) -> str | None:
    """A dated dateline; with no year in it, the first year that is not older than the text's own references."""
    p = patterns()
    for line in [ln for ln in lines if ln.strip()][:6]:
        m = p.dateline.match(line)
        if not m:
            continue
        month, day = p.months[m["lm"].rstrip(".").lower()], int(re.sub(r"\D", "", m["ld"]))
        if m["ly"]:
            year: int | None = int(m["ly"])
        else:
            latest = _latest_month(text)
            year = None if latest is None else latest[0] + (1 if month < latest[1] else 0)
        if year is not None and _valid(year, month, day):
            return f"{year:04d}-{month:02d}-{day:02d}"
    return None


def _from_byline(lines: Sequence[str]) -> str | None:
    p = patterns()
    for line in lines[: p.header_max_lines]:
        s = line.strip()
        if s and is_byline(s):
            m = p.byline.fullmatch(s)
            if m:
                found = _from_match(m, p.months)
                if found:
                    return found
    return None


def latest_reference(text: str) -> str | None:
    """The latest month (or, when that is a bare year, the year) the text itself names: ``YYYY-MM``/``YYYY``.

    An article cannot be older than what it reports, so its latest dated reference is the
    best lower bound on its publication date; the precision says how little we know.
    """
    refs = list(_references(text))
    if not refs:
        return None
    year, month = max((y, m or 0) for y, m in refs)
    return f"{year:04d}-{month:02d}" if month else f"{year:04d}"


def _walk_jsonld(node: Any, keys: tuple[str, ...]) -> str | None:
    if isinstance(node, list):
        for item in node:
            found = _walk_jsonld(item, keys)
            if found:
                return found
    elif isinstance(node, dict):
        for key in keys:
            value = normalise_date(node.get(key))
            if value:
                return value
        for key in ("@graph", "mainEntity", "mainEntityOfPage"):
            found = _walk_jsonld(node.get(key), keys)
            if found:
                return found
    return None


def from_html(tree: Any) -> str | None:
    """The publication date an HTML page declares: ``<meta>``, JSON-LD, then a ``<time>`` marked as published."""
    p = patterns()
    metas: dict[str, str] = {}
    for meta in tree.iter("meta"):
        name = (meta.get("property") or meta.get("name") or meta.get("itemprop") or "").strip().lower()
        content = meta.get("content")
        if name and content and name not in metas:
            metas[name] = content
    for name in p.meta_names:
        if name in metas:
            value = normalise_date(metas[name])
            if value:
                return value
    for script in tree.iter("script"):
        if (script.get("type") or "").strip().lower() != "application/ld+json" or not script.text:
            continue
        try:
            data = json.loads(script.text)
        except ValueError:
            logger.debug("unreadable JSON-LD block skipped")
            continue
        found = _walk_jsonld(data, p.jsonld_keys)
        if found:
            return found
    times = list(tree.iter("time"))
    marked = [
        t
        for t in times
        if t.get("pubdate") is not None
        or (t.get("itemprop") or "").lower() == "datepublished"
        or re.search(r"publish|posted", t.get("class") or "", re.IGNORECASE)
    ]
    in_article = [t for t in times if any(a.tag == "article" for a in t.iterancestors())]
    for t in marked + in_article[:1]:
        value = normalise_date(t.get("datetime") or (t.text_content() or ""))
        if value:
            return value
    return None


def find_published(text: str, *, given: Any = None, html: Any = None) -> tuple[str | None, str]:
    """The publication date (``YYYY-MM-DD``, ``YYYY-MM`` or ``YYYY``) and how it was found.

    ``text`` is the page as read, before noise is stripped (bylines and header dates are
    noise to the coder but evidence here). ``html`` is the page's HTML, a string or a parsed
    lxml tree. The source is one of ``given|header|dateline|byline|text|none``; HTML
    metadata counts as the page header.

    >>> find_published("ANKARA, March 5, 2019 (Reuters) - Turkey said ...")
    ('2019-03-05', 'dateline')
    """
    if given is not None and given != "":
        value = normalise_date(given)
        if value:
            return value, "given"
        logger.warning("given publication date %r is not a date; inferring it from the page", given)
    if html is not None:
        tree = _parse(html)
        if tree is not None:
            value = from_html(tree)
            if value:
                return value, "header"
    lines = text.split("\n")
    skip = capture_date_lines(lines)
    value = _from_header(lines, skip)
    if value:
        return value, "header"
    from detente.ingest.html import is_noise_line  # html builds on this module, so import late

    body = "\n".join(line for i, line in enumerate(lines) if i not in skip and not is_noise_line(line))
    value = _from_dateline(lines, body)
    if value:
        return value, "dateline"
    value = _from_byline(lines)
    if value:
        return value, "byline"
    value = latest_reference(body)
    if value:
        return value, "text"
    return None, "none"


def _parse(html: Any) -> Any:
    if not isinstance(html, str):
        return html
    try:
        return lxml.html.document_fromstring(html.encode("utf-8"))
    except (ValueError, etree.ParserError):
        logger.debug("HTML could not be parsed for its publication date")
        return None
