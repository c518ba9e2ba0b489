"""detente's attribute ruler and lemmatizer must set exactly what the model's own components set.

They replace spaCy's ``attribute_ruler`` and ``lemmatizer`` in :func:`detente.nlp.load_nlp` for
speed only; any difference in a token's POS, tag, morphology, lemma or dependency label would
change what the coder reads.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy
import pytest
import spacy
from spacy.attrs import DEP, ENT_IOB, ENT_TYPE, HEAD, LEMMA, MORPH, POS, TAG

from detente.nlp.attribute_ruler import FastAttributeRuler, replace_attribute_ruler
from detente.nlp.lemmatizer import MemoLemmatizer, replace_lemmatizer
from detente.nlp.memo import GenerationalMemo
from detente.settings import load_settings

TEST_DATA = Path(__file__).resolve().parent / "data"
_ATTRS = [TAG, POS, MORPH, LEMMA, DEP, HEAD, ENT_IOB, ENT_TYPE]

#: Text that reaches the ruler's rarer rules: two-token patterns ("gon na", "let 's", "y' all",
#: "ai n't"), expletive "there is", modal and pronoun exceptions, whitespace tokens.
_CORNERS = (
    "I'm gonna go, y'all. Let's see: it ain't over, we gotta c'm on. Nothin' doin' ol' 'em. He'll do it.\n\n"
    "There is a man. There's nothing.  Double  space\nnew line. I told you it. It was I. You saw it. "
    "He gets it; she got it. But he left. Do you have it? He did, and had had it. It 'd be fine. "
    "That is that. Those were these. Something, anyone and nobody came, since it was so."
)


@pytest.fixture(scope="module")
def models() -> tuple[spacy.language.Language, spacy.language.Language]:
    name = str(load_settings().nlp_model)
    plain, fast = spacy.load(name), spacy.load(name)
    assert replace_attribute_ruler(fast) and replace_lemmatizer(fast)
    return plain, fast


def _texts() -> list[str]:
    lines = (TEST_DATA / "dev_conflicts.jsonl").read_text(encoding="utf-8").splitlines()
    return [_CORNERS, "", " ", "\n", "A", "gon na", "Gon na go", *(json.loads(line)["text"] for line in lines[:120])]


def test_fast_ruler_sets_the_same_token_attributes_as_spacys(models) -> None:  # type: ignore[no-untyped-def]
    plain, fast = models
    assert "detente_attribute_ruler" in fast.pipe_names and "attribute_ruler" not in fast.pipe_names
    assert "detente_lemmatizer" in fast.pipe_names and "lemmatizer" not in fast.pipe_names
    for a, b in zip(plain.pipe(_texts()), fast.pipe(_texts()), strict=True):
        assert numpy.array_equal(a.to_array(_ATTRS), b.to_array(_ATTRS)), a.text
        assert [(t.pos_, str(t.morph), t.lemma_) for t in a] == [(t.pos_, str(t.morph), t.lemma_) for t in b]


def test_two_token_rules_reach_their_target_token(models) -> None:  # type: ignore[no-untyped-def]
    _, fast = models
    doc = fast("We are gonna win, let's go.")
    lemmas = {t.text: t.lemma_ for t in doc}
    assert (lemmas["gon"], lemmas["na"]) == ("go", "to")


def test_ruler_with_unsupported_patterns_is_left_in_place() -> None:
    nlp = spacy.blank("en")
    ruler = nlp.add_pipe("attribute_ruler")
    ruler.add([[{"LOWER": "very", "OP": "+"}]], {"LEMMA": "very"})
    assert not replace_attribute_ruler(nlp)
    assert nlp.pipe_names == ["attribute_ruler"]


def test_fast_ruler_applies_later_rules_over_earlier_ones() -> None:
    nlp = spacy.blank("en")
    ruler = nlp.add_pipe("attribute_ruler")
    ruler.add([[{"LOWER": "talks"}]], {"LEMMA": "first", "POS": "NOUN"})
    ruler.add([[{"ORTH": "talks"}]], {"LEMMA": "second"})
    ruler.add([[{"LOWER": "held"}, {"LOWER": "talks"}]], {"MORPH": "Number=Plur"}, index=-1)
    fast = FastAttributeRuler.from_ruler(ruler)
    text = "Talks held talks and talks"
    got, want = fast(nlp.make_doc(text)), ruler(nlp.make_doc(text))
    assert [(t.lemma_, t.pos_, str(t.morph)) for t in got] == [(t.lemma_, t.pos_, str(t.morph)) for t in want]
    assert [t.lemma_ for t in got] == ["first", "", "second", "", "second"]
    assert str(got[2].morph) == "Number=Plur" and str(got[4].morph) == ""


def test_only_rule_mode_lemmatizers_are_memoised() -> None:
    nlp = spacy.blank("en")
    nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
    assert not replace_lemmatizer(nlp)
    assert nlp.pipe_names == ["lemmatizer"]
    with pytest.raises(ValueError):
        MemoLemmatizer(nlp.get_pipe("lemmatizer"))


def test_memoised_lemmas_repeat_across_docs(models) -> None:  # type: ignore[no-untyped-def]
    plain, fast = models
    text = "Troops withdrew. The troops withdrew again, and the talks were held."
    for _ in range(2):
        assert [t.lemma_ for t in fast(text)] == [t.lemma_ for t in plain(text)]


def test_load_nlp_uses_the_fast_components(nlp) -> None:  # type: ignore[no-untyped-def]
    names = nlp.pipe_names
    assert names.index("parser") < names.index("detente_attribute_ruler") < names.index("detente_lemmatizer")
    assert "attribute_ruler" not in names and "lemmatizer" not in names


def test_memos_stay_bounded_and_right_while_new_words_keep_coming(models) -> None:  # type: ignore[no-untyped-def]
    # News keeps bringing words never seen; the memos must neither grow with them nor, once
    # they turn over, answer differently from spaCy's own components.
    plain, _ = models
    fast = spacy.load(str(load_settings().nlp_model))
    assert replace_attribute_ruler(fast) and replace_lemmatizer(fast)
    ruler, lemmatizer = fast.get_pipe("detente_attribute_ruler"), fast.get_pipe("detente_lemmatizer")
    ruler._verdicts = GenerationalMemo(40)
    lemmatizer._memo = GenerationalMemo(40)
    syllables = ("ba", "do", "ke", "lu", "mi", "no", "pa", "ri", "so", "tu")
    invented = [f"{a}{b}{c}x".capitalize() for a in syllables for b in syllables for c in syllables[:3]]
    texts = [f"{' and '.join(invented[i : i + 6])} met the minister in {invented[i + 6]}." for i in range(0, 280, 7)]
    for a, b in zip(plain.pipe(_texts()[:8] + texts), fast.pipe(_texts()[:8] + texts), strict=True):
        assert numpy.array_equal(a.to_array(_ATTRS), b.to_array(_ATTRS)), a.text
        assert len(ruler._verdicts) <= 80 and len(lemmatizer._memo) <= 80
