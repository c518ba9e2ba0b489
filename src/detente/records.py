"""The data contract (``shared/CONTRACT.md``) as frozen dataclasses.

Every layer (ingest, coder, store, web, exporters) passes these records, so the JSON
shape users see is decided here once. ``to_dict``/``from_dict`` round-trip exactly
(a hypothesis test pins that), and :func:`event_id` is the one place that decides
when two coded events are "the same" for idempotent storage.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field, fields, replace
from typing import Any, Literal

DatePrecision = Literal["day", "month", "year"]
DateSource = Literal["text", "published", "inferred"]

#: How an article's publication date was found; stored with the article.
PUBLISHED_SOURCES = ("given", "header", "dateline", "byline", "text", "none")

QUAD_NAMES = {
    1: "verbal cooperation",
    2: "material cooperation",
    3: "verbal conflict",
    4: "material conflict",
}


def quad_of_root(root: str) -> int:
    """Quad class of a two-digit CAMEO root, as GDELT and ICEWS define it."""
    n = int(root)
    if not 1 <= n <= 20:
        raise ValueError(f"CAMEO root must be 01-20, got {root!r}")
    if n <= 5:
        return 1
    if n <= 8:
        return 2
    if n <= 13:
        return 3
    return 4


@dataclass(frozen=True)
class Article:
    """One document after ingest: clean text plus what is known about it.

    ``published_source`` says how ``published`` was found (see PUBLISHED_SOURCES), because
    a date read off a page header is weaker evidence than one given in metadata.
    ``origin`` is "path:line" (or the URL) the article came from, for error messages.
    """

    id: str
    text: str
    url: str | None = None
    title: str | None = None
    outlet: str | None = None
    published: str | None = None
    published_source: str = "none"
    origin: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Article:
        names = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in names})


@dataclass(frozen=True)
class Actor:
    """A resolved actor mention. ``principal`` is what relations aggregate on."""

    name: str
    principal: str
    code: str
    country: str | None = None
    sector: str | None = None
    wikidata: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """Field by field, not ``dataclasses.asdict``: events are turned into dicts on every
        coded doc (``doc._.events``), and asdict's generic deep copy costs several times more."""
        return {
            "name": self.name, "principal": self.principal, "code": self.code,
            "country": self.country, "sector": self.sector, "wikidata": self.wikidata,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Actor:
        return cls(
            name=data["name"],
            principal=data["principal"],
            code=data["code"],
            country=data.get("country"),
            sector=data.get("sector"),
            wikidata=data.get("wikidata"),
        )


@dataclass(frozen=True)
class Location:
    name: str
    country: str | None = None
    lat: float | None = None
    lon: float | None = None
    geonameid: int | None = None

    def to_dict(self) -> dict[str, Any]:
        """Field by field, for the same reason as :meth:`Actor.to_dict`."""
        return {"name": self.name, "country": self.country, "lat": self.lat, "lon": self.lon, "geonameid": self.geonameid}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Location:
        return cls(
            name=data["name"],
            country=data.get("country"),
            lat=data.get("lat"),
            lon=data.get("lon"),
            geonameid=data.get("geonameid"),
        )


@dataclass(frozen=True)
class Evidence:
    """The sentence an event was read from and its character offsets in the article text."""

    text: str
    start: int
    end: int

    def to_dict(self) -> dict[str, Any]:
        """Field by field, for the same reason as :meth:`Actor.to_dict`."""
        return {"text": self.text, "start": self.start, "end": self.end}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Evidence:
        return cls(text=data["text"], start=int(data["start"]), end=int(data["end"]))


@dataclass(frozen=True)
class Event:
    """One coded event: who did what to whom, when, where, and the sentence that says so."""

    id: str
    event_id: str
    doc_id: str
    sentence: int
    source: Actor
    target: Actor
    cameo: str
    root: str
    quad: int
    goldstein: float
    evidence: Evidence
    plover: str | None = None
    negated: bool = False
    hypothetical: bool = False
    date: str | None = None
    date_precision: DatePrecision | None = None
    date_source: DateSource | None = None
    location: Location | None = None
    confidence: float = 0.5
    extra: dict[str, Any] = field(default_factory=dict, compare=False)

    def to_dict(self) -> dict[str, Any]:
        """The contract's JSON shape, keys in the contract's order; ``extra`` is not part of it."""
        return {
            "id": self.id,
            "event_id": self.event_id,
            "doc_id": self.doc_id,
            "sentence": self.sentence,
            "source": self.source.to_dict(),
            "target": self.target.to_dict(),
            "cameo": self.cameo,
            "root": self.root,
            "quad": self.quad,
            "goldstein": self.goldstein,
            "plover": self.plover,
            "negated": self.negated,
            "hypothetical": self.hypothetical,
            "date": self.date,
            "date_precision": self.date_precision,
            "date_source": self.date_source,
            "location": self.location.to_dict() if self.location else None,
            "evidence": self.evidence.to_dict(),
            "confidence": self.confidence,
        }

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Event:
        loc = data.get("location")
        return cls(
            id=data["id"],
            event_id=data["event_id"],
            doc_id=data["doc_id"],
            sentence=int(data["sentence"]),
            source=Actor.from_dict(data["source"]),
            target=Actor.from_dict(data["target"]),
            cameo=data["cameo"],
            root=data["root"],
            quad=int(data["quad"]),
            goldstein=float(data["goldstein"]),
            evidence=Evidence.from_dict(data["evidence"]),
            plover=data.get("plover"),
            negated=bool(data.get("negated", False)),
            hypothetical=bool(data.get("hypothetical", False)),
            date=data.get("date"),
            date_precision=data.get("date_precision"),
            date_source=data.get("date_source"),
            location=Location.from_dict(loc) if loc else None,
            confidence=float(data.get("confidence", 0.5)),
        )

    def with_changes(self, **changes: Any) -> Event:
        """A copy with fields changed; recomputes ``event_id`` when an identifying field changes."""
        updated = replace(self, **changes)
        if {"doc_id", "sentence", "source", "target", "cameo"} & changes.keys():
            updated = replace(
                updated,
                event_id=event_id(
                    updated.doc_id, updated.sentence, updated.source.code, updated.target.code, updated.cameo
                ),
            )
        return updated


def event_id(doc_id: str, sentence: int, source: str, target: str, cameo: str) -> str:
    """Stable id of an event: the same article coded twice gives the same ids.

    It hashes what identifies an event in its article (doc, sentence, actor codes, CAMEO
    code) and nothing that a better resolver could change later (dates, places).
    """
    key = "\x1f".join([doc_id, str(sentence), source, target, cameo])
    return hashlib.sha1(key.encode("utf-8")).hexdigest()[:20]


def doc_id_for(text: str, url: str | None = None) -> str:
    """Content-derived article id, used when the input gives none: re-ingest finds the same id."""
    basis = url if url else text
    return "doc-" + hashlib.sha1(basis.encode("utf-8")).hexdigest()[:16]
