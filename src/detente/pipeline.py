"""Pipeline: articles -> parsed docs -> coded events -> the one writer.

``process_batch`` is pure apart from the model it holds, so the local engine, a process
pool and Ray workers all run the same code; only ``run`` touches the store, and it
commits one transaction per batch so an interrupted run loses at most the batch in flight.

Example::

    from detente.pipeline import Pipeline
    from detente.store.db import Store
    with Store("events.duckdb") as store:
        result = Pipeline().run(["articles/"], store)
    print(result.events_added)
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from detente.chunks import batched
from detente.errors import DetenteError
from detente.records import Article, Event
from detente.settings import Settings, load_settings

if TYPE_CHECKING:
    from spacy.language import Language

    from detente.merge import DerivedUpdate
    from detente.store.db import Store

logger = logging.getLogger(__name__)

#: Called with the number of articles just finished, for progress bars.
ProgressCallback = Callable[[int], None]
#: Called with each bad record (BadInput) or failed fetch (FetchError); the run goes on.
ErrorCallback = Callable[[DetenteError], None]


@dataclass
class RunResult:
    """What a run did, for the CLI's summary line and its exit code."""

    articles_read: int = 0
    articles_skipped: int = 0
    articles_added: int = 0
    events_coded: int = 0
    events_added: int = 0
    errors: list[DetenteError] = field(default_factory=list)
    #: The dyads whose clusters and agreements this run recomputed (the rest were left alone).
    derived_dyads: tuple[tuple[str, str], ...] = ()

    @property
    def failed(self) -> bool:
        return bool(self.errors)


class Pipeline:
    """Holds the settings and (lazily) the spaCy pipeline; codes batches of articles."""

    def __init__(self, *, settings: Settings | None = None, nlp: Language | None = None) -> None:
        self.settings = settings or load_settings()
        self._nlp = nlp

    @property
    def nlp(self) -> Language:
        if self._nlp is None:
            from detente.nlp import load_nlp

            self._nlp = load_nlp(self.settings)
        return self._nlp

    def _prepare(self, article: Article) -> Article:
        limit = int(self.settings.max_article_chars)
        if len(article.text) > limit:
            logger.warning("%s: article cut to %d characters", article.origin or article.id, limit)
            return Article(**{**article.to_dict(), "text": article.text[:limit]})
        return article

    def process_batch(self, articles: Sequence[Article]) -> list[Event]:
        """Code one batch. Pure: same articles and model, same events (ids included).

        The batch is parsed inside a spaCy memory zone: every word spaCy meets is added to
        the model's vocabulary for good otherwise, and news keeps bringing new names, numbers
        and misspellings, so a long run's memory would grow with the corpus (about 300 bytes
        a new word, measured). Nothing of the docs outlives the zone: events hold plain
        strings. A caller already inside a zone of its own keeps it (zones do not nest).
        Inside a zone the tokenizer caches nothing, so the chunks the corpus repeats are
        cached beforehand, outside it (``detente.nlp.token_cache``).
        """
        from detente.coding.coder import code_doc
        from detente.nlp.token_cache import warm_token_cache

        nlp = self.nlp
        prepared = [self._prepare(a) for a in articles if a.text.strip()]
        events: list[Event] = []
        caller_zone = nlp.vocab.in_memory_zone  # type: ignore[attr-defined]  # a Cython property spaCy's stubs miss
        if not caller_zone:
            warm_token_cache(nlp, [a.text for a in prepared])
        with nullcontext() if caller_zone else nlp.memory_zone():
            texts = ((a.text, a) for a in prepared)
            pairs = nlp.pipe(texts, as_tuples=True, batch_size=int(self.settings.batch_size))
            for doc, article in pairs:
                # The ``detente_events`` component already coded the doc inside ``nlp.pipe``;
                # read its result once. ``code_doc`` is only the fallback for a pipeline built
                # without that component (its result would otherwise be missing).
                coded = doc._.events
                if coded is None:
                    coded = code_doc(doc, article)
                events.extend(self._keep(coded))
        return events

    def _keep(self, events: Iterable[Event]) -> Iterator[Event]:
        floor = float(self.settings.min_confidence)
        keep_flagged = bool(self.settings.keep_hypothetical)
        for event in events:
            if event.confidence < floor:
                continue
            if not keep_flagged and (event.negated or event.hypothetical):
                continue
            yield event

    def code_documents(self, articles: Iterable[Article]) -> Iterator[Event]:
        """Stream events for any number of articles, batch by batch."""
        for batch in batched(articles, max(1, int(self.settings.batch_size)) * 8):
            yield from self.process_batch(batch)

    def run(
        self,
        sources: str | Path | Iterable[str | Path] | Iterable[Article],
        store: Store,
        *,
        engine: str = "local",
        recode: bool = False,
        on_error: ErrorCallback | None = None,
        progress: ProgressCallback | None = None,
        update_derived: bool = True,
    ) -> RunResult:
        """Read, code and store a corpus; skips articles already stored unless ``recode``.

        Bad records are reported through ``on_error`` (and kept in the result) while the
        run goes on. Derived records (clusters, agreements) are recomputed at the end.
        """
        from detente.registry import engines

        result = RunResult()

        def report(err: DetenteError) -> None:
            result.errors.append(err)
            if on_error is not None:
                on_error(err)

        commit_every = max(1, int(self.settings.commit_every))

        def fresh_articles() -> Iterator[Article]:
            # Asked a batch at a time: finding stored ids scans the store's id column.
            for read in batched(_articles_from(sources, report, self.settings), commit_every):
                result.articles_read += len(read)
                stored = set() if recode else store.stored_article_ids(a.id for a in read)
                for article in read:
                    if article.id in stored:
                        result.articles_skipped += 1
                        if progress:
                            progress(1)
                        continue
                    yield article

        touched: set[tuple[str, str]] = set()
        runner = engines().get(engine)(settings=self.settings)
        batches = batched(fresh_articles(), commit_every)
        for articles, events in runner.map_batches(self, batches):
            written = store.write_batch(articles, events)
            touched.update(event_dyads(events))
            logger.info(
                "committed batch: %d articles (%d new), %d events (%d new)",
                len(articles), written.articles_added, len(events), written.events_added,
            )
            result.articles_added += written.articles_added
            result.events_added += written.events_added
            result.events_coded += len(events)
            if progress:
                progress(len(articles))
        if update_derived and (result.articles_added or result.events_added or (recode and touched)):
            # A recode may move events out of dyads it does not report, so it redoes all of them.
            clusters, agreements = update_derived_records(store, None if recode else touched)
            result.derived_dyads = tuple(sorted({*clusters.dyads, *agreements.dyads}))
        return result


def _articles_from(
    sources: str | Path | Iterable[str | Path] | Iterable[Article],
    on_error: ErrorCallback,
    settings: Settings,
) -> Iterator[Article]:
    if isinstance(sources, (str, Path)):
        sources = [sources]
    from detente.ingest.readers import read_documents

    paths: list[str | Path] = []
    for item in sources:
        if isinstance(item, Article):
            yield item
        else:
            paths.append(item)
    if paths:
        yield from read_documents(paths, on_error=on_error, settings=settings)


def event_dyads(events: Iterable[Event]) -> set[tuple[str, str]]:
    """The unordered dyads (principal pairs) of ``events``: what writing them can change."""
    return {
        (min(e.source.principal, e.target.principal), max(e.source.principal, e.target.principal)) for e in events
    }


def update_derived_records(
    store: Store, dyads: Iterable[tuple[str, str]] | None = None
) -> tuple[DerivedUpdate, DerivedUpdate]:
    """Recompute what is derived from stored events (cross-article clusters and agreements)
    for the dyads whose events were just written; ``dyads=None`` recomputes every dyad.

    Passing the written dyads keeps an ingest's cost proportional to what it wrote, not to
    the store; the result is the same as a full recompute. Returns what was done to the
    clusters and to the agreements (which dyads were recomputed, how many records saved).
    """
    from detente import agreements, merge

    if dyads is not None:
        dyads = sorted(set(dyads))
        if not dyads:
            return merge.DerivedUpdate((), 0), merge.DerivedUpdate((), 0)
    return merge.update_store(store, dyads=dyads), agreements.update_store(store, dyads=dyads)
