"""Pipeline: pure batches, nothing from empty text, cut long articles, idempotent runs, recode.

Real parts only: the real spaCy pipeline, the bundled sample corpus, a real DuckDB store.
"""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from detente.cli import sample_corpus
from detente.ingest.readers import read_documents
from detente.pipeline import Pipeline
from detente.records import Article, Event
from detente.settings import load_settings
from detente.store.db import Store


@pytest.fixture(scope="module")
def sample_articles() -> list[Article]:
    return list(read_documents(sample_corpus()))


@pytest.fixture(scope="module")
def pipeline(nlp) -> Pipeline:  # type: ignore[no-untyped-def]
    return Pipeline(nlp=nlp)


def _records(events: list[Event]) -> list[dict[str, object]]:
    return [e.to_dict() for e in events]


def test_process_batch_gives_the_same_events_and_ids_for_the_same_articles(
    pipeline: Pipeline, sample_articles: list[Article]
) -> None:
    first = pipeline.process_batch(sample_articles)
    again = pipeline.process_batch(sample_articles)
    assert first, "the sample corpus must yield events"
    assert [e.event_id for e in first] == [e.event_id for e in again]
    assert _records(first) == _records(again)


def test_process_batch_results_do_not_depend_on_batch_boundaries(
    pipeline: Pipeline, sample_articles: list[Article]
) -> None:
    whole = pipeline.process_batch(sample_articles)
    halves = pipeline.process_batch(sample_articles[:5]) + pipeline.process_batch(sample_articles[5:])
    assert _records(whole) == _records(halves)


def test_event_ids_are_unique_within_the_sample_corpus(
    pipeline: Pipeline, sample_articles: list[Article]
) -> None:
    ids = [e.event_id for e in pipeline.process_batch(sample_articles)]
    assert len(ids) == len(set(ids))


def test_words_first_met_in_a_batch_do_not_stay_in_the_model_vocabulary(pipeline: Pipeline) -> None:
    # News keeps bringing names the model never saw; were each kept, a long run's memory
    # would grow with the corpus.
    words = ["Velmorax", "Tundrivex", "Kazhoveli", "Brunastok", "Quorrelin", "Zebulovka"]
    assert not any(w in pipeline.nlp.vocab.strings for w in words)
    text = (
        f"Turkish officials met Russian envoy {words[0]} {words[1]} in Ankara on Tuesday. "
        f"Turkey accused Russia of shelling {words[2]}, a town near {words[3]}, on Monday. "
        f"Russia condemned Turkey over the {words[4]} pipeline and the {words[5]} talks."
    )
    strings = pipeline.nlp.vocab.strings
    before = len(strings)
    events = pipeline.process_batch([Article(id="invented", text=text, published="2019-04-30")])
    assert {e.cameo for e in events} >= {"040", "112", "111"}, "the batch is still coded"
    assert len(strings) == before
    assert not any(w in strings for w in words)


def test_events_coded_inside_the_memory_zone_equal_those_coded_outside_it(
    pipeline: Pipeline, sample_articles: list[Article]
) -> None:
    nlp = pipeline.nlp
    outside = [e for doc, _ in nlp.pipe(((a.text, a) for a in sample_articles), as_tuples=True) for e in doc._.events]
    keep = load_settings()
    kept = [
        e
        for e in outside
        if e.confidence >= float(keep.min_confidence) and (keep.keep_hypothetical or not (e.negated or e.hypothetical))
    ]
    assert _records(pipeline.process_batch(sample_articles)) == _records(kept)


def test_a_caller_inside_a_memory_zone_of_its_own_keeps_it(
    pipeline: Pipeline, sample_articles: list[Article]
) -> None:
    expected = _records(pipeline.process_batch(sample_articles[:3]))
    with pipeline.nlp.memory_zone():
        inside = _records(pipeline.process_batch(sample_articles[:3]))
        assert pipeline.nlp.vocab.in_memory_zone
    assert inside == expected


@pytest.mark.parametrize("text", ["", "   ", "\n\n\t  \n", "\u00a0\u2003"])
def test_empty_or_whitespace_articles_yield_no_events(pipeline: Pipeline, text: str) -> None:
    assert pipeline.process_batch([Article(id="blank", text=text)]) == []


def test_blank_articles_do_not_disturb_the_events_of_their_batch_mates(
    pipeline: Pipeline, sample_articles: list[Article]
) -> None:
    alone = pipeline.process_batch(sample_articles[:2])
    mixed = pipeline.process_batch(
        [Article(id="b1", text=" "), sample_articles[0], Article(id="b2", text=""), sample_articles[1]]
    )
    assert _records(alone) == _records(mixed)


def test_an_article_longer_than_max_article_chars_is_cut_with_a_warning_naming_it(
    nlp, sample_articles: list[Article], caplog: pytest.LogCaptureFixture  # type: ignore[no-untyped-def]
) -> None:
    limit = 400
    pipeline = Pipeline(settings=load_settings(overrides=[("max_article_chars", limit)]), nlp=nlp)
    article = next(a for a in sample_articles if len(a.text) > 3 * limit)
    with caplog.at_level(logging.WARNING, logger="detente.pipeline"):
        events = pipeline.process_batch([article])
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert any(article.id in w and str(limit) in w for w in warnings), warnings
    assert all(e.evidence.end <= limit for e in events)
    full = Pipeline(nlp=nlp).process_batch([article])
    assert any(e.evidence.end > limit for e in full), "the cut must have removed later events"


def test_an_article_within_max_article_chars_is_not_cut_and_not_warned_about(
    pipeline: Pipeline, sample_articles: list[Article], caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="detente.pipeline"):
        pipeline.process_batch(sample_articles[:1])
    assert not [r for r in caplog.records if "cut" in r.getMessage()]


def test_running_the_same_corpus_again_adds_nothing(pipeline: Pipeline, tmp_path: Path) -> None:
    with Store(tmp_path / "db.duckdb") as store:
        first = pipeline.run(sample_corpus(), store)
        assert first.articles_added == first.articles_read > 0
        assert first.events_added > 0
        n_events = store.count_events()
        again = pipeline.run(sample_corpus(), store)
        assert again.articles_read == first.articles_read
        assert again.articles_skipped == first.articles_read
        assert (again.articles_added, again.events_added, again.events_coded) == (0, 0, 0)
        assert store.count_events() == n_events


def test_recode_codes_stored_articles_again_without_duplicating_them(
    pipeline: Pipeline, tmp_path: Path
) -> None:
    with Store(tmp_path / "db.duckdb") as store:
        first = pipeline.run(sample_corpus(), store)
        before = {e.event_id for e in store.events()}
        again = pipeline.run(sample_corpus(), store, recode=True)
        assert again.articles_skipped == 0
        assert again.events_coded == first.events_coded
        assert (again.articles_added, again.events_added) == (0, 0)
        assert {e.event_id for e in store.events()} == before


def test_recode_replaces_stored_fields_with_the_new_coding(nlp, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """An article re-coded under different settings gets its events' new values in place."""
    with Store(tmp_path / "db.duckdb") as store:
        Pipeline(nlp=nlp).run(sample_corpus(), store)
        store.connection.execute("UPDATE events SET confidence = -1.0")
        result = Pipeline(nlp=nlp).run(sample_corpus(), store, recode=True)
        assert result.events_coded > 0
        low = store.connection.execute("SELECT count(*) FROM events WHERE confidence < 0").fetchall()[0][0]
        assert low == 0


def test_run_commits_one_batch_per_commit_every_articles(nlp, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    articles = list(read_documents(sample_corpus()))
    pipeline = Pipeline(settings=load_settings(overrides=[("commit_every", 3)]), nlp=nlp)
    seen: list[int] = []
    with Store(tmp_path / "db.duckdb") as store:
        pipeline.run(articles, store, progress=seen.append, update_derived=False)
    assert sum(seen) == len(articles)
    assert all(n <= 3 for n in seen)
    assert len(seen) == -(-len(articles) // 3)


def test_two_ingests_update_derived_records_as_a_full_recompute_would(
    pipeline: Pipeline, sample_articles: list[Article]
) -> None:
    """The second run redoes only the dyads its events can affect, and the stored clusters
    and agreements come out exactly as recomputing every dyad from scratch gives them."""
    from detente.pipeline import update_derived_records

    half = len(sample_articles) // 2
    with Store(":memory:") as store:
        first = pipeline.run(sample_articles[:half], store)
        second = pipeline.run(sample_articles[half:], store)
        incremental = (store.clusters(), store.agreements())
        clusters, agreements = update_derived_records(store)
        assert incremental == (store.clusters(), store.agreements())
        assert first.derived_dyads and second.derived_dyads
        assert set(second.derived_dyads) < set(clusters.dyads) | set(agreements.dyads)
