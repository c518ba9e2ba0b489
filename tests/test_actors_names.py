"""Short names in their data casing, possessives inside names, namesakes by date, generic words by context.

The first three run against the package data files (the names are real entries); the tagger
tests run the full pipeline, because the component decides which spans exist.
"""

from __future__ import annotations

from typing import Any

import pytest

from detente.actors.dictionary import ActorDictionary
from detente.actors.resolve import analyse, resolve_actor
from detente.records import Article

NAMESAKES: dict[str, list[dict[str, Any]]] = {
    "states": [{"principal": "LBN", "name": "Lebanon", "names": ["Lebanon"], "adjectives": ["Lebanese"]}],
    "people": [
        {"name": "Michel Aoun", "aliases": ["Aoun"], "roles": [
            {"principal": "LBN", "sector": "GOV", "role": "head_of_state", "start": "2016-10-31", "end": "2022-10-30"}]},
        {"name": "Joseph Aoun", "aliases": ["Aoun"], "roles": [
            {"principal": "LBN", "sector": "MIL", "role": "other", "start": "2017-03-08", "end": "2025-01-09"},
            {"principal": "LBN", "sector": "GOV", "role": "head_of_state", "start": "2025-01-09", "end": None}]},
    ],
}


def _actors(nlp: Any, text: str, published: str | None = None) -> list[tuple[str, str]]:
    art = Article(id="t", text=text, published=published)
    doc = next(iter(nlp.pipe([(text, art)], as_tuples=True)))[0]
    return [(s.text, s._.actor.principal) for s in doc.spans["actors"] if s._.actor is not None]


# -- 2. possessive "'s" inside a name ------------------------------------------------------

@pytest.mark.parametrize(
    ("mention", "principal"),
    [
        ("Tigray People's Liberation Front", "TPLF"),
        ("People's Liberation Army", "CHN"),
        ("Donetsk People's Republic", "DPR"),
    ],
)
def test_a_name_with_a_possessive_inside_resolves_whole(mention: str, principal: str) -> None:
    a = resolve_actor(mention, date="2022-06-01")
    assert a is not None and a.principal == principal, a


def test_a_possessive_after_a_name_still_reads_the_name() -> None:
    a = resolve_actor("Russia's army", date="2022-06-01")
    assert a is not None and (a.principal, a.sector) == ("RUS", "MIL")


# -- 3. namesakes: the one in office on the date -------------------------------------------

def test_namesakes_resolve_to_the_one_in_office_on_the_date() -> None:
    d = ActorDictionary.from_records(NAMESAKES)
    assert analyse("Aoun", d, date="2019-05-01").entry.name == "Michel Aoun"  # type: ignore[union-attr]
    assert analyse("Aoun", d, date="2025-03-01").entry.name == "Joseph Aoun"  # type: ignore[union-attr]
    a = resolve_actor("Aoun", date="2025-03-01", dictionary=d)
    assert a is not None and a.code == "LBNGOV"


def test_namesakes_fall_back_to_the_first_entry_when_none_held_office() -> None:
    d = ActorDictionary.from_records(NAMESAKES)
    assert analyse("Aoun", d, date="1990-01-01").entry.name == "Michel Aoun"  # type: ignore[union-attr]


def test_the_tagger_picks_the_namesake_in_office(nlp: Any) -> None:
    text = "Aoun met Macron in Paris."
    art = Article(id="t", text=text, published="2025-03-28")
    doc = next(iter(nlp.pipe([(text, art)], as_tuples=True)))[0]
    aoun = [s._.actor for s in doc.spans["actors"] if s.text == "Aoun"]
    assert aoun and aoun[0].code == "LBNGOV"


# -- 1. short names in the capitalisation the data gives them ------------------------------

@pytest.mark.parametrize(
    ("text", "published", "name", "principal"),
    [
        ("Modi met Sharif in New Delhi on Monday.", "2024-06-10", "Modi", "IND"),
        ("Sisi called on Abiy to halt the dam filling.", "2021-06-10", "Sisi", "EGY"),
        ("Sisi called on Abiy to halt the dam filling.", "2021-06-10", "Abiy", "ETH"),
        ("Kiir accused Machar of plotting a coup.", "2016-07-10", "Kiir", "SSD"),
        ("Merz met Zelensky in Berlin.", "2025-05-10", "Merz", "DEU"),
        ("Baku accused Yerevan of shelling its positions.", "2021-05-10", "Baku", "AZE"),
        ("Juba accused Khartoum of bombing its territory.", "2012-04-10", "Juba", "SSD"),
    ],
)
def test_short_names_match_in_their_data_capitalisation(nlp: Any, text: str, published: str, name: str, principal: str) -> None:
    assert (name, principal) in _actors(nlp, text, published)


def test_short_names_in_lower_case_stay_common_words(nlp: Any) -> None:
    found = _actors(nlp, "The moon rose over the camp and the modi of the song changed.", "2020-01-01")
    assert found == []


def test_all_capital_acronyms_still_match(nlp: Any) -> None:
    found = _actors(nlp, "MODI and NATO officials met in BAKU.", "2024-06-10")
    assert ("NATO officials", "NATO") in found and ("MODI", "IND") in found and ("BAKU", "AZE") in found


# -- 4. bare state sector words take the one state their sentence names ---------------------

def test_a_sector_word_takes_a_given_context_country() -> None:
    a = resolve_actor("the army", context_country="SYR")
    assert a is not None and (a.principal, a.code, a.sector) == ("SYR", "SYRMIL", "MIL")
    assert resolve_actor("the army") is None


def _codes(nlp: Any, text: str) -> list[tuple[str, str]]:
    art = Article(id="t", text=text, published="2023-03-01")
    doc = next(iter(nlp.pipe([(text, art)], as_tuples=True)))[0]
    return [(s.text, s._.actor.code) for s in doc.spans["actors"] if s._.actor is not None]


@pytest.mark.parametrize(
    ("text", "mention", "code"),
    [
        ("After the bombing in Bogota, the government blamed the ELN.", "government", "COLGOV"),
        ("Israel said the army had struck targets overnight.", "army", "ISRMIL"),
        ("In Myanmar, junta soldiers burned a village.", "junta soldiers", "MMRMIL"),
        ("Police fired tear gas at protesters in Tbilisi.", "Police", "GEOCOP"),
    ],
)
def test_a_bare_sector_word_takes_the_one_state_its_sentence_names(nlp: Any, text: str, mention: str, code: str) -> None:
    found = _codes(nlp, text)
    assert any(mention in t and c == code for t, c in found), found


@pytest.mark.parametrize(
    "text",
    [
        "The army advanced towards the town.",  # no state named
        "Russia and Ukraine said the army had withdrawn.",  # two states
        "The Houthis said their forces attacked a ship, and Athens protested.",  # a possessive
        "Russia said there would be no military operation.",  # a modifier, not an actor
        "Both governments agreed, Turkey said.",  # a pair
        "The government of Ukraine protested to Moscow.",  # its own name
        "On Syria, the leaders made no breakthrough.",  # a topic; the leaders of every side
        "Turkey agreed that its diplomats, military officers and intelligence officials would meet.",  # a list
        "The opposition delegation walked out, protesting at Iran's role.",  # no government's
    ],
)
def test_a_sector_word_stays_without_a_state_when_the_sentence_is_not_clear(nlp: Any, text: str) -> None:
    found = _codes(nlp, text)
    words = ("army", "forces", "military", "governments", "government", "leaders", "officers", "officials", "delegation")
    assert not [(t, c) for t, c in found if t.split()[-1].lower() in words], found
