"""detente's spaCy components: ``detente_actors`` (actor and place spans) and ``detente_events``.

Both are ``Language.factory`` components with a default config, so ``nlp.analyze_pipes()``
can check that the parser and NER run before them. The article rides along through
``nlp.pipe(..., as_tuples=True)``: the pipeline sets ``doc._.article`` before the doc
reaches these components, and the events component reads it for ids and dates.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span, Token
from spacy.util import filter_spans, registry

from detente.actors.dictionary import ActorDictionary, SectorWord
from detente.actors.resolve import _KIND_RANK, actor_from, resolve_actor
from detente.nlp.extensions import register_extensions
from detente.records import Actor, Article

logger = logging.getLogger(__name__)

#: Modifier links that keep a token inside the noun phrase of its head.
NP_MOD_DEPS = frozenset({"amod", "compound", "poss", "nmod", "flat", "appos"})
_PLACE_LABELS = frozenset({"GPE", "LOC", "FAC"})
_ACTOR_LABELS = frozenset({"GPE", "NORP", "ORG", "PERSON", "LOC", "FAC"})

register_extensions()

try:  # geo is written alongside; until it exists, places carry no country.
    from detente import geo as _geo
except ImportError:  # pragma: no cover - depends on the checkout
    _geo = None  # type: ignore[assignment]


@registry.misc("detente.actor_dictionary.v1")  # type: ignore[untyped-decorator]
def make_actor_dictionary() -> Callable[[], ActorDictionary]:
    """The package's actor dictionary (data/actors/*.jsonl), loaded lazily and cached."""
    return ActorDictionary.load


def np_head(tok: Token) -> Token:
    """Climb modifier links to the head noun of ``tok``'s noun phrase.

    "Russian and Syrian regime forces": Syrian -> (conj) Russian -> (amod) forces.
    ``npadvmod`` is not climbed, so "Russian-backed forces" does not make Russia the actor.
    """
    h = tok
    for _ in range(6):
        if h.dep_ in NP_MOD_DEPS and h.dep_ != "appos" and h.head.i != h.i and h.head.pos_ in ("NOUN", "PROPN", "ADJ", "NUM"):
            h = h.head
        elif h.dep_ == "conj" and h.head.dep_ in ("amod", "compound", "nmod") and h.head.i != h.i:
            h = h.head
        else:
            break
    return h


class ActorTagger:
    """Marks actor spans (``doc.spans["actors"]``, ``span._.actor``) and places (``doc.spans["places"]``).

    Dictionary forms are matched case-insensitively, except short all-capital forms
    ("US", "IS", "UN") which must match exactly. An adjective or name combines with the
    sector word heading its noun phrase ("Russian forces" -> RUSMIL); generic sector words
    stand alone ("rebels" -> REBELS). NER spans the dictionary misses are resolved by name,
    and unresolved GPE/LOC/FAC spans become places (targets of attacks on places).
    """

    def __init__(self, nlp: Language, name: str, *, dictionary: Callable[[], ActorDictionary], use_ner: bool = True) -> None:
        self.name = name
        self.use_ner = use_ner
        self.dictionary = dictionary()
        self.matcher = PhraseMatcher(nlp.vocab, attr="LOWER")
        self.exact = PhraseMatcher(nlp.vocab, attr="ORTH")
        self.sector_matcher = PhraseMatcher(nlp.vocab, attr="LOWER")
        self._entity_forms: dict[str, str] = {}
        lower_docs = []
        exact_docs = []
        for form in self.dictionary.forms:
            self._entity_forms[form] = form
        # Re-read original casing for acronyms: a form is an acronym when its canonical upper
        # version is how it was written in the data (we keep only the lower key, so test by shape).
        for form in self.dictionary.forms:
            if len(form) <= 4 and " " not in form and form.isalpha():
                exact_docs.append(nlp.make_doc(form.upper()))
                if form in _SAFE_LOWER:
                    lower_docs.append(nlp.make_doc(form))
            else:
                lower_docs.append(nlp.make_doc(form))
        self.matcher.add("ENTITY", lower_docs)
        self.exact.add("ENTITY", exact_docs)
        self.sector_matcher.add("SECTOR", [nlp.make_doc(w) for w in self.dictionary.sectors])

    def __call__(self, doc: Doc) -> Doc:
        article = article_of(doc)
        date = article.published if article is not None else None
        d = self.dictionary
        ent_matches = [doc[s:e] for _, s, e in self.matcher(doc)] + [doc[s:e] for _, s, e in self.exact(doc)]
        ent_matches = filter_spans([m for m in ent_matches if _usable(m)])
        sec_matches = filter_spans([doc[s:e] for _, s, e in self.sector_matcher(doc)])
        taken: set[int] = set()
        for m in ent_matches:
            taken.update(range(m.start, m.end))
        sec_by_tok: dict[int, Span] = {}
        for s in sec_matches:
            if not any(i in taken for i in range(s.start, s.end)):
                for i in range(s.start, s.end):
                    sec_by_tok[i] = s
        # Group entity matches by the head of their noun phrase.
        groups: dict[int, list[Span]] = {}
        for m in ent_matches:
            groups.setdefault(np_head(m.root).i, []).append(m)
        spans: list[Span] = []
        used_sector_heads: set[int] = set()
        for head_i, ms in groups.items():
            head = doc[head_i]
            sector_span = sec_by_tok.get(head_i)
            sectors: list[SectorWord] = []
            if sector_span is not None:
                sw = d.sectors.get(sector_span.text.lower())
                if sw is not None:
                    sectors.append(sw)
                    used_sector_heads.add(head_i)
            else:
                # Sector words between the name and the head ("Syrian regime forces").
                for t in head.lefts:
                    left = sec_by_tok.get(t.i)
                    if left is not None:
                        sw = d.sectors.get(left.text.lower())
                        if sw is not None:
                            sectors.append(sw)
            for part in _split_coordinated(ms):
                entry = max((e for m in part for e in d.lookup(m.text)[:1]), key=lambda e: _KIND_RANK.get(e.kind, 0), default=None)
                if entry is None:
                    continue
                start = min(m.start for m in part)
                end = max(m.end for m in part)
                if sector_span is not None and len(part) == len(ms) and len(_split_coordinated(ms)) == 1:
                    end = max(end, sector_span.end)
                    start = min(start, sector_span.start)
                text = doc[start:end].text
                actor = actor_from(text, entry, sectors, date=date)
                if actor is None:
                    continue
                span = Span(doc, start, end, label=entry.kind)
                span._.actor = actor
                spans.append(span)
        # Generic sector actors on their own ("rebels", "Idlib residents").
        seen_sec: set[int] = set()
        for s in sec_matches:
            if s.start in seen_sec or any(i in taken for i in range(s.start, s.end)):
                continue
            seen_sec.add(s.start)
            sw = d.sectors.get(s.text.lower())
            if sw is None or not sw.principal:
                continue
            if np_head(s.root).i in groups:
                continue
            actor = actor_from(s.text, None, [sw])
            if actor is not None:
                span = Span(doc, s.start, s.end, label="sector")
                span._.actor = actor
                spans.append(span)
        places: list[Span] = []
        covered = {i for sp in spans for i in range(sp.start, sp.end)}
        place_tokens: set[int] = set()
        for pm in _find_places(doc):
            sp = doc.char_span(pm.start, pm.end, alignment_mode="expand")
            if sp is None or any(i in covered or i in place_tokens for i in range(sp.start, sp.end)):
                continue
            if pm.kind == "country":
                continue
            place = Span(doc, sp.start, sp.end, label="place")
            place._.is_place = True
            c = pm.location.country
            place._.actor = Actor(sp.text, c, c, c, None, None) if c else None
            places.append(place)
            place_tokens.update(range(sp.start, sp.end))
        if self.use_ner:
            for ent in doc.ents:
                if ent.label_ not in _ACTOR_LABELS or any(i in covered or i in place_tokens for i in range(ent.start, ent.end)):
                    continue
                actor = resolve_actor(ent.text, date=date, dictionary=d)
                if actor is not None and ent.label_ != "LOC":
                    span = Span(doc, ent.start, ent.end, label="ner")
                    span._.actor = actor
                    spans.append(span)
                elif ent.label_ in _PLACE_LABELS:
                    place = Span(doc, ent.start, ent.end, label="place")
                    place._.is_place = True
                    places.append(place)
        doc.spans["actors"] = sorted(spans, key=lambda s: (s.start, s.end))
        doc.spans["places"] = places
        return doc


#: Short forms that are also safe in lower case (no common English word collides).
_SAFE_LOWER = frozenset({"iran", "iraq", "oman", "peru", "chad", "mali", "cuba", "fiji", "laos", "togo", "niger", "kyiv", "kiev", "doha", "rome", "oslo", "riga", "lima", "hamas", "nato", "isis", "isil", "fsa"})


def article_of(doc: Doc) -> Article | None:
    """The article riding along with ``nlp.pipe(..., as_tuples=True)`` (spaCy's ``doc._context``)."""
    art = doc._.article
    if art is None:
        # Not stored on the doc: user_data must stay serialisable for multi-process pipes.
        art = getattr(doc, "_context", None)
    return art if isinstance(art, Article) else None


def _usable(m: Span) -> bool:
    """Drop lower-case matches of capitalised names in running text ("turkey" the bird is rare
    in news; "chad", "jordan" as plain words are not)."""
    if len(m) == 1 and m[0].is_lower and m[0].i > 0 and len(m.text) <= 4:
        return False
    return True


def _split_coordinated(ms: list[Span]) -> list[list[Span]]:
    """Split names sharing one head into coordinated parts ("Russian and Syrian forces")."""
    ms = sorted(ms, key=lambda m: m.start)
    parts: list[list[Span]] = [[ms[0]]]
    for prev, m in zip(ms, ms[1:]):
        between = m.doc[prev.end : m.start]
        if any(t.dep_ == "cc" or t.text in {",", "/", "and", "-"} for t in between) or prev.end == m.start and m.doc[m.start - 1].text == "-":
            parts.append([m])
        else:
            parts[-1].append(m)
    return parts


def _find_places(doc: Doc) -> list[Any]:
    """Gazetteer place mentions in the doc (none until ``detente.geo`` is present)."""
    if _geo is None:
        return []
    try:
        return list(_geo.find_places(doc.text))
    except Exception:  # noqa: BLE001 - geo is a collaborator; a failure must not stop coding
        logger.debug("geo.find_places failed", exc_info=True)
        return []


#: Tokens after a line start that never begin a new sentence themselves.
_MIN_LINE_SENT = 3


@Language.component(
    "detente_line_breaks",
    assigns=["token.is_sent_start"],
)
def line_breaks(doc: Doc) -> Doc:
    """Start a sentence after every line break, before the parser runs.

    Headlines and list items carry no final full stop; without this the parser glues a
    headline to the first sentence, and the headline's event gets that sentence's date.
    """
    for tok in doc[:-1]:
        if "\n" in tok.text or "\n" in tok.whitespace_:
            nxt = doc[tok.i + 1]
            if not nxt.is_space:
                nxt.is_sent_start = True
                # A forced start makes the parser splinter the line's opening words into
                # one-token "sentences" ("Russia" | "and" | "Turkey agreed ..."); no sentence
                # is that short, so the next words stay inside it.
                for follow in doc[nxt.i + 1 : nxt.i + 1 + _MIN_LINE_SENT]:
                    if "\n" in follow.text or follow.is_sent_start:
                        break
                    follow.is_sent_start = False
                    if "\n" in follow.whitespace_:
                        break
    return doc


@Language.factory(
    "detente_actors",
    default_config={"dictionary": {"@misc": "detente.actor_dictionary.v1"}, "use_ner": True},
    requires=["token.dep", "token.lemma", "doc.ents"],
    assigns=["doc.spans", "span._.actor"],
)
def make_detente_actors(nlp: Language, name: str, dictionary: Callable[[], ActorDictionary], use_ner: bool) -> ActorTagger:
    return ActorTagger(nlp, name, dictionary=dictionary, use_ner=use_ner)


class EventComponent:
    """Runs the coder on each doc and stores the events in ``doc._.events``.

    Without an article on the doc, a stand-in article is made from the doc text so the
    component also works on plain ``nlp(text)`` calls.
    """

    def __init__(self, nlp: Language, name: str, *, max_sentence_chars: int) -> None:
        self.name = name
        self.max_sentence_chars = max_sentence_chars

    def __call__(self, doc: Doc) -> Doc:
        from detente.coding.coder import code_doc

        article = article_of(doc)
        if article is None:
            from detente.records import doc_id_for

            article = Article(id=doc_id_for(doc.text), text=doc.text)
        doc._.events = code_doc(doc, article, max_sentence_chars=self.max_sentence_chars)
        return doc


@Language.factory(
    "detente_events",
    default_config={"max_sentence_chars": 2000},
    requires=["doc.spans", "span._.actor", "token.dep", "token.lemma"],
    assigns=["doc._.events"],
)
def make_detente_events(nlp: Language, name: str, max_sentence_chars: int) -> EventComponent:
    return EventComponent(nlp, name, max_sentence_chars=max_sentence_chars)
