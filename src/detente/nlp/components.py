"""detente's spaCy components: ``detente_actors`` (actor and place spans) and ``detente_events``.

Both are ``Language.factory`` components with a default config, so ``nlp.analyze_pipes()``
can check that the parser and NER run before them. The article rides along through
``nlp.pipe(..., as_tuples=True)``: the pipeline sets ``doc._.article`` before the doc
reaches these components, and the events component reads it for ids and dates.
"""

from __future__ import annotations

import bisect
import itertools
import logging
from collections.abc import Callable
from typing import Any

import numpy
from spacy.attrs import ORTH, SENT_START
from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span, Token
from spacy.util import filter_spans, registry

from detente.actors.dictionary import ActorDictionary, SectorWord
from detente.actors.resolve import _KIND_RANK, STATE_SECTORS, actor_from, pick_entry, resolve_actor
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
        if (
            h.dep_ in NP_MOD_DEPS and h.dep_ != "appos" and h.head.i != h.i and h.head.pos_ in ("NOUN", "PROPN", "ADJ", "NUM")
        ) or (h.dep_ == "conj" and h.head.dep_ in ("amod", "compound", "nmod") and h.head.i != h.i):
            h = h.head
        else:
            break
    return h


class ActorTagger:
    """Marks actor spans (``doc.spans["actors"]``, ``span._.actor``) and places (``doc.spans["places"]``).

    Dictionary forms are matched case-insensitively, except short forms (four letters or
    fewer), which must match exactly: in all capitals ("US", "IS", "UN") or as the data writes
    them ("Modi", "Baku"), so "moon" and "let" stay words. An adjective or name combines with the
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
        lower_docs: list[Doc] = []
        exact_docs: list[Doc] = []
        for form in self.dictionary.forms:
            self._entity_forms[form] = form
        # Short forms collide with common words ("moon", "kim", "let"), so they match exactly: in
        # all capitals (acronyms, headlines) and in each capitalisation the data writes them in
        # ("Modi", "Baku", "BiH"); only forms known to be no English word also match in lower case.
        for form in self.dictionary.forms:
            if len(form) <= 4 and " " not in form and form.isalpha():
                written = {form.upper()}
                written.update(w for w in self.dictionary.surface.get(form, ()) if w != form)
                exact_docs.extend(nlp.make_doc(w) for w in sorted(written))
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
        doc_text = doc.text  # built token by token on each access: read once, sliced below

        def text_of(span: Span) -> str:
            return doc_text[span.start_char : span.end_char]

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
        #: (token, state) of each name standing for a state, for bare sector words to read.
        named: list[tuple[int, str]] = []
        used_sector_heads: set[int] = set()
        for head_i, ms in groups.items():
            head = doc[head_i]
            sector_span = sec_by_tok.get(head_i)
            sectors: list[SectorWord] = []
            if sector_span is not None:
                sw = d.sectors.get(text_of(sector_span).lower())
                if sw is not None:
                    sectors.append(sw)
                    used_sector_heads.add(head_i)
            else:
                # Sector words between the name and the head ("Syrian regime forces").
                for t in head.lefts:
                    left = sec_by_tok.get(t.i)
                    if left is not None:
                        sw = d.sectors.get(text_of(left).lower())
                        if sw is not None:
                            sectors.append(sw)
            for part in _split_coordinated(ms):
                entry = max(
                    (pick_entry(found, date) for m in part if (found := d.lookup(text_of(m)))),
                    key=lambda e: _KIND_RANK.get(e.kind, 0),
                    default=None,
                )
                if entry is None:
                    continue
                start = min(m.start for m in part)
                end = max(m.end for m in part)
                if sector_span is not None and len(part) == len(ms) and len(_split_coordinated(ms)) == 1:
                    end = max(end, sector_span.end)
                    start = min(start, sector_span.start)
                text = text_of(doc[start:end])
                actor = actor_from(text, entry, sectors, date=date)
                if actor is None:
                    continue
                span = Span(doc, start, end, label=entry.kind)
                span._.actor = actor
                spans.append(span)
                if _is_state(actor) and not _is_topic(span):
                    named.append((start, actor.principal))
        # Generic sector actors on their own ("rebels", "Idlib residents"); state sector words
        # ("the army", "police") take the state the text is about, when that is unambiguous.
        seen_sec: set[int] = set()
        sent_starts: list[int] = []
        sent_states: dict[int, set[str]] | None = None
        for s in sec_matches:
            if s.start in seen_sec or any(i in taken for i in range(s.start, s.end)):
                continue
            seen_sec.add(s.start)
            sw = d.sectors.get(text_of(s).lower())
            if sw is None:
                continue
            if not sw.principal:
                if not named or sw.sector not in _CONTEXT_SECTORS:
                    continue
                if sent_states is None:
                    sent_starts = _sentence_starts(doc)
                    sent_states = _states_by_sentence(named, sent_starts)
                # The cheap test first: most sector words are in no sentence naming one state.
                country = _context_state(s.start, sent_states, sent_starts)
                if country is None or not _bare_state_word(s, sw.sector, taken, groups):
                    continue
                whole = _with_sector_modifiers(s, sec_by_tok, taken, d)
                if whole is None:
                    continue
                actor = actor_from(text_of(whole), None, [sw], date=date, context_country=country)
                if actor is not None:
                    span = Span(doc, whole.start, whole.end, label="sector")
                    span._.actor = actor
                    spans.append(span)
                continue
            if np_head(s.root).i in groups:
                continue
            actor = actor_from(text_of(s), None, [sw])
            if actor is not None:
                span = Span(doc, s.start, s.end, label="sector")
                span._.actor = actor
                spans.append(span)
        places: list[Span] = []
        covered = {i for sp in spans for i in range(sp.start, sp.end)}
        place_tokens: set[int] = set()
        for pm in _find_places(doc_text):
            sp = doc.char_span(pm.start, pm.end, alignment_mode="expand")
            if sp is None or any(i in covered or i in place_tokens for i in range(sp.start, sp.end)):
                continue
            if pm.kind == "country":
                continue
            place = Span(doc, sp.start, sp.end, label="place")
            place._.is_place = True
            c = pm.location.country
            place._.actor = Actor(text_of(sp), c, c, c, None, None) if c else None
            places.append(place)
            place_tokens.update(range(sp.start, sp.end))
        if self.use_ner:
            for ent in doc.ents:
                if ent.label_ not in _ACTOR_LABELS or any(i in covered or i in place_tokens for i in range(ent.start, ent.end)):
                    continue
                actor = resolve_actor(text_of(ent), date=date, dictionary=d)
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


#: Sectors acting for a state, whose bare words ("the army") may take the state from context.
_CONTEXT_SECTORS = STATE_SECTORS
#: The one determiner a bare state sector word may carry ("the army"); others make it
#: indefinite, counted or paired ("both governments", "two soldiers"), and a possessive
#: ("their forces") points at an antecedent that need not be a state.
_CONTEXT_DETS = frozenset({"the"})
#: Plural government words that name an institution rather than people of several sides.
_PLURAL_INSTITUTIONS = frozenset({"authorities"})
#: Prepositions after which a state is a topic ("On Syria, the leaders ..."), not the actor
#: the sentence's bare sector words belong to.
_TOPIC_PREPS = frozenset({"on", "about", "over", "regarding", "concerning"})


def _bare_state_word(s: Span, sector: str, taken: set[int], groups: dict[int, list[Span]]) -> bool:
    """Whether a state sector word stands alone, so that the sentence's state may be its.

    Not when a name is in its phrase ("the government of Ukraine", "Russian-backed forces"
    name their own state), when it only modifies another noun ("army base", "military
    operation"), when a determiner or number makes it indefinite or a pair ("both
    governments", "two soldiers"), when a possessive points at an antecedent that need not be
    a state ("their forces"), or when it is one of a list (whose possessive it shares:
    "their diplomats, military officers and intelligence officials"). Plural government
    people ("the leaders", "diplomats") usually are the delegations of every side.
    """
    head = s.root
    if head.i in groups or np_head(head).i != head.i:
        return False
    if sector == "GOV" and head.tag_ in ("NNS", "NNPS") and head.lower_ not in _PLURAL_INSTITUTIONS:
        return False
    if head.dep_ == "conj" or any(i in taken for i in range(head.left_edge.i, head.right_edge.i + 1)):
        return False
    return all(
        c.dep_ != "conj" and (c.dep_ not in ("det", "predet", "nummod", "quantmod", "poss") or c.lower_ in _CONTEXT_DETS)
        for c in head.children
    )


def _with_sector_modifiers(s: Span, sec_by_tok: dict[int, Span], taken: set[int], d: ActorDictionary) -> Span | None:
    """Widen a head sector word over the state sector words modifying it ("junta soldiers");
    None when another kind modifies it ("opposition delegation" is no government's)."""
    start = s.start
    while start > 0 and start - 1 in sec_by_tok and start - 1 not in taken:
        mod = sec_by_tok[start - 1]
        sw = d.sectors.get(mod.text.lower())
        if sw is None or sw.principal or sw.sector not in _CONTEXT_SECTORS:
            return None
        start = mod.start
    return s.doc[start : s.end] if start != s.start else s


def _is_topic(span: Span) -> bool:
    """Whether a name is the topic of a preposition ("On Syria", "talks about Ukraine")."""
    root = span.root
    return root.dep_ == "pobj" and root.head.lower_ in _TOPIC_PREPS


def _is_state(actor: Actor) -> bool:
    """Whether an actor stands for a state (not a group, organisation or generic actor)."""
    p = actor.principal
    return len(p) == 3 and p == actor.country and p.isupper()


def _sentence_starts(doc: Doc) -> list[int]:
    """Indices of the doc's sentence-start tokens (from one array, not by walking sentences)."""
    starts = numpy.flatnonzero(doc.to_array(SENT_START) == 1).tolist()
    return starts if starts and starts[0] == 0 else [0, *starts]


def _states_by_sentence(named: list[tuple[int, str]], sent_starts: list[int]) -> dict[int, set[str]]:
    """The states named in each sentence (keyed by its position in ``sent_starts``)."""
    out: dict[int, set[str]] = {}
    for t, p in named:
        out.setdefault(bisect.bisect_right(sent_starts, t), set()).add(p)
    return out


def _context_state(i: int, sent_states: dict[int, set[str]], sent_starts: list[int]) -> str | None:
    """The state a bare sector word at token ``i`` acts for: the one state named in its
    sentence ("the government blamed the ELN" in a sentence naming Bogota). Two states make it
    ambiguous. Kept to the sentence: the article's dominant state gained nothing on the
    evaluation sets, and articles move between states within a paragraph."""
    found = sent_states.get(bisect.bisect_right(sent_starts, i))
    return next(iter(found)) if found is not None and len(found) == 1 else None


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
    return not (len(m) == 1 and m[0].is_lower and m[0].i > 0 and len(m.text) <= 4)


def _split_coordinated(ms: list[Span]) -> list[list[Span]]:
    """Split names sharing one head into coordinated parts ("Russian and Syrian forces")."""
    ms = sorted(ms, key=lambda m: m.start)
    parts: list[list[Span]] = [[ms[0]]]
    for prev, m in itertools.pairwise(ms):
        between = m.doc[prev.end : m.start]
        if any(t.dep_ == "cc" or t.text in {",", "/", "and", "-"} for t in between) or prev.end == m.start and m.doc[m.start - 1].text == "-":
            parts.append([m])
        else:
            parts[-1].append(m)
    return parts


def _find_places(text: str) -> list[Any]:
    """Gazetteer place mentions in the doc's text (none until ``detente.geo`` is present)."""
    if _geo is None:
        return []
    try:
        return list(_geo.find_places(text))
    except Exception:  # geo is a collaborator; a failure must not stop coding
        logger.debug("geo.find_places failed", exc_info=True)
        return []


#: Tokens after a line start that never begin a new sentence themselves.
_MIN_LINE_SENT = 3


def _newline_tokens(doc: Doc) -> list[int]:
    """Indices of the tokens (the last one aside) whose text holds a line break, in order.

    Found from the tokens' ORTH ids rather than by walking ``Token`` objects, which would cost
    more than the rest of the component. A token's trailing whitespace is one space or none
    (spaCy makes any other whitespace a token of its own), so a line break is always in a
    token's text.
    """
    if len(doc) < 2:
        return []
    orths = doc.to_array(ORTH)[:-1]
    strings = doc.vocab.strings
    breaking = [o for o in numpy.unique(orths).tolist() if "\n" in strings[o]]
    if not breaking:
        return []
    return numpy.flatnonzero(numpy.isin(orths, breaking)).tolist()


@Language.component(
    "detente_line_breaks",
    assigns=["token.is_sent_start"],
)
def line_breaks(doc: Doc) -> Doc:
    """Start a sentence after every line break, before the parser runs.

    Headlines and list items carry no final full stop; without this the parser glues a
    headline to the first sentence, and the headline's event gets that sentence's date.
    """
    for i in _newline_tokens(doc):
        tok = doc[i]
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
        # ``code_doc`` stores the events on the doc itself; setting them again here would turn
        # every event into a dict a second time.
        code_doc(doc, article, max_sentence_chars=self.max_sentence_chars)
        return doc


@Language.factory(
    "detente_events",
    default_config={"max_sentence_chars": 2000},
    requires=["doc.spans", "span._.actor", "token.dep", "token.lemma"],
    assigns=["doc._.events"],
)
def make_detente_events(nlp: Language, name: str, max_sentence_chars: int) -> EventComponent:
    return EventComponent(nlp, name, max_sentence_chars=max_sentence_chars)
