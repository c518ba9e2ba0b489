"""The event coder: a parsed article -> every event it reports, as contract records.

For each sentence, triggers (verbs and event nouns of ``data/verbs.jsonl``) are found by
lemma; their source and target come from the dependency parse: subjects (with
coordination, relative clauses, control and passive agents), objects and prepositional
objects, noun-phrase modifiers of event nouns ("Russian air strikes on Idlib"), light verbs
("held talks with"), "between X and Y", and pronouns or "the two sides" resolved within the
paragraph. Places attacked become CIVILIANS (GUIDELINES), deployments into a place target
its country. Flags come from :mod:`detente.coding.modality`, dates from
:mod:`detente.dates`, places from :mod:`detente.geo`.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field, replace
from itertools import permutations

from spacy.tokens import Doc, Span, Token

from detente.coding.cameo import CameoTable
from detente.coding.modality import ModalityWords, analyse, is_content_of
from detente.coding.verbs import Pattern, VerbPatterns
from detente.records import Actor, Article, Event, Evidence, event_id

logger = logging.getLogger(__name__)

try:
    from detente import dates as _dates
except ImportError:  # pragma: no cover
    _dates = None  # type: ignore[assignment]
try:
    from detente import geo as _geo
except ImportError:  # pragma: no cover
    _geo = None  # type: ignore[assignment]

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
class _Raw:
    trigger: Token
    source: Participant
    target: Participant
    cameo: str
    negated: bool
    hypothetical: bool
    confidence: float
    future: bool = False


@dataclass
class DocContext:
    """Per-doc lookups: token -> actor span, token -> place span, and the coreference memory."""

    doc: Doc
    actor_at: dict[int, Span] = field(default_factory=dict)
    place_at: dict[int, Span] = field(default_factory=dict)
    para_of_char: list[int] = field(default_factory=list)

    def __post_init__(self) -> None:
        for sp in self.doc.spans.get("actors", []):
            for i in range(sp.start, sp.end):
                self.actor_at.setdefault(i, sp)
        for sp in self.doc.spans.get("places", []):
            for i in range(sp.start, sp.end):
                self.place_at.setdefault(i, sp)
        self.mentions = sorted(self.doc.spans.get("actors", []), key=lambda s: s.start)
        text = self.doc.text
        self.breaks = [i for i in range(len(text) - 1) if text[i] == "\n" and text[i + 1] == "\n"]

    def paragraph(self, char: int) -> int:
        n = 0
        for b in self.breaks:
            if b < char:
                n += 1
            else:
                break
        return n


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
    for c in tok.children:
        if c.dep_ in _MOD_DEPS:
            found.extend(p for p in _modifier_actors(c, ctx) if p.actor and p.actor.principal not in _GENERIC)
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
                       "several", "all", "most", "few", "number", "group"})


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
            if m.root.dep_ in ("nsubj", "nsubjpass") and m.label_ != "person" and m._.actor.principal not in _GENERIC:
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
    for c in v.children:
        if c.dep_ in ("nsubj", "csubj", "expl") or (depth > 0 and c.dep_ == "nsubjpass"):
            if c.lower_ in _REL_PRON and v.dep_ == "relcl":
                return args(v.head, ctx), False
            got = args(c, ctx)
            if got or c.pos_ != "NOUN":
                return got, False
            return got, False
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


class SentenceCoder:
    """Codes one sentence; holds the pattern and modality tables."""

    def __init__(self) -> None:
        self.patterns = VerbPatterns.load()
        self.words = ModalityWords.load()
        self.cameo = CameoTable.load()

    def code(self, sent: Span, ctx: DocContext) -> list[_Raw]:
        out: list[_Raw] = []
        consumed: set[int] = set()
        matches: list[tuple[Token, Pattern, list[Token]]] = []
        for tok in sent:
            # ADJ: readiness predicates ("was ready to attack Syria") are threats when data says so.
            if tok.pos_ not in ("VERB", "NOUN", "AUX", "PROPN", "ADJ") or tok.dep_ in ("amod", "compound"):
                continue
            pat, used = self.patterns.match(tok)
            if pat is None:
                continue
            consumed.update(t.i for t in used)
            matches.append((tok, pat, used))
        demands: dict[int, Token] = {}
        for tok, pat, _ in matches:
            if pat.frame == "speech":
                for c in tok.children:
                    if c.dep_ == "ccomp" and any(a.dep_ == "aux" and a.lower_ in _OBLIGATION for a in c.children) \
                            and not any(a.dep_ in ("auxpass", "nsubjpass") for a in c.children):
                        demands[c.i] = tok  # "told the G20 that Russia must withdraw" is a demand
        for tok, pat, used in matches:
            if tok.i in demands:
                continue
            if tok.i in consumed and tok.pos_ == "NOUN":
                continue
            if is_content_of(tok, self.words.content_heads) is not None and pat.frame not in ("threat",):
                continue
            if tok.pos_ == "NOUN" and tok.dep_ in ("dobj", "pobj") and tok.head.pos_ == "VERB" and \
                    is_content_of(tok.head, self.words.content_heads) is not None:
                continue  # "refused to extend the grain deal": the deal is content too
            if tok.pos_ == "NOUN":
                out.extend(self._noun(sent, tok, pat, ctx, used))
            else:
                out.extend(self._verb(sent, tok, pat, ctx, used))
        for clause, speech in demands.items():
            sources, _ = subjects(speech, ctx)
            targets, _ = subjects(sent.doc[clause], ctx)
            demand = Pattern(lemma=speech.lemma_.lower(), pos="VERB", cameo="100")
            out.extend(self._emit(sent, speech, demand, "100", sources, targets, CONF_DIRECT, speech))
        out = [self._announced(r) for r in out]
        non_speech = [r for r in out if not self._is_speech(r)]
        if non_speech:
            out = non_speech
        else:
            out = [r for r in out if r.target.kind in ("person", "state", "capital", "metonym", "adjective", "demonym")]
        return out

    def _announced(self, r: _Raw) -> _Raw:
        """"France announced that it would withdraw its troops": an announced future act is a
        factual expression of intent (03x), not a hypothetical act; threats of force are 138."""
        if not (r.hypothetical or r.future) or r.negated or r.cameo[:2] in ("01", "03", "13"):
            return r
        clause = r.trigger
        for _ in range(3):
            if clause.dep_ == "conj":
                clause = clause.head
            else:
                break
        if clause.dep_ != "ccomp" or clause.head.lemma_.lower() not in _ANNOUNCE:
            return r
        modal = [a for a in clause.children if a.dep_ == "aux" and a.lower_ in ("will", "would", "'ll")]
        if not modal or any(c.dep_ == "mark" and c.lower_ in self.words.conditionals for c in clause.subtree):
            return r
        root = r.cameo[:2]
        code = "138" if root >= "17" or root == "15" else _INTENT_BY_ROOT.get(root, "030")
        return _Raw(r.trigger, r.source, r.target, code, False, False, r.confidence, True)

    def _is_speech(self, r: _Raw) -> bool:
        return r.cameo.startswith("01")

    # -- verbs --------------------------------------------------------------------------
    def _verb(self, sent: Span, v: Token, pat: Pattern, ctx: DocContext, used: list[Token] | None = None) -> list[_Raw]:
        used = used or []
        conf = CONF_DIRECT
        passive = any(c.dep_ in ("nsubjpass", "auxpass") for c in v.children) or (v.dep_ == "acl" and v.tag_ == "VBN")
        if passive and v.dep_ == "acl" and v.lemma_.lower() in _MEDIATE and v.head.pos_ == "NOUN" and \
                self.patterns.match(v.head)[0] is not None:
            return []  # "a ceasefire ... negotiated by the US and France": coded on the noun
        if passive:
            sources = agents(v, ctx)
            targets: list[Participant] = []
            if "dobj" in pat.tprep:
                for c in v.children:
                    if c.dep_ == "nsubjpass":
                        targets = args(c, ctx)
                if v.dep_ == "acl" and not targets:
                    targets = args(v.head, ctx)
            targets += prep_targets(v, tuple(t for t in pat.tprep if t != "dobj"), ctx)
            if not sources:
                return []
        else:
            sources, inherited = subjects(v, ctx)
            if inherited:
                conf = CONF_INHERITED
            targets = prep_targets(v, pat.tprep, ctx)
        if not targets:
            # "signed an agreement with Turkey", "negotiated a deal with Russia": the
            # preposition hangs on the object noun.
            objs = list(used) + [c for c in v.children if c.dep_ == "dobj" and c not in used]
            for u in objs:
                targets += prep_targets(u, tuple(t for t in pat.tprep if t != "dobj"), ctx)
        cameo = pat.cameo or "010"
        if pat.frame in ("intent", "threat", "refuse", "ccomp_target"):
            content = next((c for c in v.children if c.dep_ in ("xcomp", "ccomp")), None)
            cpat = None
            if content is not None:
                cpat, _ = self.patterns.match(content)
                inner = content
                if cpat is None and content.lemma_.lower() in self.patterns.light:
                    # "intend to proceed with military action against Russia", "agreed to hold
                    # talks": the trigger under a light verb says what is intended.
                    for t in content.subtree:
                        if t is not content and t.pos_ in ("NOUN", "VERB"):
                            p2, _ = self.patterns.match(t)
                            if p2 is not None and p2.frame is None:
                                cpat, inner = p2, t
                                break
                if not targets and pat.frame == "ccomp_target" and content.dep_ == "ccomp":
                    targets, _ = subjects(content, ctx)  # "demanded that Cuba hand over ..."
                if not targets:
                    ctp = cpat.tprep if cpat else ("dobj", "against", "on", "with", "to")
                    targets = prep_targets(inner, tuple(ctp) + ("dobj", "against"), ctx)
                    if not targets and inner is not content:
                        targets = prep_targets(content, ("dobj", "against", "on", "with", "to"), ctx)
                if not targets and pat.frame in ("ccomp_target", "threat"):
                    targets, _ = subjects(content, ctx)
                    targets = [t for t in targets if not any(s.actor and t.actor and s.actor.principal == t.actor.principal for s in sources)]
            cameo = self._frame_code(pat, cpat, content)
            if pat.accuse and content is not None and content.dep_ == "ccomp":
                reported = self._reported_other(content, sources, ctx)
                if reported:
                    targets, cameo = reported, pat.accuse
            if cpat is not None and cpat.civ:
                # "threatened to shell Iraqi towns": a threat against the places' people.
                pat = replace(pat, civ=cameo)
        if not targets and not passive:
            for c in v.children:  # "bombed and shelled Aleppo": the object is shared
                if c.dep_ == "conj" and c.pos_ == "VERB" and not any(k.dep_ in ("nsubj", "nsubjpass") for k in c.children):
                    targets = prep_targets(c, ("dobj",), ctx)
                    if targets:
                        break
        if not targets and pat.sym and len(sources) == 1 and sources[0].via == "coref-we":
            # "We discussed the Syrian issue": the speaker and the last other party talked.
            other = _last_other_mention(v, sources, ctx)
            targets = [other] if other is not None else []
        if not targets and len(sources) >= 2 and any(
                c.dep_ in ("dobj", "pobj") and c.lemma_.lower() in _RECIPROCAL for c in v.subtree):
            # "both sides blamed the other", "accused each other": every party to every other.
            return self._emit(sent, v, pat, cameo, sources, [], conf, v, reciprocal=True)
        if not targets and cameo[:2] in _DEEP_TARGET_ROOTS:
            targets = _deep_target(v, sources, ctx)
        if pat.civ and (pat.cameo or "")[:2] in ("18", "19") and _mass_victims(v):
            pat = Pattern(lemma=pat.lemma, pos=pat.pos, cameo=pat.cameo, tprep=pat.tprep, civ="202", sym=pat.sym)
        if pat.frame == "intent" and not targets and len(sources) >= 2:
            # "Putin and Erdogan pledged to rebuild ties": each pledges to the other.
            return self._emit(sent, v, pat, cameo, sources, [], conf, v, reciprocal=True)
        if pat.obj_actor_only:
            targets = [t for t in targets if not t.place]
        if pat.place_only:
            # "entered Kabul", "captured El Fasher": taking a place is fighting its state.
            targets = [t for t in targets if t.place or t.kind == "capital"]
        if not targets and cameo == "138" and sources:
            targets = _nearest_other_actor(v, sources, sent, ctx)
        return self._emit(sent, v, pat, cameo, sources, targets, conf, v)

    def _frame_code(self, pat: Pattern, cpat: Pattern | None, content: Token | None) -> str:
        croot = (cpat.cameo or "")[:2] if cpat and cpat.cameo else ""
        if pat.frame == "threat":
            violent = croot >= "14" or (content is not None and any(t.lemma_.lower() in self.words.violent for t in content.subtree))
            return "138" if violent else (pat.cameo or "130")
        if pat.frame == "intent" and croot:
            if pat.lemma == "agree" and croot == "08" and cpat is not None and cpat.cameo:
                return cpat.cameo  # "agreed to stop firing" is the de-escalation itself
            if croot >= "17" or croot in ("13", "15"):
                return "138"
            if croot in ("14", "16"):
                return "130"
            return {"04": "036", "05": "032", "06": "031", "07": "033", "08": "035", "03": "030"}.get(croot, pat.cameo or "030")
        if pat.frame == "intent" and content is not None and any(t.lemma_.lower() in self.words.violent for t in content.subtree):
            return "138"
        if pat.frame == "intent" and content is not None and pat.bare:
            return pat.bare
        if pat.frame == "refuse" and croot == "04":
            return "1246"
        return pat.cameo or "010"

    # -- nouns --------------------------------------------------------------------------
    def _noun(self, sent: Span, n: Token, pat: Pattern, ctx: DocContext, used: list[Token] | None = None) -> list[_Raw]:
        sources: list[Participant] = []
        for c in n.children:
            if c.dep_ == "compound" and c.i in ctx.actor_at and ctx.actor_at[c.i].label_ == "capital":
                continue  # "the Astana talks", "a Sochi summit": a venue, not a party
            if c.dep_ in _MOD_DEPS:
                sources.extend(_modifier_actors(c, ctx))
            elif c.dep_ == "prep" and c.lower_ in ("by", "from") and c.lower_ not in pat.tprep:
                sources.extend(p for o in c.children if o.dep_ == "pobj" for p in args(o, ctx))
        for c in n.children:
            if sources:
                break
            if c.dep_ == "acl" and c.tag_ == "VBN":
                sources.extend(agents(c, ctx))  # "a deal brokered by Russia and Turkey"
            elif c.dep_ == "relcl" and c.lemma_.lower() in self.patterns.light:
                got, _ = subjects(c, ctx)  # "the talks that Moscow and Ankara launched"
                sources.extend(got)
        if not sources and n.dep_ == "pobj" and n.head.lower_ == "of" and n.head.head.pos_ == "NOUN":
            for c in n.head.head.children:
                if c.dep_ in _MOD_DEPS:
                    sources.extend(_modifier_actors(c, ctx))
        sources = _unique(sources)
        targets = prep_targets(n, pat.tprep, ctx)
        for u in used or []:
            if not sources and u is not n:
                sources = _unique([p for c in u.children if c.dep_ in _MOD_DEPS for p in _modifier_actors(c, ctx)])
            if not targets and u is not n:
                targets = prep_targets(u, tuple(t for t in pat.tprep if t != "dobj"), ctx)
        if not targets and n.dep_ == "pobj" and n.head.lower_ == "of" and n.head.head.pos_ == "NOUN":
            targets = prep_targets(n.head.head, pat.tprep, ctx)
        pair: list[Participant] = []
        for c in [*n.children, *(g for a in n.children if a.dep_ == "acl" for g in a.children)]:
            if c.dep_ == "prep" and c.lower_ == "between":  # also "a truce brokered ... between X and Y"
                pair = [p for o in c.children if o.dep_ == "pobj" for p in args(o, ctx)]
        if not pair and n.dep_ in ("nsubj", "dobj", "nsubjpass"):
            for c in n.head.children:  # "fighting broke out ... between X and Y"
                if c.dep_ == "prep" and c.lower_ == "between":
                    pair = [p for o in c.children if o.dep_ == "pobj" for p in args(o, ctx)]
        gov = _light_verb(n, self.patterns.light)
        if pat.light_only and gov is None:
            return []
        conf = CONF_NOMINAL
        anchor = n
        if gov is not None:
            anchor = gov
            if not sources:
                if any(c.dep_ == "nsubjpass" for c in gov.children):
                    sources = agents(gov, ctx)
                else:
                    sources, _ = subjects(gov, ctx)
                conf = CONF_DIRECT
            if not targets:
                more = prep_targets(gov, tuple(t for t in pat.tprep if t != "dobj") + ("with",) if pat.sym else tuple(t for t in pat.tprep if t != "dobj"), ctx)
                targets = _unique([m for m in more if m not in sources])
            for c in gov.children:
                if c.dep_ == "prep" and c.lower_ == "between":
                    pair = [p for o in c.children if o.dep_ in ("pobj",) for p in args(o, ctx)]
        mediators: list[Participant] = []
        if not pair and n.dep_ == "pobj" and n.head.head.pos_ == "VERB":
            verb = n.head.head
            parties, _ = subjects(verb, ctx)
            if not parties and any(c.dep_ == "nsubjpass" for c in verb.children):
                parties = [p for c in verb.children if c.dep_ == "nsubjpass" for p in args(c, ctx)]
            brokers = [p for c in n.children if c.dep_ == "acl" and c.lemma_.lower() in _MEDIATE for p in agents(c, ctx)]
            if brokers and parties:
                # "agreed ... in a deal brokered by China": China mediated between the parties.
                mediation = Pattern(lemma="mediate", pos="NOUN", cameo="045")
                return self._emit(sent, n, mediation, "045", brokers, parties, CONF_NOMINAL, verb)
            if not sources and pat.sym and parties and targets:
                sources = parties  # "soldiers were killed in a clash with Chinese troops"
        if pair and len(pair) >= 2:
            for c in n.children:
                if c.dep_ == "acl" and c.lemma_.lower() in _MEDIATE:
                    mediators = agents(c, ctx)  # "a truce brokered by Egypt between Israel and Hamas"
            if mediators:
                sources = []
        if pair and len(pair) >= 2 and not sources:
            sources, targets = pair, []
        elif pair and not targets:
            targets = pair
        # Sources that are also targets ("Turkey's talks with Turkey") are dropped from targets.
        targets = [t for t in targets if t.place or not any(s.actor and t.actor and s.actor.principal == t.actor.principal for s in sources)]
        out = self._emit(sent, n, pat, pat.cameo or "010", sources, targets, conf, anchor)
        if mediators and out:
            mediation = Pattern(lemma="mediate", pos="NOUN", cameo="045")
            out += self._emit(sent, n, mediation, "045", mediators, pair, conf, anchor)
        return out

    # -- shared -------------------------------------------------------------------------
    def _reported_other(self, clause: Token, sources: list[Participant], ctx: DocContext) -> list[Participant]:
        """Subjects of a factual clause that are actors other than the speaker: "warned that
        Britain is preparing attacks" reports (and blames) Britain's act. A clause with a modal
        ("that Iran would pay a price") stays a threat."""
        if any(c.dep_ in ("aux", "auxpass") and c.lower_ in self.words.modals for c in clause.children):
            return []
        subj, _ = subjects(clause, ctx)
        mine = {s.actor.principal for s in sources if s.actor}
        return [t for t in subj if t.actor and t.actor.principal not in mine and t.via != "coref"
                and t.actor.principal not in _GENERIC]

    def _emit(
        self,
        sent: Span,
        trigger: Token,
        pat: Pattern,
        cameo: str,
        sources: list[Participant],
        targets: list[Participant],
        conf: float,
        modal_anchor: Token,
        *,
        reciprocal: bool = False,
    ) -> list[_Raw]:
        sources = [s for s in sources if s.actor is not None and not s.place]
        named = any(s.actor and s.actor.principal not in _GENERIC and len(s.actor.principal) != 3 for s in sources)
        # Unnamed gunmen of no known country are no actor to aggregate on; next to a named
        # group ("RSF fighters and allied militias") the generic one is that group's ally.
        sources = [s for s in sources if not (s.actor and s.actor.principal == "REBELS" and (named or not s.actor.country))]
        if not sources:
            return []
        negated, hyp, fut = analyse(sent, modal_anchor)
        if sent.text.rstrip().rstrip('"\u201d\u2019\'').endswith("?"):
            hyp = True  # a question asserts nothing
        if fut:
            if pat.future and cameo[:2] == "04":
                cameo = pat.future
            else:
                hyp = True
        pairs: list[tuple[Participant, Participant]] = []
        resolved: list[tuple[Participant, str]] = []
        for t in targets:
            rt, code = self._target_code(t, pat, cameo)
            if rt is not None:
                resolved.append((rt, code))
        if resolved:
            for s in sources:
                for t, code in resolved:
                    pairs.append((s, t))
                    if pat.sym or pat.converse:
                        pairs.append((t, s))
        elif (pat.sym or reciprocal) and len(sources) >= 2:
            pairs = list(permutations(sources, 2))
        codes = {id(t): c for t, c in resolved}
        out = []
        for s, t in pairs:
            if s.actor is None or t.actor is None or s.actor.principal == t.actor.principal:
                continue
            c = codes.get(id(t), cameo)
            if id(t) not in codes and id(s) in codes:
                c = pat.converse or codes[id(s)]  # the reverse direction ("hosted" -> visited)
            if pat.interstate and c == cameo and _is_state(s) and _is_state(t) and \
                    not any(x.dep_ == "xcomp" for x in trigger.children):  # "agreed to observe the truce" yields
                c = pat.interstate
            weight = min(conf, CONF_COREF if "coref" in (s.via, t.via) else conf)
            out.append(_Raw(trigger, s, t, c, negated, hyp, weight, fut))
        return out

    def _target_code(self, t: Participant, pat: Pattern, cameo: str) -> tuple[Participant | None, str]:
        if t.place or (t.kind == "capital" and (pat.civ or pat.place_only)):
            country = t.actor.country if t.actor else None
            name = t.actor.name if t.actor else ""
            if pat.place_actor:
                a = Actor(name, pat.place_actor, (country or "") + "REB", country, "REB", None)
                return Participant(a, False, "generic", t.via), pat.place or cameo
            if pat.place:
                if t.actor is None:
                    return None, cameo
                a = Actor(name, t.actor.principal, t.actor.principal, country, None, t.actor.wikidata if t.kind == "capital" else None)
                return Participant(a, False, "place", t.via), pat.place
            if pat.civ:
                a = Actor(name, "CIVILIANS", (country or "") + "CVL", country, "CVL", None)
                return Participant(a, False, "generic", t.via), pat.civ
            if t.kind == "capital":
                return t, cameo
            return None, cameo
        if t.actor is None:
            return None, cameo
        if t.actor.principal == "CIVILIANS":
            if cameo[:2] == "08" and t.actor.country:
                # Released prisoners or hostages: the yield is towards their state.
                a = Actor(t.actor.name, t.actor.country, t.actor.country, t.actor.country, None, None)
                return Participant(a, False, "state", t.via), cameo
            if pat.civ:
                return t, pat.civ
            if pat.cameo and pat.cameo[:2] in ("19",):
                return t, "18"
        return t, cameo


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
    return None


_CODER: SentenceCoder | None = None


def _coder() -> SentenceCoder:
    global _CODER
    if _CODER is None:
        _CODER = SentenceCoder()
    return _CODER


def code_doc(doc: Doc, article: Article, *, max_sentence_chars: int = 2000) -> list[Event]:
    """Every event of one parsed article (``doc`` parsed from ``article.text``).

    Evidence offsets point into ``article.text``; ``sentence`` is the 0-based sentence index.
    """
    coded_for: list[object] = [article.id, article.published, max_sentence_chars]
    if list(doc.user_data.get("detente_coded_for") or []) == coded_for and doc._.events is not None:
        return list(doc._.events)  # the detente_events component already coded this doc
    coder = _coder()
    ctx = DocContext(doc)
    cameo = coder.cameo
    events: list[Event] = []
    same_text = doc.text == article.text
    for si, sent in enumerate(doc.sents):
        if len(sent.text) > max_sentence_chars or len(sent) < 3:
            continue
        raws = coder.code(sent, ctx)
        if not raws:
            continue
        best: dict[tuple[str, str, str], _Raw] = {}
        for r in raws:
            assert r.source.actor and r.target.actor
            triple = (r.source.actor.principal, r.target.actor.principal, r.cameo[:2])
            old = best.get(triple)
            if old is None or (old.negated or old.hypothetical) > (r.negated or r.hypothetical) or r.confidence > old.confidence:
                best[triple] = r
        start, end = sent.start_char, sent.end_char
        if not same_text:
            found = article.text.find(sent.text)
            start, end = (found, found + len(sent.text)) if found >= 0 else (0, 0)
        location = None
        if _geo is not None:
            try:
                location = _geo.locate(article.text, start=start, end=end) if same_text or start or end else None
            except Exception:  # noqa: BLE001 - a collaborator's failure must not lose the event
                logger.debug("geo.locate failed", exc_info=True)
        seen_ids: set[str] = set()
        for r in best.values():
            src, tgt = r.source.actor, r.target.actor
            assert src is not None and tgt is not None
            entry = cameo.get(r.cameo)
            date = precision = dsource = None
            if _dates is not None and (same_text or start or end):
                try:
                    anchor = start + (r.trigger.idx - sent.start_char)
                    # A factual event lies before publication; an announced one after it.
                    future = True if r.future else (None if r.hypothetical else False)
                    ed = _dates.resolve_event_date(article.text, article.published, start=start, end=end,
                                                   anchor=anchor, future=future)
                    date, precision, dsource = ed.date, ed.precision, ed.source
                except Exception:  # noqa: BLE001
                    logger.debug("resolve_event_date failed", exc_info=True)
            eid = event_id(article.id, si, src.code, tgt.code, r.cameo)
            if eid in seen_ids:
                continue
            seen_ids.add(eid)
            events.append(
                Event(
                    id=article.id,
                    event_id=eid,
                    doc_id=article.id,
                    sentence=si,
                    source=src,
                    target=tgt,
                    cameo=r.cameo,
                    root=entry.root,
                    quad=entry.quad,
                    goldstein=entry.goldstein,
                    evidence=Evidence(sent.text, start, end),
                    plover=entry.plover,
                    negated=r.negated,
                    hypothetical=r.hypothetical,
                    date=date,
                    date_precision=precision,
                    date_source=dsource,
                    location=location,
                    confidence=round(r.confidence, 2),
                    extra={"trigger": r.trigger.text, "trigger_start": start + (r.trigger.idx - sent.start_char)},
                )
            )
    doc._.events = events
    doc.user_data["detente_coded_for"] = coded_for
    return events
