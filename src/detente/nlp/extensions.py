"""spaCy extension attributes detente sets on docs and spans.

Registered once per process (idempotent), because components from several pipelines in
one process share the same ``Doc``/``Span`` classes and re-registering would raise.
"""

from __future__ import annotations

from typing import Any

from spacy.tokens import Doc, Span

_DONE = False
_KEY = "detente_events_raw"


def _get_events(doc: Doc) -> list[Any] | None:
    """Events rebuilt from plain dicts: ``user_data`` must stay msgpack-serialisable so docs
    can cross process boundaries (``nlp.pipe(n_process=2)``)."""
    from detente.records import Event

    raw = doc.user_data.get(_KEY)
    if raw is None:
        return None
    out = []
    for data, extra in raw:
        event = Event.from_dict(data)
        event.extra.update(extra)
        out.append(event)
    return out


def _set_events(doc: Doc, events: list[Any] | None) -> None:
    if events is None:
        doc.user_data.pop(_KEY, None)
        return
    doc.user_data[_KEY] = [(e.to_dict(), dict(e.extra)) for e in events]


def _get_actor(span: Span) -> Any:
    from detente.records import Actor

    store: dict[Any, Any] = span.doc.user_data
    data = store.get(("detente_actor", span.start, span.end))
    return Actor.from_dict(data) if data is not None else None


def _set_actor(span: Span, actor: Any) -> None:
    key = ("detente_actor", span.start, span.end)
    store: dict[Any, Any] = span.doc.user_data
    if actor is None:
        store.pop(key, None)
    else:
        store[key] = {
            "name": actor.name, "principal": actor.principal, "code": actor.code,
            "country": actor.country, "sector": actor.sector, "wikidata": actor.wikidata,
        }


def register_extensions() -> None:
    """Add ``doc._.events``, ``doc._.article`` and ``span._.actor`` if they are missing."""
    global _DONE
    if _DONE:
        return
    if not Doc.has_extension("events"):
        Doc.set_extension("events", getter=_get_events, setter=_set_events)
    if not Doc.has_extension("article"):
        # Not serialised with the doc: it is put back from the pipe context on each side.
        Doc.set_extension("article", default=None)
    if not Span.has_extension("actor"):
        Span.set_extension("actor", getter=_get_actor, setter=_set_actor)
    if not Span.has_extension("is_place"):
        Span.set_extension("is_place", default=False)
    _DONE = True
