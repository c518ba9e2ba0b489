"""Rebuild ``src/detente/data/cameo.csv`` from the reference tables in ``../shared/benchmarks``.

Takes facts only (code, short name, Goldstein weight, PLOVER category); no descriptions or
examples. Run: ``python tools/build_cameo.py [SHARED_DIR]``.
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def quad(root: str) -> int:
    n = int(root)
    return 1 if n <= 5 else 2 if n <= 8 else 3 if n <= 13 else 4


def plover_table(path: Path) -> dict[str, str]:
    table: dict[str, str] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#") or ":" not in line:
            continue
        code, rest = line.split(":", 1)
        category = rest.split("#", 1)[0].split(",", 1)[0].strip()
        if code.strip().isdigit() and category:
            table[code.strip()] = category
    return table


def main() -> None:
    shared = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT.parent / "shared"
    bench = shared / "benchmarks"
    plover = plover_table(bench / "plover_gsr_cameo" / "CAMEO2PLOVER-2021.txt")
    rows = []
    with open(bench / "cameo_codes_icews" / "cameo-codes.csv", encoding="utf-8", errors="replace") as fh:
        for rec in csv.DictReader(fh):
            code = rec["code"].strip()
            if not code.isdigit():
                continue
            root = code[:2]
            # the most specific PLOVER mapping that exists: 1831 -> 183 -> 18
            cat = next((plover[c] for c in (code, code[:3], root) if c in plover), "")
            if not cat and root == "02":
                # the 2021 table leaves appeals out; the PLOVER manual folds them into REQUEST
                cat = "REQUEST"
            rows.append(
                {
                    "code": code,
                    "name": rec["name"].strip().capitalize(),
                    "root": root,
                    "quad": quad(root),
                    "goldstein": float(rec["goldstein"]),
                    "plover": cat,
                }
            )
    out = ROOT / "src" / "detente" / "data" / "cameo.csv"
    with open(out, "w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=["code", "name", "root", "quad", "goldstein", "plover"])
        w.writeheader()
        w.writerows(sorted(rows, key=lambda r: (r["root"], r["code"])))
    print(f"wrote {len(rows)} codes to {out}")


if __name__ == "__main__":
    main()
