"""spaCy extension attributes detente sets on docs and spans.

Registered once per process (idempotent), because components from several pipelines in
one process share the same ``Doc``/``Span`` classes and re-registering would raise.
"""

from __future__ import annotations

from spacy.tokens import Doc, Span

_DONE = False


def register_extensions() -> None:
    """Add ``doc._.events``, ``doc._.article`` and ``span._.actor`` if they are missing."""
    global _DONE
    if _DONE:
        return
    if not Doc.has_extension("events"):
        Doc.set_extension("events", default=None)
    if not Doc.has_extension("article"):
        Doc.set_extension("article", default=None)
    if not Span.has_extension("actor"):
        Span.set_extension("actor", default=None)
    if not Span.has_extension("is_place"):
        Span.set_extension("is_place", default=False)
    _DONE = True
