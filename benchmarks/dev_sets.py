"""Scores of the event coder (and the naive keyword coder) on every development set present.

Prints ``name: value`` lines (the format ``make bench`` collects). Sets that are absent are
skipped with a line saying so. Usage::

    python benchmarks/dev_sets.py [--shared ../shared] [--quick]

- seeds, sample gold, dev conflicts: ``detente.evaluate`` (triple/quad F1, dates, invented).
- PLOVER GSR: PLOVER categories; an event matches when its source and target codes match and
  its CAMEO code maps to the record's category (``data/cameo.csv`` plover column).
- PETRARCH2 unit tests: fictional actors (Arnor, Gondor...), so the suite's own actor list is
  added to the dictionary for this run only; scored on (source, target, root) and on root
  alone, plus the rate of events invented on its no-event records.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]


def _print(name: str, value: object) -> None:
    print(f"{name}: {value}", flush=True)


def gold_sets(shared: Path) -> dict[str, Path]:
    return {
        "seeds": shared / "gold" / "seeds.jsonl",
        "sample": REPO / "src" / "detente" / "data" / "sample" / "gold.jsonl",
        "dev_conflicts": REPO / "tests" / "data" / "dev_conflicts.jsonl",
    }


def run_gold(nlp: Any, shared: Path) -> None:
    from detente.evaluate import evaluate

    for name, path in gold_sets(shared).items():
        if not path.is_file():
            _print(f"{name}_skipped", "absent")
            continue
        for coder in ("keyword", "detente"):
            rep = evaluate(path, coder=coder, nlp=nlp).to_dict()  # type: ignore[arg-type]
            p = f"{name}_{coder}"
            _print(f"{p}_triple_f1", rep["triple"]["f1"])
            _print(f"{p}_triple_precision", rep["triple"]["precision"])
            _print(f"{p}_triple_recall", rep["triple"]["recall"])
            _print(f"{p}_quad_f1", rep["quad"]["f1"])
            _print(f"{p}_flagged_f1", rep["flagged"]["f1"])
            _print(f"{p}_date_accuracy", rep["date_accuracy"])
            _print(f"{p}_invented_rate", rep["invented_rate"])


def _plover_of_root() -> dict[str, str]:
    from detente.coding.cameo import CameoTable

    out: dict[str, str] = {}
    for c in CameoTable.load().codes():
        if c.plover:
            out.setdefault(c.code, c.plover)
    return out


def _code_alone(nlp: Any, texts: list[str]) -> list[list[Any]]:
    from detente.records import Article

    items = [(t, Article(id=f"b{i}", text=t, published=None)) for i, t in enumerate(texts)]
    return [list(doc._.events or []) for doc, _ in nlp.pipe(items, as_tuples=True, batch_size=8)]


def _principal_ok(pred: str, gold: Any) -> bool:
    items = gold if isinstance(gold, list) else [gold]
    for g in items:
        if isinstance(g, str):
            g = {"code": g}
        code = str(g.get("code", ""))[:3].upper()
        sector = str(g.get("sector", "")).upper()
        if pred == code or (pred == "CIVILIANS" and sector in ("REF", "CVL")) or (pred == "REBELS" and sector in ("REB", "INS")):
            return True
    return False


def run_plover(nlp: Any, shared: Path) -> None:
    path = shared / "benchmarks" / "plover_gsr_cameo" / "PLOVER_GSR_CAMEO.json"
    if not path.is_file():
        _print("plover_skipped", "absent")
        return
    from detente.coding.cameo import CameoTable

    table = CameoTable.load()
    records = [r for r in json.loads(path.read_text(encoding="utf-8")) if r.get("text") and r.get("source") and r.get("target")]
    preds = _code_alone(nlp, [r["text"] for r in records])
    tp = n_pred = cat_hit = dyad_hit = 0
    for r, events in zip(records, preds):
        n_pred += len(events)
        match = [e for e in events if _principal_ok(e.source.principal, r["source"]) and _principal_ok(e.target.principal, r["target"])]
        if match:
            dyad_hit += 1
        if any(table.get(e.cameo).plover == r["event"] for e in events):
            cat_hit += 1
        if any(table.get(e.cameo).plover == r["event"] for e in match):
            tp += 1
    n = len(records)
    prec = tp / n_pred if n_pred else 0.0
    rec = tp / n if n else 0.0
    _print("plover_records", n)
    _print("plover_dyad_category_precision", round(prec, 4))
    _print("plover_dyad_category_recall", round(rec, 4))
    _print("plover_dyad_category_f1", round(2 * prec * rec / (prec + rec), 4) if prec + rec else 0.0)
    _print("plover_category_recall", round(cat_hit / n, 4) if n else 0.0)
    _print("plover_dyad_found_rate", round(dyad_hit / n, 4) if n else 0.0)


def _petr_records(path: Path) -> dict[str, list[dict[str, Any]]]:
    """The suite's actor list as state-like records: NAME [CODE] -> principal CODE[:3]."""
    rows: list[dict[str, Any]] = []
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
        m = re.match(r"^\s*([^<#\[\]{}]+?)\s*(?:\{[^}]*\})?\s*\[([A-Za-z~]+)[^\]]*\]", line)
        if not m or m.group(2).startswith("~"):
            continue
        name = m.group(1).replace("_", " ").strip().title()
        rows.append({"principal": m.group(2)[:3].upper(), "name": name, "names": [name]})
    return {"states": rows}


def run_petrarch(shared: Path, model: str) -> None:
    base = shared / "benchmarks" / "petrarch2_unittest"
    path = base / "PETR.UnitTest.records.jsonl"
    if not path.is_file():
        _print("petrarch_skipped", "absent")
        return
    import spacy
    from spacy.util import registry

    import detente.nlp.components  # noqa: F401  (registers the factories)
    from detente.actors.dictionary import ActorDictionary, read_actor_files
    from detente.evaluate import _Pred, score

    merged = read_actor_files()
    extra = _petr_records(base / "PETR.Validate.actors.txt")
    merged["states"] = list(merged.get("states", [])) + extra["states"]

    @registry.misc("detente_bench.petr_dictionary.v1")
    def _petr() -> Callable[[], ActorDictionary]:
        d = ActorDictionary.from_records(merged)
        return lambda: d

    nlp = spacy.load(model)
    nlp.add_pipe("detente_actors", config={"dictionary": {"@misc": "detente_bench.petr_dictionary.v1"}})
    nlp.add_pipe("detente_events")
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    gold_rows = []
    for r in rows:
        evs = [] if r.get("noevents") else [
            {"source": e["source"][:3].upper(), "target": e["target"][:3].upper(), "cameo": e["cameo"], "root": e["cameo"][:2]}
            for e in r.get("events", []) if e.get("source") and e.get("target") and e.get("cameo", "")[:2].isdigit() and 1 <= int(e["cameo"][:2]) <= 20]
        gold_rows.append({"text": r["text"], "events": evs})
    events = _code_alone(nlp, [r["text"] for r in rows])
    preds = [[_Pred(e.source.principal, e.target.principal, e.root, e.negated or e.hypothetical, None, None) for e in ev]
             for ev in events]
    rep = score(gold_rows, preds, gold_path=str(path), coder="detente")
    root_hit = sum(1 for g, p in zip(gold_rows, preds) if g["events"] and any(x.root in {e["root"] for e in g["events"]} for x in p))
    with_events = sum(1 for g in gold_rows if g["events"])
    _print("petrarch_records", len(rows))
    _print("petrarch_triple_f1", round(rep.triple.f1, 4))
    _print("petrarch_triple_precision", round(rep.triple.precision, 4))
    _print("petrarch_triple_recall", round(rep.triple.recall, 4))
    _print("petrarch_quad_f1", round(rep.quad.f1, 4))
    _print("petrarch_root_found_rate", round(root_hit / with_events, 4) if with_events else 0.0)
    _print("petrarch_invented_rate", round(rep.invented_rate, 4))


def run_speed(nlp: Any, shared: Path) -> None:
    """Coder cost over the spaCy parse alone, on the seed sentences joined per doc."""
    seeds = shared / "gold" / "seeds.jsonl"
    if not seeds.is_file():
        return
    from detente.records import Article

    docs: dict[str, list[str]] = {}
    for line in seeds.read_text(encoding="utf-8").splitlines():
        r = json.loads(line)
        docs.setdefault(r.get("doc") or r["id"], []).append(r["text"])
    texts = ["\n".join(v) for v in docs.values()] * 2
    words = sum(len(t.split()) for t in texts)
    with nlp.select_pipes(disable=["detente_actors", "detente_events"]):
        t0 = time.perf_counter()
        for _ in nlp.pipe(texts, batch_size=4):
            pass
        spacy_s = time.perf_counter() - t0
    items = [(t, Article(id=f"s{i}", text=t)) for i, t in enumerate(texts)]
    t0 = time.perf_counter()
    for _ in nlp.pipe(items, as_tuples=True, batch_size=4):
        pass
    full_s = time.perf_counter() - t0
    _print("speed_words", words)
    _print("speed_spacy_words_per_s", round(words / spacy_s))
    _print("speed_full_words_per_s", round(words / full_s))
    _print("coder_ratio_vs_spacy", round(spacy_s / full_s, 3))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shared", default=str(REPO.parent / "shared"))
    ap.add_argument("--quick", action="store_true", help="gold sets only")
    ns = ap.parse_args(argv)
    shared = Path(ns.shared)
    from detente.nlp import load_nlp
    from detente.settings import load_settings

    nlp = load_nlp()
    run_gold(nlp, shared)
    if not ns.quick:
        run_plover(nlp, shared)
        run_speed(nlp, shared)
        run_petrarch(shared, str(load_settings()["nlp_model"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
