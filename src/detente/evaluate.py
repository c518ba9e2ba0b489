"""``detente eval``: score the coder against a gold file (format: ``shared/gold/GUIDELINES.md``).

Consecutive gold lines of one ``doc`` are coded together as one article (so pronouns and
"the two sides" can resolve across sentences); each coded event is attributed back to the
gold line holding its trigger. Scores are micro-averaged over sentences with multisets of
(source principal, target principal, root) and (source, target, quad); factual events
(neither negated nor hypothetical) make the main score and flagged ones are scored apart.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from detente.errors import BadInput
from detente.records import Article, Event, quad_of_root

CoderName = Literal["detente", "keyword"]


@dataclass
class Score:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def add(self, gold: Counter[Any], pred: Counter[Any]) -> int:
        tp = sum((gold & pred).values())
        self.tp += tp
        self.fp += sum(pred.values()) - tp
        self.fn += sum(gold.values()) - tp
        return tp

    def to_dict(self) -> dict[str, float | int]:
        return {"tp": self.tp, "fp": self.fp, "fn": self.fn, "precision": round(self.precision, 4),
                "recall": round(self.recall, 4), "f1": round(self.f1, 4)}


@dataclass
class EvalReport:
    """Scores of one gold file; ``to_dict()`` for ``--json``, ``format_text()`` for people."""

    gold_path: str
    coder: str
    sentences: int = 0
    gold_events: int = 0
    predicted_events: int = 0
    triple: Score = field(default_factory=Score)
    quad: Score = field(default_factory=Score)
    flagged: Score = field(default_factory=Score)
    date_matched: int = 0
    date_correct: int = 0
    empty_sentences: int = 0
    invented_on_empty: int = 0
    per_root: dict[str, Score] = field(default_factory=dict)

    @property
    def date_accuracy(self) -> float:
        return self.date_correct / self.date_matched if self.date_matched else 0.0

    @property
    def invented_rate(self) -> float:
        return self.invented_on_empty / self.empty_sentences if self.empty_sentences else 0.0

    def to_dict(self) -> dict[str, Any]:
        return {
            "gold": self.gold_path,
            "coder": self.coder,
            "sentences": self.sentences,
            "gold_events": self.gold_events,
            "predicted_events": self.predicted_events,
            "triple": self.triple.to_dict(),
            "quad": self.quad.to_dict(),
            "flagged": self.flagged.to_dict(),
            "date_accuracy": round(self.date_accuracy, 4),
            "date_matched": self.date_matched,
            "invented_rate": round(self.invented_rate, 4),
            "empty_sentences": self.empty_sentences,
            "per_root": {r: s.to_dict() for r, s in sorted(self.per_root.items())},
        }

    def format_text(self) -> str:
        lines = [
            f"gold: {self.gold_path}  coder: {self.coder}",
            f"sentences: {self.sentences}  gold events: {self.gold_events}  predicted events: {self.predicted_events}",
            "",
            f"{'score':<26}{'P':>8}{'R':>8}{'F1':>8}{'tp':>6}{'fp':>6}{'fn':>6}",
        ]
        for name, s in (("(source, target, root)", self.triple), ("(source, target, quad)", self.quad),
                        ("flagged (neg./hyp.) root", self.flagged)):
            lines.append(f"{name:<26}{s.precision:>8.3f}{s.recall:>8.3f}{s.f1:>8.3f}{s.tp:>6}{s.fp:>6}{s.fn:>6}")
        lines += [
            "",
            f"date accuracy on matched events: {self.date_accuracy:.3f} ({self.date_correct}/{self.date_matched})",
            (
                f"events invented on sentences with no gold event: {self.invented_rate:.3f} "
                f"({self.invented_on_empty}/{self.empty_sentences})"
            ),
            "",
            f"{'root':<6}{'P':>8}{'R':>8}{'F1':>8}{'tp':>6}{'fp':>6}{'fn':>6}",
        ]
        for r, s in sorted(self.per_root.items()):
            lines.append(f"{r:<6}{s.precision:>8.3f}{s.recall:>8.3f}{s.f1:>8.3f}{s.tp:>6}{s.fp:>6}{s.fn:>6}")
        return "\n".join(lines)


@dataclass(frozen=True)
class _Pred:
    source: str
    target: str
    root: str
    flagged: bool
    date: str | None
    date_source: str | None


def read_gold(path: str | Path) -> list[dict[str, Any]]:
    """Gold lines; a malformed line raises :class:`BadInput` naming it."""
    rows = []
    with open(path, encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError as exc:
                raise BadInput(str(path), n, f"not JSON: {exc.msg}") from None
            if "text" not in row:
                raise BadInput(str(path), n, "no 'text' field")
            row.setdefault("events", [])
            rows.append(row)
    return rows


def _groups(rows: list[dict[str, Any]]) -> list[list[int]]:
    groups: list[list[int]] = []
    for i, row in enumerate(rows):
        doc = row.get("doc")
        if doc and groups and rows[groups[-1][0]].get("doc") == doc:
            groups[-1].append(i)
        else:
            groups.append([i])
    return groups


def _predict_detente(rows: list[dict[str, Any]], nlp: Any) -> list[list[_Pred]]:
    preds: list[list[_Pred]] = [[] for _ in rows]
    items = []
    spans: list[list[tuple[int, int, int]]] = []
    for gi, group in enumerate(_groups(rows)):
        parts: list[str] = []
        offs = []
        pos = 0
        for i in group:
            text = rows[i]["text"]
            offs.append((i, pos, pos + len(text)))
            parts.append(text)
            pos += len(text) + 1
        first = rows[group[0]]
        art = Article(id=str(first.get("doc") or first.get("id") or f"line-{group[0]}"), text="\n".join(parts),
                      published=first.get("published"))
        items.append((art.text, art))
        spans.append(offs)
    for (doc, art), offs in zip(nlp.pipe(items, as_tuples=True, batch_size=4), spans):
        events: list[Event] = doc._.events or []
        for e in events:
            at = int(e.extra.get("trigger_start", e.evidence.start))
            line = next((i for i, s, t in offs if s <= at < t), None)
            if line is None:
                line = next((i for i, s, t in offs if s <= e.evidence.start < t), offs[0][0])
            preds[line].append(_Pred(e.source.principal, e.target.principal, e.root,
                                     e.negated or e.hypothetical, e.date, e.date_source))
    return preds


def _predict_keyword(rows: list[dict[str, Any]]) -> list[list[_Pred]]:
    from detente.coding.baseline import code_sentence

    return [[_Pred(s.principal, t.principal, c[:2], False, None, None) for s, t, c in code_sentence(r["text"])]
            for r in rows]


def evaluate(gold_path: str | Path, *, coder: CoderName = "detente", nlp: Any = None) -> EvalReport:
    """Code the gold file's texts and score them (see module docstring)."""
    rows = read_gold(gold_path)
    if coder == "keyword":
        preds = _predict_keyword(rows)
    else:
        if nlp is None:
            from detente.nlp import load_nlp

            nlp = load_nlp()
        preds = _predict_detente(rows, nlp)
    return score(rows, preds, gold_path=str(gold_path), coder=coder)


def score(rows: list[dict[str, Any]], preds: list[list[_Pred]], *, gold_path: str = "", coder: str = "") -> EvalReport:
    rep = EvalReport(gold_path=gold_path, coder=coder)
    for row, pred in zip(rows, preds):
        rep.sentences += 1
        gold = row.get("events") or []
        rep.gold_events += len(gold)
        rep.predicted_events += len(pred)
        if not gold:
            rep.empty_sentences += 1
            if pred:
                rep.invented_on_empty += 1
        g_fact = [g for g in gold if not (g.get("negated") or g.get("hypothetical"))]
        g_flag = [g for g in gold if g.get("negated") or g.get("hypothetical")]
        p_fact = [p for p in pred if not p.flagged]
        p_flag = [p for p in pred if p.flagged]
        gt = Counter((g["source"], g["target"], str(g.get("root") or g["cameo"][:2])) for g in g_fact)
        pt = Counter((p.source, p.target, p.root) for p in p_fact)
        rep.triple.add(gt, pt)
        rep.quad.add(Counter((s, t, quad_of_root(r)) for s, t, r in gt.elements()),
                     Counter((s, t, quad_of_root(r)) for s, t, r in pt.elements()))
        rep.flagged.add(Counter((g["source"], g["target"], str(g.get("root") or g["cameo"][:2])) for g in g_flag),
                        Counter((p.source, p.target, p.root) for p in p_flag))
        for root in {k[2] for k in gt} | {k[2] for k in pt}:
            s = rep.per_root.setdefault(root, Score())
            s.add(Counter({k: v for k, v in gt.items() if k[2] == root}), Counter({k: v for k, v in pt.items() if k[2] == root}))
        # Date accuracy on matched factual events, paired in order within each triple.
        remaining = list(p_fact)
        for g in g_fact:
            key = (g["source"], g["target"], str(g.get("root") or g["cameo"][:2]))
            p = next((p for p in remaining if (p.source, p.target, p.root) == key), None)
            if p is None:
                continue
            remaining.remove(p)
            rep.date_matched += 1
            gdate = g.get("date")
            # Gold has no bare years (GUIDELINES formats), so a year-only date fixes nothing.
            pdate = p.date if p.date_source == "text" and p.date and len(p.date) > 4 else None
            if gdate == pdate:
                rep.date_correct += 1
    return rep
