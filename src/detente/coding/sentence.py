"""Coding one sentence: triggers (verbs, event nouns, readiness adjectives) matched against
``data/verbs.jsonl``, their frames (speech, intent, threat, refusal), flags from
:mod:`detente.coding.modality`, and the (source, target, code) triples they yield.

Participants come from :mod:`detente.coding.arguments`; assembling contract ``Event``
records (dates, places, ids) is :mod:`detente.coding.coder`'s job.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from itertools import permutations

from spacy.tokens import Span, Token

from detente.coding.arguments import (
    _ANNOUNCE,
    _GENERIC,
    _INTENT_BY_ROOT,
    _MEDIATE,
    _MOD_DEPS,
    _OBLIGATION,
    _RECIPROCAL,
    CONF_COREF,
    CONF_DIRECT,
    CONF_INHERITED,
    CONF_NOMINAL,
    DocContext,
    Participant,
    _is_state,
    _modifier_actors,
    _unique,
    agents,
    args,
    prep_targets,
    subjects,
)
from detente.coding.cameo import CameoTable
from detente.coding.modality import ModalityWords, analyse, is_content_of
from detente.coding.targets import (
    _DEEP_TARGET_ROOTS,
    _VISITORS,
    _blame_governs,
    _deep_target,
    _last_other_mention,
    _light_verb,
    _mass_victims,
    _nearest_other_actor,
)
from detente.coding.verbs import Pattern, VerbPatterns
from detente.records import Actor


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


class SentenceCoder:
    """Codes one sentence; holds the pattern and modality tables."""

    def __init__(self) -> None:
        self.patterns = VerbPatterns.load()
        self.words = ModalityWords.load()
        self.cameo = CameoTable.load()
        #: The document and the events found so far in the sentence being coded, for rules
        #: that look back ("..., and X condemned the arrests") or at the sentence's places.
        self._ctx: DocContext | None = None
        self._partial: list[_Raw] = []

    def code(self, sent: Span, ctx: DocContext) -> list[_Raw]:
        self._ctx = ctx
        out: list[_Raw] = []
        self._partial = out
        consumed: set[int] = set()
        matches: list[tuple[Token, Pattern, list[Token]]] = []
        brokers: list[Token] = []
        indexed = self.patterns.indexed_words
        for tok in sent:
            if tok.tag_ == "VBN" and tok.dep_ in ("acl", "advcl") and tok.lemma_.lower() in self.words.brokering:
                brokers.append(tok)  # "a truce brokered by Egypt": collected in the one pass
            # ADJ: readiness predicates ("was ready to attack Syria") are threats when data says so.
            if tok.pos_ not in ("VERB", "NOUN", "AUX", "PROPN", "ADJ") or tok.dep_ in ("amod", "compound"):
                continue
            if tok.lemma_.lower() not in indexed and tok.lower_ not in indexed:
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
        out.extend(self._attributed(sent, matches, out, ctx))
        out.extend(self._reported_blame(matches, out, ctx))
        if brokers:
            out.extend(self._mediated(sent, brokers, out, ctx))
        out = [self._announced(r) for r in out]
        for r in out:
            if not (r.negated or r.hypothetical or self._is_speech(r)):
                ctx.recent.append((sent.start, r.trigger.lemma_.lower(), r.source, r.cameo[:2]))
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

    def _attributed(self, sent: Span, matches: list[tuple[Token, Pattern, list[Token]]], out: list[_Raw],
                    ctx: DocContext) -> list[_Raw]:
        """Attacks whose author only a blame names: "was killed in Tehran, and Hamas blamed
        Israel", "Ankara blamed Syrian forces for the strike". The blamed actor is the
        attack's source; its victim is the attack's own target, else the blamer itself."""
        blames = [(tok, r) for tok, pat, _ in matches if pat.attribute for r in out
                  if r.trigger.i == tok.i and r.cameo[:2] == "11" and not (r.negated or r.hypothetical)]
        if not blames:
            return []
        coded = {r.trigger.i for r in out}
        extra: list[_Raw] = []
        for a, pa, _ in matches:
            if a.i in coded or not pa.cameo or pa.cameo[:2] not in ("18", "19", "20") or pa.frame:
                continue
            passive = any(c.dep_ in ("nsubjpass", "auxpass") for c in a.children)
            if passive and any(c.dep_ == "agent" for c in a.children):
                continue
            if passive:
                victims = [p for c in a.children if c.dep_ == "nsubjpass" for p in args(c, ctx)]
            else:
                if a.pos_ != "NOUN" and any(c.dep_ == "nsubj" and c.i in ctx.actor_at for c in a.children):
                    continue  # the attack has a named author of its own
                victims = prep_targets(a, pa.tprep, ctx)
            for tok, r in blames:
                if a.head.lower_ == "of" and a.head.head.i == tok.i:
                    continue  # "accused X of shelling Y": the accusation frame codes it
                near = _blame_governs(tok, a)
                if a.pos_ == "NOUN" and not near and a.dep_ not in ("nsubjpass", "nsubj"):
                    continue
                # The blamer as victim is the state itself, not the people of its capital.
                vic = victims or ([replace(r.source, kind="metonym")]
                                  if near and r.source.kind in ("state", "capital", "metonym") else [])
                vic = [v for v in vic if not (v.actor and r.target.actor and v.actor.principal == r.target.actor.principal)]
                extra.extend(self._emit(sent, a, pa, pa.cameo, [r.target], vic, CONF_INHERITED, a))
        return extra

    def _reported_blame(self, matches: list[tuple[Token, Pattern, list[Token]]], out: list[_Raw],
                        ctx: DocContext) -> list[_Raw]:
        """"Armenia said Azerbaijani forces had shelled Jermuk": a party that reports another
        actor's attack as fact accuses that actor (112), besides the attack itself. Only
        coercion and violence (17-20) count, only the reported clause itself (not an "after ..."
        clause inside it), only factual reports by parties (not NGOs or media), and never the
        author itself ("Israel said it had struck ..." is no accusation)."""
        attacks = [r for r in out if "17" <= r.cameo[:2] <= "20" and not (r.negated or r.hypothetical or r.future)]
        if not attacks:
            return []
        extra: list[_Raw] = []
        seen = {(r.source.actor.principal, r.target.actor.principal) for r in out
                if r.cameo[:2] == "11" and r.source.actor and r.target.actor}
        for tok, pat, _ in matches:
            if pat.frame != "speech" or tok.lemma_.lower() not in self.words.reporting:
                continue
            clauses = [c for c in tok.children if c.dep_ == "ccomp"]
            clauses += [k for c in clauses for k in c.conjuncts if k.pos_ in ("VERB", "AUX")]
            if not clauses:
                continue
            speakers, _ = subjects(tok, ctx)
            speakers = [p for p in speakers if p.actor is not None and not p.place and p.via != "coref-we"
                        and p.actor.principal not in _GENERIC and p.actor.sector not in ("NGO", "MED")]
            if not speakers:
                continue
            negated, hyp, _ = analyse(tok.sent, tok)
            if negated or hyp:
                continue
            mine = {p.actor.principal for p in speakers if p.actor}
            for r in attacks:
                # Only a claim that leads ("Armenia said that Azerbaijani forces shelled ..."); a
                # trailing attribution ("..., the health ministry said") is sourcing, not blame.
                if not any(r.trigger.i == c.i and tok.i < c.i for c in clauses):
                    continue
                author = r.source
                if author.actor is None or author.actor.principal in _GENERIC or author.actor.principal in mine:
                    continue
                for sp in speakers:
                    key = (sp.actor.principal, author.actor.principal)  # type: ignore[union-attr]
                    if key[0] == key[1] or key in seen:
                        continue
                    seen.add(key)
                    extra.append(_Raw(tok, sp, author, "112", False, False, CONF_INHERITED))
        return extra

    def _mediated(self, sent: Span, brokers: list[Token], out: list[_Raw], ctx: DocContext) -> list[_Raw]:
        """"agreed to a truce brokered by Washington", "reached a deal, mediated by the EU",
        "after talks mediated by Lavrov, Armenia and Azerbaijan agreed ...": the broker (the
        passive agent) mediates (045) between the parties of the event it is attached to,
        whatever word names that event."""
        extra: list[_Raw] = []
        have = {(r.source.actor.principal, r.target.actor.principal) for r in out
                if r.cameo[:2] == "04" and r.source.actor and r.target.actor}
        for tok in brokers:
            mediators = agents(tok, ctx)
            if not mediators:
                continue
            parties: list[Participant] = []
            node = tok.head
            for c in node.children:
                if c.dep_ == "prep" and c.lower_ == "between":
                    parties = [p for o in c.children if o.dep_ == "pobj" for p in args(o, ctx)]
            steps = 0
            while not parties and node.pos_ not in ("VERB", "AUX") and steps < 4 and node.head.i != node.i:
                node = node.head
                steps += 1
            if not parties and node.pos_ in ("VERB", "AUX"):
                parties, _ = subjects(node, ctx)
                if not parties:
                    parties = [p for c in node.children if c.dep_ == "nsubjpass" for p in args(c, ctx)]
            mine = {m.actor.principal for m in mediators if m.actor}
            parties = [p for p in parties if p.actor and not p.place and p.actor.principal not in mine
                       and p.actor.principal not in _GENERIC]
            if len({p.actor.principal for p in parties if p.actor}) < 2:
                continue
            negated, hyp, _ = analyse(sent, node if node.pos_ in ("VERB", "AUX") else tok)
            for m in mediators:
                if m.actor is None or m.place or m.actor.principal in _GENERIC:
                    continue
                for p in parties:
                    key = (m.actor.principal, p.actor.principal)  # type: ignore[union-attr]
                    if key in have:
                        continue
                    have.add(key)
                    extra.append(_Raw(tok, m, p, "045", negated, hyp, CONF_NOMINAL))
        return extra

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
        if pat.reverse and not passive:
            # "received arms from Iran": the giver is the prepositional object.
            sources, targets = targets, sources
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
        if not targets and not passive and sources and cameo[:2] in self.words.reaction_roots:
            targets = self._earlier_author(v, sources, ctx)
        if pat.visitor:
            sources = [s for s in sources if s.actor is not None and s.actor.principal not in _GENERIC
                       and (s.kind == "person" or s.actor.sector in _VISITORS)]
        if not targets and not passive and pat.civ and "dobj" in pat.tprep:
            # "struck residential buildings in Aleppo": the object is a civil site, and the
            # place it stands in is where the attack fell (on its people, per GUIDELINES).
            for c in v.children:
                if c.dep_ == "dobj" and c.i not in ctx.actor_at and c.lemma_.lower() in self.patterns.civil_places:
                    targets = [t for t in prep_targets(c, ("in",), ctx) + prep_targets(v, ("in",), ctx)
                               if t.place or t.kind == "capital"][:1]
                    if targets:
                        break
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

    def _violent(self, content: Token | None) -> bool:
        """A word of force in the intended or threatened act, unless the act ends it: "vowed
        to crush the rebels" is a threat of force; "pledged to work towards an end to the war"
        and "promised to halt the offensive" are not."""
        if content is None:
            return False
        calm = self.words.calming
        for t in content.subtree:
            if t.lemma_.lower() in self.words.violent:
                up = t
                ended = False
                while up.i != content.i and up.head.i != up.i:
                    up = up.head
                    if up.lemma_.lower() in calm:
                        ended = True
                        break
                if not ended and content.lemma_.lower() not in calm:
                    return True
        return False

    def _frame_code(self, pat: Pattern, cpat: Pattern | None, content: Token | None) -> str:
        croot = (cpat.cameo or "")[:2] if cpat and cpat.cameo else ""
        if pat.frame == "threat":
            violent = croot >= "14" or self._violent(content)
            return "138" if violent else (pat.cameo or "130")
        if pat.frame == "intent" and croot:
            if pat.lemma == "agree" and croot == "08" and cpat is not None and cpat.cameo:
                if cpat.cameo.startswith("084"):
                    return pat.bare or pat.cameo or "057"  # "agreed to swap prisoners" is a deal, the swap comes later
                return cpat.cameo  # "agreed to stop firing" is the de-escalation itself
            if croot >= "17" or croot in ("13", "15"):
                return "138"
            if croot in ("14", "16"):
                return "130"
            return {"04": "036", "05": "032", "06": "031", "07": "033", "08": "035", "03": "030"}.get(croot, pat.cameo or "030")
        if pat.frame == "intent" and self._violent(content):
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
        if not sources and pat.of_agent:
            sources = [p for c in n.children if c.dep_ == "prep" and c.lower_ == "of"
                       for o in c.children if o.dep_ == "pobj" for p in args(o, ctx)]
        sources = _unique(sources)
        targets = prep_targets(n, tuple(t for t in pat.tprep if not (pat.of_agent and t == "of")), ctx)
        if not targets and n.dep_ == "dobj" and n.head.lemma_.lower() in self.patterns.reactions:
            # "Kim's visit to Moscow drew criticism from Seoul": the reaction targets the
            # author of whatever the subject names.
            if not sources:
                sources = [p for c in n.head.children if c.dep_ == "prep" and c.lower_ == "from"
                           for o in c.children if o.dep_ == "pobj" for p in args(o, ctx)]
            if sources:
                targets = [p for c in n.head.children if c.dep_ == "nsubj" for p in args(c, ctx)]
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
        if gov is None and n.dep_ == "pobj" and n.head.lower_ == "for" and n.head.head.pos_ in ("VERB", "AUX"):
            anchor = n.head.head  # "scheduled to travel to Moscow for talks": the trip's modality
        if gov is not None:
            anchor = gov
            if n.dep_ == "pobj" and f"{gov.lemma_.lower()} {n.head.lower_}" in self.words.hyp_phrases:
                anchor = n  # "a deal that provides for the withdrawal": the noun's own modality
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
            if not mediators and n.dep_ == "dobj" and n.head.lemma_.lower() in _MEDIATE and \
                    not any(c.dep_ in ("nsubjpass", "auxpass") for c in n.head.children):
                # "Egypt hosted talks between Israel and Hamas": the host mediates for both.
                mediators = [m for m in subjects(n.head, ctx)[0] if m not in pair]
            if mediators:
                sources = []
        if pair and len(pair) >= 2 and not sources:
            sources, targets = pair, []
        elif pair and not targets:
            targets = pair
        if not sources and targets and pat.sym:
            # "Talks with Turkey were productive, the Russian minister said": the speaker's side.
            sources = self._reporter(n, ctx)
        # Sources that are also targets ("Turkey's talks with Turkey") are dropped from targets.
        targets = [t for t in targets if t.place or not any(s.actor and t.actor and s.actor.principal == t.actor.principal for s in sources)]
        out = self._emit(sent, n, pat, pat.cameo or "010", sources, targets, conf, anchor)
        if mediators and out:
            mediation = Pattern(lemma="mediate", pos="NOUN", cameo="045")
            out += self._emit(sent, n, mediation, "045", mediators, pair, conf, anchor)
        return out

    def _earlier_author(self, v: Token, sources: list[Participant], ctx: DocContext) -> list[Participant]:
        """"Russia condemned the strikes": a definite event noun with no named author refers
        back to an event coded earlier in the paragraph (same trigger word, or any event for
        "the decision", "the move"), whose source the reaction targets."""
        obj = next((c for c in v.children if c.dep_ == "dobj" and c.pos_ == "NOUN"), None)
        if obj is None or not any(c.dep_ == "det" and c.lower_ in ("the", "this", "that", "these", "those")
                                  for c in obj.children):
            return []
        lemma = obj.lemma_.lower()
        generic = lemma in self.words.anaphoric_nouns
        npat, _ = self.patterns.match(obj)
        nroot = (npat.cameo or "")[:2] if npat is not None else ""
        # Attacks are one family whatever the word ("fired missiles ... condemned the strikes"),
        # and so are coercions ("detained ... condemned the arrests").
        family = {"18", "19", "20"} if nroot in ("18", "19", "20") else {"17"} if nroot == "17" else set()
        mine = {s.actor.principal for s in sources if s.actor}
        for r in reversed(self._partial):
            if r.trigger.i >= v.i or r.negated or r.hypothetical or self._is_speech(r) or r.source.actor is None \
                    or r.source.actor.principal in mine:
                continue
            if r.trigger.lemma_.lower() == lemma or generic or r.cameo[:2] in family:
                return [r.source]
        para = ctx.paragraph(v.idx)
        back = 0
        last_sent = None
        for sent_start, trig, src, root in reversed(ctx.recent):
            if sent_start != last_sent:
                back += 1
                last_sent = sent_start
            if back > 3 or ctx.paragraph(ctx.doc[sent_start].idx) != para:
                break
            if sent_start >= v.sent.start or src.actor is None or src.actor.principal in mine:
                continue
            if trig == lemma or generic or root in family:
                return [src]
        return []

    def _reporter(self, n: Token, ctx: DocContext) -> list[Participant]:
        """The subject of the reporting verb whose reported clause holds ``n`` (at most three
        clause levels up), for a party-less event noun the speaker took part in."""
        up = n
        for _ in range(4):
            if up.head.i == up.i or any(c.dep_ == "aux" and c.lower_ in self.words.modals for c in up.children):
                return []  # "talks with Turkey would be more effective": an opinion, not a meeting
            if up.dep_ == "ccomp" and up.head.lemma_.lower() in self.words.reporting:
                found, _ = subjects(up.head, ctx)
                return [p for p in found if p.actor is not None and not p.place and p.actor.principal not in _GENERIC]
            up = up.head
        return []

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
            if pat.interstate and c == cameo and _is_state(s) and _is_state(t) and self._third_theatre(trigger, s, t) and \
                    not any(x.dep_ == "xcomp" for x in trigger.children):  # "agreed to observe the truce" yields
                c = pat.interstate
            weight = min(conf, CONF_COREF if "coref" in (s.via, t.via) else conf)
            out.append(_Raw(trigger, s, t, c, negated, hyp, weight, fut))
        return out

    def _third_theatre(self, trigger: Token, s: Participant, t: Participant) -> bool:
        """Whether a truce between two states is about a third country's war ("Russia and
        Turkey agreed to a ceasefire in Idlib"): a diplomatic agreement (057), whereas two
        states that stop fighting each other ("Israel and Iran agreed to a ceasefire") yield (0871)."""
        ctx = self._ctx
        if ctx is None:
            return True
        own = {s.actor.principal if s.actor else "", t.actor.principal if t.actor else ""}
        for p in trigger.subtree:
            if p.dep_ in ("compound", "amod") and p.head.pos_ == "NOUN" and p.i in ctx.place_at:
                scope = [p]  # "an Idlib ceasefire"
            elif p.dep_ == "prep" and p.lower_ in self.words.theatre_preps:
                scope = list(p.subtree)
            else:
                continue
            for x in scope:
                sp = ctx.place_at.get(x.i) or ctx.actor_at.get(x.i)
                if sp is None or sp._.actor is None or sp.label_ not in ("place", "state"):
                    continue  # a capital is where talks were held ("talks in Moscow"), not the war
                country = sp._.actor.country or (sp._.actor.principal if len(sp._.actor.principal) == 3 else None)
                if country and country not in own:
                    return True
        return False

    def _target_code(self, t: Participant, pat: Pattern, cameo: str) -> tuple[Participant | None, str]:
        if t.place and (t.actor is None or t.actor.name.lower().split()[-1:] and
                        t.actor.name.lower().split()[-1] in self.patterns.waters):
            # "fired missiles into the East Sea": open water, or a place of no known country,
            # has no people the attack can be said to have hit.
            return None, cameo
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
        if pat.person and t.kind == "person":
            return t, pat.person
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
