"""Schema and consistency checks for the actor dictionaries in ``data/actors/``.

Each check is written so that a plausible mistake in the data makes it fail
(a bad ISO code, a missing GUIDELINES principal, overlapping office holders,
an alias shared by two states, too few records).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections import defaultdict
from pathlib import Path

import pycountry
import pytest

from guidelines import GUIDELINE_PRINCIPALS

DATA = Path(__file__).resolve().parents[1] / "src" / "detente" / "data" / "actors"

# States (or state-like entries) that are not in ISO 3166-1 as pycountry ships it.
EXTRA_STATES = {"XKX"}
GUIDELINES_PRINCIPALS = GUIDELINE_PRINCIPALS
REQUIRED_STATES = {
    "RUS",
    "TUR",
    "USA",
    "SYR",
    "UKR",
    "ISR",
    "IRN",
    "IND",
    "PAK",
    "CHN",
    "TWN",
    "PRK",
    "KOR",
    "ARM",
    "AZE",
    "ETH",
    "ERI",
    "SDN",
    "SAU",
    "YEM",
    "LBY",
    "COL",
    "GBR",
    "FRA",
    "DEU",
    "PSE",
    "XKX",
    "ESH",
    "VAT",
}
ROLES = {"head_of_state", "head_of_government", "foreign_minister", "defence_minister", "leader", "other"}
SECTORS = {"GOV", "MIL", "COP", "SPY", "REB", "CVL", "MED", "JUD", "LEG", "BUS", "OPP", "IGO", "NGO", "REL"}
PRINCIPAL_RE = re.compile(r"^[A-Z][A-Z0-9 \-]*[A-Z0-9]$")
WIKIDATA_RE = re.compile(r"^Q[1-9][0-9]*$")
DATE_RE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
# Holders of one office may share the transfer day; a few more days of overlap are
# tolerated where sources differ on the exact day (oath vs. appointment).
OVERLAP_DAYS = 3


def load(name: str) -> list[dict]:
    path = DATA / name
    records = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            records.append(json.loads(line))
        except json.JSONDecodeError as exc:  # pragma: no cover - the failure message is the point
            pytest.fail(f"{name}:{number}: not JSON: {exc}")
    return records


@pytest.fixture(scope="module")
def states() -> list[dict]:
    return load("states.jsonl")


@pytest.fixture(scope="module")
def organisations() -> list[dict]:
    return load("organisations.jsonl")


@pytest.fixture(scope="module")
def groups() -> list[dict]:
    return load("groups.jsonl")


@pytest.fixture(scope="module")
def sectors() -> list[dict]:
    return load("sectors.jsonl")


@pytest.fixture(scope="module")
def people() -> list[dict]:
    return load("people.jsonl")


def state_codes(states: list[dict]) -> set[str]:
    return {s["principal"] for s in states}


def is_iso_alpha3(code: str) -> bool:
    return code in EXTRA_STATES or pycountry.countries.get(alpha_3=code) is not None


def strings(value: object) -> bool:
    return isinstance(value, list) and all(isinstance(v, str) and v.strip() == v and v for v in value)


def parse_date(text: str, *, end: bool = False) -> dt.date:
    """A date of day, month or year precision; an end date reads as the last day it covers."""
    assert DATE_RE.match(text), f"bad date {text!r}"
    parts = [int(p) for p in text.split("-")]
    if len(parts) == 3:
        return dt.date(*parts)
    if len(parts) == 2:
        year, month = parts
        if not end:
            return dt.date(year, month, 1)
        nxt = dt.date(year + (month == 12), month % 12 + 1, 1)
        return nxt - dt.timedelta(days=1)
    return dt.date(parts[0], 12, 31) if end else dt.date(parts[0], 1, 1)


# ---------------------------------------------------------------- states


def test_states_schema(states: list[dict]) -> None:
    keys = {
        "principal",
        "iso2",
        "name",
        "names",
        "adjectives",
        "demonyms",
        "capitals",
        "metonyms",
        "wikidata",
    }
    for s in states:
        assert set(s) == keys, (s.get("principal"), set(s) ^ keys)
        assert is_iso_alpha3(s["principal"]), s["principal"]
        assert re.fullmatch(r"[A-Z]{2}", s["iso2"]), s
        country = pycountry.countries.get(alpha_3=s["principal"])
        if country is not None:
            assert country.alpha_2 == s["iso2"], s["principal"]
        for key in ("names", "adjectives", "demonyms", "capitals", "metonyms"):
            assert strings(s[key]), (s["principal"], key)
        assert s["names"] and s["name"] == s["names"][0], s["principal"]
        assert s["wikidata"] is None or WIKIDATA_RE.match(s["wikidata"]), s["principal"]


def test_states_count_and_required(states: list[dict]) -> None:
    codes = [s["principal"] for s in states]
    assert len(codes) == len(set(codes)), "duplicate state"
    assert len(codes) >= 190
    assert REQUIRED_STATES <= set(codes), REQUIRED_STATES - set(codes)


def test_state_wikidata_unique(states: list[dict]) -> None:
    ids = [s["wikidata"] for s in states if s["wikidata"]]
    assert len(ids) == len(set(ids))


@pytest.mark.parametrize(
    ("code", "alias"),
    [
        ("RUS", "Russian Federation"),
        ("TUR", "Türkiye"),
        ("TUR", "Turkiye"),
        ("USA", "the U.S."),
        ("USA", "America"),
        ("GBR", "Britain"),
        ("GBR", "the UK"),
        ("PRK", "DPRK"),
        ("KOR", "ROK"),
        ("IRN", "Iran"),
        ("SYR", "Syria"),
        ("UKR", "Kyiv"),
        ("UKR", "Kiev"),
        ("RUS", "the Kremlin"),
        ("USA", "the Pentagon"),
        ("GBR", "Downing Street"),
        ("FRA", "the Élysée"),
        ("CHN", "Zhongnanhai"),
        ("ISR", "Jerusalem"),
        ("SAU", "Saudi"),
        ("ARE", "Emirati"),
        ("PSE", "Palestinian"),
        ("COD", "DRC"),
        ("TWN", "Taipei"),
        ("XKX", "Pristina"),
        ("MMR", "Burma"),
    ],
)
def test_state_aliases_present(states: list[dict], code: str, alias: str) -> None:
    by_code = {s["principal"]: s for s in states}
    s = by_code[code]
    everything = s["names"] + s["adjectives"] + s["demonyms"] + s["capitals"] + s["metonyms"]
    assert alias in everything


def test_state_wikidata_spot_checks(states: list[dict]) -> None:
    by_code = {s["principal"]: s["wikidata"] for s in states}
    assert by_code["RUS"] == "Q159"
    assert by_code["TUR"] == "Q43"
    assert by_code["USA"] == "Q30"
    assert by_code["SYR"] == "Q858"


def test_no_alias_shared_by_two_states(states: list[dict]) -> None:
    owner: dict[str, str] = {}
    clashes = []
    for s in states:
        aliases = set(s["names"] + s["adjectives"] + s["demonyms"] + s["capitals"] + s["metonyms"])
        for alias in aliases:
            other = owner.setdefault(alias, s["principal"])
            if other != s["principal"]:
                clashes.append((alias, other, s["principal"]))
    assert not clashes, clashes


# ---------------------------------------------------------------- organisations and groups


def test_organisations(organisations: list[dict]) -> None:
    keys = {"principal", "names", "kind", "sector", "wikidata"}
    principals = [o["principal"] for o in organisations]
    assert len(principals) == len(set(principals)), "duplicate organisation"
    assert len(organisations) >= 40
    for o in organisations:
        assert keys <= set(o) <= keys | {"parent"}, o["principal"]
        assert PRINCIPAL_RE.match(o["principal"]), o["principal"]
        assert strings(o["names"]) and o["names"], o["principal"]
        assert o["kind"] in {"IGO", "NGO"} and o["sector"] in SECTORS, o["principal"]
        assert o["wikidata"] is None or WIKIDATA_RE.match(o["wikidata"]), o["principal"]
        if "parent" in o:
            assert o["parent"] in principals and o["parent"] != o["principal"]


def test_groups(groups: list[dict], states: list[dict]) -> None:
    keys = {"principal", "names", "country", "sector", "kind", "wikidata"}
    codes = state_codes(states)
    armed = [g for g in groups if g["kind"] != "state_force"]
    principals = [g["principal"] for g in armed]
    assert len(principals) == len(set(principals)), "duplicate group"
    assert len(armed) >= 80
    for g in groups:
        assert set(g) == keys, g["principal"]
        assert PRINCIPAL_RE.match(g["principal"]), g["principal"]
        assert strings(g["names"]) and g["names"], g["principal"]
        assert g["country"] in codes, g["principal"]
        assert g["sector"] in SECTORS, g["principal"]
        assert g["wikidata"] is None or WIKIDATA_RE.match(g["wikidata"]), g["principal"]
        if g["kind"] == "state_force":
            # forces that act for a state resolve to the state itself
            assert g["principal"] == g["country"], g["principal"]
        else:
            assert g["principal"] not in codes, g["principal"]


def test_guidelines_principals_exist(states, organisations, groups, sectors) -> None:
    known = state_codes(states) | {o["principal"] for o in organisations} | {g["principal"] for g in groups}
    known |= {s["principal"] for s in sectors if s["principal"]}
    assert GUIDELINES_PRINCIPALS <= known, GUIDELINES_PRINCIPALS - known


@pytest.mark.parametrize(
    ("principal", "alias"),
    [
        ("HTS", "Hayat Tahrir al-Sham"),
        ("NUSRA", "Jabhat Fateh al-Sham"),
        ("ISIS", "Daesh"),
        ("ISIS", "ISIL"),
        ("HOUTHIS", "Ansar Allah"),
        ("YPG", "People's Protection Units"),
        ("SDF", "Syrian Democratic Forces"),
        ("RSF", "Rapid Support Forces"),
        ("HAMAS", "Qassam Brigades"),
        ("PMF", "Hashd al-Shaabi"),
        ("UN", "the UN Security Council"),
        ("ICRC", "Red Cross"),
        ("SOHR", "Syrian Observatory for Human Rights"),
        ("IRN", "IRGC"),
    ],
)
def test_group_and_org_aliases(organisations, groups, principal: str, alias: str) -> None:
    names = {alias_ for r in organisations + groups if r["principal"] == principal for alias_ in r["names"]}
    assert alias in names


def test_no_alias_shared_across_principals(states, organisations, groups) -> None:
    owner: dict[str, str] = {}
    clashes = []
    records = [(s["principal"], s["names"] + s["adjectives"] + s["capitals"] + s["metonyms"]) for s in states]
    records += [(r["principal"], r["names"]) for r in organisations + groups]
    for principal, aliases in records:
        for alias in set(aliases):
            other = owner.setdefault(alias, principal)
            if other != principal:
                clashes.append((alias, other, principal))
    assert not clashes, clashes


# ---------------------------------------------------------------- sectors


def test_sectors(sectors: list[dict]) -> None:
    by_sector = {s["sector"]: s for s in sectors}
    assert len(by_sector) == len(sectors), "duplicate sector"
    for required in ("GOV", "MIL", "COP", "REB", "CVL", "MED", "JUD", "LEG", "BUS", "OPP", "IGO", "NGO"):
        assert required in by_sector, required
    assert by_sector["REB"]["principal"] == "REBELS"
    assert by_sector["CVL"]["principal"] == "CIVILIANS"
    seen: dict[str, str] = {}
    for s in sectors:
        assert set(s) == {"sector", "words", "principal"}
        assert s["sector"] in SECTORS
        assert strings(s["words"]) and len(s["words"]) >= 5, s["sector"]
        for word in s["words"]:
            key = word.lower()
            assert seen.setdefault(key, s["sector"]) == s["sector"], (word, seen[key], s["sector"])
    for word, sector in [
        ("troops", "MIL"),
        ("rebels", "REB"),
        ("civilians", "CVL"),
        ("refugees", "CVL"),
        ("parliament", "LEG"),
        ("police", "COP"),
        ("security forces", "COP"),
        ("foreign ministry", "GOV"),
        ("state media", "MED"),
    ]:
        assert word in by_sector[sector]["words"], word


# ---------------------------------------------------------------- people


def test_people_schema(people: list[dict], states, organisations, groups) -> None:
    principals = (
        state_codes(states) | {o["principal"] for o in organisations} | {g["principal"] for g in groups}
    )
    names = [p["name"] for p in people]
    assert len(names) == len(set(names)), "duplicate person"
    for p in people:
        assert set(p) == {"name", "aliases", "wikidata", "roles"}, p.get("name")
        assert strings(p["aliases"]) and p["name"] in p["aliases"], p["name"]
        assert p["wikidata"] is None or WIKIDATA_RE.match(p["wikidata"]), p["name"]
        assert p["roles"], p["name"]
        for r in p["roles"]:
            assert set(r) == {"principal", "sector", "role", "title", "start", "end"}, p["name"]
            assert r["principal"] in principals, (p["name"], r["principal"])
            assert r["role"] in ROLES, (p["name"], r["role"])
            assert r["sector"] in SECTORS, (p["name"], r["sector"])
            assert isinstance(r["title"], str) and r["title"], p["name"]
            start = parse_date(r["start"])
            if r["end"] is not None:
                assert parse_date(r["end"], end=True) >= start, (p["name"], r)
            assert start.year >= 1950 and start <= dt.date(2026, 12, 31), (p["name"], r)


def test_people_count(people: list[dict]) -> None:
    assert len(people) >= 300


def test_office_holders_do_not_overlap(people: list[dict]) -> None:
    terms = defaultdict(list)
    for p in people:
        for r in p["roles"]:
            if r["role"] in {"leader", "other"}:
                continue
            start = parse_date(r["start"])
            end = parse_date(r["end"]) if r["end"] else dt.date(2100, 1, 1)
            terms[(r["principal"], r["role"])].append((start, end, p["name"]))
    problems = []
    for key, spans in terms.items():
        spans.sort()
        for i, (s1, e1, n1) in enumerate(spans):
            for s2, e2, n2 in spans[i + 1 :]:
                overlap = (min(e1, e2) - s2).days
                if overlap > OVERLAP_DAYS and n1 != n2:
                    problems.append((key, n1, n2, overlap))
    assert not problems, problems


def test_one_person_one_record_several_roles(people: list[dict]) -> None:
    by_name = {p["name"]: p for p in people}
    putin = by_name["Vladimir Putin"]
    kinds = [(r["role"], r["start"][:4], (r["end"] or "")[:4]) for r in putin["roles"]]
    assert ("head_of_state", "1999", "2008") in kinds and ("head_of_government", "2008", "2012") in kinds
    assert any(r["role"] == "head_of_state" and r["end"] is None for r in putin["roles"])


def test_person_aliases_do_not_shadow_other_actors(people, states, organisations, groups) -> None:
    other = {}
    for s in states:
        for alias in s["names"] + s["adjectives"] + s["demonyms"] + s["capitals"] + s["metonyms"]:
            other[alias] = s["principal"]
    for r in organisations + groups:
        for alias in r["names"]:
            other[alias] = r["principal"]
    clashes = [(p["name"], a, other[a]) for p in people for a in p["aliases"] if a in other]
    assert not clashes, clashes


def test_states_file_matches_build_script() -> None:
    """states.jsonl is generated: tools/build_states.py must reproduce it exactly."""
    import importlib.util

    script = Path(__file__).resolve().parents[1] / "tools" / "build_states.py"
    spec = importlib.util.spec_from_file_location("build_states", script)
    module = importlib.util.module_from_spec(spec)
    assert spec.loader is not None
    spec.loader.exec_module(module)
    assert module.render(module.build()) == (DATA / "states.jsonl").read_text(encoding="utf-8")


# Lookups are case-folded by the actor dictionary, so an alias that is also an everyday
# English word ("car", "tip", "amnesty") would turn ordinary text into an actor.
# ("US" and "IS" are kept on purpose: the matcher must treat all-caps forms case-sensitively.)
EVERYDAY_WORDS = {
    "car",
    "tip",
    "mend",
    "sac",
    "amnesty",
    "gates",
    "truss",
    "ban",
    "rice",
    "austin",
    "straw",
    "store",
    "downer",
    "hague",
    "struck",
    "the alliance",
    "alliance",
    "the commission",
    "mission",
    "memorial",
    "security council",
    "general assembly",
    "pa",
    "aq",
    "general",
    "press",
    "camp",
    "family",
    "apo",
}


def test_no_everyday_words_as_aliases(states, organisations, groups, people) -> None:
    aliases = [a for s in states for a in s["names"] + s["adjectives"] + s["capitals"] + s["metonyms"]]
    aliases += [a for r in organisations + groups for a in r["names"]]
    aliases += [a for p in people for a in p["aliases"]]
    bad = sorted({a for a in aliases if " ".join(a.lower().split()) in EVERYDAY_WORDS})
    assert not bad, bad
