"""Negated / hypothetical flags of an event, read off the dependency parse.

The cue words live in ``data/modality.toml``. The flags are decided on the path from the
trigger up to the sentence root: a negation on the trigger itself ("did not attack") or a
negating governor ("denied shelling", "failed to reach"); a modal, a conditional
subordinator or a governing verb of planning/wishing anywhere on the path ("if Russia
attacks", "might demand", "plans to strike") makes the event hypothetical. The walk stops
at reporting verbs, because "X said Y shelled Z" reports a real event.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from spacy.tokens import Span, Token

#: Clause links the walk follows upwards (reported speech ``ccomp`` stops it unless modal).
_CLAUSE_UP = {"xcomp", "advcl", "conj", "acl", "relcl", "pcomp", "prep", "pobj", "dobj", "ccomp", "csubj"}
_SPEECH = {"say", "tell", "report", "claim", "add", "state", "announce", "declare", "write", "note", "insist",
           "confirm", "indicate", "stress"}


@dataclass(frozen=True)
class ModalityWords:
    neg_particles: frozenset[str]
    neg_heads: frozenset[str]
    modals: frozenset[str]
    conditionals: frozenset[str]
    hyp_heads: frozenset[str]
    adverbs: frozenset[str]
    content_heads: frozenset[str]
    future_modals: frozenset[str]
    future_heads: frozenset[str]
    violent: frozenset[str] = frozenset()
    #: Prepositions that negate their object ("without an agreement").
    neg_preps: frozenset[str] = frozenset()
    #: Verb + preposition whose object is only planned or asked for ("provides for", "calls for").
    hyp_phrases: frozenset[str] = frozenset()
    #: Roots of reactions ("condemned the strikes", "welcomed the decision") whose bare
    #: definite object may refer back to an event coded earlier in the paragraph.
    reaction_roots: frozenset[str] = frozenset()
    #: Nouns that refer back to any earlier event ("the decision", "the move").
    anaphoric_nouns: frozenset[str] = frozenset()
    #: Reporting verbs whose speaker, stating another actor's attack as fact, accuses it.
    reporting: frozenset[str] = frozenset()
    #: Words that end or prevent force ("an end to the war"): force under them is no threat.
    calming: frozenset[str] = frozenset()
    #: Participles whose passive agent mediated the event they modify ("a truce brokered by Egypt").
    brokering: frozenset[str] = frozenset()
    #: Prepositions naming where a truce applies ("a ceasefire in Idlib"), not where it was agreed.
    theatre_preps: frozenset[str] = frozenset()

    @classmethod
    def load(cls) -> ModalityWords:
        return _load()


@lru_cache(maxsize=1)
def _load() -> ModalityWords:
    raw = tomllib.loads((resources.files("detente") / "data" / "modality.toml").read_text(encoding="utf-8"))
    f = frozenset
    return ModalityWords(
        f(raw["negation"]["particles"]),
        f(raw["negation"]["heads"]),
        f(raw["hypothetical"]["modals"]),
        f(raw["hypothetical"]["conditionals"]),
        f(raw["hypothetical"]["heads"]),
        f(raw["hypothetical"]["adverbs"]),
        f(raw["content"]["heads"]),
        f(raw["future"]["modals"]),
        f(raw["future"]["heads"]),
        violent=f(raw.get("threat", {}).get("violent", [])),
        neg_preps=f(raw["negation"].get("preps", [])),
        hyp_phrases=f(raw["hypothetical"].get("phrases", [])),
        reaction_roots=f(raw.get("anaphora", {}).get("reaction_roots", [])),
        anaphoric_nouns=f(raw.get("anaphora", {}).get("nouns", [])),
        reporting=f(raw.get("reported", {}).get("reporting", [])),
        calming=f(raw.get("threat", {}).get("calming", [])),
        brokering=f(raw.get("reported", {}).get("brokering", [])),
        theatre_preps=f(raw.get("reported", {}).get("theatre_preps", [])),
    )


def _own_cues(tok: Token, w: ModalityWords) -> tuple[bool, bool, bool]:
    """(negated, hypothetical, future) cues among a token's own children."""
    neg = hyp = fut = False
    for c in tok.children:
        low = c.lower_
        if c.dep_ == "neg" or (low in w.neg_particles and c.dep_ in ("advmod", "det", "neg", "preconj")):
            neg = True
        elif c.dep_ in ("aux", "auxpass") and (low in w.modals or c.lemma_ in w.modals):
            if low in w.future_modals or c.lemma_ in w.future_modals:
                fut = True
            else:
                hyp = True
        elif c.dep_ == "mark" and low in w.conditionals or c.dep_ == "advmod" and low in w.adverbs:
            hyp = True
    return neg, hyp, fut


def modality(sentence: Span, trigger: Token) -> tuple[bool, bool]:
    """(negated, hypothetical) of the event whose trigger is ``trigger``."""
    neg, hyp, fut = analyse(sentence, trigger)
    return neg, hyp or fut


def analyse(sentence: Span, trigger: Token) -> tuple[bool, bool, bool]:
    """(negated, hypothetical, future): ``future`` marks plain future ("will meet") apart,
    so a coder can treat an announced meeting as 036 instead of a hypothetical meeting."""
    w = ModalityWords.load()
    neg, hyp, fut = _own_cues(trigger, w)
    tok = trigger
    depth = 0
    while tok.dep_ != "ROOT" and depth < 8 and tok.head.i != tok.i:
        dep = tok.dep_
        head = tok.head
        depth += 1
        if dep not in _CLAUSE_UP:
            if tok.pos_ in ("NOUN", "PROPN") and dep in ("nsubj", "nsubjpass", "attr", "appos", "compound"):
                tok = head
                continue
            break
        h_neg, h_hyp, h_fut = _own_cues(head, w)
        lemma = head.lemma_.lower()
        if dep in ("ccomp",) and lemma in _SPEECH:
            # Reported speech: the report's own modality does not carry over ("said it would" does).
            break
        if dep == "conj":
            # Coordinated verbs share auxiliaries ("will meet and sign").
            hyp = hyp or h_hyp
            fut = fut or h_fut
            neg = neg or h_neg
            tok = head
            continue
        if lemma in w.neg_heads and dep in ("xcomp", "dobj", "pcomp", "prep", "pobj", "ccomp"):
            neg = True
        if dep == "prep" and f"{lemma} {tok.lower_}" in w.hyp_phrases:
            hyp = True  # "an agreement that provides for the withdrawal": agreed, not done
        if dep in ("pcomp", "pobj") and head.lower_ in w.neg_preps:
            neg = True  # "left without signing the deal", "ended without an agreement"
        if dep == "xcomp" and lemma == "be" and any(c.dep_ == "aux" and c.lower_ == "to" for c in tok.children):
            fut = True  # "troops are to begin joint patrols": scheduled, not yet done
        if lemma in w.hyp_heads and dep in ("xcomp", "acl", "ccomp") or (lemma in w.hyp_heads and head.pos_ == "NOUN" and dep in ("prep", "pobj", "acl")):
            if lemma in w.future_heads:
                fut = True
            else:
                hyp = True
        if dep in ("advcl",) and any(c.dep_ == "mark" and c.lower_ in w.conditionals for c in tok.children):
            hyp = True
        hyp = hyp or h_hyp
        fut = fut or h_fut
        if h_neg and dep in ("xcomp",):
            neg = True
        tok = head
    return neg, hyp, fut


def is_content_of(trigger: Token, heads: frozenset[str] | None = None) -> Token | None:
    """The governing verb whose content ``trigger`` is ("threatened to *attack*"), if any."""
    w = ModalityWords.load()
    heads = heads if heads is not None else w.content_heads
    tok = trigger
    for _ in range(3):
        if tok.dep_ in ("xcomp", "ccomp", "pcomp", "pobj", "prep") and tok.head.i != tok.i:
            head = tok.head
            if head.lemma_.lower() in heads:
                return head
            if tok.dep_ in ("pobj", "prep", "pcomp"):
                tok = head
                continue
        break
    return None
