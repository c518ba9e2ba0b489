"""A naive keyword coder: the bar the real coder has to beat.

For each sentence: the first two actor names found (dictionary longest match, in order)
become source and target, and the first word starting with a pattern lemma of
``data/verbs.jsonl`` (unconditioned patterns only) gives the CAMEO code. No parse, no
negation, no places: this is what a regular-expression coder would do.
"""

from __future__ import annotations

import re
from functools import lru_cache

from detente.actors.dictionary import ActorDictionary, normalise
from detente.actors.resolve import actor_from
from detente.coding.verbs import VerbPatterns
from detente.records import Actor

_WORD = re.compile(r"[\w'\-]+")


@lru_cache(maxsize=1)
def _keywords() -> tuple[tuple[str, str], ...]:
    """(stem, cameo) pairs, longest stem first; speech and light patterns are left out."""
    pats = VerbPatterns.load().patterns
    out: dict[str, str] = {}
    for p in pats:
        if p.cameo and not (p.prt or p.prep or p.obj or p.mod) and p.frame not in ("speech", "light"):
            stem = p.lemma[:-1] if p.lemma.endswith("e") and len(p.lemma) > 4 else p.lemma
            out.setdefault(stem, p.cameo)
    return tuple(sorted(out.items(), key=lambda kv: -len(kv[0])))


def _actors(sentence: str, d: ActorDictionary) -> list[Actor]:
    words = [normalise(w) for w in _WORD.findall(sentence)]
    words = [w.removesuffix("'s") for w in words]
    found: list[Actor] = []
    i = 0
    while i < len(words):
        for n in range(min(4, len(words) - i), 0, -1):
            entries = d.forms.get(" ".join(words[i : i + n]))
            if entries:
                a = actor_from(" ".join(words[i : i + n]), entries[0], [])
                if a is not None and all(a.principal != f.principal for f in found):
                    found.append(a)
                i += n
                break
        else:
            i += 1
    return found


def code_sentence(sentence: str) -> list[tuple[Actor, Actor, str]]:
    """At most one (source, target, cameo) triple for the sentence."""
    d = ActorDictionary.load()
    actors = _actors(sentence, d)
    if len(actors) < 2:
        return []
    for w in _WORD.findall(sentence.lower()):
        for stem, cameo in _keywords():
            if w.startswith(stem):
                return [(actors[0], actors[1], cameo)]
    return []
