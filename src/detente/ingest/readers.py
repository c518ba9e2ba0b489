"""Read articles from files, directories, globs and URLs, one record at a time.

Corpora arrive as a folder of saved pages, a JSON Lines dump or a CSV export, and they are
never clean: a binary file in the folder, a line cut mid-JSON, a cell in the wrong
encoding. Each bad record goes to ``on_error`` as ``BadInput(path, line, reason)`` with
the 1-based line number, and the rest of the corpus goes on. JSON Lines and CSV are read
line by line with a bounded line length, so a 50 MB line is reported, not loaded.

Example::

    from detente.ingest.readers import read_documents

    for article in read_documents(["pages/", "dump.jsonl"], on_error=print):
        print(article.id, article.published, article.published_source)
"""

from __future__ import annotations

import codecs
import csv
import enum
import glob
import json
import logging
import os
import re
import tomllib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import IO, Any

from detente.errors import BadInput, DetenteError
from detente.ingest import html as html_clean
from detente.ingest.published import find_published, normalise_date
from detente.records import Article, doc_id_for
from detente.settings import Settings, load_settings

logger = logging.getLogger(__name__)

OnError = Callable[[DetenteError], Any] | None
Source = str | os.PathLike[str]

#: Bytes sniffed from the top of each file to tell its format and spot binaries.
HEAD_BYTES = 8192
#: Raw bytes allowed per character of ``max_article_chars``: UTF-8 takes up to 4 bytes a
#: character, JSON escapes and HTML markup more, so the line and page limits are generous.
BYTES_PER_CHAR = {"text": 4, "html": 16, "record": 8}
_GLOB_MAGIC = re.compile(r"[*?\[]")
_LOOKS_HTML = re.compile(rb"^\s*(<!doctype\s+html|<html\b|<head\b|<body\b)", re.IGNORECASE)
_HTML_IN_VALUE = re.compile(r"<(p|div|br|html|body|article|span|a|h[1-6])\b[^>]*>", re.IGNORECASE)
_CHARSET = re.compile(rb"<meta[^>]+charset\s*=\s*[\"']?\s*([\w-]+)", re.IGNORECASE)


class Format(enum.Enum):
    TEXT = "text"
    HTML = "html"
    JSONL = "jsonl"
    CSV = "csv"


@dataclass(frozen=True)
class FormatTable:
    extensions: dict[str, Format]
    fields: dict[str, tuple[str, ...]]


@lru_cache(maxsize=1)
def format_table() -> FormatTable:
    raw = (resources.files("detente") / "data" / "ingest" / "formats.toml").read_text(encoding="utf-8")
    data = tomllib.loads(raw)
    extensions = {ext: Format(name) for name, exts in data["extensions"].items() for ext in exts}
    fields = {name: tuple(names) for name, names in data["fields"].items()}
    return FormatTable(extensions, fields)


def detect_format(path: str | os.PathLike[str], head: bytes) -> Format:
    """The format of a file from its name, or from its first bytes when the name says nothing.

    A ``.txt`` file that holds a whole HTML document is read as HTML: saved pages are
    often misnamed, and reading markup as prose would code tag soup.
    """
    known = format_table().extensions.get(Path(path).suffix.lower())
    body = head.removeprefix(codecs.BOM_UTF8)
    if known in (None, Format.TEXT) and _LOOKS_HTML.match(body):
        return Format.HTML
    if known is not None:
        return known
    if body.lstrip().startswith(b"{"):
        return Format.JSONL
    return Format.TEXT


def _report(on_error: OnError, error: DetenteError) -> None:
    if on_error is None:
        raise error
    on_error(error)


def _settings(settings: Settings | None) -> Settings:
    return settings if settings is not None else load_settings()


# ---------------------------------------------------------------- sources


def read_documents(
    sources: Source | Iterable[Source], *, on_error: OnError = None, settings: Settings | None = None
) -> Iterator[Article]:
    """Every article in ``sources``: files, directories (recursive, sorted), globs and URLs.

    With ``on_error=None`` the first bad record raises its ``BadInput``; otherwise each one
    is handed to ``on_error`` and reading goes on.
    """
    settings = _settings(settings)
    for item in iter_sources(sources, on_error=on_error):
        if isinstance(item, str):
            from detente.ingest.fetch import fetch_urls  # httpx and feedparser only when a URL is read

            yield from fetch_urls([item], settings=settings, on_error=on_error)
        else:
            path, base = item
            yield from read_file(path, base=base, on_error=on_error, settings=settings)


def iter_sources(
    sources: Source | Iterable[Source], *, on_error: OnError = None
) -> Iterator[tuple[Path, Path] | str]:
    """What :func:`read_documents` reads, in its order: ``(file, base)`` pairs and URL strings.

    A file's article id is its path relative to ``base``; an engine that reads files one by
    one passes ``base`` to :func:`read_file` so its ids match a single-process run.
    """
    items: Iterable[Source] = [sources] if isinstance(sources, (str, os.PathLike)) else sources
    for source in items:
        text = os.fspath(source)
        if text.startswith(("http://", "https://")):
            yield text
        else:
            yield from _expand(text, on_error)


def iter_paths(sources: Source | Iterable[Source], *, on_error: OnError = None) -> Iterator[Path | str]:
    """The files and URLs :func:`read_documents` would read, for counting and sharding.

    Missing paths and empty globs are skipped quietly unless ``on_error`` is given, since
    reading the same sources reports them anyway.
    """
    quiet: OnError = on_error if on_error is not None else (lambda error: None)
    for item in iter_sources(sources, on_error=quiet):
        yield item if isinstance(item, str) else item[0]


def _expand(source: str, on_error: OnError) -> Iterator[tuple[Path, Path]]:
    """(file, base) pairs; an article's id is its file's path relative to ``base``."""
    path = Path(source)
    if path.is_dir():
        yield from _walk(path, on_error)
    elif path.exists():
        yield path, path.parent
    elif _GLOB_MAGIC.search(source):
        matches = sorted(glob.glob(source, recursive=True))
        if not matches:
            _report(on_error, BadInput(source, None, "no files match this pattern"))
        prefix = _GLOB_MAGIC.split(source, maxsplit=1)[0]
        base = Path(prefix) if prefix.endswith(("/", os.sep)) else Path(prefix).parent
        for match in matches:
            m = Path(match)
            if m.is_dir():
                yield from _walk(m, on_error)
            else:
                yield m, base
    else:
        _report(on_error, BadInput(source, None, "no such file or directory"))


#: A sidecar file of page metadata: one JSON object a line with ``file`` and any of ``outlet``,
#: ``title``, ``url``, ``published``, for the text and HTML pages of its folder.
MANIFEST_NAME = "manifest.jsonl"


def _walk(root: Path, on_error: OnError) -> Iterator[tuple[Path, Path]]:
    """Every file under ``root`` in the order of its path relative to ``root``, listed one
    directory at a time: a folder of a million pages is never held as a list of paths."""
    known = format_table().extensions
    skipped = 0
    for path in _sorted_files(root, on_error):
        if path.suffix.lower() in known:
            yield path, root
        else:
            skipped += 1
    if skipped:
        logger.warning("%s: skipped %d file(s) whose names end in no known format", root, skipped)


def _sorted_files(folder: Path, on_error: OnError) -> Iterator[Path]:
    """The visible files under ``folder`` (not through links to folders), sorted by path.

    A folder's entries are sorted with a "/" after each subfolder's name, which puts them
    in the order of the full paths below them: "a/b" comes before "a-c" as "/" sorts after
    "-". Names cannot contain "/", so the mark also tells a subfolder from a file.
    """
    names: list[str] = []
    try:
        with os.scandir(folder) as entries:
            for entry in entries:
                if entry.name.startswith(".") or entry.name == MANIFEST_NAME:
                    continue
                try:
                    is_folder = entry.is_dir()
                except OSError:
                    is_folder = False  # gone or unreadable: read_file reports it as a file it cannot read
                if not is_folder:
                    names.append(entry.name)
                elif not entry.is_symlink():
                    names.append(entry.name + "/")
    except OSError as exc:
        _report(on_error, BadInput(exc.filename or str(folder), None, f"cannot list directory: {exc.strerror}"))
        return
    names.sort()
    for name in names:
        if name.endswith("/"):
            yield from _sorted_files(folder / name[:-1], on_error)
        else:
            yield folder / name


# ---------------------------------------------------------------- one file


def read_file(
    path: str | os.PathLike[str],
    *,
    base: str | os.PathLike[str] | None = None,
    on_error: OnError = None,
    settings: Settings | None = None,
) -> Iterator[Article]:
    """The articles of one file, whatever its format."""
    settings = _settings(settings)
    p = Path(path)
    try:
        with p.open("rb") as f:
            head = f.read(HEAD_BYTES)
    except OSError as exc:
        _report(on_error, BadInput(str(p), None, f"cannot read file: {exc.strerror or exc}"))
        return
    fmt = detect_format(p, head)
    base_path = Path(base) if base is not None else p.parent
    if fmt is Format.JSONL and head.removeprefix(codecs.BOM_UTF8).lstrip().startswith(b"["):
        _report(on_error, BadInput(str(p), 1, "a JSON array; write one JSON object a line (JSON Lines)"))
    elif fmt is Format.JSONL:
        yield from read_jsonl(p, on_error=on_error, settings=settings)
    elif fmt is Format.CSV:
        yield from read_csv(p, on_error=on_error, settings=settings)
    else:
        article = _read_page(p, base_path, fmt, on_error, settings)
        if article is not None:
            yield article


def read_text(
    path: str | os.PathLike[str], *, on_error: OnError = None, settings: Settings | None = None
) -> Iterator[Article]:
    """A plain-text page (page noise stripped, date and title read off the page)."""
    p = Path(path)
    article = _read_page(p, p.parent, Format.TEXT, on_error, _settings(settings))
    if article is not None:
        yield article


def read_html(
    path: str | os.PathLike[str], *, on_error: OnError = None, settings: Settings | None = None
) -> Iterator[Article]:
    """A saved HTML page."""
    p = Path(path)
    article = _read_page(p, p.parent, Format.HTML, on_error, _settings(settings))
    if article is not None:
        yield article


def _line_of(data: bytes, index: int) -> int:
    return data.count(b"\n", 0, index) + 1


def _decode_page(p: Path, data: bytes, fmt: Format, complete: bool, on_error: OnError) -> str | None:
    """The page as text, or None after reporting why it cannot be read."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        _report(on_error, BadInput(str(p), 1, "UTF-16 text; save it as UTF-8"))
        return None
    nul = data.find(b"\x00")
    if nul >= 0:
        _report(
            on_error, BadInput(str(p), _line_of(data, nul), "binary file (NUL byte); not a text or HTML page")
        )
        return None
    data = data.removeprefix(codecs.BOM_UTF8)
    decoder = codecs.getincrementaldecoder("utf-8")("strict")
    try:
        return str(decoder.decode(data, final=complete))
    except UnicodeDecodeError as exc:
        charset = _CHARSET.search(data[:HEAD_BYTES]) if fmt is Format.HTML else None
        if charset:
            name = charset.group(1).decode("ascii", "replace")
            try:
                return data.decode(name)
            except (LookupError, UnicodeDecodeError):
                pass
        line = _line_of(data, exc.start)
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        _report(
            on_error,
            BadInput(
                str(p), line, f"not UTF-8 (byte 0x{data[exc.start]:02x} at column {column}); skipped the file"
            ),
        )
        return None


def _read_page(p: Path, base: Path, fmt: Format, on_error: OnError, settings: Settings) -> Article | None:
    max_chars = int(settings["max_article_chars"])
    limit = max_chars * BYTES_PER_CHAR["html" if fmt is Format.HTML else "text"]
    try:
        with p.open("rb") as f:
            data = f.read(limit + 1)
    except OSError as exc:
        _report(on_error, BadInput(str(p), None, f"cannot read file: {exc.strerror or exc}"))
        return None
    complete = len(data) <= limit
    data = data[:limit]
    if not data.strip():
        _report(on_error, BadInput(str(p), 1, "empty file"))
        return None
    raw = _decode_page(p, data, fmt, complete, on_error)
    if raw is None:
        return None
    raw = raw.replace("\r\n", "\n").replace("\r", "\n")
    try:
        rel = p.relative_to(base).as_posix()
    except ValueError:
        rel = p.name
    if fmt is Format.HTML:
        page = html_clean.clean_html(raw)
        text, title, outlet = page.text, page.title, page.outlet
        published, published_source = page.published, page.published_source
    else:
        text = html_clean.strip_noise(raw)
        title, outlet = html_clean.guess_title(text), html_clean.outlet_from_text(raw)
        published, published_source = find_published(raw)
    meta = page_metadata(p)
    if meta.get("published"):
        published, published_source = find_published("", given=meta["published"])
    if not text.strip():
        _report(on_error, BadInput(str(p), 1, "no text left once page noise is removed"))
        return None
    if not complete or len(text) > max_chars:
        logger.warning("%s:1: article cut to %d characters (setting max_article_chars)", p, max_chars)
        text = text[:max_chars]
    return Article(
        id=rel,
        text=text,
        url=_string(meta.get("url")),
        title=_string(meta.get("title")) or title,
        outlet=_string(meta.get("outlet")) or outlet,
        published=published,
        published_source=published_source,
        origin=f"{p}:1",
    )


@lru_cache(maxsize=64)
def _manifest(path: Path, mtime: float) -> dict[str, dict[str, Any]]:
    entries: dict[str, dict[str, Any]] = {}
    with path.open(encoding="utf-8", errors="replace") as fh:
        for lineno, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
                entries[str(record["file"])] = record
            except (ValueError, KeyError, TypeError):
                logger.warning("%s:%d: not a manifest record (needs a \"file\" key); ignored", path, lineno)
    return entries


def page_metadata(page: Path) -> dict[str, Any]:
    """What a ``manifest.jsonl`` in the page's folder, or the folder above, says of the page
    (its ``file`` is the page's path relative to the manifest's folder)."""
    for folder in (page.parent, page.parent.parent):
        entry = manifest_for(folder).get(page.relative_to(folder).as_posix())
        if entry is not None:
            return entry
    return {}


def manifest_for(folder: Path) -> dict[str, dict[str, Any]]:
    """Metadata a folder's ``manifest.jsonl`` gives its pages, by file name; empty when none.

    Why: exports of page captures often keep the outlet and publication date beside the
    pages rather than in them; given metadata beats anything read off a messy page.
    """
    path = folder / MANIFEST_NAME
    try:
        mtime = path.stat().st_mtime
    except OSError:
        return {}
    return _manifest(path, mtime)


# ---------------------------------------------------------------- records


def _bounded_lines(f: IO[bytes], cap: int) -> Iterator[tuple[int, bytes | None]]:
    """(line number, bytes) for each line; None for a line longer than ``cap``, which is skipped unread."""
    number = 0
    while True:
        line = f.readline(cap + 1)
        if not line:
            return
        number += 1
        if len(line) > cap and not line.endswith(b"\n"):
            while True:
                chunk = f.readline(1 << 20)
                if not chunk or chunk.endswith(b"\n"):
                    break
            yield number, None
            continue
        yield number, line


def _too_long(p: Path, line: int, cap: int) -> BadInput:
    return BadInput(str(p), line, f"line longer than {cap} bytes (setting max_article_chars); skipped")


def _not_utf8(p: Path, line: int, exc: UnicodeDecodeError, raw: bytes) -> BadInput:
    return BadInput(
        str(p), line, f"not UTF-8 (byte 0x{raw[exc.start]:02x} at column {exc.start + 1}); skipped"
    )


def read_jsonl(
    path: str | os.PathLike[str], *, on_error: OnError = None, settings: Settings | None = None
) -> Iterator[Article]:
    """One article per JSON object line; blank lines are allowed, everything else must parse."""
    settings = _settings(settings)
    p = Path(path)
    cap = int(settings["max_article_chars"]) * BYTES_PER_CHAR["record"] + 65536
    try:
        f = p.open("rb")
    except OSError as exc:
        _report(on_error, BadInput(str(p), None, f"cannot read file: {exc.strerror or exc}"))
        return
    with f:
        for number, raw in _bounded_lines(f, cap):
            if raw is None:
                _report(on_error, _too_long(p, number, cap))
                continue
            if number == 1:
                raw = raw.removeprefix(codecs.BOM_UTF8)
            if not raw.strip():
                continue
            try:
                line = raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                _report(on_error, _not_utf8(p, number, exc, raw))
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as exc:
                _report(
                    on_error, BadInput(str(p), number, f"malformed JSON: {exc.msg} at column {exc.colno}")
                )
                continue
            except RecursionError:
                _report(on_error, BadInput(str(p), number, "malformed JSON: nested too deeply"))
                continue
            if not isinstance(record, dict):
                _report(on_error, BadInput(str(p), number, f"a JSON {type(record).__name__}, not an object"))
                continue
            article = _article_from_record(record, p, number, on_error, settings)
            if article is not None:
                yield article


def read_csv(
    path: str | os.PathLike[str], *, on_error: OnError = None, settings: Settings | None = None
) -> Iterator[Article]:
    """One article per row under a header row; ``.tsv`` files are tab-separated.

    Quoted cells may span lines, so a row's line number is the line it starts on.
    """
    settings = _settings(settings)
    p = Path(path)
    cap = int(settings["max_article_chars"]) * BYTES_PER_CHAR["record"] + 65536
    # The csv module's cell limit is process-wide; it is raised, never lowered, to the line limit.
    if csv.field_size_limit() < cap:
        csv.field_size_limit(cap)
    try:
        f = p.open("rb")
    except OSError as exc:
        _report(on_error, BadInput(str(p), None, f"cannot read file: {exc.strerror or exc}"))
        return
    position = {"line": 0}

    def lines() -> Iterator[str]:
        for number, raw in _bounded_lines(f, cap):
            position["line"] = number
            if raw is None:
                _report(on_error, _too_long(p, number, cap))
                yield "\n"
                continue
            if number == 1:
                raw = raw.removeprefix(codecs.BOM_UTF8)
            if b"\x00" in raw:
                _report(on_error, BadInput(str(p), number, "NUL byte in a CSV line; skipped"))
                yield "\n"
                continue
            try:
                yield raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                _report(on_error, _not_utf8(p, number, exc, raw))
                yield "\n"

    with f:
        reader = csv.reader(lines(), delimiter="\t" if p.suffix.lower() == ".tsv" else ",", strict=True)
        header: list[str] | None = None
        last_end = 0
        while True:
            try:
                row = next(reader)
            except StopIteration:
                break
            except csv.Error as exc:
                _report(on_error, BadInput(str(p), last_end + 1, f"malformed CSV row: {exc}"))
                last_end = position["line"]
                continue
            start, last_end = last_end + 1, position["line"]
            if not row or (len(row) == 1 and not row[0].strip()):
                continue
            if header is None:
                header = [h.strip().lower() for h in row]
                if not set(header) & set(format_table().fields["text"]):
                    _report(
                        on_error,
                        BadInput(str(p), start, "no text column (text, html, content or body) in the header"),
                    )
                    return
                continue
            if len(row) != len(header):
                _report(
                    on_error, BadInput(str(p), start, f"{len(row)} fields where the header has {len(header)}")
                )
                continue
            article = _article_from_record(dict(zip(header, row)), p, start, on_error, settings)
            if article is not None:
                yield article
        if header is None:
            _report(on_error, BadInput(str(p), 1, "empty file"))


def _field(record: dict[str, Any], name: str) -> tuple[str | None, Any]:
    for key in format_table().fields[name]:
        value = record.get(key)
        if value is not None and value != "":
            return key, value
    return None, None


def _string(value: Any) -> str | None:
    if value is None or value == "" or isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return str(value)
    return value if isinstance(value, str) else None


def _article_from_record(
    record: dict[str, Any], p: Path, line: int, on_error: OnError, settings: Settings
) -> Article | None:
    """An article from one JSON object or CSV row, or None after reporting why not.

    A ``text`` value is taken exactly as given (it is data someone prepared, and gold files
    are valid input); ``html``, and ``content``/``body`` that hold markup, are cleaned.
    """
    key, value = _field(record, "text")
    if not isinstance(value, str) or not value.strip():
        reason = (
            "no text (text, html, content or body)" if value is None else f"{key} is not a non-empty string"
        )
        _report(on_error, BadInput(str(p), line, reason))
        return None
    url = _string(_field(record, "url")[1])
    title = _string(_field(record, "title")[1])
    outlet = _string(_field(record, "outlet")[1])
    given = _field(record, "published")[1]
    if key == "html" or (key in ("content", "body") and _HTML_IN_VALUE.search(value[:HEAD_BYTES])):
        page = html_clean.clean_html(value, url=url)
        text, title, outlet = page.text, title or page.title, outlet or page.outlet
        published, source = normalise_date(given), "given"
        if published is None:
            published, source = page.published, page.published_source
            if given is not None:
                logger.warning("%s:%d: published %r is not a date; read the page instead", p, line, given)
    else:
        text = value
        published, source = find_published(text, given=given)
    if not text.strip():
        _report(on_error, BadInput(str(p), line, "no text left once page noise is removed"))
        return None
    max_chars = int(settings["max_article_chars"])
    if len(text) > max_chars:
        logger.warning("%s:%d: article cut to %d characters (setting max_article_chars)", p, line, max_chars)
        text = text[:max_chars]
    rid = _string(_field(record, "id")[1])
    return Article(
        id=rid if rid is not None else doc_id_for(text, url),
        text=text,
        url=url,
        title=title,
        outlet=outlet,
        published=published,
        published_source=source,
        origin=f"{p}:{line}",
    )


def register_readers(registry: Any) -> None:
    """Built-in readers, registered exactly as a plugin would register its own."""
    registry.register("text", read_text)
    registry.register("html", read_html)
    registry.register("jsonl", read_jsonl)
    registry.register("csv", read_csv)
