"""The web application: REST API under ``/api`` and the dashboard pages, over one store.

``create_app`` takes either an open :class:`~detente.store.db.Store` (tests, ``:memory:``)
or the path of a DuckDB file. DuckDB connections are not thread-safe and FastAPI runs
sync endpoints in a thread pool, so:

* with a path, every request opens its own read-only connection (DuckDB allows many
  read-only readers of one file, and a server never needs to write);
* with an open store, requests take turns on it under a lock.

Every error leaves in one JSON shape, ``{"error": {"type": ..., "message": ...}}`` (for
``/api`` paths) with the status the :class:`~detente.errors.DetenteError` subclass names, so
clients handle a 404 from an unknown event the same way as a 422 from a bad date.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.templating import Jinja2Templates
from starlette.exceptions import HTTPException as StarletteHTTPException

from detente.errors import DetenteError, StoreError
from detente.settings import Settings, load_settings

if TYPE_CHECKING:
    from detente.store.db import Store

logger = logging.getLogger(__name__)

#: Error ``type`` names for HTTP statuses that do not come from a DetenteError.
_STATUS_TYPES = {
    400: "BadRequest",
    404: "NotFound",
    405: "MethodNotAllowed",
    422: "InvalidQuery",
    500: "InternalError",
    503: "StoreError",
}


class StoreAccess:
    """Hands each request a store it may use alone for the length of the request."""

    def __init__(self, store_or_path: Store | str | Path, *, memory_limit: str | None = None) -> None:
        """``memory_limit``: the ``store_memory_limit`` setting, for the connections opened per request."""
        self._memory_limit = memory_limit
        if isinstance(store_or_path, (str, Path)):
            path = Path(store_or_path)
            if str(store_or_path) != ":memory:" and not path.exists():
                raise StoreError(f"{path}: no such database; create it with `detente demo --db {path}`")
            self._path: Path | None = path
            self._store: Store | None = None
        else:
            self._path = None
            self._store = store_or_path
        self._lock = threading.Lock()

    @property
    def label(self) -> str:
        """What the dashboard footer names as the data source."""
        return str(self._path) if self._path is not None else "in-memory store"

    @contextmanager
    def open(self) -> Iterator[Store]:
        """A store for one request: a fresh read-only connection, or the shared one under a lock."""
        if self._store is not None:
            with self._lock:
                yield self._store
            return
        from detente.store.db import Store

        assert self._path is not None
        store = Store(str(self._path), read_only=True, memory_limit=self._memory_limit)
        try:
            yield store
        finally:
            store.close()


def error_body(type_: str, message: str) -> dict[str, Any]:
    """The one JSON error shape every API error uses."""
    return {"error": {"type": type_, "message": message}}


def _wants_json(request: Request) -> bool:
    path = request.url.path
    return path.startswith("/api") or path == "/openapi.json"


def _error_response(request: Request, status: int, type_: str, message: str) -> Response:
    if _wants_json(request):
        return JSONResponse(error_body(type_, message), status_code=status)
    templates: Jinja2Templates = request.app.state.templates
    return templates.TemplateResponse(
        request,
        "error.html",
        {"status": status, "type": type_, "message": message, "page_title": f"{status} {type_}"},
        status_code=status,
    )


def _validation_message(exc: RequestValidationError) -> str:
    """One readable line per bad parameter: ``query.from: String should match pattern ...``."""
    parts = []
    for err in exc.errors():
        where = ".".join(str(p) for p in err.get("loc", ()))
        parts.append(f"{where}: {err.get('msg', 'invalid value')}")
    return "; ".join(parts) or "invalid request"


def create_app(store_or_path: Store | str | Path, *, settings: Settings | None = None) -> FastAPI:
    """Build the API and dashboard over a store (or a DuckDB file, opened read-only per request).

    Example::

        app = create_app("events.duckdb")
        uvicorn.run(app, host="127.0.0.1", port=8000)
    """
    from detente.web import api, pages

    app = FastAPI(
        title="detente",
        summary="CAMEO-coded political events and the relations between two actors over time.",
        version=_version(),
        # FastAPI's /docs and /redoc pages load their scripts from a CDN; detente serves
        # offline, so only the schema itself is published.
        docs_url=None,
        redoc_url=None,
    )
    app.state.settings = settings if settings is not None else load_settings()
    app.state.access = StoreAccess(store_or_path, memory_limit=app.state.settings.store_memory_limit or None)
    app.state.templates = pages.make_templates()

    @app.exception_handler(DetenteError)
    async def _detente_error(request: Request, exc: DetenteError) -> Response:
        if exc.status >= 500:
            logger.error("%s: %s", type(exc).__name__, exc)
        return _error_response(request, exc.status, type(exc).__name__, str(exc))

    @app.exception_handler(RequestValidationError)
    async def _validation_error(request: Request, exc: RequestValidationError) -> Response:
        return _error_response(request, 422, "InvalidQuery", _validation_message(exc))

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, exc: StarletteHTTPException) -> Response:
        type_ = _STATUS_TYPES.get(exc.status_code, "HTTPError")
        message = exc.detail if isinstance(exc.detail, str) else str(exc.detail)
        if exc.status_code == 404 and message == "Not Found":
            message = f"no such page: {request.url.path}"
        return _error_response(request, exc.status_code, type_, message)

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> Response:
        logger.exception("unexpected error on %s", request.url.path)
        return _error_response(request, 500, "InternalError", "internal error; see the server log")

    app.include_router(api.router)
    app.include_router(pages.router)
    return app


def _version() -> str:
    try:
        from importlib.metadata import version

        return version("detente")
    except Exception:  # noqa: BLE001 - metadata is missing only in odd source checkouts
        return "0"


__all__ = ["StoreAccess", "create_app", "error_body"]
