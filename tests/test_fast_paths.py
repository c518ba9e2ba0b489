"""Shortcuts taken for speed must give what the plain computation gives.

Each test pins one shortcut against the slow reference it replaced: the date prefilter and
cache, field-by-field record dicts, line-break discovery from ORTH ids, geo word spans, and
sentence starts from one array (the context state of bare sector words).
"""

from __future__ import annotations

import dataclasses
import random

import pytest
import spacy

from detente import dates, geo
from detente.nlp.components import _context_state, _newline_tokens, _sentence_starts, _states_by_sentence
from detente.records import Actor, Event, Evidence, Location

#: One expression per date pattern, plus vague and open-ended ones, each in a sentence.
_DATED = [
    "Talks were held on 2019-05-14 in Sochi.",
    "Troops left on 14 September 2018.",
    "Troops left on Sept. 14, 2018.",
    "They met in late March 2019.",
    "They met in March 2019.",
    "It happened in late 2019.",
    "They will meet next September.",
    "They met in May.",
    "It was signed in 2015.",
    "Jets struck yesterday.",
    "Jets struck on Tuesday morning.",
    "They met on the 3rd.",
    "Two days ago, jets struck.",
    "Over the past three weeks, jets struck.",
    "In recent days, jets struck.",
    "Earlier this month, jets struck.",
    "A year ago, jets struck.",
    "Fighting has gone on since 2015.",
    "Shelling resumed last night.",
    "Relations have soured in the past.",
    "Relations are tense at the moment.",
]


@pytest.mark.parametrize("sentence", _DATED)
def test_prefilter_lets_every_dated_sentence_through(sentence: str) -> None:
    assert dates._prefilter().search(sentence)
    assert dates.find_date_expressions(sentence)


def test_prefilter_skips_only_sentences_no_pattern_matches() -> None:
    undated = "Russian jets bombed rebel positions near Aleppo, the ministry said."
    assert dates._prefilter().search(undated) is None
    assert dates.find_date_expressions(undated) == []
    for sentence in _DATED:
        assert dates._find_cached.__wrapped__(sentence) == tuple(dates.find_date_expressions(sentence))


def test_cached_mentions_come_back_in_a_fresh_list() -> None:
    first = dates.find_date_expressions("Jets struck yesterday.")
    first.clear()
    assert len(dates.find_date_expressions("Jets struck yesterday.")) == 1


def test_record_dicts_match_dataclasses_asdict() -> None:
    actor = Actor("Russia", "RUS", "RUSGOV", "RUS", "GOV", "Q159")
    location = Location("Idlib", "SYR", 35.9, 36.6, 170063)
    evidence = Evidence("Russia bombed Idlib.", 0, 20)
    event = Event("a", "e", "a", 0, actor, actor, "195", "19", 4, -10.0, evidence, location=location)
    for record in (actor, location, evidence):
        assert record.to_dict() == dataclasses.asdict(record)
        assert list(record.to_dict()) == list(dataclasses.asdict(record))
    data = event.to_dict()
    assert data["source"] == dataclasses.asdict(actor) and data["location"] == dataclasses.asdict(location)
    assert Event.from_dict(data) == event


def test_newline_tokens_match_a_walk_over_the_tokens() -> None:
    nlp = spacy.blank("en")
    rnd = random.Random(0)
    words = ["Russia", "and", "Turkey", "agreed", ".", "\n", "\n\n", " ", "talks", "\n \n"]
    texts = ["", "x", "a\nb", "Head line\n\nBody text.\nMore\n"]
    texts += ["".join(rnd.choice(words) + rnd.choice(["", " "]) for _ in range(rnd.randint(1, 30))) for _ in range(300)]
    for text in texts:
        doc = nlp(text)
        walked = [t.i for t in doc[:-1] if "\n" in t.text or "\n" in t.whitespace_]
        assert _newline_tokens(doc) == walked, repr(text)


def _reference_tokens(text: str) -> list[tuple[int, int]]:
    """The word spans as first written: a loop trimming one character at a time."""
    out = []
    for m in geo._TOKEN.finditer(text):
        s, e = m.start(), m.end()
        while e > s and text[e - 1] in ".-":
            e -= 1
        word = text[s:e]
        for suffix in ("'s", "’s"):
            if word.endswith(suffix):
                e -= 2
        out.append((s, e))
    return out


def test_geo_word_spans_match_the_reference_loop() -> None:
    rnd = random.Random(1)
    alphabet = "ab.-'’s S_1 \n"
    texts = ["x's", "U.S.'s", "a.-.-", "Idlib's.", "s'-s", "a's's", "b’s's", "in northern Hama province."]
    texts += ["".join(rnd.choice(alphabet) for _ in range(rnd.randint(0, 40))) for _ in range(3000)]
    for text in texts:
        assert geo._tokens(text) == _reference_tokens(text), repr(text)


def test_sentence_starts_and_their_states_match_a_walk_over_the_sentences() -> None:
    nlp = spacy.blank("en")
    rnd = random.Random(2)
    for _ in range(300):
        doc = nlp(" ".join(rnd.choice(["Russia", "army", "said", "x", "."]) for _ in range(rnd.randint(1, 25))))
        for tok in doc[1:]:
            tok.is_sent_start = rnd.random() < 0.3
        starts = _sentence_starts(doc)
        assert starts == [sent.start for sent in doc.sents]
        named = [(t.i, rnd.choice(["RUS", "UKR"])) for t in doc if t.text == "Russia"]
        by_sent = _states_by_sentence(named, starts)
        for tok in doc:
            sent = tok.sent
            found = {p for i, p in named if sent.start <= i < sent.end}
            expected = next(iter(found)) if len(found) == 1 else None
            assert _context_state(tok.i, by_sent, starts) == expected
