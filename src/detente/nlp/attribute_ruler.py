"""A stand-in for the model's ``attribute_ruler`` that sets exactly the same attributes, faster.

Why: the English model's attribute ruler maps fine tags to coarse POS and morphology with ~180
token patterns run through spaCy's general ``Matcher``, and that matcher alone costs about a
seventh of the whole parse (more than all of detente's own components). Its patterns are plain
token tests (equality, ``IN``, ``NOT_IN``, ``REGEX`` on TAG, LOWER, DEP, IS_SPACE, ORTH) with no
operators, so what they decide for a token depends only on those few values of the token (and,
for the few two-token patterns, of its neighbour). :class:`FastAttributeRuler` works that out once
per distinct combination of values, remembers it, and writes every token's attributes in one
``Doc.from_array`` call.

The rules are applied exactly as spaCy applies them: every match of every rule, in rule order,
later rules overriding earlier ones, on the token at the rule's ``index`` in its match. When a
model's ruler uses anything else (operators, other attributes, extension attributes), nothing is
replaced and spaCy's ruler runs as before (:func:`replace_attribute_ruler` returns False).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy
from spacy.attrs import DEP, IS_SPACE, LEMMA, LOWER, MORPH, ORTH, POS, TAG
from spacy.language import Language
from spacy.tokens import Doc
from spacy.vocab import Vocab

from detente.nlp.memo import GenerationalMemo

#: Token attributes a pattern may test for the fast path; others make it fall back to spaCy.
_TESTABLE = {"TAG": TAG, "LOWER": LOWER, "DEP": DEP, "IS_SPACE": IS_SPACE, "ORTH": ORTH, "TEXT": ORTH}
#: Token attributes a rule may set: plain token fields, written back with ``Doc.from_array``
#: exactly as spaCy's ruler writes them (lexeme flags, NORM, heads and entities are not).
_SETTABLE = frozenset({POS, TAG, MORPH, LEMMA, DEP})
#: Token signatures remembered per memo generation: the memo holds at most two, so a long run over
#: news, which keeps bringing words never seen, stays within a few MB.
SIGNATURE_GENERATION = 10_000

#: One test of a token: (signature column, kind: eq/in/not_in/regex, argument). Plain data, so the
#: component pickles (spawned worker processes).
Test = tuple[int, str, Any]


class Unsupported(ValueError):
    """The ruler uses a pattern feature the fast path does not reproduce."""


@dataclass(frozen=True)
class _Rule:
    """One rule: its patterns as per-token tests, the (attribute id, value) pairs it sets, its index."""

    patterns: tuple[tuple[tuple[Test, ...], ...], ...]
    attrs: tuple[tuple[int, int], ...]
    index: int


def _value_id(vocab: Vocab, value: Any) -> int:
    """The id spaCy's matcher compares a token value with: a string's hash, a flag's 0/1."""
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, str):
        return int(vocab.strings.add(value))
    if isinstance(value, int):
        return value
    raise Unsupported(f"pattern value {value!r}")


def _test(vocab: Vocab, column: int, spec: Any) -> Test:
    """One token-attribute test, as spaCy's matcher evaluates it (equality of ids, set
    membership of ids, or a regex searched in the attribute's string)."""
    if not isinstance(spec, dict):
        return (column, "eq", _value_id(vocab, spec))
    if len(spec) != 1:
        raise Unsupported(f"predicate {spec!r}")
    ((kind, arg),) = spec.items()
    if kind in ("IN", "NOT_IN"):
        return (column, kind.lower(), frozenset(_value_id(vocab, a) for a in arg))
    if kind == "REGEX" and isinstance(arg, str):
        return (column, "regex", re.compile(arg))
    raise Unsupported(f"predicate {kind!r}")


def _compile_pattern(vocab: Vocab, pattern: list[dict[str, Any]], columns: dict[int, int]) -> tuple[tuple[Test, ...], ...]:
    if not pattern:
        raise Unsupported("empty pattern")
    tokens = []
    for spec in pattern:
        tests = []
        for key, value in spec.items():
            attr = _TESTABLE.get(key.upper())
            if attr is None:
                raise Unsupported(f"token attribute {key!r}")  # OP, NORM, POS, LEMMA, ...
            tests.append(_test(vocab, columns[attr], value))
        tokens.append(tuple(tests))
    return tuple(tokens)


def _passes(vocab: Vocab, tests: tuple[Test, ...], sig: tuple[int, ...]) -> bool:
    """Whether a token with signature ``sig`` passes every test of one pattern token."""
    for column, kind, arg in tests:
        value = sig[column]
        if kind == "eq":
            ok = value == arg
        elif kind == "in":
            ok = value in arg
        elif kind == "not_in":
            ok = value not in arg
        else:
            ok = arg.search(vocab.strings[value]) is not None
        if not ok:
            return False
    return True


@dataclass(frozen=True)
class _Verdict:
    """What the rules say about a token with one signature.

    ``single``: (column, value) overrides of the one-token rules, merged in rule order;
    ``single_rules``: those rules' numbers (needed only when a longer rule also hits the token);
    ``parts``: (rule, pattern, position) of longer patterns this token can stand at.
    """

    single: tuple[tuple[int, int], ...]
    single_rules: tuple[int, ...]
    parts: frozenset[tuple[int, int, int]]


class FastAttributeRuler:
    """Applies an ``AttributeRuler``'s rules with per-signature memoisation (see the module doc)."""

    def __init__(self, vocab: Vocab, rules: Sequence[tuple[list[list[dict[str, Any]]], dict[int, Any], int]]) -> None:
        """``rules``: (matcher patterns, normalised attributes, index) per rule, in rule order."""
        self.vocab = vocab
        used = {_TESTABLE.get(k.upper(), ORTH) for pats, _, _ in rules for p in pats for t in p for k in t}
        self.sig_attrs: list[int | str] = [*sorted(used)] or [ORTH]
        columns = {int(attr): i for i, attr in enumerate(self.sig_attrs)}
        self.rules: list[_Rule] = []
        for patterns, attrs, index in rules:
            compiled = tuple(_compile_pattern(vocab, p, columns) for p in patterns)
            if any(not -len(p) <= index < len(p) for p in compiled):
                raise Unsupported(f"index {index}")
            if any(a not in _SETTABLE or not isinstance(v, int) for a, v in attrs.items()):
                raise Unsupported(f"attributes {attrs!r}")  # extension attributes ("_"), NORM, flags
            self.rules.append(_Rule(compiled, tuple(attrs.items()), index))
        self.set_attrs: list[int | str] = [*sorted({a for r in self.rules for a, _ in r.attrs})]
        self._col = {a: i for i, a in enumerate(self.set_attrs)}
        self._long = [(ri, pi, p) for ri, r in enumerate(self.rules) for pi, p in enumerate(r.patterns) if len(p) > 1]
        self._verdicts: GenerationalMemo[tuple[int, ...], _Verdict] = GenerationalMemo(SIGNATURE_GENERATION)

    @classmethod
    def from_ruler(cls, ruler: Any) -> FastAttributeRuler:
        """The rules of a loaded spaCy ``AttributeRuler`` (its normalised attributes, as it applies them)."""
        rules = [
            (ruler.matcher.get(str(i))[1], dict(ruler.attrs[i]), int(ruler.indices[i])) for i in range(len(ruler.attrs))
        ]
        return cls(ruler.vocab, rules)

    def _verdict(self, sig: tuple[int, ...]) -> _Verdict:
        merged: dict[int, int] = {}
        hit: list[int] = []
        for ri, rule in enumerate(self.rules):
            if any(len(p) == 1 and _passes(self.vocab, p[0], sig) for p in rule.patterns):
                merged.update(rule.attrs)
                hit.append(ri)
        parts = frozenset(
            (ri, pi, k) for ri, pi, p in self._long for k, tests in enumerate(p) if _passes(self.vocab, tests, sig)
        )
        return _Verdict(tuple((self._col[a], v) for a, v in merged.items()), tuple(hit), parts)

    def _verdicts_for(self, doc: Doc) -> list[_Verdict]:
        cache = self._verdicts
        out = []
        for sig in map(tuple, doc.to_array(self.sig_attrs).tolist()):
            verdict = cache.get(sig)
            if verdict is None:
                verdict = self._verdict(sig)
                cache.put(sig, verdict)
            out.append(verdict)
        return out

    def _long_hits(self, verdicts: list[_Verdict]) -> dict[int, list[int]]:
        """Token -> rules whose multi-token patterns match with that token as the rule's target."""
        hits: dict[int, list[int]] = {}
        n = len(verdicts)
        for ri, pi, pattern in self._long:
            size = len(pattern)
            index = self.rules[ri].index
            for start in range(n - size + 1):
                if all((ri, pi, k) in verdicts[start + k].parts for k in range(size)):
                    hits.setdefault(start + (index if index >= 0 else size + index), []).append(ri)
        return hits

    def __call__(self, doc: Doc) -> Doc:
        if not len(doc) or not self.set_attrs:
            return doc
        verdicts = self._verdicts_for(doc)
        long_hits = self._long_hits(verdicts) if any(v.parts for v in verdicts) else {}
        rows = doc.to_array(self.set_attrs).tolist()
        for i, verdict in enumerate(verdicts):
            row = rows[i]
            if i in long_hits:
                for ri in sorted(set(verdict.single_rules) | set(long_hits[i])):
                    for attr, value in self.rules[ri].attrs:
                        row[self._col[attr]] = value
                continue
            for col, value in verdict.single:
                row[col] = value
        values: Any = numpy.array(rows, dtype=numpy.uint64)
        doc.from_array(self.set_attrs, values)
        return doc


@Language.factory(
    "detente_attribute_ruler",
    default_config={"source": "attribute_ruler"},
    assigns=["token.pos", "token.tag", "token.morph", "token.lemma", "token.dep"],
)
def make_fast_attribute_ruler(nlp: Language, name: str, source: str) -> FastAttributeRuler:
    """The rules of the pipeline's component ``source`` (an ``AttributeRuler``), applied faster."""
    return FastAttributeRuler.from_ruler(nlp.get_pipe(source))


def replace_attribute_ruler(nlp: Language, name: str = "attribute_ruler") -> bool:
    """Put a :class:`FastAttributeRuler` in the place of ``nlp``'s attribute ruler ``name``.

    Returns False, changing nothing, when there is no such component or its patterns use a
    feature the fast ruler does not reproduce exactly.
    """
    if name not in nlp.pipe_names:
        return False
    try:
        FastAttributeRuler.from_ruler(nlp.get_pipe(name))
    except (Unsupported, AttributeError, KeyError, TypeError):
        return False
    nlp.add_pipe("detente_attribute_ruler", before=name, config={"source": name})
    nlp.remove_pipe(name)
    return True
