"""Where a sentence's participants sit beyond a trigger's own arguments: deeper targets,
the last or nearest other actor, light verbs over event nouns, mass-victim objects and
blame that names an attack's author. Split from :mod:`detente.coding.sentence` so each
module stays readable.
"""

from __future__ import annotations

from spacy.tokens import Span, Token

from detente.coding.arguments import _GENERIC, DocContext, Participant, _participant


def _blame_governs(blame: Token, attack: Token) -> bool:
    """The attack noun hangs on the blame ("blamed X for the strike") or on a verb sharing
    its subject ("condemned the attack and blamed X"), so the blamer is the one attacked."""
    g = attack.head.head if attack.dep_ == "pobj" else attack.head
    if g.i == blame.i:
        return True
    linked = (blame.dep_ == "conj" and blame.head.i == g.i) or (g.dep_ == "conj" and g.head.i == blame.i)
    later = blame if blame.i > g.i else g
    return linked and not any(c.dep_ in ("nsubj", "nsubjpass") for c in later.children)


#: Sectors whose travel is a visit (troops, rebels, refugees or pop stars arriving are not).
_VISITORS = frozenset({"GOV", "IGO", "LEG", "JUD", "SPY", "COP"})

#: Verbal roots whose target may sit deeper in the complement ("warned of consequences for
#: relations with Ankara", "urged restraint on Moscow").
_DEEP_TARGET_ROOTS = frozenset({"02", "03", "10", "11", "12", "13"})


def _deep_target(v: Token, sources: list[Participant], ctx: DocContext) -> list[Participant]:
    """The first actor inside the verb's object or prepositional complements."""
    src = {p.actor.principal for p in sources if p.actor}
    for c in v.children:
        if c.dep_ not in ("dobj", "prep", "dative"):
            continue
        for t in c.subtree:
            sp = ctx.actor_at.get(t.i)
            if sp is not None and sp._.actor is not None and sp._.actor.principal not in src:
                return [_participant(sp, "nominal")]
    return []


def _mass_victims(v: Token) -> bool:
    """"killed hundreds of civilians", "executed about 300 men": killing on the scale of
    mass violence (CAMEO 20) when the victims are civilians."""
    for c in v.children:
        if c.dep_ != "dobj":
            continue
        for t in c.subtree:
            low = t.lower_
            if low in ("hundreds", "thousands"):
                return True
            if t.like_num:
                try:
                    if float(low.replace(",", "")) >= 100:
                        return True
                except ValueError:
                    continue
    return False


def _last_other_mention(v: Token, sources: list[Participant], ctx: DocContext) -> Participant | None:
    src = {p.actor.principal for p in sources if p.actor}
    para = ctx.paragraph(v.idx)
    for m in reversed(ctx.mentions):
        if m.end > v.i or m._.actor is None or ctx.paragraph(m.start_char) != para:
            continue
        if m._.actor.principal not in src and m._.actor.principal not in _GENERIC:
            return _participant(m, "coref")
    return None


def _nearest_other_actor(v: Token, sources: list[Participant], sent: Span, ctx: DocContext) -> list[Participant]:
    """A vow or threat with no stated target: the nearest other named actor in the sentence
    ("said the Indian strikes had killed civilians, and vowed to respond")."""
    src = {p.actor.principal for p in sources if p.actor}
    best: tuple[int, Span] | None = None
    for sp in ctx.mentions:
        if sp.start < sent.start or sp.end > sent.end or sp._.actor is None:
            continue
        if sp._.actor.principal in src or sp._.actor.principal in _GENERIC:
            continue
        d = abs(sp.root.i - v.i)
        if best is None or d < best[0]:
            best = (d, sp)
    return [_participant(best[1], "nominal")] if best else []


def _light_verb(n: Token, light: frozenset[str]) -> Token | None:
    """The light verb governing an event noun: "held *talks*", "engaged in *talks*"."""
    head = n.head
    if n.dep_ in ("dobj", "nsubjpass", "attr") and head.lemma_.lower() in light:
        return head
    if n.dep_ == "pobj" and head.dep_ == "prep" and head.head.lemma_.lower() in light:
        return head.head
    if n.dep_ == "conj":
        return _light_verb(head, light)
    if n.dep_ == "pobj" and head.dep_ == "prep" and head.lower_ == "of" and head.head.pos_ == "NOUN":
        # "a campaign of bombardment", "waves of airstrikes": the governing noun's verb.
        return _light_verb(head.head, light)
    if n.dep_ == "pobj" and head.dep_ == "prep" and head.lower_ == "for" and head.head.lemma_.lower() == "responsibility":
        # "claimed responsibility for the attack": the claimer carried it out.
        return _light_verb(head.head, light)
    return None
