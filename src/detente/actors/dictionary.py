"""Actor dictionary: surface forms of states, organisations, groups, people and sector words.

The data files (``data/actors/*.jsonl``, format in ``docs/architecture.md``) are read once
per process. Surface forms are keyed lower-cased, so lookup and the spaCy PhraseMatcher
(``attr="LOWER"``) agree on what a mention is. People keep their dated roles, because the
same name stands for different offices (and sometimes different states) over time.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Any, Literal

logger = logging.getLogger(__name__)

EntryKind = Literal["state", "capital", "metonym", "adjective", "demonym", "org", "group", "person"]

#: Files read, in order; a missing file is skipped (the dictionary grows as data is added).
ACTOR_FILES = ("states", "organisations", "groups", "people", "sectors")


@dataclass(frozen=True)
class Role:
    """An office held between ``start`` and ``end`` (ISO dates; ``end`` None while in office)."""

    principal: str
    sector: str | None
    role: str
    start: str | None
    end: str | None

    def holds_on(self, date: str | None) -> bool:
        if date is None:
            return self.end is None
        day = _pad(date)
        if self.start and day < _pad(self.start):
            return False
        return not (self.end and day > _pad(self.end, last=True))


@dataclass(frozen=True)
class ActorEntry:
    """What one surface form stands for."""

    kind: EntryKind
    name: str
    principal: str | None
    country: str | None = None
    sector: str | None = None
    wikidata: str | None = None
    roles: tuple[Role, ...] = field(default=())


@dataclass(frozen=True)
class SectorWord:
    """A word naming a sector ("troops" -> MIL); ``principal`` set for generic actors (REBELS)."""

    sector: str
    principal: str | None


def _pad(date: str, *, last: bool = False) -> str:
    """``2019`` -> ``2019-01-01`` (or ``-12-31`` with ``last``) so partial dates compare."""
    parts = date[:10].split("-")
    if len(parts) == 1:
        return f"{parts[0]}-12-31" if last else f"{parts[0]}-01-01"
    if len(parts) == 2:
        return f"{parts[0]}-{parts[1]}-31" if last else f"{parts[0]}-{parts[1]}-01"
    return date[:10]


def normalise(text: str) -> str:
    """Lower-case, straighten quotes and squeeze spaces: the key every lookup uses."""
    text = text.replace("\u2019", "'").replace("\u2018", "'").replace("\u00a0", " ")
    return " ".join(text.lower().split())


class ActorDictionary:
    """Surface form -> entries, plus sector words. Build with :meth:`load` (cached)."""

    def __init__(
        self,
        forms: dict[str, list[ActorEntry]],
        sectors: dict[str, SectorWord],
        surface: dict[str, tuple[str, ...]] | None = None,
    ) -> None:
        self.forms = forms
        self.sectors = sectors
        #: Key -> the forms as the data writes them ("modi" -> ("Modi",)). Keys are lower-cased for
        #: lookup, but a short name is only safe to match in its written capitalisation.
        self.surface: dict[str, tuple[str, ...]] = surface or {}
        self.max_words = max((len(f.split()) for f in forms), default=1)

    @classmethod
    def load(cls) -> ActorDictionary:
        """The dictionary from the package data files, read once per process."""
        return _load_default()

    @classmethod
    def from_records(cls, records: dict[str, list[dict[str, Any]]]) -> ActorDictionary:
        """Build from parsed records keyed by file stem (``states``, ``people``, ...)."""
        forms: dict[str, list[ActorEntry]] = {}
        sectors: dict[str, SectorWord] = {}
        surface: dict[str, tuple[str, ...]] = {}

        def add(form: str, entry: ActorEntry) -> None:
            key = normalise(form)
            if not key:
                return
            bucket = forms.setdefault(key, [])
            if entry not in bucket:
                bucket.append(entry)
            written = " ".join(form.replace("\u2019", "'").replace("\u2018", "'").split())
            if written not in surface.get(key, ()):
                surface[key] = (*surface.get(key, ()), written)
            if key.startswith("the ") and len(key) > 4:
                add(key[4:], entry)

        for rec in records.get("states", []):
            p = rec["principal"]
            wd = rec.get("wikidata")
            name = rec.get("name", p)
            for form in [rec.get("name", "")] + list(rec.get("names", [])):
                add(form, ActorEntry("state", name, p, p, None, wd))
            for form in rec.get("adjectives", []):
                add(form, ActorEntry("adjective", name, p, p, None, wd))
            for form in rec.get("demonyms", []):
                add(form, ActorEntry("demonym", name, p, p, None, wd))
            for form in rec.get("capitals", []):
                add(form, ActorEntry("capital", name, p, p, "GOV", wd))
            for form in rec.get("metonyms", []):
                add(form, ActorEntry("metonym", name, p, p, "GOV", wd))
        for stem, kind in (("organisations", "org"), ("groups", "group")):
            for rec in records.get(stem, []):
                p = rec["principal"]
                names = list(rec.get("names", [])) or [p]
                entry = ActorEntry(
                    kind,  # type: ignore[arg-type]
                    names[0],
                    p,
                    rec.get("country"),
                    rec.get("sector"),
                    rec.get("wikidata"),
                )
                for form in names + list(rec.get("adjectives", [])):
                    add(form, entry)
        for rec in records.get("people", []):
            roles = tuple(
                Role(r.get("principal", ""), r.get("sector"), r.get("role", "other"), r.get("start"), r.get("end"))
                for r in rec.get("roles", [])
                if r.get("principal")
            )
            entry = ActorEntry(
                "person", rec["name"], None, rec.get("country"), None, rec.get("wikidata"), roles
            )
            for form in [rec["name"]] + list(rec.get("aliases", [])):
                add(form, entry)
        for rec in records.get("sectors", []):
            word = SectorWord(rec["sector"], rec.get("principal"))
            for w in rec.get("words", []):
                key = normalise(w)
                if key and key not in sectors:
                    sectors[key] = word
        return cls(forms, sectors, surface)

    def lookup(self, form: str) -> list[ActorEntry]:
        return self.forms.get(normalise(form), [])

    def sector_word(self, word: str) -> SectorWord | None:
        return self.sectors.get(normalise(word))


def read_actor_files() -> dict[str, list[dict[str, Any]]]:
    """Parse every actor data file that exists; a bad line is logged and skipped."""
    base = resources.files("detente") / "data" / "actors"
    out: dict[str, list[dict[str, Any]]] = {}
    for stem in ACTOR_FILES:
        res = base / f"{stem}.jsonl"
        if not res.is_file():
            continue
        rows: list[dict[str, Any]] = []
        for n, line in enumerate(res.read_text(encoding="utf-8").splitlines(), 1):
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            try:
                rows.append(json.loads(line))
            except json.JSONDecodeError as exc:
                logger.warning("%s.jsonl:%d: skipped: %s", stem, n, exc)
        out[stem] = rows
    return out


@lru_cache(maxsize=1)
def _load_default() -> ActorDictionary:
    return ActorDictionary.from_records(read_actor_files())


def reload() -> ActorDictionary:
    """Forget the cached dictionary and read the files again (they grow while data is added)."""
    _load_default.cache_clear()
    return _load_default()
