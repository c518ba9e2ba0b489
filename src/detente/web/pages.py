"""Dashboard pages: pick two actors, read their relation, and trace every number to a sentence.

Pages are rendered on the server (so they work, and can be read by a screen reader, without
JavaScript); a small script then draws the charts with plotly.js, served from the installed
plotly package so nothing is fetched from the network.
"""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path as FilePath
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import FileResponse, HTMLResponse, Response
from fastapi.templating import Jinja2Templates
from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup

from detente.records import QUAD_NAMES
from detente.store.db import Store
from detente.web import payloads
from detente.web.api import DATE_PATTERN, PRINCIPAL_PATTERN, get_store

router = APIRouter(include_in_schema=False)

#: Events shown per page of the dashboard's table.
PAGE_SIZE = 50


def make_templates() -> Jinja2Templates:
    """Templates from the installed package (not the working directory), autoescaped."""
    env = Environment(
        loader=PackageLoader("detente.web", "templates"),
        autoescape=select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["json_script"] = json_script
    env.globals["QUAD_NAMES"] = QUAD_NAMES
    return Jinja2Templates(env=env)


def json_script(value: Any) -> Markup:
    """JSON safe to place inside ``<script type="application/json">``.

    ``<``, ``>`` and ``&`` are escaped so an article containing ``</script>`` cannot end
    the element early (article text is untrusted input).
    """
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    text = text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")
    return Markup(text)


def plotly_js_path() -> FilePath:
    """The minified plotly.js that ships inside the installed ``plotly`` Python package."""
    return FilePath(str(resources.files("plotly") / "package_data" / "plotly.min.js"))


def static_path(name: str) -> FilePath:
    return FilePath(str(resources.files("detente.web") / "static" / name))


def world_path() -> FilePath:
    return FilePath(str(resources.files("detente") / "data" / "geo" / "world_110m.json"))


StoreDep = Annotated[Store, Depends(get_store)]
#: The dashboard form's date boxes: a date, or empty.
FORM_DATE_PATTERN = DATE_PATTERN.replace("^", "^$|^", 1)


@router.get("/vendor/plotly.min.js")
def plotly_js() -> FileResponse:
    return FileResponse(plotly_js_path(), media_type="text/javascript")


@router.get("/vendor/world_110m.json")
def world_json() -> FileResponse:
    return FileResponse(world_path(), media_type="application/json")


@router.get("/static/{name}")
def static_file(name: Annotated[str, Path(pattern=r"^[a-z][a-z0-9-]*\.(js|css)$")]) -> Response:
    path = static_path(name)
    if not path.is_file():
        from detente.errors import NotFound

        raise NotFound(f"no static file {name!r}")
    media = "text/javascript" if name.endswith(".js") else "text/css"
    return FileResponse(path, media_type=media)


@router.get("/", response_class=HTMLResponse)
def dashboard(
    request: Request,
    store: StoreDep,
    a: Annotated[str | None, Query(pattern=PRINCIPAL_PATTERN)] = None,
    b: Annotated[str | None, Query(pattern=PRINCIPAL_PATTERN)] = None,
    freq: Literal["week", "month", "year"] = "month",
    date_from: Annotated[str | None, Query(alias="from", pattern=FORM_DATE_PATTERN)] = None,
    date_to: Annotated[str | None, Query(alias="to", pattern=FORM_DATE_PATTERN)] = None,
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
) -> Response:
    """The dashboard: choose a dyad, see its timeline, verdict, agreements, map and events."""
    # A form submits its empty date boxes as "": that means "no bound", not a bad date.
    date_from = date_from or None
    date_to = date_to or None
    actors = payloads.principal_counts(store)
    dyads = payloads.top_dyads(store)
    context: dict[str, Any] = {
        "page_title": "detente: relations between two actors",
        "actors": actors,
        "top_dyads": dyads,
        "stats": payloads.plain(store.stats()),
        "freq": freq,
        "date_from": date_from or "",
        "date_to": date_to or "",
        "dyad": None,
        "source_label": request.app.state.access.label,
    }
    if (a is None or b is None) and dyads:
        a = a or dyads[0]["a"]
        b = b or (dyads[0]["b"] if dyads[0]["a"] == a else dyads[0]["a"])
    if a and b:
        dyad = payloads.dyad_payload(
            store, a, b, freq=freq, date_from=date_from, date_to=date_to, settings=request.app.state.settings
        )
        events, total = payloads.dyad_events(
            store,
            dyad["a"],
            dyad["b"],
            date_from=date_from,
            date_to=date_to,
            limit=PAGE_SIZE,
            offset=(page - 1) * PAGE_SIZE,
        )
        context.update(
            {
                "a": dyad["a"],
                "b": dyad["b"],
                "dyad": dyad,
                "events": payloads.event_rows(store, events),
                "total": total,
                "page": page,
                "pages": max(1, -(-total // PAGE_SIZE)),
                "places": payloads.dyad_places(store, dyad["a"], dyad["b"], date_from=date_from, date_to=date_to),
                "page_title": f"detente: {dyad['a']} and {dyad['b']}",
            }
        )
    else:
        context.update({"a": a or "", "b": b or ""})
    templates: Jinja2Templates = request.app.state.templates
    return templates.TemplateResponse(request, "dashboard.html", context)


@router.get("/events/{event_id}", response_class=HTMLResponse)
def event_page(
    request: Request, store: StoreDep, event_id: Annotated[str, Path(max_length=200)]
) -> Response:
    """One event with its sentence highlighted in its article: where every number comes from."""
    detail = payloads.event_detail(store, event_id)
    templates: Jinja2Templates = request.app.state.templates
    ev = detail["event"]
    return templates.TemplateResponse(
        request,
        "event.html",
        {
            "detail": detail,
            "ev": ev,
            "page_title": f"Event {ev['event_id']}: {ev['source']['principal']} → {ev['target']['principal']}",
        },
    )
