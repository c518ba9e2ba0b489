"""Name -> factory tables for readers, exporters and engines.

Built-ins are registered exactly like third-party plugins: each module named in
``DEFAULT_PLUGINS`` exposes ``register_readers`` / ``register_exporters`` /
``register_engines`` functions, and installed packages can add more through the
``detente`` entry-point group. Setting ``DETENTE_LOAD_PLUGINS=0`` (the tests do)
loads the built-ins only.

Example::

    from detente.registry import exporters
    exporters().get("parquet")(events, "out.parquet")
"""

from __future__ import annotations

import importlib
import logging
import os
from collections.abc import Callable, Iterator
from functools import lru_cache
from importlib.metadata import entry_points
from typing import Any, Generic, TypeVar

from detente.errors import DetenteError

logger = logging.getLogger(__name__)

T = TypeVar("T")

#: Modules whose ``register_*`` functions provide the built-ins.
DEFAULT_PLUGINS = (
    "detente.ingest.readers",
    "detente.store.export",
    "detente.engines.local",
    "detente.engines.ray",
)

HOOKS = ("register_readers", "register_exporters", "register_engines")


class UnknownName(DetenteError):
    status = 404


class Registry(Generic[T]):
    """A table of named factories of one kind ("reader", "exporter", "engine")."""

    def __init__(self, kind: str) -> None:
        self.kind = kind
        self._items: dict[str, T] = {}

    def register(self, name: str, item: T) -> T:
        self._items[name] = item
        return item

    def __call__(self, name: str) -> Callable[[T], T]:
        """Decorator form: ``@registry("csv")``."""

        def decorate(item: T) -> T:
            return self.register(name, item)

        return decorate

    def get(self, name: str) -> T:
        try:
            return self._items[name]
        except KeyError:
            raise UnknownName(
                f"unknown {self.kind} {name!r}; available: {', '.join(sorted(self._items))}"
            ) from None

    def names(self) -> list[str]:
        return sorted(self._items)

    def __contains__(self, name: str) -> bool:
        return name in self._items

    def __iter__(self) -> Iterator[str]:
        return iter(sorted(self._items))


def _call_hooks(module: Any, tables: dict[str, Registry[Any]]) -> None:
    for hook, table in tables.items():
        fn = getattr(module, hook, None)
        if fn is not None:
            fn(table)


@lru_cache(maxsize=1)
def _tables() -> dict[str, Registry[Any]]:
    tables: dict[str, Registry[Any]] = {
        "register_readers": Registry("reader"),
        "register_exporters": Registry("exporter"),
        "register_engines": Registry("engine"),
    }
    for name in DEFAULT_PLUGINS:
        _call_hooks(importlib.import_module(name), tables)
    if os.environ.get("DETENTE_LOAD_PLUGINS", "1") != "0":
        for ep in entry_points(group="detente"):
            try:
                _call_hooks(ep.load(), tables)
            except Exception as exc:  # noqa: BLE001 - a broken plugin must not break detente
                logger.warning("plugin %s failed to load: %s", ep.name, exc)
    return tables


def readers() -> Registry[Any]:
    return _tables()["register_readers"]


def exporters() -> Registry[Any]:
    return _tables()["register_exporters"]


def engines() -> Registry[Any]:
    return _tables()["register_engines"]
