"""Verb and noun patterns (``data/verbs.jsonl``) -> candidate CAMEO codes.

One pattern a line: a lemma and part of speech, optional conditions (particle ``prt``,
required preposition ``prep``, object lemmas ``obj``, modifier lemmas ``mod``) and how to
read the arguments (``tprep``: where the target is; ``sym``: symmetric; ``civ``/``place``:
the code when the target is civilians or a place; ``reverse``: the subject receives, so source
and target swap; ``of_agent``: a noun's "of" phrase is who acts; ``frame``: speech, intent,
threat, refuse, ccomp_target or light, and for word lists rather than triggers civil_place,
military_site, frontier, water and reaction). Among a trigger's patterns whose conditions hold,
the one with the most conditions wins, so "sign an agreement" beats a bare "sign".
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

from spacy.tokens import Token

_OBJ_DEPS = {"dobj", "pobj", "attr", "oprd", "nsubjpass", "compound", "amod", "conj", "npadvmod", "acomp", "xcomp"}


@dataclass(frozen=True)
class Pattern:
    lemma: str
    pos: str
    cameo: str | None
    prt: str | None = None
    prep: str | None = None
    obj: frozenset[str] = frozenset()
    mod: frozenset[str] = frozenset()
    tprep: tuple[str, ...] = ()
    sym: bool = False
    civ: str | None = None
    place: str | None = None
    place_actor: str | None = None
    frame: str | None = None
    future: str | None = None
    obj_actor_only: bool = False
    obj_person: bool = False
    bare: str | None = None
    light_only: bool = False
    place_only: bool = False
    converse: str | None = None
    #: Code when both sides are states: a ceasefire agreed between governments is a formal
    #: interstate agreement (057, as the seeds code the Moscow and Kerry-Lavrov deals); one
    #: agreed by a non-state armed side stays a truce (0871).
    interstate: str | None = None
    #: Code when a warning's clause reports what another actor does ("warned that Britain is
    #: preparing attacks"): an accusation of that actor, not a threat by the speaker.
    accuse: str | None = None
    #: Only officials visit: "troops arrived in Kherson" is no visit, so a pattern marked
    #: ``visitor`` keeps only named people and government-like sources.
    visitor: bool = False
    #: Blaming names an attack's author: "the leader was killed in Tehran, and Hamas blamed
    #: Israel" reports Israel's attack too, when the attack itself has no stated source.
    attribute: bool = False
    #: Code when the target is a named person: killing a named leader is an assassination
    #: (186, an assault), not a battle between forces (19).
    person: str | None = None
    #: The subject is the receiving side: "Ukraine received weapons from the United States"
    #: is the United States giving (07) to Ukraine, so source and target swap.
    reverse: bool = False
    #: An intransitive act named by a noun: its "of" phrase is who acts ("the withdrawal of
    #: Russian troops from Kherson"), not who suffers it.
    of_agent: bool = False

    @property
    def specificity(self) -> int:
        return (self.prt is not None) + (self.prep is not None) + bool(self.obj) + bool(self.mod)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Pattern:
        return cls(
            lemma=d["lemma"].lower(),
            pos=d.get("pos", "VERB"),
            cameo=d.get("cameo"),
            prt=d.get("prt"),
            prep=d.get("prep"),
            obj=frozenset(x.lower() for x in d.get("obj", [])),
            mod=frozenset(x.lower() for x in d.get("mod", [])),
            tprep=tuple(d.get("tprep", ["dobj"] if d.get("pos", "VERB") == "VERB" else [])),
            sym=bool(d.get("sym", False)),
            civ=d.get("civ"),
            place=d.get("place"),
            place_actor=d.get("place_actor"),
            frame=d.get("frame"),
            future=d.get("future"),
            obj_actor_only=bool(d.get("obj_actor_only", False)),
            obj_person=bool(d.get("obj_person", False)),
            bare=d.get("bare"),
            light_only=bool(d.get("light_only", False)),
            place_only=bool(d.get("place_only", False)),
            converse=d.get("converse"),
            interstate=d.get("interstate"),
            accuse=d.get("accuse"),
            visitor=bool(d.get("visitor", False)),
            attribute=bool(d.get("attribute", False)),
            person=d.get("person"),
            reverse=bool(d.get("reverse", False)),
            of_agent=bool(d.get("of_agent", False)),
        )


class VerbPatterns:
    """Index of patterns by (part of speech, lemma)."""

    def __init__(self, patterns: list[Pattern]) -> None:
        self.patterns = patterns
        self.index: dict[tuple[str, str], list[Pattern]] = {}
        for p in patterns:
            self.index.setdefault((p.pos, p.lemma), []).append(p)
        #: Every indexed word: a token whose lemma and form are both outside it can match no
        #: pattern, so the sentence coder skips it without building candidates.
        self.indexed_words = frozenset(lemma for _, lemma in self.index)
        self.light = frozenset(p.lemma for p in patterns if p.frame == "light")
        #: Nouns naming populated places ("the city of Dnipro" is attacked as a place) and
        #: military sites ("camps in Pakistan" are attacked as the state's).
        self.civil_places = frozenset(p.lemma for p in patterns if p.frame == "civil_place")
        self.military_sites = frozenset(p.lemma for p in patterns if p.frame == "military_site")
        #: Nouns naming a frontier ("troops to the border with Ukraine"): the actor is the
        #: country the frontier is shared with, found under the noun.
        self.frontiers = frozenset(p.lemma for p in patterns if p.frame == "frontier")
        #: Last words of names of open water ("the East Sea", "the Strait of Hormuz" is not one):
        #: fire into them hits no one, so such a place is no target.
        self.waters = frozenset(p.lemma for p in patterns if p.frame == "water")
        #: Verbs whose object is a reaction to their subject: "the visit drew criticism from
        #: Seoul" is Seoul criticising the visit's author.
        self.reactions = frozenset(p.lemma for p in patterns if p.frame == "reaction")

    @classmethod
    def load(cls) -> VerbPatterns:
        return _load()

    def candidates(self, tok: Token) -> list[Pattern]:
        pos = "VERB" if tok.pos_ in ("VERB", "AUX") else "NOUN" if tok.pos_ in ("NOUN", "PROPN") else tok.pos_
        if pos not in ("VERB", "NOUN", "ADJ"):
            return []
        lemma = tok.lemma_.lower()
        found = self.index.get((pos, lemma))
        if found is None and pos == "NOUN":
            found = self.index.get((pos, tok.lower_))
        return [p for p in (found or []) if p.frame not in ("light", "civil_place", "military_site", "water", "reaction")]

    def match(self, tok: Token) -> tuple[Pattern | None, list[Token]]:
        """The most specific pattern whose conditions hold, and the tokens its ``obj`` used."""
        cands = self.candidates(tok)
        if not cands:
            return None, []
        prts = {c.lower_ for c in tok.children if c.dep_ == "prt" or (c.dep_ == "advmod" and c.lower_ in ("together", "out", "down", "aside", "up", "back"))
                # "pulled out of the talks": the parser often takes the particle for a preposition
                or (c.dep_ == "prep" and c.lower_ in ("out", "off") and any(g.dep_ == "prep" for g in c.children))}
        preps = {c.lower_ for c in tok.children if c.dep_ in ("prep", "agent", "dative")}
        mods = {c.lemma_.lower() for c in tok.children if c.dep_ in ("amod", "compound", "nmod", "npadvmod")}
        mods |= {c.lower_ for c in tok.children if c.dep_ in ("amod", "compound", "nmod")}
        objs: dict[str, Token] = {}
        for c in tok.children:
            if c.dep_ in ("dobj", "nsubjpass", "attr", "oprd", "prep", "dative", "acomp", "ccomp", "xcomp", "advmod", "agent", "npadvmod"):
                for t in _object_words(c):
                    objs.setdefault(t.lemma_.lower(), t)
                    objs.setdefault(t.lower_, t)
        if tok.dep_ in ("dobj", "pobj", "nsubjpass", "nsubj") and tok.pos_ == "NOUN":
            # A noun trigger's own governing verb ("the withdrawal of support") is not an object.
            pass
        best: Pattern | None = None
        used: list[Token] = []
        for p in cands:
            if p.prt and p.prt not in prts:
                continue
            if p.prep and p.prep not in preps:
                continue
            hit: list[Token] = []
            if p.obj:
                hit = [objs[o] for o in p.obj if o in objs]
                if not hit:
                    continue
            if p.mod and not (p.mod & mods):
                continue
            # Ties go to the later line: later lines in verbs.jsonl refine earlier ones.
            if best is None or p.specificity > best.specificity:
                best, used = p, hit
        return best, used


def _object_words(top: Token, depth: int = 0) -> list[Token]:
    """Object words under a trigger's complement, not entering relative or adverbial clauses
    ("signed a memorandum to create zones *where the fighting is to stop*" is not about fighting)."""
    out = [top] if depth == 0 or top.dep_ in _OBJ_DEPS else []
    if depth < 4:
        for c in top.children:
            if c.dep_ not in ("relcl", "advcl", "ccomp", "parataxis", "appos"):
                out.extend(_object_words(c, depth + 1))
    return out


@lru_cache(maxsize=1)
def _load() -> VerbPatterns:
    text = (resources.files("detente") / "data" / "verbs.jsonl").read_text(encoding="utf-8")
    pats = [Pattern.from_dict(json.loads(line)) for line in text.splitlines() if line.strip() and not line.startswith("#")]
    return VerbPatterns(pats)
