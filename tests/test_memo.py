"""GenerationalMemo: bounded by two generations, keeps what is asked for again, forgets the rest."""

from __future__ import annotations

import pickle

import pytest

from detente.nlp.memo import GenerationalMemo


def test_an_answer_put_is_found_and_an_unknown_key_is_none() -> None:
    memo: GenerationalMemo[str, int] = GenerationalMemo(4)
    memo.put("a", 1)
    assert memo.get("a") == 1
    assert memo.get("b") is None


def test_the_memo_never_holds_more_than_two_generations() -> None:
    memo: GenerationalMemo[int, int] = GenerationalMemo(10)
    for key in range(1_000):
        memo.put(key, key)
        assert len(memo) <= 20
    assert memo.get(0) is None, "an answer never asked for again is forgotten"
    assert memo.get(999) == 999


def test_an_answer_asked_for_in_every_generation_survives_the_turnovers() -> None:
    memo: GenerationalMemo[str, str] = GenerationalMemo(10)
    memo.put("the", "the")
    for key in range(200):
        memo.put(f"name-{key}", "x")
        if key % 5 == 0:
            assert memo.get("the") == "the"
    assert memo.get("the") == "the"


def test_a_generation_holds_at_least_one_answer() -> None:
    with pytest.raises(ValueError, match="at least one"):
        GenerationalMemo(0)


def test_the_memo_pickles_for_worker_processes() -> None:
    memo: GenerationalMemo[tuple[int, int], str] = GenerationalMemo(3)
    memo.put((1, 2), "go")
    assert pickle.loads(pickle.dumps(memo)).get((1, 2)) == "go"
