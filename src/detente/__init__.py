"""detente: news about international politics in, coded political events and dyad relations out.

Public API::

    from detente import Pipeline, Store, read_documents
    with Store("events.duckdb") as store:
        Pipeline().run("articles/", store)
        print(store.events(source="RUS", target="TUR", limit=5))
"""

from __future__ import annotations

import logging

from detente.records import Actor, Article, Event, Evidence, Location, event_id

logging.getLogger(__name__).addHandler(logging.NullHandler())

__version__ = "0.1.0"

__all__ = [
    "Actor",
    "Article",
    "Event",
    "Evidence",
    "Location",
    "__version__",
    "event_id",
]
