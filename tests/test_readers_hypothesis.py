"""Property tests: records survive a write/read round trip, and no input bytes escape ``on_error``."""

from __future__ import annotations

import csv
import datetime as dt
import json
import tempfile
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from detente.errors import DetenteError
from detente.ingest.readers import read_documents
from detente.settings import load_settings

# Text a record may hold: anything but NUL (which marks binary input) that is not blank.
safe_text = st.text(st.characters(exclude_characters="\x00", exclude_categories=("Cs",)), max_size=300)
article_text = safe_text.filter(lambda s: s.strip() != "")
meta_text = st.one_of(st.none(), safe_text.filter(lambda s: s != ""))


@st.composite
def published(draw: st.DrawFn) -> tuple[str | None, str | None]:
    """(what is written, what must be read back)."""
    day = draw(st.dates(min_value=dt.date(1950, 1, 1), max_value=dt.date(2025, 12, 31)))
    form = draw(st.sampled_from(["none", "day", "month", "datetime"]))
    if form == "none":
        return None, None
    if form == "day":
        return day.isoformat(), day.isoformat()
    if form == "month":
        return day.isoformat()[:7], day.isoformat()[:7]
    stamp = dt.datetime(day.year, day.month, day.day, draw(st.integers(0, 23)), draw(st.integers(0, 59)))
    return stamp.isoformat() + "Z", day.isoformat()


@st.composite
def records(draw: st.DrawFn) -> dict[str, Any]:
    written, expected = draw(published())
    return {
        "id": draw(safe_text.filter(lambda s: s != "")),
        "text": draw(article_text),
        "url": draw(meta_text),
        "title": draw(meta_text),
        "outlet": draw(meta_text),
        "published": written,
        "_expected_published": expected,
    }


def _check(articles: list[Any], recs: list[dict[str, Any]]) -> None:
    assert len(articles) == len(recs)
    for article, rec in zip(articles, recs):
        assert article.id == rec["id"]
        assert article.text == rec["text"]
        assert (article.url, article.title, article.outlet) == (rec["url"], rec["title"], rec["outlet"])
        if rec["published"] is not None:
            assert (article.published, article.published_source) == (rec["_expected_published"], "given")


@settings(max_examples=60, deadline=None)
@given(st.lists(records(), min_size=1, max_size=6))
def test_jsonl_written_from_any_records_reads_back_equal(recs: list[dict[str, Any]]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "corpus.jsonl"
        with path.open("w", encoding="utf-8") as f:
            for rec in recs:
                f.write(
                    json.dumps({k: v for k, v in rec.items() if not k.startswith("_")}, ensure_ascii=False)
                )
                f.write("\n")
        errors: list[DetenteError] = []
        articles = list(read_documents(path, on_error=errors.append))
    assert errors == []
    _check(articles, recs)


@settings(max_examples=60, deadline=None)
@given(st.lists(records(), min_size=1, max_size=6), st.sampled_from([".csv", ".tsv"]))
def test_csv_written_from_any_records_reads_back_equal(recs: list[dict[str, Any]], suffix: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"corpus{suffix}"
        with path.open("w", encoding="utf-8", newline="") as f:
            writer = csv.writer(f, delimiter="\t" if suffix == ".tsv" else ",")
            writer.writerow(["id", "text", "url", "title", "outlet", "published"])
            for rec in recs:
                writer.writerow([rec[k] if rec[k] is not None else "" for k in
                                 ("id", "text", "url", "title", "outlet", "published")])  # fmt: skip
        errors: list[DetenteError] = []
        articles = list(read_documents(path, on_error=errors.append))
    assert errors == []
    _check(articles, recs)


junk = st.one_of(
    st.binary(max_size=3000),
    st.lists(st.one_of(st.binary(max_size=80), st.just(b"\n"), st.just(b'{"text": "'), st.just(b'"}'),
                       st.just(b"\xff"), st.just(b","), st.just(b'"'), st.just(b"<p>"), st.just(b"\x00")),
             max_size=60).map(b"".join),
)  # fmt: skip


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(junk, st.sampled_from([".txt", ".html", ".jsonl", ".csv", ".tsv", ""]))
def test_arbitrary_bytes_never_raise_out_of_read_documents(data: bytes, suffix: str) -> None:
    small = load_settings(overrides=[("max_article_chars", 200)])
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"input{suffix}"
        path.write_bytes(data)
        errors: list[DetenteError] = []
        articles = list(read_documents(path, on_error=errors.append, settings=small))
    for article in articles:
        assert article.text.strip()
        assert len(article.text) <= 200
    for error in errors:
        assert str(path) in str(error)


page_lines = st.lists(
    st.one_of(
        st.sampled_from([
            "", "Aa Aa Aa", "- A +", "13 33 0", "57.6 F", "Cambridge", "Wednesday, May 8, 2024",
            "- Advertisement -", "## Turkey and Russia agree on patrols", " date 2021-09-28 Talks began in Sochi.",
            "Alex Lantier 15 September 2018", "\u00a9 Al Jazeera", "Russia and Turkey met in Sochi on Monday.",
            "India accused Pakistan of shelling border posts.",
        ]),
        safe_text.map(lambda s: s.replace("\n", " ").replace("\r", " ")),
    ),
    max_size=25,
)  # fmt: skip


@settings(max_examples=150, deadline=None)
@given(page_lines)
def test_strip_noise_only_drops_lines_or_cuts_their_start(lines: list[str]) -> None:
    from detente.ingest.html import strip_noise

    cleaned = strip_noise("\n".join(lines))
    remaining = iter(lines)
    for out in cleaned.split("\n"):
        if not out.strip():
            continue
        # each kept line is, in order, an input line or the end of one (a marker cut from its start)
        assert any(line.endswith(out) for line in remaining), out
