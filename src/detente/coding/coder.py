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

from spacy.tokens import Doc

from detente.records import Article, Event, Evidence, event_id

logger = logging.getLogger(__name__)

try:
    from detente import dates as _dates
except ImportError:  # pragma: no cover
    _dates = None  # type: ignore[assignment]
try:
    from detente import geo as _geo
except ImportError:  # pragma: no cover
    _geo = None  # type: ignore[assignment]

from detente.coding.arguments import DocContext, Participant  # noqa: F401  (re-exported for callers)
from detente.coding.sentence import SentenceCoder, _Raw

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
    doc_text = doc.text
    same_text = doc_text == article.text
    for si, sent in enumerate(doc.sents):
        # The sentence's text sliced once from the doc's: ``Span.text`` rebuilds it token by
        # token on every access, and it is read for each sentence and each event.
        sent_start, sent_end = sent.start_char, sent.end_char
        if sent_end - sent_start > max_sentence_chars or len(sent) < 3:
            continue
        sent_text = doc_text[sent_start:sent_end]
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
        start, end = sent_start, sent_end
        if not same_text:
            found = article.text.find(sent_text)
            start, end = (found, found + len(sent_text)) if found >= 0 else (0, 0)
        location = None
        if _geo is not None:
            try:
                location = _geo.locate(article.text, start=start, end=end) if same_text or start or end else None
            except Exception:
                logger.debug("geo.locate failed", exc_info=True)
        seen_ids: set[str] = set()
        for r in best.values():
            src, tgt = r.source.actor, r.target.actor
            assert src is not None and tgt is not None
            entry = cameo.get(r.cameo)
            date = precision = dsource = None
            if _dates is not None and (same_text or start or end):
                try:
                    anchor = start + (r.trigger.idx - sent_start)
                    # A factual event lies before publication; an announced one after it.
                    future = True if r.future else (None if r.hypothetical else False)
                    ed = _dates.resolve_event_date(article.text, article.published, start=start, end=end,
                                                   anchor=anchor, future=future)
                    date, precision, dsource = ed.date, ed.precision, ed.source
                except Exception:
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
                    evidence=Evidence(sent_text, start, end),
                    plover=entry.plover,
                    negated=r.negated,
                    hypothetical=r.hypothetical,
                    date=date,
                    date_precision=precision,
                    date_source=dsource,
                    location=location,
                    confidence=round(r.confidence, 2),
                    extra={"trigger": r.trigger.text, "trigger_start": start + (r.trigger.idx - sent_start)},
                )
            )
    doc._.events = events
    doc.user_data["detente_coded_for"] = coded_for
    return events
