"""Actor dictionary and resolution: principals, sectors, metonyms, generic actors, dated roles."""

from __future__ import annotations

from detente.actors.dictionary import ActorDictionary
from detente.actors.resolve import resolve_actor

RECORDS = {
    "states": [
        {"principal": "TUR", "name": "Turkey", "names": ["Turkey", "Türkiye"], "adjectives": ["Turkish"],
         "demonyms": ["Turks"], "capitals": ["Ankara"], "metonyms": [], "wikidata": "Q43"},
        {"principal": "RUS", "name": "Russia", "names": ["Russia"], "adjectives": ["Russian"],
         "demonyms": ["Russians"], "capitals": ["Moscow"], "metonyms": ["the Kremlin"], "wikidata": "Q159"},
        {"principal": "SYR", "name": "Syria", "names": ["Syria"], "adjectives": ["Syrian"], "demonyms": [],
         "capitals": ["Damascus"], "metonyms": [], "wikidata": "Q858"},
    ],
    "groups": [{"principal": "HTS", "names": ["Hayat Tahrir al-Sham", "HTS"], "country": "SYR", "sector": "REB"}],
    "people": [{"name": "Recep Tayyip Erdogan", "aliases": ["Erdogan"], "wikidata": "Q39723", "roles": [
        {"principal": "TUR", "sector": "GOV", "role": "head_of_government", "start": "2003-03-14", "end": "2014-08-28"},
        {"principal": "TUR", "sector": "GOV", "role": "head_of_state", "start": "2014-08-28", "end": None}]},
        {"name": "Bashar al-Assad", "aliases": ["Assad"], "roles": [
            {"principal": "SYR", "sector": "GOV", "role": "head_of_state", "start": "2000-07-17", "end": "2024-12-08"}]}],
    "sectors": [
        {"sector": "MIL", "words": ["forces", "army", "troops", "regime forces"], "principal": None},
        {"sector": "GOV", "words": ["regime", "president", "government"], "principal": None},
        {"sector": "REB", "words": ["rebels", "opposition fighters"], "principal": "REBELS"},
        {"sector": "CVL", "words": ["civilians", "residents"], "principal": "CIVILIANS"},
    ],
}


def _d() -> ActorDictionary:
    return ActorDictionary.from_records(RECORDS)


def test_adjective_and_sector_word_give_principal_plus_sector_code() -> None:
    a = resolve_actor("Russian forces", dictionary=_d())
    assert a is not None and (a.principal, a.code, a.sector) == ("RUS", "RUSMIL", "MIL")


def test_capital_and_metonym_stand_for_the_government() -> None:
    for mention in ("Ankara", "the Kremlin"):
        a = resolve_actor(mention, dictionary=_d())
        assert a is not None and a.sector == "GOV" and a.code.endswith("GOV")


def test_syrian_regime_forces_and_army_are_the_state() -> None:
    for mention in ("Syrian regime forces", "the Syrian army", "Assad's forces"):
        a = resolve_actor(mention, date="2019-05-01", dictionary=_d())
        assert a is not None and a.principal == "SYR", mention


def test_rebels_and_civilians_are_generic_principals_keeping_their_country() -> None:
    rebels = resolve_actor("Syrian rebels", dictionary=_d())
    assert rebels is not None and rebels.principal == "REBELS" and rebels.code == "SYRREB"
    assert resolve_actor("opposition fighters", dictionary=_d()).principal == "REBELS"  # type: ignore[union-attr]
    assert resolve_actor("Idlib residents", dictionary=_d()).principal == "CIVILIANS"  # type: ignore[union-attr]


def test_group_is_its_own_principal() -> None:
    a = resolve_actor("Hayat Tahrir al-Sham", dictionary=_d())
    assert a is not None and a.principal == "HTS" and a.country == "SYR"


def test_person_resolves_by_the_role_held_on_the_event_date() -> None:
    assert resolve_actor("Erdogan", date="2010-06-01", dictionary=_d()).code == "TURGOV"  # type: ignore[union-attr]
    assert resolve_actor("Erdogan", date="2016-06-01", dictionary=_d()).principal == "TUR"  # type: ignore[union-attr]


def test_person_with_no_role_on_the_date_still_resolves_to_their_country() -> None:
    a = resolve_actor("Erdogan", date="1990-01-01", dictionary=_d())
    assert a is not None and a.principal == "TUR"


def test_unknown_mention_resolves_to_nothing() -> None:
    assert resolve_actor("the weather", dictionary=_d()) is None


def test_package_dictionary_loads_states() -> None:
    d = ActorDictionary.load()
    assert any(e.principal == "RUS" for e in d.lookup("Russia"))
