"""The model's rule lemmatizer, memoised per (word, POS, morphology).

Why: spaCy's rule lemmatizer runs Python code for every token, and its own cache skips the
commonest tokens (a singular noun or an infinitive is a "base form", answered before the cache
is filled), so it costs about as much as all of detente's actor tagging. Its answer depends only
on the token's text, coarse POS and morphology (the rule tables do not change while a pipeline
runs), so :class:`MemoLemmatizer` asks the wrapped lemmatizer once per such triple and writes
every token's lemma in one ``Doc.from_array`` call. Tokens whose POS is unset still go to the
wrapped lemmatizer every time, so its warning about them is raised exactly as before.
"""

from __future__ import annotations

from typing import Any

import numpy
from spacy.attrs import LEMMA, MORPH, ORTH, POS
from spacy.language import Language
from spacy.tokens import Doc

from detente.nlp.memo import GenerationalMemo

#: Triples remembered per memo generation: the memo holds at most two, so a long run over news,
#: which keeps bringing words never seen, stays within a few MB (about 300 bytes a triple).
MEMO_GENERATION = 10_000


class MemoLemmatizer:
    """Applies a rule-mode ``Lemmatizer`` with a per-(orth, pos, morph) memo (see the module doc)."""

    def __init__(self, lemmatizer: Any) -> None:
        if getattr(lemmatizer, "mode", None) != "rule":
            raise ValueError("only rule-mode lemmatizers are memoised")
        self.lemmatizer = lemmatizer
        self._memo: GenerationalMemo[tuple[int, int, int], str] = GenerationalMemo(MEMO_GENERATION)

    def _lemma(self, doc: Doc, i: int, key: tuple[int, int, int]) -> str:
        lemma = self._memo.get(key)
        if lemma is None:
            lemma = str(self.lemmatizer.lemmatize(doc[i])[0])
            if key[1] != 0:  # no POS: spaCy warns on each such token, so ask it each time
                self._memo.put(key, lemma)
        return lemma

    def __call__(self, doc: Doc) -> Doc:
        lem = self.lemmatizer
        if not lem._validated:
            lem(Doc(doc.vocab, words=[]))  # spaCy checks its tables on the first call; let it do so
        if not len(doc):
            return doc
        rows = doc.to_array([ORTH, POS, MORPH, LEMMA]).tolist()
        strings = doc.vocab.strings
        lemmas = []
        for i, (orth, pos, morph, lemma) in enumerate(rows):
            if lem.overwrite or lemma == 0:
                lemma = strings.add(self._lemma(doc, i, (orth, pos, morph)))
            lemmas.append(lemma)
        values: Any = numpy.array(lemmas, dtype=numpy.uint64)
        doc.from_array([LEMMA], values)
        return doc


@Language.factory("detente_lemmatizer", default_config={"source": "lemmatizer"}, assigns=["token.lemma"])
def make_memo_lemmatizer(nlp: Language, name: str, source: str) -> MemoLemmatizer:
    """The pipeline's lemmatizer ``source`` (rule mode), memoised."""
    return MemoLemmatizer(nlp.get_pipe(source))


def replace_lemmatizer(nlp: Language, name: str = "lemmatizer") -> bool:
    """Put a :class:`MemoLemmatizer` wrapping ``nlp``'s lemmatizer ``name`` in its place.

    Returns False, changing nothing, when there is no such component or it is not a
    rule-mode lemmatizer.
    """
    if name not in nlp.pipe_names or getattr(nlp.get_pipe(name), "mode", None) != "rule":
        return False
    nlp.add_pipe("detente_lemmatizer", before=name, config={"source": name})
    nlp.remove_pipe(name)
    return True
