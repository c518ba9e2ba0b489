"""Event dates and places of the seed gold, measured against detente.dates and detente.geo.

Run: ``python benchmarks/dates_on_gold.py [GOLD.jsonl]`` (default ``../shared/gold/seeds.jsonl``).
Prints ``name: value`` lines:

- ``date_accuracy``: over gold events, the share where ``resolve_event_date(sentence, published)``
  agrees with the gold ``date``: the same date string with ``source == "text"`` when gold has a date,
  ``source != "text"`` when gold has null (the sentence fixes nothing, the publication date stands in).
  Several events of one sentence can have different gold dates; the sentence-level call gives each the
  same answer, so this is a ceiling-limited measure (the coder passes ``anchor`` to do better).
- ``date_accuracy_dated`` / ``date_accuracy_undated``: the same, split by whether gold has a date.
- ``location_found``: over distinct (sentence, gold location) pairs, the share whose main place (the
  first of a list, direction words dropped) is among ``find_places(sentence)``.
- ``location_locate``: the share where ``locate(sentence)`` returns that main place.
"""

from __future__ import annotations

import json
import re
import sys
import time
from pathlib import Path

from detente.dates import resolve_event_date
from detente.geo import find_places, locate

DEFAULT_GOLD = Path(__file__).resolve().parents[1].parent / "shared" / "gold" / "seeds.jsonl"
_DIRECTION = re.compile(r"^(?:north|south|east|west|central)\w*\s+", re.IGNORECASE)
_KIND = re.compile(r"\s+(?:province|provinces|governorate|region)$", re.IGNORECASE)


def main_place(gold: str) -> str:
    """ "Idlib, Aleppo and Hama provinces" -> "Idlib"; "northern Hama province" -> "Hama"."""
    first = re.split(r",\s*|\s+and\s+|\s+or\s+", gold)[0]
    return _KIND.sub("", _DIRECTION.sub("", first)).strip()


def same_place(name: str | None, surface: str, want: str) -> bool:
    """Whether a found place is the gold one: by its surface text or its canonical name."""
    want = want.lower()
    return surface.lower().endswith(want) or bool(
        name and name.lower().split(" governorate")[0].endswith(want)
    )


def run(path: Path, *, verbose: bool = False) -> dict[str, float]:
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    dated = dated_ok = undated = undated_ok = 0
    pairs = found = picked = 0
    t0 = time.perf_counter()
    for row in rows:
        text, published = row["text"], row.get("published")
        got = resolve_event_date(text, published)
        seen: set[str] = set()
        for ev in row["events"]:
            if ev.get("date"):
                dated += 1
                ok = got.source == "text" and got.date == ev["date"]
                dated_ok += ok
            else:
                undated += 1
                ok = got.source != "text"
                undated_ok += ok
            if verbose and not ok:
                print(
                    f"  date {row['id']}: gold {ev.get('date')} got {got.date} ({got.source})",
                    file=sys.stderr,
                )
            loc = ev.get("location")
            if loc and loc not in seen:
                seen.add(loc)
                pairs += 1
                want = main_place(loc)
                mentions = find_places(text)
                hit = any(same_place(m.location.name, text[m.start : m.end], want) for m in mentions)
                found += hit
                chosen = locate(text)
                pick = chosen is not None and same_place(chosen.name, chosen.name, want)
                picked += pick
                if verbose and not (hit and pick):
                    print(
                        f"  place {row['id']}: gold {loc!r} found={hit} locate={chosen and chosen.name}",
                        file=sys.stderr,
                    )
    elapsed = time.perf_counter() - t0
    total = dated + undated
    return {
        "events": total,
        "date_accuracy": round((dated_ok + undated_ok) / total, 4) if total else 0.0,
        "date_accuracy_dated": round(dated_ok / dated, 4) if dated else 0.0,
        "date_accuracy_undated": round(undated_ok / undated, 4) if undated else 0.0,
        "location_pairs": pairs,
        "location_found": round(found / pairs, 4) if pairs else 0.0,
        "location_locate": round(picked / pairs, 4) if pairs else 0.0,
        "seconds": round(elapsed, 3),
    }


def main(argv: list[str]) -> int:
    args = [a for a in argv if not a.startswith("-")]
    path = Path(args[0]) if args else DEFAULT_GOLD
    if not path.is_file():
        print(f"gold file not found: {path}", file=sys.stderr)
        return 2
    for name, value in run(path, verbose="-v" in argv).items():
        print(f"{name}: {value}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
