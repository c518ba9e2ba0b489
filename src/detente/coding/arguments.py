"""Arguments of events, read from the dependency parse: who is the source, who the target.

Split from the coder so that finding participants (noun-phrase actors and their
modifiers, subjects through coordination, control and relative clauses, passive agents,
prepositional targets, frontiers) and resolving pronouns or "the two sides" within a
paragraph live in one place; :mod:`detente.coding.sentence` decides *which* event a
trigger is and asks this module *between whom*. Coreference stays here because noun-phrase
resolution and pronoun resolution call each other.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass, field

from spacy.tokens import Doc, Span, Token

from detente.coding.verbs import VerbPatterns
from detente.records import Actor

#: A newline followed by another (lookahead, so runs of blank lines count each break as the
#: character loop it replaced did).
_PARAGRAPH_BREAK = re.compile(r"\n(?=\n)")

#: Confidence by how the triple was found.
CONF_DIRECT = 0.85
CONF_NOMINAL = 0.7
CONF_INHERITED = 0.65
CONF_COREF = 0.5

_MOD_DEPS = ("amod", "compound", "nmod", "poss", "flat", "appos")
_REL_PRON = {"which", "who", "that", "whom"}
_SINGULAR_PRON = {"it", "its", "itself"}
_PERSON_PRON = {"he", "him", "his", "she", "her", "himself", "herself"}
_PLURAL_PRON = {"they", "them", "their", "themselves"}
_FIRST_PLURAL = {"we", "us", "our"}
_RECIPROCAL = {"other", "another"}
_PAIR_NOUNS = {"side", "country", "leader", "party", "power", "nation", "government", "president", "head",
               "minister", "state", "capital", "neighbour", "neighbor", "rival", "foe", "army", "force", "ally"}
_GENERIC = {"CIVILIANS", "REBELS"}
_OBLIGATION = {"must", "should"}
_SPEECH_LEMMAS = {"say", "tell", "note", "add", "state", "declare", "write", "stress", "insist"}
#: Acts of a speaker (vowing, warning, demanding) that a parse may coordinate with the
#: reported clause instead of the reporting verb.
_SPEAKER_ACTS = {"vow", "pledge", "threaten", "warn", "promise", "urge", "demand", "accuse", "deny", "call",
                 "add", "insist", "say"}
_ANNOUNCE = {"announce", "say", "tell", "declare", "state", "pledge", "promise", "vow", "confirm", "insist"}
#: Intent codes (03x) by the root of the intended act.
_INTENT_BY_ROOT = {"04": "036", "05": "032", "06": "031", "07": "033", "08": "035", "16": "030", "02": "030"}
_MEDIATE = {"broker", "mediate", "facilitate", "sponsor", "lead", "host", "negotiate"}


@dataclass(frozen=True)
class Participant:
    """A resolved argument of an event."""

    actor: Actor | None
    place: bool = False
    kind: str = ""
    via: str = "dep"


def _is_state(p: Participant) -> bool:
    """A state actor: its principal is its own country code (not a group, IO or generic)."""
    a = p.actor
    return a is not None and not p.place and a.principal == a.country and a.principal not in _GENERIC


@dataclass
class DocContext:
    """Per-doc lookups: token -> actor span, token -> place span, and the coreference memory."""

    doc: Doc
    actor_at: dict[int, Span] = field(default_factory=dict)
    place_at: dict[int, Span] = field(default_factory=dict)
    para_of_char: list[int] = field(default_factory=list)
    #: Events already coded in this doc, in order: (sentence start, trigger lemma, source, root),
    #: so a later "condemned the strikes" can find who struck.
    recent: list[tuple[int, str, Participant, str]] = field(default_factory=list)

    def __post_init__(self) -> None:
        for sp in self.doc.spans.get("actors", []):
            for i in range(sp.start, sp.end):
                self.actor_at.setdefault(i, sp)
        for sp in self.doc.spans.get("places", []):
            for i in range(sp.start, sp.end):
                self.place_at.setdefault(i, sp)
        self.mentions = sorted(self.doc.spans.get("actors", []), key=lambda s: s.start)
        text = self.doc.text
        self.breaks = [m.start() for m in _PARAGRAPH_BREAK.finditer(text)]

    def paragraph(self, char: int) -> int:
        """Paragraphs are counted by blank lines before ``char``: pronouns and "the two
        sides" resolve within one."""
        return bisect_left(self.breaks, char)


def _participant(span: Span, via: str = "dep") -> Participant:
    return Participant(span._.actor, bool(span._.is_place), span.label_, via)


def np_participants(tok: Token, ctx: DocContext, *, depth: int = 0) -> list[Participant]:
    """Actors named by the noun phrase headed by ``tok`` (not its conjuncts)."""
    span = ctx.actor_at.get(tok.i)
    if span is not None and span._.actor is not None:
        if span._.actor.principal in _GENERIC and depth == 0:
            # "Kurdish militants from the YPG", "fighters of HTS": the named group wins.
            for c in tok.children:
                if c.dep_ in ("prep", "appos") and c.lower_ in ("from", "of") or c.dep_ == "appos":
                    named = [p for t in ([c] if c.dep_ == "appos" else [o for o in c.children if o.dep_ == "pobj"])
                             for p in np_participants(t, ctx, depth=1) if p.actor and p.actor.principal not in _GENERIC]
                    if named:
                        return named
        out = [_participant(span)]
        for c in tok.children:
            # "Putin, Erdogan discuss Syria": two people side by side are a coordination.
            if c.dep_ == "appos" and span.label_ == "person" and c.i in ctx.actor_at and ctx.actor_at[c.i].label_ == "person":
                out.append(_participant(ctx.actor_at[c.i]))
            # "Russian and Syrian regime forces": a coordinated name outside the head's span.
            if c.dep_ in ("amod", "compound") and not (span.start <= c.i < span.end):
                out.extend(_modifier_actors(c, ctx))
        return _unique(out)
    lemma = tok.lemma_.lower()
    pats = VerbPatterns.load()
    if depth == 0 and tok.pos_ == "NOUN" and (lemma in pats.civil_places or lemma in pats.military_sites):
        return _site_participants(tok, ctx, civil=lemma in pats.civil_places)
    found: list[Participant] = []
    for c in tok.children:
        if c.dep_ == "appos":
            found.extend(p for p in np_participants(c, ctx, depth=1) if not p.place)
    if found:
        return _unique(found)
    for c in tok.children:
        if c.dep_ in _MOD_DEPS:
            found.extend(_modifier_actors(c, ctx))
    if found:
        return _unique(found)
    place = ctx.place_at.get(tok.i)
    if place is not None:
        return [_participant(place)]

    if tok.lower_ in _REL_PRON and tok.tag_ in ("WDT", "WP", "WP$"):
        anc = tok.head
        for _ in range(4):  # "Israel, with which it signed a deal": which -> Israel
            if anc.dep_ == "relcl":
                return args(anc.head, ctx)
            if anc.head.i == anc.i:
                break
            anc = anc.head
        return []
    if tok.pos_ == "PRON" or _is_pair_np(tok):
        return coref(tok, ctx)
    if depth == 0 and tok.pos_ == "NOUN" and not pats.candidates(tok):
        # "drones launched by Russia": a thing is its agent's (an event noun, "talks mediated
        # by Lavrov", is not the mediator's).
        for c in tok.children:
            if c.dep_ == "acl" and c.tag_ == "VBN" and c.lemma_.lower() not in _MEDIATE:
                got = [p for p in agents(c, ctx) if not p.place]
                if got:
                    return got
    if depth == 0 and tok.pos_ in ("NOUN", "PROPN") and _is_group_noun(tok):
        for c in tok.children:
            if c.dep_ == "prep" and c.lower_ in ("of", "from"):
                for p in c.children:
                    if p.dep_ == "pobj":
                        got = [q for t in [p, *p.conjuncts] for q in np_participants(t, ctx, depth=1)]
                        if got:
                            return got
    return []


def _site_participants(tok: Token, ctx: DocContext, *, civil: bool) -> list[Participant]:
    """A city or a military site: whose it is, from its modifiers or "of/in/near X".

    "the Ukrainian city of Dnipro" is a populated place (attacks on it hit CIVILIANS);
    "camps in Pakistan", "Turkish positions" belong to the state (attacks are fights).
    """
    for c in tok.children:
        # "Houthi-held areas", "rebel-controlled towns": attacks on them are on the holder.
        if c.dep_ == "amod" and c.lemma_.lower() in ("hold", "control", "occupy", "held", "controlled", "occupied"):
            holders = [p for h in c.children if h.dep_ in ("npadvmod", "compound", "nmod", "amod", "advmod")
                       for p in np_participants(h, ctx, depth=1)
                       if p.actor and not p.place and p.actor.principal not in _GENERIC]
            if holders:
                return _unique(holders)
    found: list[Participant] = []
    generic: list[Participant] = []
    for c in tok.children:
        if c.dep_ in _MOD_DEPS:
            for p in _modifier_actors(c, ctx):
                if p.actor and p.actor.principal not in _GENERIC:
                    found.append(p)
                elif p.actor and not civil:
                    generic.append(p)
    if not found and generic:
        # "rebel positions in Idlib": the holder the modifier names, not the country around them.
        return _unique(generic)
    if not found:
        # "a camp in Pakistan"; the parser often hangs "in Pakistan" on the verb instead.
        owners = [tok, tok.head] if tok.dep_ == "dobj" else [tok]
        for h in owners:
            for c in h.children:
                if c.dep_ == "prep" and c.lower_ in ("of", "in", "near", "inside", "across"):
                    for o in c.children:
                        if o.dep_ == "pobj":
                            found.extend(np_participants(o, ctx, depth=1))
            if found:
                break
    out: list[Participant] = []
    for p in found:
        if p.actor is None:
            continue
        country = p.actor.country or (p.actor.principal if len(p.actor.principal) == 3 else None)
        if civil:
            if country:
                out.append(Participant(Actor(p.actor.name, country, country, country, None, None), True, "place", p.via))
        elif p.place:
            if country:  # a base in Homs province belongs to Syria
                out.append(Participant(Actor(p.actor.name, country, country, country, None, None), False, "state", p.via))
        else:
            out.append(p)
    return _unique(out)


#: Heads whose "of"/"from" phrase names who they are: "the government of Turkey", "members of HTS".
_OF_HEADS = frozenset({"one", "some", "many", "member", "part", "unit", "leader", "head", "remnant", "wing",
                       "delegation", "representative", "army", "armies", "government", "force", "troop",
                       "dozen", "dozens", "hundred", "hundreds", "thousand", "thousands", "score", "scores",
                       "several", "all", "most", "few", "number", "group", "body", "bodies", "remains",
                       "minister", "chief", "envoy", "official", "negotiator", "delegate", "commander", "president"})


def _is_group_noun(tok: Token) -> bool:
    from detente.actors.dictionary import ActorDictionary

    low = tok.lower_
    return low in _OF_HEADS or tok.lemma_.lower() in _OF_HEADS or ActorDictionary.load().sector_word(low) is not None


def _modifier_actors(tok: Token, ctx: DocContext, depth: int = 0) -> list[Participant]:
    out: list[Participant] = []
    span = ctx.actor_at.get(tok.i)
    if span is not None and span._.actor is not None:
        out.append(_participant(span, "nominal"))
    elif tok.dep_ == "poss" and tok.pos_ == "PRON":
        out.extend(coref(tok, ctx))
    if depth < 3:
        for c in tok.children:
            if c.dep_ in ("conj", "compound", "amod", "poss") or (c.dep_ == "appos" and not out):
                out.extend(_modifier_actors(c, ctx, depth + 1))
    return out


def _unique(ps: list[Participant]) -> list[Participant]:
    seen: set[str] = set()
    out = []
    for p in ps:
        key = (f"place:{p.actor.name if p.actor else id(p)}" if p.place else p.actor.principal if p.actor else str(id(p)))
        if key not in seen:
            seen.add(key)
            out.append(p)
    return out


def args(tok: Token, ctx: DocContext) -> list[Participant]:
    """Participants of ``tok`` and its coordinated noun phrases ("Russia and Iran")."""
    out: list[Participant] = []
    for t in [tok, *tok.conjuncts]:
        if t.i < tok.i and t is not tok:
            continue
        out.extend(np_participants(t, ctx))
    return _unique(out)


def _is_pair_np(tok: Token) -> bool:
    """"the two sides", "both countries", "the two leaders", "both"."""
    if tok.lemma_.lower() == "both" and tok.pos_ in ("PRON", "DET", "NOUN"):
        return True
    if tok.lemma_.lower() in _PAIR_NOUNS:
        return any(c.lower_ in ("two", "both") for c in tok.children if c.dep_ in ("nummod", "det", "predet", "amod", "preconj"))
    return False


def coref(tok: Token, ctx: DocContext) -> list[Participant]:
    """Resolve a pronoun or "the two sides" to the last compatible actors in the paragraph."""
    low = tok.lower_
    para = ctx.paragraph(tok.idx)
    before = [m for m in ctx.mentions if m.end <= tok.i and m._.actor is not None and ctx.paragraph(m.start_char) == para]
    if not before:
        return []
    pair = _is_pair_np(tok) or low == "both"
    if pair:
        out: list[Participant] = []
        # A place of meeting ("talks in Cairo") is never one of "the two sides".
        before = [m for m in before if not (m.label_ in ("capital", "place") and m.root.dep_ == "pobj"
                                            and m.root.head.lower_ in ("in", "at"))]
        people = tok.lemma_.lower() in ("leader", "president", "head", "minister")
        pool = [m for m in before if m.label_ == "person"] if people else before
        if people and len({m._.actor.principal for m in pool}) < 2:
            pool = before
        for m in reversed(pool):
            if m._.actor.principal in _GENERIC:
                continue
            if all(p.actor and p.actor.principal != m._.actor.principal for p in out):
                out.append(_participant(m, "coref"))
            if len(out) == 2:
                return list(reversed(out))
        return []
    if low in _SINGULAR_PRON:
        # Prefer a recent clause subject ("Turkey ... its operations"), then any mention.
        sent_start = tok.sent.start
        prev_start = ctx.doc[sent_start - 1].sent.start if sent_start > 0 else sent_start
        for m in reversed(before):
            if m.start < prev_start:
                break
            # Number agreement: "its" never points back to "Syrian forces".
            if m.root.dep_ in ("nsubj", "nsubjpass") and m.label_ != "person" and m._.actor.principal not in _GENERIC \
                    and m.root.tag_ != "NNS":
                return [_participant(m, "coref")]
        for m in reversed(before):
            if m.label_ != "person" and m._.actor.principal not in _GENERIC and m.root.tag_ != "NNS":
                return [_participant(m, "coref")]
        return []
    if low in _PERSON_PRON:
        for m in reversed(before):
            if m.label_ == "person" or m.root.lemma_.lower() in ("president", "minister", "leader", "king", "chancellor"):
                return [_participant(m, "coref")]
        return []
    if low in _FIRST_PLURAL:
        # "Erdogan said: 'We discussed ...'": we is the speaker's side.
        speaker = _speaker(tok, ctx)
        if speaker is not None:
            return [Participant(speaker.actor, False, speaker.kind, "coref-we")]
        return []
    if low in _PLURAL_PRON:
        last = before[-1]
        group = [last]
        for m in reversed(before[:-1]):
            between = ctx.doc[m.end : group[0].start]
            if len(between) <= 3 and any(t.lower_ in ("and", ",", "&") for t in between):
                group.insert(0, m)
            else:
                break
        if len(group) >= 2:
            return _unique([_participant(m, "coref") for m in group])
        if last.root.tag_ in ("NNS", "NNPS") or last._.actor.principal in _GENERIC or last.label_ in ("org", "group", "state"):
            return [_participant(last, "coref")]
    return []


def _speaker(tok: Token, ctx: DocContext) -> Participant | None:
    """Whoever is quoted around ``tok``: the subject of a reporting verb in this sentence, or
    else in the one before (quotes often run over several sentences)."""
    sent = tok.sent
    prev = ctx.doc[sent.start - 1].sent if sent.start > 0 else None
    for s in (sent, prev):
        if s is None:
            continue
        for t in s:
            if t.lemma_.lower() in _SPEECH_LEMMAS and t.pos_ == "VERB":
                for c in t.children:
                    if c.dep_ == "nsubj" and c.pos_ != "PRON":
                        got = np_participants(c, ctx)
                        if got and got[0].actor is not None:
                            return got[0]
    return None


def subjects(v: Token, ctx: DocContext, depth: int = 0) -> tuple[list[Participant], bool]:
    """The source actors of verb ``v`` and whether they were inherited from another clause."""
    had_subject = False
    for c in v.children:
        if c.dep_ in ("nsubj", "csubj", "expl") or (depth > 0 and c.dep_ == "nsubjpass"):
            if c.lower_ in _REL_PRON and v.dep_ == "relcl":
                return args(v.head, ctx), False
            got = args(c, ctx)
            if got:
                return got, False
            # "After talks in Moscow, the ministers of Armenia and Azerbaijan agreed": the parser
            # may give the verb two subjects; an actor-less one does not hide the other.
            had_subject = True
    if had_subject:
        return [], False
    if v.dep_ == "relcl":
        return args(v.head, ctx), False
    if v.dep_ == "acl" and v.tag_ in ("VBG", "VBD", "VBZ", "VBP"):
        # "Russian jets bombing Idlib"; also "X, which ..., called on Y" parsed as a clause on X.
        return args(v.head, ctx), False
    if v.dep_ == "pcomp" and v.head.lower_ in ("of", "for") and v.head.dep_ == "prep":
        # "accused Russian troops of killing civilians": the accused did it.
        obj = next((c for c in v.head.head.children if c.dep_ == "dobj"), None)
        if obj is not None:
            got = args(obj, ctx)
            if got:
                return got, False
    if v.dep_ == "xcomp" and v.head.pos_ == "VERB":
        obj = next((c for c in v.head.children if c.dep_ == "dobj"), None)
        if obj is not None:
            got = args(obj, ctx)  # "ordered his army to advance": the army advances
            if got:
                return got, True
    if v.dep_ == "conj" and v.lemma_.lower() in _SPEAKER_ACTS and v.head.dep_ == "ccomp" and \
            v.head.head.lemma_.lower() in _SPEECH_LEMMAS:
        # "Pakistan said the Indian strikes had killed civilians, and vowed to respond": the
        # parser hangs "vowed" on the reported clause, but it is the speaker who vows.
        got, _ = subjects(v.head.head, ctx, depth + 1)
        if got:
            return got, True
    if depth < 3 and v.dep_ in ("xcomp", "conj", "advcl", "pcomp") and v.head.i != v.i:
        head = v.head
        if v.dep_ == "pcomp" and head.dep_ == "prep":
            head = head.head
        got, _ = subjects(head, ctx, depth + 1)
        if got or v.dep_ != "conj":
            return got, True
    if depth == 0:
        return _left_neighbour(v, ctx), True
    return [], False


def _left_neighbour(v: Token, ctx: DocContext) -> list[Participant]:
    """Last resort when the parse gives a verb no subject ("since Moscow and Ankara reached a
    deal" parsed with the names under "since"): the actors right before the verb."""
    i = v.i - 1
    while i >= v.sent.start and (ctx.doc[i].pos_ in ("ADV", "AUX", "PART") or ctx.doc[i].dep_ in ("aux", "neg", "advmod")):
        i -= 1
    if i < v.sent.start or i not in ctx.actor_at:
        return []
    tok = ctx.actor_at[i].root
    group = [tok, *tok.conjuncts] if tok.dep_ != "conj" else [tok.head, *tok.head.conjuncts]
    return _unique([p for t in group for p in np_participants(t, ctx)])


def agents(v: Token, ctx: DocContext) -> list[Participant]:
    for c in v.children:
        if c.dep_ == "agent":
            return [p for o in c.children if o.dep_ == "pobj" for p in args(o, ctx)]
    return []


def prep_targets(tok: Token, tprep: tuple[str, ...], ctx: DocContext) -> list[Participant]:
    """Targets from the trigger's object and prepositions; "in X" only when nothing else is."""
    out = _prep_targets(tok, tuple(t for t in tprep if t != "in"), ctx)
    if not out and "in" in tprep:
        out = _prep_targets(tok, ("in",), ctx)
    return out


def _prep_targets(tok: Token, tprep: tuple[str, ...], ctx: DocContext) -> list[Participant]:
    out: list[Participant] = []
    for c in tok.children:
        dep = c.dep_
        if dep == "dobj" and "dobj" in tprep:
            got = args(c, ctx)
            if not got and c.lower_ in _RECIPROCAL:
                continue
            out.extend(got)
        elif dep in ("ccomp", "xcomp", "oprd", "attr", "npadvmod") and "dobj" in tprep and c.i in ctx.actor_at \
                and not any(k.dep_ in ("nsubj", "nsubjpass") for k in c.children):
            out.extend(args(c, ctx))  # a name the parser took for a verb ("fighting IS in ...")
        elif dep == "dative" and ("dative" in tprep or ("to" in tprep and c.lower_ == "to")):
            if c.pos_ == "ADP":
                out.extend(p for o in c.children if o.dep_ == "pobj" for p in args(o, ctx))
            else:
                out.extend(args(c, ctx))
        elif dep == "prep" and c.lower_ in tprep:
            for o in c.children:
                if o.dep_ == "pobj":
                    out.extend(_frontier_of(o, ctx) or args(o, ctx))
                elif o.dep_ == "pcomp" and o.pos_ in ("NOUN", "PROPN"):
                    out.extend(args(o, ctx))
        elif dep == "prep" and c.lower_ in ("out", "off"):
            # "pulled out of Kherson" parsed with "out" as a preposition heading "of"
            out.extend(_prep_targets(c, tprep, ctx))
        elif dep == "prt" and c.lower_ in tprep:
            out.extend(p for o in c.children if o.dep_ == "pobj" for p in args(o, ctx))
    return _unique(out)


def _frontier_of(noun: Token, ctx: DocContext) -> list[Participant]:
    """The other side of a frontier noun: "to the border with Ukraine", "along the frontier
    of Poland". Forces sent to a border face the country across it, not the border itself."""
    if noun.lemma_.lower() not in VerbPatterns.load().frontiers:
        return []
    out: list[Participant] = []
    for p in noun.children:
        if p.dep_ == "prep" and p.lower_ in ("with", "of"):
            out.extend(q for o in p.children if o.dep_ == "pobj" for q in args(o, ctx))
    return out


__all__ = ["CONF_COREF", "CONF_DIRECT", "CONF_INHERITED", "CONF_NOMINAL", "_ANNOUNCE", "_FIRST_PLURAL", "_GENERIC", "_INTENT_BY_ROOT", "_MEDIATE", "_MOD_DEPS", "_OBLIGATION", "_OF_HEADS", "_PAIR_NOUNS", "_PERSON_PRON", "_PLURAL_PRON", "_RECIPROCAL", "_REL_PRON", "_SINGULAR_PRON", "_SPEECH_LEMMAS", "DocContext", "Participant", "_frontier_of", "_is_group_noun", "_is_pair_np", "_is_state", "_left_neighbour", "_modifier_actors", "_participant", "_prep_targets", "_site_participants", "_speaker", "_unique", "agents", "args", "coref", "np_participants", "prep_targets", "subjects"]
