"""Every error detente raises, one class per condition, each message worded once.

The CLI turns these into ``click.ClickException``; the web layer maps ``status`` to the
HTTP status of one JSON error shape (``{"error": {"type", "message"}}``).
"""

from __future__ import annotations


class DetenteError(Exception):
    """Base class: an error a user can act on. ``status`` is the HTTP status the web layer uses."""

    status = 500


class BadInput(DetenteError):
    """One record of the input could not be read; the rest of the work goes on.

    Message: ``path:line: reason`` so editors and terminals can jump to it.
    """

    status = 400

    def __init__(self, path: str, line: int | None, reason: str) -> None:
        self.path = path
        self.line = line
        self.reason = reason
        where = f"{path}:{line}" if line is not None else path
        super().__init__(f"{where}: {reason}")


class UnknownActor(DetenteError):
    status = 404

    def __init__(self, name: str) -> None:
        self.name = name
        super().__init__(f"unknown actor {name!r}: use a principal such as RUS, TUR, USA, NATO or HTS")


class NotFound(DetenteError):
    status = 404


class InvalidQuery(DetenteError):
    """A filter or parameter a user passed is malformed (a date that is not a date, a bad root)."""

    status = 422


class SettingError(DetenteError):
    status = 400


class StoreError(DetenteError):
    """The database could not be opened or written (locked, read-only, wrong schema)."""

    status = 503


class FetchError(DetenteError):
    status = 502
