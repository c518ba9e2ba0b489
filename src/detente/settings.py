"""Settings are one table: name, default, help (``data/settings.toml``).

A user's TOML file overrides only the keys it sets, and ``--setting NAME VALUE`` overrides
one; values are checked against the default's type so a typo fails early with a message.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from detente.errors import SettingError

#: Settings that existed once, with what to do instead.
OBSOLETE_SETTINGS: dict[str, str] = {}


@dataclass(frozen=True)
class Setting:
    name: str
    default: Any
    help: str


@lru_cache(maxsize=1)
def setting_table() -> dict[str, Setting]:
    text = (resources.files("detente") / "data" / "settings.toml").read_text(encoding="utf-8")
    table = tomllib.loads(text)
    return {name: Setting(name, spec["default"], spec["help"]) for name, spec in table.items()}


class Settings(Mapping[str, Any]):
    """Read-only mapping of setting name to value; attribute access for convenience."""

    def __init__(self, values: Mapping[str, Any]) -> None:
        self._values = dict(values)

    def __getitem__(self, key: str) -> Any:
        return self._values[key]

    def __getattr__(self, key: str) -> Any:
        try:
            return self._values[key]
        except KeyError:
            raise AttributeError(key) from None

    def __iter__(self):  # type: ignore[no-untyped-def]
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)

    def replace(self, **changes: Any) -> Settings:
        values = dict(self._values)
        for name, value in changes.items():
            values[name] = _coerce(name, value)
        return Settings(values)


def _coerce(name: str, value: Any) -> Any:
    table = setting_table()
    if name in OBSOLETE_SETTINGS:
        raise SettingError(f"setting {name!r} is obsolete: {OBSOLETE_SETTINGS[name]}")
    if name not in table:
        raise SettingError(f"unknown setting {name!r}; known: {', '.join(sorted(table))}")
    default = table[name].default
    if isinstance(value, str) and not isinstance(default, str):
        try:
            if isinstance(default, bool):
                if value.lower() not in {"true", "false", "1", "0", "yes", "no"}:
                    raise ValueError(value)
                return value.lower() in {"true", "1", "yes"}
            return type(default)(value)
        except ValueError:
            raise SettingError(
                f"setting {name!r} needs a {type(default).__name__}, got {value!r}"
            ) from None
    if isinstance(default, float) and isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    if type(value) is not type(default):
        raise SettingError(f"setting {name!r} needs a {type(default).__name__}, got {value!r}")
    return value


def load_settings(
    file: str | Path | None = None, overrides: Iterable[tuple[str, Any]] = ()
) -> Settings:
    """Defaults, then the user's file, then ``overrides`` (later wins)."""
    values = {name: s.default for name, s in setting_table().items()}
    if file is not None:
        path = Path(file)
        try:
            user = tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, tomllib.TOMLDecodeError) as exc:
            raise SettingError(f"{path}: cannot read settings: {exc}") from None
        for name, value in user.items():
            values[name] = _coerce(name, value)
    for name, value in overrides:
        values[name] = _coerce(name, value)
    return Settings(values)

