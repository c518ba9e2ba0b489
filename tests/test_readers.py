"""Readers: formats, sources, ids, metadata, and bad input reported with its line."""

from __future__ import annotations

import json
import logging
import re
import shutil
from pathlib import Path

import pytest

from detente.errors import BadInput, DetenteError
from detente.ingest.readers import Format, detect_format, read_documents, register_readers
from detente.records import doc_id_for
from detente.registry import Registry
from detente.settings import load_settings

PAGES = Path(__file__).parent / "data" / "pages"


def read_all(sources: object, **kw: object) -> tuple[list, list[DetenteError]]:  # type: ignore[type-arg]
    errors: list[DetenteError] = []
    articles = list(read_documents(sources, on_error=errors.append, **kw))  # type: ignore[arg-type]
    return articles, errors


def where(errors: list[DetenteError]) -> list[tuple[str, int | None]]:
    return [(Path(e.path).name, e.line) for e in errors if isinstance(e, BadInput)]


# ---------------------------------------------------------------- formats and sources


@pytest.mark.parametrize(
    ("name", "head", "expected"),
    [
        ("a.txt", b"Turkey and Russia met.", Format.TEXT),
        ("a.html", b"<p>x</p>", Format.HTML),
        ("a.txt", b"\xef\xbb\xbf<!DOCTYPE html><html>", Format.HTML),
        ("a.jsonl", b'{"id": 1}', Format.JSONL),
        ("a.ndjson", b'{"id": 1}', Format.JSONL),
        ("a.csv", b"id,text", Format.CSV),
        ("a.tsv", b"id\ttext", Format.CSV),
        ("noext", b'  {"text": "x"}', Format.JSONL),
        ("noext", b"<html><body>", Format.HTML),
        ("noext", b"Plain words.", Format.TEXT),
    ],
)
def test_format_from_name_then_content(name: str, head: bytes, expected: Format) -> None:
    assert detect_format(name, head) is expected


def test_directory_is_walked_recursively_in_sorted_order_with_relative_ids(tmp_path: Path) -> None:
    (tmp_path / "b").mkdir()
    (tmp_path / "a").mkdir()
    (tmp_path / ".hidden").mkdir()
    (tmp_path / "b" / "2.txt").write_text("Second page about talks in Doha.\n")
    (tmp_path / "a" / "9.txt").write_text("First page about talks in Geneva.\n")
    (tmp_path / "z.txt").write_text("Last page about talks in Vienna.\n")
    (tmp_path / ".hidden" / "x.txt").write_text("Never read.\n")
    (tmp_path / "notes.docx").write_bytes(b"PK\x03\x04")
    articles, errors = read_all(tmp_path)
    assert [a.id for a in articles] == ["a/9.txt", "b/2.txt", "z.txt"]
    assert errors == []
    assert articles[0].origin == f"{tmp_path / 'a' / '9.txt'}:1"


def test_a_folder_is_read_in_the_order_of_its_full_paths_not_folder_by_folder(tmp_path: Path) -> None:
    # "-" and "." sort before "/" and "0" after it: the files of folder "a" come between them.
    (tmp_path / "a").mkdir()
    for name in ("a/b.txt", "a-c.txt", "a.txt", "a0.txt"):
        (tmp_path / name).write_text(f"A page called {name} about talks in Geneva.\n")
    articles, errors = read_all(tmp_path)
    assert [a.id for a in articles] == ["a-c.txt", "a.txt", "a/b.txt", "a0.txt"]
    assert errors == []


def test_a_file_argument_gets_its_base_name_as_id() -> None:
    (article,) = read_documents(PAGES / "dateline.txt")
    assert article.id == "dateline.txt"


def test_glob_reads_matching_files_sorted(tmp_path: Path) -> None:
    for name in ("b.txt", "a.txt", "c.html"):
        shutil.copy(PAGES / ("dateline.txt" if name.endswith("txt") else "short_time.html"), tmp_path / name)
    articles, errors = read_all(str(tmp_path / "*.txt"))
    assert [a.id for a in articles] == ["a.txt", "b.txt"]
    assert errors == []


def test_glob_with_no_match_and_missing_path_are_reported(tmp_path: Path) -> None:
    articles, errors = read_all([str(tmp_path / "*.nothing"), str(tmp_path / "missing.txt")])
    assert articles == []
    assert [e.reason for e in errors if isinstance(e, BadInput)] == [
        "no files match this pattern",
        "no such file or directory",
    ]


def test_without_a_handler_bad_input_raises(tmp_path: Path) -> None:
    with pytest.raises(BadInput, match="no such file"):
        list(read_documents(tmp_path / "missing.txt"))


def test_readers_are_registered_by_name() -> None:
    registry: Registry[object] = Registry("reader")
    register_readers(registry)
    assert registry.names() == ["csv", "html", "jsonl", "text"]
    (article,) = registry.get("text")(PAGES / "header_date.txt")  # type: ignore[operator]
    assert article.published == "2020-02-11"


# ---------------------------------------------------------------- pages


def test_text_pages_are_cleaned_and_dated() -> None:
    by_id = {a.id: a for a in read_documents(PAGES)}
    assert set(by_id) == {
        "article.html", "byline_footer.txt", "cookie_font_share.txt", "dateline.txt", "header_date.txt",
        "short_time.html", "weather_capture.txt",
    }  # fmt: skip
    weather = by_id["weather_capture.txt"]
    assert (weather.published, weather.published_source) == ("2023-03", "text")
    assert weather.title == "Can Armenia and Azerbaijan turn a ceasefire into a treaty?"
    byline = by_id["byline_footer.txt"]
    assert (byline.published, byline.published_source) == ("2021-02-26", "byline")
    assert "Priya Raman" not in byline.text
    assert (by_id["dateline.txt"].published, by_id["dateline.txt"].published_source) == (
        "2020-03-05",
        "dateline",
    )
    assert by_id["cookie_font_share.txt"].outlet == "Horn Monitor"
    html = by_id["article.html"]
    assert (html.title, html.outlet, html.published) == (
        "Serbia and Kosovo sign deal on car plates", "Balkan Desk", "2022-11-24",
    )  # fmt: skip


# ---------------------------------------------------------------- records


def test_jsonl_fields_and_aliases(tmp_path: Path) -> None:
    path = tmp_path / "in.jsonl"
    lines = [
        {"id": "a1", "text": "Russia and Turkey met in Sochi.", "url": "https://x.example/1", "title": "T",
         "outlet": "O", "published": "2018-09-17T10:00:00Z", "ignored": [1, 2]},
        {"id": 7, "body": "India and Pakistan agreed to a ceasefire.", "source": "Wire", "date": "2021-02"},
        {"content": "<html><body><p>Serbia and Kosovo reached a deal on plates in Brussels on Wednesday.</p>"
                    "</body></html>", "url": "https://y.example/2"},
        {"text": "ANKARA, March 5, 2019 (Reuters) - Turkey said talks would go on."},
    ]  # fmt: skip
    path.write_text("\n".join(json.dumps(x) for x in lines) + "\n", encoding="utf-8")
    articles, errors = read_all(path)
    assert errors == []
    a, b, c, d = articles
    assert (a.id, a.url, a.title, a.outlet, a.published, a.published_source, a.origin) == (
        "a1", "https://x.example/1", "T", "O", "2018-09-17", "given", f"{path}:1",
    )  # fmt: skip
    assert (b.id, b.outlet, b.published, b.text) == (
        "7",
        "Wire",
        "2021-02",
        "India and Pakistan agreed to a ceasefire.",
    )
    assert c.id == doc_id_for(c.text, "https://y.example/2")
    assert "Serbia and Kosovo reached a deal on plates in Brussels on Wednesday." in c.text
    assert "<p>" not in c.text
    assert (d.published, d.published_source) == ("2019-03-05", "dateline")
    assert d.id == doc_id_for(d.text)


def test_record_text_is_taken_exactly_as_given(tmp_path: Path) -> None:
    text = "  Advertisement\n13 33 0\nRussia and Turkey met.  "
    path = tmp_path / "in.jsonl"
    path.write_text(json.dumps({"id": "x", "text": text}) + "\n", encoding="utf-8")
    (article,) = read_documents(path)
    assert article.text == text


def test_bad_jsonl_lines_are_reported_with_their_line_and_the_rest_is_read(tmp_path: Path) -> None:
    path = tmp_path / "mixed.jsonl"
    path.write_bytes(
        b'{"id": "ok1", "text": "Russia and Turkey met."}\n'
        b'{"id": "broken", "text": "no end\n'
        b"\n"
        b'["a", "list"]\n'
        b'{"id": "empty", "text": "   "}\n'
        b'{"id": "none", "title": "no text here"}\n'
        b'{"id": "latin1", "text": "Ankara \xe9t\xe9"}\n'
        b'{"id": "num", "text": 42}\n'
        b'{"id": "ok2", "text": "India and Pakistan talked."}\n'
    )
    articles, errors = read_all(path)
    assert [a.id for a in articles] == ["ok1", "ok2"]
    assert where(errors) == [("mixed.jsonl", n) for n in (2, 4, 5, 6, 7, 8)]
    reasons = [e.reason for e in errors if isinstance(e, BadInput)]
    assert reasons[0].startswith("malformed JSON")
    assert reasons[1] == "a JSON list, not an object"
    assert reasons[4].startswith("not UTF-8 (byte 0xe9")
    assert str(errors[0]).startswith(f"{path}:2: ")


def test_csv_rows_with_quoted_newlines_keep_their_starting_line(tmp_path: Path) -> None:
    path = tmp_path / "in.csv"
    path.write_text(
        "id,text,url,title,source,date,extra\n"
        'r1,"Russia and Turkey met.\n\nThey agreed on patrols.",https://x.example/1,T1,Wire,2019-05-02,zz\n'
        'r2,"too few fields"\n'
        "r3,India and Pakistan talked.,,,,2021-02-26,\n"
        'r4,"unclosed, quote\n',
        encoding="utf-8",
    )
    articles, errors = read_all(path)
    assert [a.id for a in articles] == ["r1", "r3"]
    r1, r3 = articles
    assert r1.text == "Russia and Turkey met.\n\nThey agreed on patrols."
    assert (r1.url, r1.title, r1.outlet, r1.published, r1.origin) == (
        "https://x.example/1", "T1", "Wire", "2019-05-02", f"{path}:2",
    )  # fmt: skip
    assert (r3.url, r3.title, r3.origin) == (None, None, f"{path}:6")
    assert where(errors) == [("in.csv", 5), ("in.csv", 7)]


def test_csv_without_a_text_column_is_reported_once(tmp_path: Path) -> None:
    path = tmp_path / "no_text.csv"
    path.write_text("id,headline\n1,Talks\n2,More talks\n", encoding="utf-8")
    articles, errors = read_all(path)
    assert articles == []
    assert where(errors) == [("no_text.csv", 1)]


def test_tsv_is_tab_separated(tmp_path: Path) -> None:
    path = tmp_path / "in.tsv"
    path.write_text("id\ttext\nt1\tChina and Japan held talks, then issued a statement.\n", encoding="utf-8")
    (article,) = read_documents(path)
    assert (article.id, article.text) == ("t1", "China and Japan held talks, then issued a statement.")


def test_invalid_utf8_in_a_csv_line_skips_that_row(tmp_path: Path) -> None:
    path = tmp_path / "in.csv"
    path.write_bytes(b"id,text\na,Ankara \xe9t\xe9\nb,Moscow agreed.\n")
    articles, errors = read_all(path)
    assert [a.id for a in articles] == ["b"]
    assert where(errors) == [("in.csv", 2)]


# ---------------------------------------------------------------- bad files


def test_bad_files_are_reported_and_the_corpus_goes_on(tmp_path: Path) -> None:
    (tmp_path / "a_empty.txt").write_text("  \n\n")
    (tmp_path / "b_binary.txt").write_bytes(b"line one\nline two\x00\x01\x02")
    (tmp_path / "c_latin1.txt").write_bytes(b"Ankara and Moscow met.\nSecond line\nCaf\xe9 talks.\n")
    (tmp_path / "d_utf16.txt").write_bytes("Talks.".encode("utf-16"))
    (tmp_path / "e_noise_only.txt").write_text("Aa Aa Aa\n13 33 0\nAdvertisement\n")
    (tmp_path / "f_good.txt").write_text("Turkey and Russia agreed on joint patrols.\n")
    articles, errors = read_all(tmp_path)
    assert [a.id for a in articles] == ["f_good.txt"]
    assert where(errors) == [
        ("a_empty.txt", 1), ("b_binary.txt", 2), ("c_latin1.txt", 3), ("d_utf16.txt", 1), ("e_noise_only.txt", 1),
    ]  # fmt: skip
    reasons = [e.reason for e in errors if isinstance(e, BadInput)]
    assert reasons[0] == "empty file"
    assert reasons[1].startswith("binary file")
    assert re.match(r"not UTF-8 \(byte 0xe9 at column 4\)", reasons[2])


def test_html_with_a_declared_charset_is_decoded_with_it(tmp_path: Path) -> None:
    path = tmp_path / "page.html"
    body = "<p>Les ministres se sont r\u00e9unis \u00e0 Gen\u00e8ve pour discuter du cessez-le-feu.</p>"
    path.write_bytes(
        f'<html><head><meta charset="iso-8859-1"></head><body>{body}</body></html>'.encode("latin-1")
    )
    (article,) = read_documents(path)
    assert "r\u00e9unis \u00e0 Gen\u00e8ve" in article.text


def test_unreadable_file_is_reported(tmp_path: Path) -> None:
    """A path that cannot be opened as a file (here a directory handed to the file reader)."""
    from detente.ingest.readers import read_file

    folder = tmp_path / "looks_like_a_page.txt"
    folder.mkdir()
    errors: list[DetenteError] = []
    assert list(read_file(folder, on_error=errors.append)) == []
    assert next(e.reason for e in errors if isinstance(e, BadInput)).startswith("cannot read file")


def test_long_article_is_cut_with_a_warning_naming_file_and_line(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    settings = load_settings(overrides=[("max_article_chars", 1000)])
    path = tmp_path / "long.jsonl"
    path.write_text(
        json.dumps({"id": "short", "text": "Talks."})
        + "\n"
        + json.dumps({"id": "long", "text": "word " * 500})
        + "\n"
    )
    with caplog.at_level(logging.WARNING, logger="detente.ingest.readers"):
        articles, errors = read_all(path, settings=settings)
    assert [len(a.text) for a in articles] == [6, 1000]
    assert errors == []
    assert f"{path}:2: article cut to 1000 characters" in caplog.text


def test_giant_single_lines_do_not_crash_and_the_next_record_is_read(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """A 50 MB line: skipped as BadInput in JSON Lines, cut with a warning in a text page."""
    giant = "Russia and Turkey met. " * (50 * 1024 * 1024 // 23)
    jsonl = tmp_path / "giant.jsonl"
    with jsonl.open("w", encoding="utf-8") as f:
        f.write(json.dumps({"id": "giant", "text": giant}) + "\n")
        f.write(json.dumps({"id": "after", "text": "Talks went on."}) + "\n")
    text = tmp_path / "giant.txt"
    text.write_text(giant, encoding="utf-8")
    del giant
    with caplog.at_level(logging.WARNING, logger="detente.ingest.readers"):
        articles, errors = read_all([jsonl, text])
    assert [a.id for a in articles] == ["after", "giant.txt"]
    assert len(articles[1].text) == load_settings()["max_article_chars"]
    assert where(errors) == [("giant.jsonl", 1)]
    assert "over" in str(errors[0]) or "longer than" in str(errors[0])
    assert f"{text}:1: article cut to" in caplog.text


# ---------------------------------------------------------------- the seed corpus


def _gold_by_doc(shared: Path) -> dict[str, list[str]]:
    by_doc: dict[str, list[str]] = {}
    for line in (shared / "gold" / "seeds.jsonl").read_text(encoding="utf-8").splitlines():
        if line.strip():
            g = json.loads(line)
            by_doc.setdefault(g["doc"], []).append(g["text"])
    return by_doc


#: Page noise named in shared/gold/SEEDS.md, by document.
SEED_NOISE = {
    "000": ["We use cookies", "More information", "Aa Aa Aa", "- A +", "13 33 0", "\u00a9 Al Jazeera"],
    "001": ["date 2021-09-28"],
    "003": ["57.6 F", "Cambridge", "Wednesday, May 8, 2024", "Advertisement", "Latest Articles",
            "Popular Articles", "More From The Author"],
    "004": ["## ", "Alex Lantier 15 September 2018", "To contact the WSWS", "wsws.org/contact"],
}  # fmt: skip


def test_seed_pages_dates_noise_and_gold_sentences(shared_dir: Path, tmp_path: Path) -> None:
    seeds = shared_dir / "corpus" / "seeds"
    manifest = {
        m["file"]: m
        for m in map(json.loads, (seeds / "manifest.jsonl").read_text(encoding="utf-8").splitlines())
        if m
    }
    gold = _gold_by_doc(shared_dir)
    # the pages alone, without their manifest: what can be read off the page itself
    pages = tmp_path / "seeds"
    pages.mkdir()
    for page in seeds.glob("*.txt"):
        shutil.copy(page, pages / page.name)
    articles, errors = read_all(str(pages / "*.txt"))
    assert errors == []
    by_id = {a.id: a for a in articles}
    assert set(by_id) == set(manifest)
    # (1) dates the pages print
    assert (by_id["001_aa517fd97c6317a9.txt"].published, by_id["001_aa517fd97c6317a9.txt"].published_source) == (
        manifest["001_aa517fd97c6317a9.txt"]["published"], "header",
    )  # fmt: skip
    assert (by_id["004_6e1897d4bfb583bc.txt"].published, by_id["004_6e1897d4bfb583bc.txt"].published_source) == (
        manifest["004_6e1897d4bfb583bc.txt"]["published"], "byline",
    )  # fmt: skip
    capture = by_id["003_7aff6d82c74027ff.txt"]
    assert capture.published is not None and not capture.published.startswith("2024")
    assert capture.published_source == "text"
    assert capture.published[:4] == manifest["003_7aff6d82c74027ff.txt"]["published"][:4]
    # pages that print no date: an inferred month is never later than the real publication
    for article in articles:
        if article.published_source == "text":
            assert article.published is not None
            truth = manifest[article.id]["published"]
            assert article.published <= truth[: len(article.published)], article.id
    # (2) noise gone
    for prefix, noise in SEED_NOISE.items():
        (article,) = [a for a in articles if a.id.startswith(prefix)]
        for line in noise:
            assert line not in article.text, (article.id, line)
    # (3) every gold sentence still in the cleaned text
    missing = [
        (doc, s[:40]) for doc, sentences in gold.items() for s in sentences if s not in by_id[doc].text
    ]
    assert missing == []
    assert sum(map(len, gold.values())) == 226


def test_iter_sources_lists_files_with_their_base_and_urls_in_reading_order(tmp_path: Path) -> None:
    from detente.ingest.readers import iter_paths, iter_sources, read_file

    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "b.txt").write_text("Talks in Doha resumed on Monday.\n")
    (tmp_path / "a.jsonl").write_text('{"id": "r", "text": "Talks."}\n')
    sources = [tmp_path, "https://news.example/feed.xml", tmp_path / "missing.txt"]
    listed = list(iter_sources(sources[:2]))
    assert listed == [(tmp_path / "a.jsonl", tmp_path), (tmp_path / "sub" / "b.txt", tmp_path), sources[1]]
    assert list(iter_paths(sources)) == [tmp_path / "a.jsonl", tmp_path / "sub" / "b.txt", sources[1]]
    path, base = listed[1]  # type: ignore[misc]
    (one,) = read_file(path, base=base)
    assert one.id == "sub/b.txt"


def test_a_json_array_file_is_reported_once(tmp_path: Path) -> None:
    path = tmp_path / "corpus.jsonl"
    path.write_text('[\n{"id": "a", "text": "Talks."},\n{"id": "b", "text": "More talks."}\n]\n')
    articles, errors = read_all(path)
    assert articles == []
    assert where(errors) == [("corpus.jsonl", 1)]
    assert "JSON Lines" in str(errors[0])


def test_a_manifest_beside_the_pages_gives_their_outlet_title_and_date(tmp_path: Path) -> None:
    """Page captures often keep their metadata in a sidecar file; given metadata wins."""
    pages = tmp_path / "pages"
    pages.mkdir()
    (pages / "one.txt").write_text("Ankara and Moscow agreed on joint patrols.\n", encoding="utf-8")
    (pages / "two.txt").write_text("date 2020-03-09 Turkish troops entered Idlib.\n", encoding="utf-8")
    (tmp_path / "manifest.jsonl").write_text(
        json.dumps({"file": "pages/one.txt", "outlet": "Levant Wire", "title": "Patrols", "published": "2020-03-05"})
        + "\n"
        + json.dumps({"file": "pages/two.txt", "outlet": "Straits Review"})
        + "\n",
        encoding="utf-8",
    )
    articles = {a.id: a for a in read_documents(pages)}
    assert set(articles) == {"one.txt", "two.txt"}, "the manifest itself is not an article"
    one, two = articles["one.txt"], articles["two.txt"]
    assert (one.outlet, one.title, one.published, one.published_source) == (
        "Levant Wire", "Patrols", "2020-03-05", "given"
    )
    assert (two.outlet, two.published, two.published_source) == ("Straits Review", "2020-03-09", "header")


def test_the_seed_manifest_supplies_dates_the_pages_do_not_print(shared_dir: Path) -> None:
    seeds = shared_dir / "corpus" / "seeds"
    articles = {a.id: a for a in read_documents(seeds)}
    assert articles["000_a778dfe1d43b5df6.txt"].published == "2019-05"
    assert articles["003_7aff6d82c74027ff.txt"].published == "2016-09"
    assert all(a.published_source == "given" for a in articles.values())
