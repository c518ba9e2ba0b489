"""Keeps spaCy's tokenizer cache working for the words a corpus repeats.

Why: each batch is parsed inside a spaCy memory zone (``Pipeline.process_batch``), so the new
names and numbers that news brings do not stay in the model's vocabulary for good. Inside a
zone, though, the tokenizer caches nothing, so every batch splits every word's prefixes and
suffixes afresh: about 4% of coding time on short news articles (measured). A chunk (a run of
text between whitespace, the tokenizer's cache key) tokenized outside a zone is cached for
good, and so are its words. That is worth it for the chunks a corpus repeats, not for those it
brings once. So a chunk is cached the second time it is seen, until a fixed number are; past
that, neither the cache nor the vocabulary grows.
"""

from __future__ import annotations

from weakref import WeakKeyDictionary

from spacy.language import Language

from detente.nlp.memo import GenerationalMemo

#: Chunks cached for good, at most: about 200 bytes each with their words (strings, lexemes,
#: cache entry; chunks are at most ``MAX_CHUNK_CHARS`` long), so at most about 10 MB.
CACHED_CHUNKS = 50_000
#: Chunks remembered as seen once, per memo generation (two at most; about 100 bytes each).
SEEN_GENERATION = 20_000
#: Longer chunks are never cached: words are short, and a long run without spaces (a table, an
#: encoded blob) would keep its whole text for good while counting as one chunk.
MAX_CHUNK_CHARS = 40


class TokenCacheWarmer:
    """Caches a chunk the second time it is seen; call it outside any memory zone."""

    def __init__(self, limit: int = CACHED_CHUNKS, seen_generation: int = SEEN_GENERATION) -> None:
        self.limit = limit
        self.cached = 0
        #: ``False``: seen once; ``True``: cached.
        self._seen: GenerationalMemo[str, bool] = GenerationalMemo(seen_generation)

    def __call__(self, nlp: Language, texts: list[str]) -> None:
        if self.cached >= self.limit:
            return
        seen, tokenizer = self._seen, nlp.tokenizer
        for text in texts:
            for chunk in text.split():
                if len(chunk) > MAX_CHUNK_CHARS:
                    continue
                known = seen.get(chunk)
                if known is None:
                    seen.put(chunk, False)
                elif not known:
                    tokenizer(chunk)
                    seen.put(chunk, True)
                    self.cached += 1
                    if self.cached >= self.limit:
                        self._seen = GenerationalMemo(1)  # never asked again: let it go
                        return


_WARMERS: WeakKeyDictionary[Language, TokenCacheWarmer] = WeakKeyDictionary()


def warm_token_cache(nlp: Language, texts: list[str]) -> None:
    """Count ``texts``' chunks against ``nlp``'s one warmer (its cache is shared by every caller)."""
    warmer = _WARMERS.get(nlp)
    if warmer is None:
        warmer = _WARMERS[nlp] = TokenCacheWarmer()
    warmer(nlp, texts)
