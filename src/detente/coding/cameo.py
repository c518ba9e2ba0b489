"""CAMEO code table: code -> name, root, quad class, Goldstein weight, PLOVER category.

The table is ``data/cameo.csv`` (rebuilt by ``tools/build_cameo.py``); code holds no codes.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from detente.errors import InvalidQuery


@dataclass(frozen=True)
class CameoCode:
    code: str
    name: str
    root: str
    quad: int
    goldstein: float
    plover: str | None


class CameoTable:
    """Lookup of CAMEO codes. Unknown sub-codes fall back to their parent (``0871`` -> ``087``)."""

    def __init__(self, codes: dict[str, CameoCode]) -> None:
        self._codes = codes

    @classmethod
    def load(cls) -> CameoTable:
        return _default_table()

    def __contains__(self, code: str) -> bool:
        return code in self._codes

    def __len__(self) -> int:
        return len(self._codes)

    def codes(self) -> list[CameoCode]:
        return list(self._codes.values())

    def get(self, code: str) -> CameoCode:
        """The entry for ``code``, or for its nearest listed parent."""
        code = code.strip()
        for candidate in (code, code[:3], code[:2]):
            if candidate in self._codes:
                found = self._codes[candidate]
                if candidate == code:
                    return found
                return CameoCode(code, found.name, found.root, found.quad, found.goldstein, found.plover)
        raise InvalidQuery(f"unknown CAMEO code {code!r}")


@lru_cache(maxsize=1)
def _default_table() -> CameoTable:
    text = (resources.files("detente") / "data" / "cameo.csv").read_text(encoding="utf-8")
    codes: dict[str, CameoCode] = {}
    for row in csv.DictReader(io.StringIO(text)):
        codes[row["code"]] = CameoCode(
            code=row["code"],
            name=row["name"],
            root=row["root"],
            quad=int(row["quad"]),
            goldstein=float(row["goldstein"]),
            plover=row["plover"] or None,
        )
    return CameoTable(codes)
