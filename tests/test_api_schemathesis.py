"""Property-based API testing: schemathesis generates requests from ``/openapi.json`` in-process.

Every generated request, valid or not, must be answered without a server error, with a
status the schema documents, and with a body that matches the documented response model
(errors included, which must be the one error shape). Bounded to 30 examples per operation.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from detente.store.db import Store
from detente.web.app import create_app
from test_web_api import fill

# The schema must exist at import (schemathesis generates the tests from it), so the
# database is a file written here; the app opens it read-only per request and holds no
# connection between requests.
_tmp = Path(tempfile.mkdtemp(prefix="detente-schemathesis-"))
with Store(_tmp / "events.duckdb") as _store:
    fill(_store)
schema = schemathesis.openapi.from_asgi("/openapi.json", create_app(_tmp / "events.duckdb"))


@pytest.fixture(scope="module", autouse=True)
def _remove_database() -> Iterator[None]:
    yield
    shutil.rmtree(_tmp, ignore_errors=True)


CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


@schema.parametrize()
@settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck))
def test_every_generated_request_gets_a_documented_answer_and_never_a_server_error(
    case: schemathesis.Case,
) -> None:
    case.call_and_validate(checks=CHECKS)


def _first_event_id() -> str:
    with Store(_tmp / "events.duckdb", read_only=True) as store:
        return store.events(cameo="190")[0].event_id


# Generated principals almost never name an actor in the store, so the answers that carry
# data (a real dyad, a real event) are checked against the schema here, request by request.
@pytest.mark.parametrize(
    ("path", "path_parameters", "query"),
    [
        ("/api/dyads/{a}/{b}", {"a": "RUS", "b": "TUR"}, {"freq": "month"}),
        ("/api/dyads/{a}/{b}", {"a": "TUR", "b": "RUS"}, {"freq": "week", "from": "2019-01"}),
        ("/api/dyads/{a}/{b}", {"a": "USA", "b": "TUR"}, {"freq": "year"}),
        ("/api/dyads/{a}/{b}/events", {"a": "RUS", "b": "TUR"}, {"limit": 3}),
        ("/api/events", {}, {"actor": "RUS", "quad": 4}),
        ("/api/events/{event_id}", None, {}),
        ("/api/agreements", {}, {"party": "TUR"}),
        ("/api/actors", {}, {}),
        ("/api/stats", {}, {}),
    ],
)
def test_answers_that_carry_data_match_the_documented_schema(
    path: str, path_parameters: dict[str, str] | None, query: dict[str, object]
) -> None:
    params = path_parameters if path_parameters is not None else {"event_id": _first_event_id()}
    case = schema[path]["GET"].Case(path_parameters=params, query=query)
    response = case.call_and_validate(checks=CHECKS)
    assert response.status_code == 200, response.text
