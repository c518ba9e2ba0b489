"""Format checks for the blind held-out gold set (tests/data/heldout_blind.jsonl)."""
import json
import re
from pathlib import Path

import pycountry
import pytest

PATH = Path(__file__).parent / "data" / "heldout_blind.jsonl"
LINE_KEYS = {"id", "text", "doc", "published", "events"}
EVENT_KEYS = {"source", "target", "cameo", "root", "quad", "negated", "hypothetical",
              "date", "location", "note"}
DATE_RE = re.compile(r"^\d{4}-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?$")
NAME_RE = re.compile(r"^[A-Z][A-Z0-9\-]*(?: [A-Z0-9\-]+)*$")
ISO3 = {c.alpha_3 for c in pycountry.countries} | {"XKX"}  # Kosovo: user-assigned code
NAMED_GROUPS = {"NATO", "UN", "EU", "AU", "ICRC", "HTS", "ISIS", "NUSRA", "PKK", "YPG", "SDF",
                "HAMAS", "HEZBOLLAH", "HOUTHIS", "TALIBAN", "FARC", "RSF", "TPLF", "WAGNER",
                "REBELS", "CIVILIANS",
                # three-letter group names that are not ISO codes, allowed explicitly
                "ELN", "PMF", "ICC"}


def quad_of(root: str) -> int:
    r = int(root)
    return 1 if r <= 5 else 2 if r <= 8 else 3 if r <= 13 else 4


def _load():
    rows = []
    for n, line in enumerate(PATH.read_text(encoding="utf-8").splitlines(), 1):
        assert line.strip(), f"blank line {n}"
        try:
            rows.append(json.loads(line))
        except json.JSONDecodeError as exc:  # pragma: no cover - failure path
            pytest.fail(f"line {n} does not parse: {exc}")
    return rows


ROWS = _load()
EVENTS = [(r["id"], e) for r in ROWS for e in r["events"]]


def test_enough_lines_and_unique_ids():
    assert len(ROWS) >= 150
    ids = [r["id"] for r in ROWS]
    assert len(ids) == len(set(ids))
    assert all(re.fullmatch(r"h-\d{3}", i) for i in ids)
    texts = [r["text"] for r in ROWS]
    assert len(texts) == len(set(texts)), "duplicate sentences"


@pytest.mark.parametrize("row", ROWS, ids=lambda r: r.get("id", "?"))
def test_line_shape(row):
    assert set(row) == LINE_KEYS
    assert isinstance(row["text"], str) and len(row["text"]) > 20
    assert row["doc"] is None or isinstance(row["doc"], str)
    assert row["published"] is None or DATE_RE.match(row["published"])
    assert isinstance(row["events"], list)


def _is_principal(p):
    if not isinstance(p, str) or not p:
        return False
    if len(p) == 3 and p.isalpha() and p.isupper() and p in ISO3:
        return True
    if p in NAMED_GROUPS:
        return True
    return (bool(NAME_RE.match(p)) and not (len(p) == 3 and p.isalpha()))


@pytest.mark.parametrize("rid,ev", EVENTS, ids=lambda x: x if isinstance(x, str) else "")
def test_event_shape(rid, ev):
    assert set(ev) == EVENT_KEYS, rid
    assert re.fullmatch(r"\d{2,4}", ev["cameo"]), rid
    assert ev["root"] == ev["cameo"][:2], rid
    assert 1 <= int(ev["root"]) <= 20, rid
    assert ev["quad"] == quad_of(ev["root"]), rid
    assert isinstance(ev["negated"], bool) and isinstance(ev["hypothetical"], bool)
    assert ev["date"] is None or DATE_RE.match(ev["date"]), rid
    assert ev["location"] is None or (isinstance(ev["location"], str) and ev["location"])
    assert isinstance(ev["note"], str)
    assert _is_principal(ev["source"]), (rid, ev["source"])
    assert _is_principal(ev["target"]), (rid, ev["target"])
    assert ev["source"] != ev["target"], rid


def test_event_dates_not_after_publication():
    for r in ROWS:
        for e in r["events"]:
            if e["date"] and r["published"]:
                assert e["date"] <= r["published"][: len(e["date"])] or \
                    e["date"][:7] <= r["published"][:7], r["id"]


def test_all_roots_covered():
    counts = {}
    for _, e in EVENTS:
        counts[e["root"]] = counts.get(e["root"], 0) + 1
    missing = [f"{i:02d}" for i in range(1, 21) if counts.get(f"{i:02d}", 0) < 4]
    assert not missing, f"roots with fewer than 4 events: {missing}"


def test_share_without_events():
    empty = sum(1 for r in ROWS if not r["events"])
    assert empty / len(ROWS) >= 0.20


def test_validator_rejects_bad_values():
    assert not _is_principal("XYZ")   # three letters but not ISO
    assert not _is_principal("Russia")
    assert _is_principal("RUS") and _is_principal("AL-SHABAAB")
    assert quad_of("14") == 4 and quad_of("08") == 2
    assert not DATE_RE.match("2019") and not DATE_RE.match("2019-13")
