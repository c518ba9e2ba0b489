"""A static HTML report on one dyad: one self-contained file that opens with no network.

Analysts mail reports, attach them to tickets and open them on air-gapped machines, so the
file carries everything: plotly.js (from the installed plotly package), the data, the
stylesheet, and the Natural Earth country outlines for the map (plotly's own geo maps
would fetch a topojson from a CDN, so the map is drawn as plain traces instead).

Example::

    with Store("events.duckdb", read_only=True) as store:
        write_report(store, "RUS", "TUR", "rus-tur.html", freq="month")
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from markupsafe import Markup

from detente.settings import Settings
from detente.web import payloads
from detente.web.pages import make_templates, plotly_js_path, static_path

if TYPE_CHECKING:
    from detente.store.db import Store

logger = logging.getLogger(__name__)

#: Events listed with their sentences; the series and verdict always count every event.
DEFAULT_MAX_EVENTS = 1000


def _inline_js(text: str) -> Markup:
    """Script text safe inside ``<script>``: no ``</script`` can close the element early."""
    return Markup(text.replace("</script", "<\\/script").replace("</SCRIPT", "<\\/SCRIPT"))


def render_report(
    store: Store,
    a: str,
    b: str,
    *,
    freq: str = "month",
    date_from: str | None = None,
    date_to: str | None = None,
    max_events: int = DEFAULT_MAX_EVENTS,
    settings: Settings | None = None,
    title: str | None = None,
) -> str:
    """The report's HTML text (see :func:`write_report`)."""
    dyad = payloads.dyad_payload(store, a, b, freq=freq, date_from=date_from, date_to=date_to, settings=settings)
    events, total = payloads.dyad_events(
        store, dyad["a"], dyad["b"], date_from=date_from, date_to=date_to, limit=max_events
    )
    env = make_templates().env
    context: dict[str, Any] = {
        "title": title or f"{dyad['a']} and {dyad['b']}: relations by {freq}",
        "version": _version(),
        "generated": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "stats": payloads.plain(store.stats()),
        "dyad": dyad,
        "events": payloads.event_rows(store, events),
        "total": total,
        "places": payloads.dyad_places(store, dyad["a"], dyad["b"], date_from=date_from, date_to=date_to),
        "world": payloads.world_outline(),
        "css": Markup(static_path("detente.css").read_text(encoding="utf-8")),
        "plotly_js": _inline_js(plotly_js_path().read_text(encoding="utf-8")),
        "charts_js": _inline_js(static_path("detente-charts.js").read_text(encoding="utf-8")),
    }
    return env.get_template("report.html").render(context)


def write_report(
    store: Store,
    a: str,
    b: str,
    path: str | Path,
    *,
    freq: str = "month",
    date_from: str | None = None,
    date_to: str | None = None,
    max_events: int = DEFAULT_MAX_EVENTS,
    settings: Settings | None = None,
    title: str | None = None,
) -> Path:
    """Write the report on the ``a``-``b`` dyad to ``path`` and return the path.

    Raises :class:`~detente.errors.UnknownActor` when either actor has no events in the store.
    """
    html = render_report(
        store, a, b, freq=freq, date_from=date_from, date_to=date_to, max_events=max_events,
        settings=settings, title=title,
    )
    out = Path(path)
    out.write_text(html, encoding="utf-8")
    logger.info("wrote report on %s-%s to %s (%d bytes)", a, b, out, len(html))
    return out


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("detente")
    except PackageNotFoundError:
        return "0"
