"""REST API under ``/api``: events, one event with its sentence, dyads, agreements, actors, stats.

Response models are declared so ``/openapi.json`` documents every shape (and schemathesis can
check responses against it). Every query goes through :class:`~detente.store.db.Store`, whose
queries are parameterised; nothing here builds SQL.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Path, Query, Request
from pydantic import BaseModel, ConfigDict, Field

from detente.store.db import Store
from detente.web import payloads
from detente.web.payloads import DEFAULT_LIMIT, MAX_LIMIT

router = APIRouter(prefix="/api", tags=["api"])

#: ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``: the precisions event dates come in.
DATE_PATTERN = r"^\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)?$"
PRINCIPAL_PATTERN = r"^[A-Za-z][A-Za-z0-9_]{0,31}$"


def get_store(request: Request) -> Iterator[Store]:
    """The request's own store (see :class:`detente.web.app.StoreAccess`)."""
    with request.app.state.access.open() as store:
        yield store


StoreDep = Annotated[Store, Depends(get_store)]
DateFrom = Annotated[
    str | None, Query(alias="from", pattern=DATE_PATTERN, description="Earliest event date (inclusive)")
]
DateTo = Annotated[
    str | None, Query(alias="to", pattern=DATE_PATTERN, description="Latest event date (inclusive)")
]
ActorA = Annotated[
    str, Path(pattern=PRINCIPAL_PATTERN, description="Principal", openapi_examples={"Russia": {"value": "RUS"}})
]
ActorB = Annotated[
    str, Path(pattern=PRINCIPAL_PATTERN, description="Principal", openapi_examples={"Turkey": {"value": "TUR"}})
]
Principal = Annotated[str | None, Query(pattern=PRINCIPAL_PATTERN, description="Actor principal, e.g. RUS")]


class ErrorDetail(BaseModel):
    type: str = Field(description="The error class, e.g. NotFound, InvalidQuery, UnknownActor")
    message: str


class ErrorBody(BaseModel):
    """The one shape of every API error."""

    error: ErrorDetail


ERRORS: dict[int | str, dict[str, Any]] = {
    404: {"model": ErrorBody, "description": "Not found"},
    422: {"model": ErrorBody, "description": "Invalid parameter"},
    503: {"model": ErrorBody, "description": "Database unavailable"},
}


class ActorOut(BaseModel):
    name: str
    principal: str
    code: str
    country: str | None = None
    sector: str | None = None
    wikidata: str | None = None


class LocationOut(BaseModel):
    name: str
    country: str | None = None
    lat: float | None = None
    lon: float | None = None
    geonameid: int | None = None


class EvidenceOut(BaseModel):
    text: str
    start: int
    end: int


class EventOut(BaseModel):
    """The contract's event record, plus names and the article's outlet for display."""

    id: str
    event_id: str
    doc_id: str
    sentence: int
    source: ActorOut
    target: ActorOut
    cameo: str
    root: str
    quad: int = Field(ge=1, le=4)
    goldstein: float
    plover: str | None = None
    negated: bool
    hypothetical: bool
    date: str | None = None
    date_precision: Literal["day", "month", "year"] | None = None
    date_source: Literal["text", "published", "inferred"] | None = None
    location: LocationOut | None = None
    evidence: EvidenceOut
    confidence: float
    cameo_name: str | None = None
    quad_name: str | None = None
    flags: list[str] = Field(default_factory=list, description="negated / hypothetical")
    outlet: str | None = None
    title: str | None = None
    url: str | None = None
    published: str | None = None


class EventsPage(BaseModel):
    events: list[EventOut]
    total: int = Field(description="Events matching the filters, over all pages")
    limit: int
    offset: int


class ArticleOut(BaseModel):
    id: str
    title: str | None = None
    url: str | None = None
    outlet: str | None = None
    published: str | None = None
    published_source: str | None = None
    text: str


class Span(BaseModel):
    start: int
    end: int


class Segments(BaseModel):
    before: str
    sentence: str
    after: str


class EventDetail(BaseModel):
    """An event with its article's text and where its sentence lies in it."""

    event: EventOut
    article: ArticleOut
    highlight: Span
    segments: Segments


class PeriodOut(BaseModel):
    model_config = ConfigDict(extra="allow")

    period: str
    events: int
    quad: dict[str, int]
    goldstein_sum: float
    goldstein_mean: float | None = None
    event_ids: list[str]


class BalanceOut(BaseModel):
    cooperation: int
    conflict: int
    index: float | None = Field(description="(cooperation - conflict) / all, from -1 to +1")


class TrendOut(BaseModel):
    """Direction of the relation over the series, fitted on ``measure`` per period."""

    model_config = ConfigDict(extra="allow")

    direction: str = Field(description="warming, cooling or stable")
    slope: float
    change: float
    measure: str


class TurningPointOut(BaseModel):
    """A period where the relation shifted, with the events on either side of it."""

    model_config = ConfigDict(extra="allow")

    period: str
    before: float
    after: float
    direction: str
    event_ids: list[str]


class ReasonOut(BaseModel):
    text: str
    event_ids: list[str] = Field(description="The events this claim rests on")


class VerdictOut(BaseModel):
    """The plain-language answer and the cited reasons behind it."""

    model_config = ConfigDict(extra="allow")

    label: str = Field(description="making deals, parting ways, mixed, or too few events to say")
    headline: str
    reasons: list[ReasonOut]


class DyadOut(BaseModel):
    """A dyad's series (the contract's shape) plus its verdict, balance and agreements."""

    model_config = ConfigDict(extra="allow")

    a: str
    b: str
    freq: str
    series: list[PeriodOut]
    trend: TrendOut | None = Field(description="Direction of the relation over the series")
    turning_points: list[TurningPointOut]
    verdict: VerdictOut
    balance: BalanceOut
    agreements: list[dict[str, Any]]


class StatsOut(BaseModel):
    model_config = ConfigDict(extra="allow")

    articles: int
    events: int
    dyads: int = Field(description="Distinct directed (source, target) pairs")
    date_from: str | None = None
    date_to: str | None = None


class AgreementsOut(BaseModel):
    agreements: list[dict[str, Any]]


class ActorCount(BaseModel):
    principal: str
    name: str
    events: int


class DyadCount(BaseModel):
    a: str
    b: str
    events: int


class ActorsOut(BaseModel):
    actors: list[ActorCount]
    top_dyads: list[DyadCount]


@router.get("/events", response_model=EventsPage, responses=ERRORS)
def list_events(
    store: StoreDep,
    source: Principal = None,
    target: Principal = None,
    actor: Annotated[
        str | None, Query(pattern=PRINCIPAL_PATTERN, description="Either side of the event")
    ] = None,
    date_from: DateFrom = None,
    date_to: DateTo = None,
    root: Annotated[str | None, Query(pattern=r"^(0[1-9]|1\d|20)$", description="CAMEO root")] = None,
    cameo: Annotated[str | None, Query(pattern=r"^\d{2,4}$", description="CAMEO code")] = None,
    quad: Annotated[int | None, Query(ge=1, le=4, description="Quad class 1-4")] = None,
    include_flagged: bool = True,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = DEFAULT_LIMIT,
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
) -> dict[str, Any]:
    """Event records matching every filter given, oldest first (undated last)."""
    filters: dict[str, Any] = {
        "source": source.upper() if source else None,
        "target": target.upper() if target else None,
        "actor": actor.upper() if actor else None,
        "date_from": date_from,
        "date_to": date_to,
        "root": root,
        "cameo": cameo,
        "quad": quad,
        "include_flagged": include_flagged,
    }
    events = store.events(**filters, limit=limit, offset=offset)
    total = store.count_events(**filters)
    return {"events": payloads.event_rows(store, events), "total": total, "limit": limit, "offset": offset}


@router.get("/events/{event_id}", response_model=EventDetail, responses=ERRORS)
def get_event(store: StoreDep, event_id: Annotated[str, Path(max_length=200)]) -> dict[str, Any]:
    """One event with its article text and the span of its evidence sentence."""
    return payloads.event_detail(store, event_id)


@router.get("/dyads/{a}/{b}", response_model=DyadOut, responses=ERRORS)
def get_dyad(
    request: Request,
    store: StoreDep,
    a: ActorA,
    b: ActorB,
    freq: Literal["week", "month", "year"] = "month",
    date_from: DateFrom = None,
    date_to: DateTo = None,
) -> dict[str, Any]:
    """How the relation between two actors moved, period by period, and what it adds up to."""
    return payloads.dyad_payload(
        store, a, b, freq=freq, date_from=date_from, date_to=date_to, settings=request.app.state.settings
    )


@router.get("/dyads/{a}/{b}/events", response_model=EventsPage, responses=ERRORS)
def get_dyad_events(
    store: StoreDep,
    a: ActorA,
    b: ActorB,
    date_from: DateFrom = None,
    date_to: DateTo = None,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = DEFAULT_LIMIT,
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
) -> dict[str, Any]:
    """Events between two actors in either direction, oldest first (undated last)."""
    a = payloads.check_actor(store, a)
    b = payloads.check_actor(store, b)
    events, total = payloads.dyad_events(
        store, a, b, date_from=date_from, date_to=date_to, limit=limit, offset=offset
    )
    return {"events": payloads.event_rows(store, events), "total": total, "limit": limit, "offset": offset}


@router.get("/agreements", response_model=AgreementsOut, responses=ERRORS)
def list_agreements(store: StoreDep, party: Principal = None) -> dict[str, Any]:
    """Agreements tracked through their life (made, implemented, violated, collapsed)."""
    found = store.agreements(party=party.upper() if party else None)
    return {"agreements": payloads.plain(found)}


@router.get("/actors", response_model=ActorsOut, responses=ERRORS)
def list_actors(store: StoreDep) -> dict[str, Any]:
    """Principals present in the database with their event counts, and the busiest pairs."""
    return {"actors": payloads.principal_counts(store), "top_dyads": payloads.top_dyads(store)}


@router.get("/stats", response_model=StatsOut, responses=ERRORS)
def get_stats(store: StoreDep) -> dict[str, Any]:
    """Counts of articles, events and what they cover."""
    result: dict[str, Any] = payloads.plain(store.stats())
    return result
