"""The tokenizer cache is warmed with the chunks a corpus repeats, within a fixed bound."""

from __future__ import annotations

import pytest
from spacy.language import Language

from detente.nlp import load_nlp
from detente.nlp.token_cache import MAX_CHUNK_CHARS, TokenCacheWarmer
from detente.settings import load_settings


@pytest.fixture(scope="module")
def nlp() -> Language:
    return load_nlp(load_settings())


def test_a_chunk_seen_once_stays_out_of_the_vocabulary_and_one_seen_twice_is_kept(nlp: Language) -> None:
    warmer = TokenCacheWarmer()
    strings = nlp.vocab.strings
    assert "Quillaveto" not in strings and "Morvanduk" not in strings
    warmer(nlp, ["Envoy Quillaveto met Morvanduk officials."])
    assert "Quillaveto" not in strings, "a name brought once is not kept"
    warmer(nlp, ["Quillaveto returned on Friday."])
    assert "Quillaveto" in strings, "a chunk the corpus repeats is tokenized outside the zone and cached"
    assert "Morvanduk" not in strings
    assert warmer.cached == 1


def test_past_its_limit_the_warmer_keeps_nothing_more(nlp: Language) -> None:
    warmer = TokenCacheWarmer(limit=2)
    names = ["Tessavori", "Bolkumira", "Zandrivel", "Paskoturi"]
    warmer(nlp, [" ".join(names), " ".join(names)])
    assert warmer.cached == 2
    assert len(warmer._seen) == 0, "what was seen is let go once nothing more will be kept"
    assert [n in nlp.vocab.strings for n in names] == [True, True, False, False]


def test_a_warmed_chunk_tokenizes_as_it_would_unwarmed(nlp: Language) -> None:
    text = "Velkarin's envoy (re)opened talks: 3.5bn-dollar deal, U.S.-backed, 12km from Drovask."
    with nlp.memory_zone():  # nothing is cached inside a zone: this is the tokenizer's own work
        expected = [(t.text, t.whitespace_) for t in nlp.tokenizer(text)]
    warmer = TokenCacheWarmer()
    warmer(nlp, [text, text])
    assert warmer.cached == len(text.split())
    with nlp.memory_zone():
        assert [(t.text, t.whitespace_) for t in nlp.tokenizer(text)] == expected


def test_a_long_run_without_spaces_is_never_kept_however_often_it_comes(nlp: Language) -> None:
    blob = "QmxvYn" * (MAX_CHUNK_CHARS // 6 + 1)
    warmer = TokenCacheWarmer()
    warmer(nlp, [blob, blob, blob])
    assert warmer.cached == 0
    assert blob not in nlp.vocab.strings
