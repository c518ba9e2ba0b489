"""Negated and hypothetical flags read off the parse."""

from __future__ import annotations

import pytest


def _flags(nlp, text: str, trigger: str) -> tuple[bool, bool]:  # type: ignore[no-untyped-def]
    from detente.coding.modality import modality

    doc = nlp(text)
    tok = next(t for t in doc if t.text == trigger)
    return modality(tok.sent, tok)


@pytest.mark.parametrize(
    ("text", "trigger", "expected"),
    [
        ("Turkey did not attack Syrian forces.", "attack", (True, False)),
        ("Russia never met Turkish officials.", "met", (True, False)),
        ("Syria denied shelling Turkish troops.", "shelling", (True, False)),
        ("If Russia attacks Idlib, Turkey will respond.", "attacks", (False, True)),
        ("Turkey might demand compensation from Russia.", "demand", (False, True)),
        ("Russia could bomb the rebels.", "bomb", (False, True)),
        ("Turkey plans to attack the Kurdish militias.", "attack", (False, True)),
        ("Russian jets bombed Idlib on Monday.", "bombed", (False, False)),
    ],
)
def test_flags(nlp, text: str, trigger: str, expected: tuple[bool, bool]) -> None:  # type: ignore[no-untyped-def]
    assert _flags(nlp, text, trigger) == expected


def test_reported_event_is_not_hypothetical(nlp) -> None:  # type: ignore[no-untyped-def]
    assert _flags(nlp, "The Observatory said Russian jets bombed Idlib.", "bombed") == (False, False)
