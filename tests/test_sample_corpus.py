"""The bundled sample corpus, its gold, and the development gold set follow the gold format.

Format and rules: ``shared/gold/GUIDELINES.md``. These tests read the data files only
(no spaCy, no coder), so they are fast and run everywhere.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import re
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

import lxml.html
import pycountry
import pytest

from guidelines import GUIDELINE_PRINCIPALS

REPO = Path(__file__).resolve().parents[1]
SAMPLE = REPO / "src" / "detente" / "data" / "sample"
ARTICLES = SAMPLE / "articles"
SAMPLE_GOLD = SAMPLE / "gold.jsonl"
MANIFEST = SAMPLE / "manifest.jsonl"
DEV_GOLD = Path(__file__).resolve().parent / "data" / "dev_conflicts.jsonl"
CAMEO_CSV = REPO / "src" / "detente" / "data" / "cameo.csv"

# Fixed names of GUIDELINES.md, plus the few groups and bodies the development set needs
# that the guideline list leaves to "...".
GUIDELINE_NAMES = GUIDELINE_PRINCIPALS
EXTRA_NAMES = {"ELN", "M23", "JNIM", "ECOWAS", "LNA", "IAEA"}
ISO3 = {c.alpha_3 for c in pycountry.countries} | {"XKX"}  # XKX: Kosovo (user-assigned code)
PRINCIPALS = GUIDELINE_NAMES | EXTRA_NAMES | ISO3

ROOT_QUAD = {f"{r:02d}": (1 if r <= 5 else 2 if r <= 8 else 3 if r <= 13 else 4) for r in range(1, 21)}
EVENT_KEYS = {
    "source",
    "target",
    "cameo",
    "root",
    "quad",
    "negated",
    "hypothetical",
    "date",
    "location",
    "note",
}
LINE_KEYS = {"id", "text", "doc", "published", "events"}
Line = dict[str, Any]
DATE_RE = re.compile(r"^\d{4}-\d{2}(-\d{2})?$")


def _cameo_codes() -> set[str]:
    with CAMEO_CSV.open(newline="", encoding="utf-8") as f:
        return {row["code"] for row in csv.DictReader(f)}


def valid_date(value: object, *, allow_null: bool = True) -> bool:
    if value is None:
        return allow_null
    if not isinstance(value, str) or not DATE_RE.match(value):
        return False
    try:
        dt.date.fromisoformat(value if len(value) == 10 else value + "-01")
    except ValueError:
        return False
    return True


def line_problems(obj: object, cameo_codes: set[str]) -> list[str]:
    """Every way one gold line breaks the GUIDELINES format (empty list: the line is fine)."""
    if not isinstance(obj, dict):
        return ["not an object"]
    problems = []
    if set(obj) != LINE_KEYS:
        problems.append(f"keys {sorted(obj)}")
    if not isinstance(obj.get("id"), str) or not obj.get("id"):
        problems.append("id")
    text = obj.get("text")
    if not isinstance(text, str) or not text.strip() or text != text.strip():
        problems.append("text empty or not stripped")
    if not valid_date(obj.get("published")):
        problems.append(f"published {obj.get('published')!r}")
    events = obj.get("events")
    if not isinstance(events, list):
        return problems + ["events not a list"]
    seen = set()
    for i, ev in enumerate(events):
        if not isinstance(ev, dict) or set(ev) != EVENT_KEYS:
            problems.append(f"event {i}: keys")
            continue
        cameo = ev["cameo"]
        if not isinstance(cameo, str) or not re.fullmatch(r"\d{2,4}", cameo):
            problems.append(f"event {i}: cameo {cameo!r}")
            continue
        if cameo not in cameo_codes:
            problems.append(f"event {i}: cameo {cameo} not in cameo.csv")
        if ev["root"] != cameo[:2]:
            problems.append(f"event {i}: root {ev['root']!r} != cameo[:2]")
        if ev["root"] not in ROOT_QUAD or ev["quad"] != ROOT_QUAD.get(ev["root"]):
            problems.append(f"event {i}: quad {ev['quad']!r} for root {ev['root']!r}")
        for side in ("source", "target"):
            if ev[side] not in PRINCIPALS:
                problems.append(f"event {i}: {side} {ev[side]!r} not a principal")
        if ev["source"] == ev["target"]:
            problems.append(f"event {i}: source == target")
        if not isinstance(ev["negated"], bool) or not isinstance(ev["hypothetical"], bool):
            problems.append(f"event {i}: flags not booleans")
        if not valid_date(ev["date"]):
            problems.append(f"event {i}: date {ev['date']!r}")
        if ev["location"] is not None and (not isinstance(ev["location"], str) or not ev["location"]):
            problems.append(f"event {i}: location")
        if ev["note"] is not None and not isinstance(ev["note"], str):
            problems.append(f"event {i}: note")
        key = (ev["source"], ev["target"], cameo, ev["negated"], ev["hypothetical"], ev["date"])
        if key in seen:
            problems.append(f"event {i}: repeats an event of the same sentence")
        seen.add(key)
    return problems


def read_jsonl(path: Path) -> list[Line]:
    rows = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if line.strip():
            try:
                rows.append(json.loads(line))
            except json.JSONDecodeError as exc:  # pragma: no cover - reported as failure
                pytest.fail(f"{path.name}:{n}: not JSON ({exc})")
    return rows


def visible_text(path: Path) -> str:
    """The text a reader sees on an HTML page: the body, without scripts and styles."""
    root = lxml.html.fromstring(path.read_bytes())
    for bad in root.xpath("//script|//style|//head"):
        bad.getparent().remove(bad)
    return str(root.text_content())


def document_texts() -> dict[str, str]:
    """Doc id (as gold's `doc`) -> the text its sentences must be found in."""
    docs = {}
    for path in sorted(ARTICLES.iterdir()):
        if path.suffix == ".txt":
            docs[path.name] = path.read_text(encoding="utf-8")
        elif path.suffix in (".html", ".htm"):
            docs[path.name] = visible_text(path)
        elif path.suffix == ".jsonl":
            for rec in read_jsonl(path):
                docs[rec["id"]] = rec["text"]
    return docs


@pytest.fixture(scope="module")
def cameo_codes() -> set[str]:
    return _cameo_codes()


@pytest.fixture(scope="module")
def sample_gold() -> list[Line]:
    return read_jsonl(SAMPLE_GOLD)


@pytest.fixture(scope="module")
def manifest() -> list[Line]:
    return read_jsonl(MANIFEST)


@pytest.fixture(scope="module")
def dev_gold() -> list[Line]:
    return read_jsonl(DEV_GOLD)


# ---------------------------------------------------------------- the checker itself


def test_checker_catches_broken_lines(cameo_codes: set[str]) -> None:
    good = {
        "id": "x-001",
        "text": "Russia and Turkey signed a deal.",
        "doc": None,
        "published": "2018-09",
        "events": [
            {
                "source": "RUS",
                "target": "TUR",
                "cameo": "057",
                "root": "05",
                "quad": 1,
                "negated": False,
                "hypothetical": False,
                "date": "2018-09-17",
                "location": None,
                "note": None,
            }
        ],
    }
    assert line_problems(good, cameo_codes) == []
    broken = [
        ("root", "06"),
        ("quad", 3),
        ("source", "Russia"),
        ("target", "RUS"),
        ("date", "17/09/2018"),
        ("date", "2018-13"),
        ("negated", "no"),
        ("cameo", "999"),
    ]
    for key, value in broken:
        bad = json.loads(json.dumps(good))
        bad["events"][0][key] = value
        assert line_problems(bad, cameo_codes), (key, value)
    bad = json.loads(json.dumps(good))
    bad["events"].append(dict(bad["events"][0]))
    assert line_problems(bad, cameo_codes)
    bad = dict(good, published="Sept 2018")
    assert line_problems(bad, cameo_codes)


# ---------------------------------------------------------------- sample corpus


def test_sample_gold_lines_follow_the_format(sample_gold: list[Line], cameo_codes: set[str]) -> None:
    problems = {g.get("id"): p for g in sample_gold if (p := line_problems(g, cameo_codes))}
    assert not problems, problems


def test_sample_gold_ids_run_in_order(sample_gold: list[Line]) -> None:
    by_doc: dict[str, list[str]] = defaultdict(list)
    for g in sample_gold:
        assert re.fullmatch(r"a\d{2}-\d{3}", g["id"]), g["id"]
        by_doc[g["doc"]].append(g["id"])
    assert len({g["id"] for g in sample_gold}) == len(sample_gold)
    for doc, ids in by_doc.items():
        prefix = ids[0][:3]
        assert ids == [f"{prefix}-{i:03d}" for i in range(1, len(ids) + 1)], doc


def test_every_gold_sentence_occurs_once_in_its_article(sample_gold: list[Line]) -> None:
    docs = document_texts()
    missing = [g["doc"] for g in sample_gold if g["doc"] not in docs]
    assert not missing, f"gold names unknown documents: {sorted(set(missing))}"
    wrong = {
        g["id"]: docs[g["doc"]].count(g["text"]) for g in sample_gold if docs[g["doc"]].count(g["text"]) != 1
    }
    assert not wrong, f"sentences not found exactly once: {wrong}"


def test_gold_sentences_follow_document_order_and_cover_the_body(sample_gold: list[Line]) -> None:
    docs = document_texts()
    by_doc: dict[str, list[Line]] = defaultdict(list)
    for g in sample_gold:
        by_doc[g["doc"]].append(g)
    assert set(by_doc) == set(docs), "every article has gold and every gold doc is an article"
    for doc, lines in by_doc.items():
        text = docs[doc]
        positions = [text.find(g["text"]) for g in lines]
        assert positions == sorted(positions), f"{doc}: gold lines out of document order"
        # Between consecutive body sentences there is only white space: no body sentence was skipped.
        for a, b, pa, pb in zip(lines, lines[1:], positions, positions[1:]):
            gap = text[pa + len(a["text"]) : pb]
            if a is lines[0]:
                continue  # title -> first sentence: dateline, byline, page furniture
            assert len(gap.split()) <= 1, f"{doc}: text between {a['id']} and {b['id']}: {gap.strip()[:80]!r}"


def test_manifest_lists_the_articles(manifest: list[Line], sample_gold: list[Line]) -> None:
    assert len(manifest) >= 12
    formats = Counter(m["format"] for m in manifest)
    assert formats["html"] >= 3 and formats["txt"] >= 3 and formats["jsonl"] >= 1, formats
    ids = [m["id"] for m in manifest]
    assert len(set(ids)) == len(ids)
    gold_docs = {g["doc"] for g in sample_gold}
    assert set(ids) == gold_docs
    published = {g["doc"]: g["published"] for g in sample_gold}
    texts = document_texts()
    for m in manifest:
        assert (SAMPLE / m["file"]).is_file(), m["file"]
        assert m["outlet"] and m["title"] and m["summary"], m["id"]
        assert valid_date(m["published"], allow_null=False) and len(m["published"]) == 10, m
        assert published[m["id"]] == m["published"], m["id"]
        words = len(texts[m["id"]].split())
        if m["format"] != "html":  # HTML pages also carry menus, banners and footers
            assert 120 <= words <= 400, (m["id"], words)


def test_html_pages_carry_their_publication_date(manifest: list[Line]) -> None:
    widget_pages = 0
    for m in manifest:
        if m["format"] != "html":
            continue
        root = lxml.html.fromstring((SAMPLE / m["file"]).read_bytes())
        stamps = root.xpath("//time/@datetime") + root.xpath(
            "//meta[@property='article:published_time']/@content"
        )
        assert any(s.startswith(m["published"]) for s in stamps), m["file"]
        today = root.xpath("//*[contains(@class, 'today')]/text()")
        if today:
            widget_pages += 1
            assert m["published"][:4] not in " ".join(today), (
                "the widget date must not be the publication date"
            )
        body = visible_text(SAMPLE / m["file"])
        for noise in ("cookie", "Advertisement", "Share"):
            assert noise in body, (m["file"], noise)
    assert widget_pages >= 1


def test_jsonl_records_have_all_fields() -> None:
    recs = read_jsonl(ARTICLES / "articles.jsonl")
    assert len(recs) >= 2
    for r in recs:
        assert set(r) >= {"id", "title", "outlet", "published", "url", "text"}
        assert valid_date(r["published"], allow_null=False)
        assert r["text"].startswith(r["title"])


def test_sample_gold_covers_the_russia_turkey_arc(sample_gold: list[Line]) -> None:
    events = [e for g in sample_gold for e in g["events"]]
    dyad = [e for e in events if {e["source"], e["target"]} == {"RUS", "TUR"}]
    quads = Counter(e["quad"] for e in dyad)
    assert all(quads[q] >= 3 for q in (1, 2, 3, 4)), quads
    years = {e["date"][:4] for e in dyad if e["date"]}
    assert {"2015", "2016", "2017", "2018", "2019", "2020", "2021"} <= years, years
    assert any(e["negated"] for e in events) and any(e["hypothetical"] for e in events)
    empty = sum(1 for g in sample_gold if not g["events"])
    assert 0.15 <= empty / len(sample_gold) <= 0.6


# ---------------------------------------------------------------- development set


def test_dev_gold_lines_follow_the_format(dev_gold: list[Line], cameo_codes: set[str]) -> None:
    assert len(dev_gold) >= 200
    problems = {g.get("id"): p for g in dev_gold if (p := line_problems(g, cameo_codes))}
    assert not problems, problems
    assert len({g["id"] for g in dev_gold}) == len(dev_gold)
    assert len({g["text"] for g in dev_gold}) == len(dev_gold), "a sentence appears twice"
    for g in dev_gold:
        assert g["doc"] is None and g["published"] is not None, g["id"]


def test_dev_gold_covers_all_roots_and_has_empty_sentences(dev_gold: list[Line]) -> None:
    roots = Counter(e["root"] for g in dev_gold for e in g["events"])
    assert set(roots) == set(ROOT_QUAD), sorted(set(ROOT_QUAD) - set(roots))
    empty = sum(1 for g in dev_gold if not g["events"])
    assert 0.15 <= empty / len(dev_gold) <= 0.4, empty / len(dev_gold)
    flags = Counter((e["negated"], e["hypothetical"]) for g in dev_gold for e in g["events"])
    assert flags[(True, False)] + flags[(True, True)] >= 5 and flags[(False, True)] >= 5, flags


def test_sample_and_dev_sentences_do_not_overlap(sample_gold: list[Line], dev_gold: list[Line]) -> None:
    assert not {g["text"] for g in sample_gold} & {g["text"] for g in dev_gold}
