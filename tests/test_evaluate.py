"""Scoring: multiset matching per sentence, flagged events apart, dates, invented events."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from detente.errors import BadInput
from detente.evaluate import _Pred, evaluate, read_gold, score


def _row(events: list[dict[str, object]], text: str = "x") -> dict[str, object]:
    return {"id": "a", "text": text, "events": events}


def _ev(s: str, t: str, root: str, **kw: object) -> dict[str, object]:
    return {"source": s, "target": t, "cameo": root + "0", "root": root, **kw}


def test_exact_match_scores_one() -> None:
    rep = score([_row([_ev("RUS", "TUR", "04")])], [[_Pred("RUS", "TUR", "04", False, None, None)]])
    assert (rep.triple.precision, rep.triple.recall, rep.triple.f1) == (1.0, 1.0, 1.0)


def test_wrong_root_is_a_miss_on_triples_but_a_hit_on_quads() -> None:
    rep = score([_row([_ev("RUS", "TUR", "04")])], [[_Pred("RUS", "TUR", "05", False, None, None)]])
    assert rep.triple.tp == 0 and rep.quad.tp == 1


def test_multisets_count_duplicates_once_each() -> None:
    gold = [_row([_ev("RUS", "TUR", "19")])]
    rep = score(gold, [[_Pred("RUS", "TUR", "19", False, None, None)] * 2])
    assert (rep.triple.tp, rep.triple.fp) == (1, 1)


def test_flagged_events_are_scored_apart() -> None:
    gold = [_row([_ev("RUS", "TUR", "19", hypothetical=True)])]
    rep = score(gold, [[_Pred("RUS", "TUR", "19", True, None, None)]])
    assert rep.triple.tp == 0 and rep.triple.fp == 0 and rep.flagged.tp == 1


def test_date_counts_only_when_fixed_by_the_text() -> None:
    gold = [_row([_ev("RUS", "TUR", "19", date=None)]), _row([_ev("RUS", "TUR", "19", date="2018-09-14")])]
    preds = [[_Pred("RUS", "TUR", "19", False, "2018-09", "published")],
             [_Pred("RUS", "TUR", "19", False, "2018-09-14", "published")]]
    rep = score(gold, preds)
    assert (rep.date_correct, rep.date_matched) == (1, 2)


def test_events_invented_on_empty_sentences_are_counted() -> None:
    rep = score([_row([]), _row([])], [[_Pred("RUS", "TUR", "19", False, None, None)], []])
    assert (rep.invented_on_empty, rep.empty_sentences) == (1, 2)


def test_bad_gold_line_names_its_line(tmp_path: Path) -> None:
    p = tmp_path / "g.jsonl"
    p.write_text('{"text": "ok", "events": []}\n{not json\n', encoding="utf-8")
    with pytest.raises(BadInput) as err:
        read_gold(p)
    assert err.value.line == 2


def test_keyword_baseline_runs_and_reports(tmp_path: Path) -> None:
    p = tmp_path / "g.jsonl"
    p.write_text(json.dumps({"id": "1", "text": "Russia attacked Turkey.", "events": [_ev("RUS", "TUR", "19")]}) + "\n",
                 encoding="utf-8")
    rep = evaluate(p, coder="keyword")
    assert rep.triple.tp == 1
    assert "(source, target, root)" in rep.format_text()
    assert rep.to_dict()["triple"]["f1"] == 1.0


def test_detente_coder_groups_a_doc_so_the_two_sides_resolve(nlp, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    p = tmp_path / "g.jsonl"
    rows = [
        {"id": "1", "doc": "d", "published": "2019-05-10", "text": "Russia and Turkey disagree over Idlib.", "events": []},
        {"id": "2", "doc": "d", "published": "2019-05-10", "text": "The two sides met in Moscow on Monday.",
         "events": [_ev("RUS", "TUR", "04", date="2019-05-06"), _ev("TUR", "RUS", "04", date="2019-05-06")]},
    ]
    p.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    rep = evaluate(p, nlp=nlp)
    assert rep.triple.tp == 2 and rep.invented_on_empty == 0
