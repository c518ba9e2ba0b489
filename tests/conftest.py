"""Shared fixtures. Real parts only: a real spaCy pipeline, a real DuckDB store, a real HTTP server."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("DETENTE_LOAD_PLUGINS", "0")

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
TEST_DATA = Path(__file__).resolve().parent / "data"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--slow", action="store_true", default=False, help="run slow tests")
    parser.addoption(
        "--update-floors",
        action="store_true",
        default=False,
        help="rewrite tests/eval_floors.json from the current scores (lowering needs DETENTE_FLOOR_NOTE)",
    )


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if config.getoption("--slow"):
        return
    skip_slow = pytest.mark.skip(reason="slow: run with --slow")
    for item in items:
        if "slow" in item.keywords:
            item.add_marker(skip_slow)


@pytest.fixture(scope="session")
def nlp():  # type: ignore[no-untyped-def]
    """The full detente pipeline, loaded once for the whole test session."""
    from detente.nlp import load_nlp

    return load_nlp()


@pytest.fixture
def store() -> Iterator[object]:
    """A fresh in-memory store per test."""
    from detente.store.db import Store

    with Store(":memory:") as s:
        yield s


@pytest.fixture
def runner():  # type: ignore[no-untyped-def]
    from click.testing import CliRunner

    return CliRunner()


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    """``../shared`` beside the checkout; tests that read it skip cleanly when it is absent."""
    if not SHARED.is_dir():
        pytest.skip("../shared is not present beside this checkout")
    return SHARED
