"""The English pipeline plus detente's components, loaded once per process.

Usage::

    nlp = load_nlp()
    for doc, article in nlp.pipe(((a.text, a) for a in articles), as_tuples=True):
        events = doc._.events

With ``as_tuples=True`` spaCy puts the context on ``doc._context`` before the components
run; detente's components read the article from there (id, publication date), or from
``doc._.article`` when a caller set it.
"""

from __future__ import annotations

import spacy
from spacy.language import Language

from detente.nlp import components as _components  # noqa: F401  (registers the factories)
from detente.nlp.attribute_ruler import replace_attribute_ruler
from detente.nlp.extensions import register_extensions
from detente.nlp.lemmatizer import replace_lemmatizer
from detente.settings import Settings, load_settings

_CACHE: dict[tuple[str, int], Language] = {}


def load_nlp(settings: Settings | None = None) -> Language:
    """spaCy model (setting ``nlp_model``) + ``detente_actors`` + ``detente_events``; cached.

    The model's ``attribute_ruler`` and ``lemmatizer`` are swapped for ``detente_attribute_ruler``
    and ``detente_lemmatizer``, which set the same attributes faster.
    """
    settings = settings or load_settings()
    key = (str(settings["nlp_model"]), int(settings["max_sentence_chars"]))
    if key in _CACHE:
        return _CACHE[key]
    register_extensions()
    nlp = spacy.load(key[0])
    # Same POS, tags, morphology and lemmas as the model's own attribute ruler, at a fraction
    # of its cost (see detente.nlp.attribute_ruler); kept as is when its rules do not allow it.
    replace_attribute_ruler(nlp)
    # Same lemmas as the model's rule lemmatizer, each (word, POS, morphology) worked out once.
    replace_lemmatizer(nlp)
    if "parser" in nlp.pipe_names:
        nlp.add_pipe("detente_line_breaks", before="parser")
    nlp.add_pipe("detente_actors", last=True)
    nlp.add_pipe("detente_events", last=True, config={"max_sentence_chars": key[1]})
    _CACHE[key] = nlp
    return nlp
