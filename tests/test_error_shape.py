"""Every API error has one JSON shape, ``{"error": {"type", "message"}}``, with its DetenteError's status."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from detente import errors
from detente.store.db import Store
from detente.web.app import create_app
from test_web_api import fill


@pytest.fixture
def client() -> Iterator[TestClient]:
    with Store(":memory:") as store:
        fill(store)
        with TestClient(create_app(store), raise_server_exceptions=False) as c:
            yield c


def assert_error(response: object, status: int, type_: str) -> str:
    """The response is exactly the one error shape; returns its message."""
    assert response.status_code == status, response.text  # type: ignore[attr-defined]
    assert response.headers["content-type"].startswith("application/json")  # type: ignore[attr-defined]
    body = response.json()  # type: ignore[attr-defined]
    assert list(body) == ["error"]
    assert sorted(body["error"]) == ["message", "type"]
    assert body["error"]["type"] == type_
    assert isinstance(body["error"]["message"], str) and body["error"]["message"]
    return str(body["error"]["message"])


def test_unknown_event_is_a_404_in_the_error_shape(client: TestClient) -> None:
    message = assert_error(client.get("/api/events/no-such-event"), 404, "NotFound")
    assert "no-such-event" in message


def test_a_date_that_is_not_a_date_is_a_422_naming_the_parameter(client: TestClient) -> None:
    message = assert_error(client.get("/api/events", params={"from": "yesterday"}), 422, "InvalidQuery")
    assert "from" in message


def test_an_impossible_month_is_refused(client: TestClient) -> None:
    assert_error(client.get("/api/dyads/RUS/TUR", params={"to": "2020-13"}), 422, "InvalidQuery")


def test_unknown_actor_is_a_404_that_says_what_to_use(client: TestClient) -> None:
    message = assert_error(client.get("/api/dyads/RUS/ZZZ"), 404, "UnknownActor")
    assert "'ZZZ'" in message and "principal" in message


def test_unknown_frequency_is_a_422(client: TestClient) -> None:
    assert_error(client.get("/api/dyads/RUS/TUR", params={"freq": "decade"}), 422, "InvalidQuery")


def test_unknown_api_route_is_a_404_in_the_error_shape(client: TestClient) -> None:
    message = assert_error(client.get("/api/nothing-here"), 404, "NotFound")
    assert "/api/nothing-here" in message


def test_wrong_method_is_a_405_in_the_error_shape(client: TestClient) -> None:
    assert_error(client.post("/api/events"), 405, "MethodNotAllowed")


@pytest.mark.parametrize(
    "exc",
    [
        errors.BadInput("input.jsonl", 3, "not JSON"),
        errors.UnknownActor("XYZ"),
        errors.NotFound("no such thing"),
        errors.InvalidQuery("bad filter"),
        errors.SettingError("unknown setting"),
        errors.StoreError("database is locked"),
        errors.FetchError("timed out"),
    ],
    ids=lambda e: type(e).__name__,
)
def test_each_detente_error_leaves_with_its_own_status_and_class_name(
    client: TestClient, exc: errors.DetenteError
) -> None:
    def boom() -> None:
        raise exc

    client.app.add_api_route("/api/_raise", boom)  # type: ignore[attr-defined]
    message = assert_error(client.get("/api/_raise"), exc.status, type(exc).__name__)
    assert message == str(exc)


def test_an_unexpected_failure_is_a_500_that_leaks_no_internals(client: TestClient) -> None:
    def broken() -> None:
        raise RuntimeError("secret connection string")

    client.app.add_api_route("/api/_broken", broken)  # type: ignore[attr-defined]
    message = assert_error(client.get("/api/_broken"), 500, "InternalError")
    assert "secret" not in message


def test_pages_answer_errors_with_a_readable_html_page(client: TestClient) -> None:
    response = client.get("/events/no-such-event")
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("text/html")
    assert "no event with event_id" in response.text and "Back to the dashboard" in response.text


def test_a_missing_database_file_is_refused_before_serving(tmp_path: object) -> None:
    with pytest.raises(errors.StoreError, match="no such database"):
        create_app(f"{tmp_path}/missing.duckdb")
