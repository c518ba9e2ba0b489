"""Real-news actor phrases from the conflicts the project follows resolve to GUIDELINES principals.

Each case is a phrase as wire services write it, the event date, and the principal (and where it
matters the sector) that ``shared/gold/GUIDELINES.md`` asks for. They run against the package data
files, so a missing or wrong entry in ``data/actors/`` fails here.
"""

from __future__ import annotations

import pytest

from detente.actors.resolve import resolve_actor

CASES = [
    # state forces and institutions: nationality + noun
    ("Indian troops", "2025-05-08", "IND", "MIL"),
    ("the Pakistani army", "2025-05-08", "PAK", "MIL"),
    ("the Sudanese army", "2023-04-16", "SDN", "MIL"),
    ("Israeli forces", "2024-05-01", "ISR", "MIL"),
    ("Ukrainian drones", "2024-08-01", "UKR", "MIL"),
    ("North Korean soldiers", "2024-11-01", "PRK", "MIL"),
    ("the Chinese coast guard", "2024-06-17", "CHN", "MIL"),
    ("Eritrean troops", "2021-03-01", "ERI", "MIL"),
    ("Burkinabe army", "2024-05-01", "BFA", "MIL"),
    ("Malian Armed Forces", "2024-05-01", "MLI", "MIL"),
    ("Indian Army", "2025-05-08", "IND", "MIL"),
    ("Border Security Force", "2025-05-08", "IND", "MIL"),
    ("Pakistan Army", "2025-05-08", "PAK", "MIL"),
    ("Volunteers for the Defence of the Homeland", "2023-04-20", "BFA", "MIL"),
    # seats of power and capitals stand for the government
    ("the Kremlin", "2024-01-01", "RUS", "GOV"),
    ("the Pentagon", "2024-01-01", "USA", "GOV"),
    ("Downing Street", "2024-01-01", "GBR", "GOV"),
    ("the Elysee", "2024-01-01", "FRA", "GOV"),
    ("Zhongnanhai", "2024-01-01", "CHN", "GOV"),
    ("Pyongyang", "2024-01-01", "PRK", "GOV"),
    ("Seoul", "2024-01-01", "KOR", "GOV"),
    ("Islamabad", "2025-05-08", "PAK", "GOV"),
    ("New Delhi", "2025-05-08", "IND", "GOV"),
    ("Khartoum", "2019-01-01", "SDN", "GOV"),
    ("Addis Ababa", "2021-01-01", "ETH", "GOV"),
    ("Kyiv", "2024-01-01", "UKR", "GOV"),
    ("the Oval Office", "2025-02-28", "USA", "GOV"),
    ("the Bundeswehr", "2024-05-01", "DEU", "MIL"),
    ("Sovereignty Council", "2024-05-01", "SDN", "GOV"),
    ("Presidential Leadership Council", "2024-05-01", "YEM", "GOV"),
    ("Mainland Affairs Council", "2024-05-01", "TWN", "GOV"),
    ("Taiwan Affairs Office", "2024-05-01", "CHN", "GOV"),
    # state media speak for their state
    ("KCNA", "2024-05-01", "PRK", "MED"),
    ("Korean Central News Agency", "2024-05-01", "PRK", "MED"),
    ("Xinhua", "2024-05-01", "CHN", "MED"),
    ("TASS", "2024-05-01", "RUS", "MED"),
    ("IRNA", "2024-05-01", "IRN", "MED"),
    ("Syrian Arab News Agency", "2019-05-01", "SYR", "MED"),
    # non-state armed groups
    ("Rapid Support Forces", "2024-05-01", "RSF", None),
    ("the Houthis", "2024-01-12", "HOUTHIS", None),
    ("Ansar Allah", "2024-01-12", "HOUTHIS", None),
    ("Three Brotherhood Alliance", "2023-10-27", "BROTHERHOOD ALLIANCE", None),
    ("Karenni Nationalities Defence Force", "2024-05-01", "KNDF", None),
    ("Popular Resistance Committees", "2012-03-10", "POPULAR RESISTANCE COMMITTEES", None),
    ("Islamic State Somalia", "2025-01-01", "IS-SOMALIA", None),
    ("Katiba Macina", "2024-05-01", "KATIBA MACINA", None),
    ("PAFF", "2023-05-01", "PAFF", None),
    ("AFC/M23", "2025-01-27", "M23", None),
    ("JNIM", "2024-09-17", "JNIM", None),
    ("Tigray Defence Forces", "2021-06-28", "TPLF", None),
    # international organisations
    ("UNMHA", "2019-05-01", "UN", "IGO"),
    ("UNRWA", "2024-01-26", "UN", "IGO"),
    ("SAMIDRC", "2024-05-01", "SADC", "IGO"),
    ("Operation Aspides", "2024-05-01", "EU", "IGO"),
    ("the UN nuclear watchdog", "2025-06-13", "IAEA", "IGO"),
    # people, by the office held on the date
    ("Saddam Haftar", "2025-05-01", "LNA", None),
    ("Thérèse Kayikwamba Wagner", "2025-02-01", "COD", "GOV"),
    ("Olivier Nduhungirehe", "2025-02-01", "RWA", "GOV"),
    ("Kassoum Coulibaly", "2023-05-01", "BFA", "MIL"),
    ("Salifou Mody", "2024-05-01", "NER", "MIL"),
    ("Abraham Belay", "2022-05-01", "ETH", "MIL"),
    ("Alvaro Leyva", "2023-05-01", "COL", "GOV"),
    ("Laura Sarabia", "2025-05-01", "COL", "GOV"),
    ("Najla Mangoush", "2022-05-01", "LBY", "GOV"),
    ("Delcy Rodriguez", "2026-02-01", "VEN", "GOV"),
    ("Itamar Ben-Gvir", "2024-05-01", "ISR", "GOV"),
    ("Hossein Salami", "2024-04-14", "IRN", "MIL"),
    ("Yahya Saree", "2024-01-12", "HOUTHIS", "REB"),
    ("Abu Obeida", "2024-01-12", "HAMAS", "REB"),
    ("Ri Son Gwon", "2021-05-01", "PRK", "GOV"),
    ("Kim Yong Hyun", "2024-10-01", "KOR", "MIL"),
    ("Yoon", "2024-12-03", "KOR", "GOV"),
    ("Kim", "2019-02-28", "PRK", "GOV"),
    ("Munir", "2025-05-10", "PAK", "MIL"),
    ("Katz", "2025-01-01", "ISR", "MIL"),
    ("Ajit Doval", "2025-05-10", "IND", "GOV"),
    ("Andriy Yermak", "2024-05-01", "UKR", "GOV"),
    ("Philippe Lazzarini", "2024-05-01", "UN", "IGO"),
    ("Hans Grundberg", "2024-05-01", "UN", "IGO"),
    ("Karoline Leavitt", "2025-05-01", "USA", "GOV"),
    ("Prime Minister Abiy", "2023-08-05", "ETH", "GOV"),
    ("Fano militias", "2023-08-05", "FANO", None),
    ("Saleh al-Arouri", "2023-12-01", "HAMAS", None),
    ("Kang Sun-nam", "2023-05-01", "PRK", "MIL"),
    ("Getachew Reda", "2023-06-01", "TPLF", None),
    ("Getachew Reda", "2025-06-01", "ETH", "GOV"),
]


@pytest.mark.parametrize(("phrase", "date", "principal", "sector"), CASES)
def test_conflict_actor_phrases_resolve(phrase: str, date: str, principal: str, sector: str | None) -> None:
    actor = resolve_actor(phrase, date=date)
    assert actor is not None, phrase
    assert actor.principal == principal, (phrase, actor)
    if sector is not None:
        assert actor.sector == sector, (phrase, actor)


def test_a_person_resolves_by_office_held_on_the_date() -> None:
    # Martin Griffiths: UN envoy for Yemen, then UN humanitarian chief; UN either way.
    assert resolve_actor("Martin Griffiths", date="2019-01-01").principal == "UN"
    # Delcy Rodriguez: vice president, acting president after 3 January 2026; Venezuela either way.
    assert resolve_actor("Delcy Rodriguez", date="2020-01-01").code == "VENGOV"
    # A surname shared by two Burkinabe/Malian leaders goes to Burkina Faso's junta leader.
    assert resolve_actor("Traore", date="2024-05-01").principal == "BFA"


def test_a_full_name_beats_a_group_name_inside_it() -> None:
    # "Wagner" alone is the Russian mercenary group; the Congolese foreign minister is not.
    assert resolve_actor("Wagner", date="2024-05-01").principal == "WAGNER"
    assert resolve_actor("Kayikwamba Wagner", date="2025-02-01").principal == "COD"


def test_ships_cities_and_resistance_forces_are_generic_actors() -> None:
    # Houthi attacks on shipping and missile strikes on cities hit civilians (GUIDELINES: CIVILIANS);
    # Myanmar's "resistance forces" are opposition armed groups not named (REBELS).
    for phrase in ("a bulk carrier", "commercial vessels", "Ukrainian cities", "apartment blocks"):
        actor = resolve_actor(phrase, date="2024-01-12")
        assert actor is not None and actor.principal == "CIVILIANS", (phrase, actor)
    for phrase in ("resistance forces", "anti-junta fighters", "ethnic armed groups"):
        actor = resolve_actor(phrase, date="2024-01-12")
        assert actor is not None and actor.principal == "REBELS", (phrase, actor)


def test_unnamed_armed_groups_described_by_people_or_place_are_rebels() -> None:
    # GUIDELINES: REBELS are opposition armed groups "when not named"; a description is no name.
    for phrase, date in [
        ("Tuareg rebels", "2024-07-27"),
        ("Donetsk separatists", "2015-02-12"),
        ("Karabakh's ethnic Armenian authorities", "2023-09-20"),
        ("Karabakh Armenian forces", "2020-10-01"),
    ]:
        actor = resolve_actor(phrase, date=date)
        assert actor is not None and actor.principal == "REBELS", (phrase, actor)
    # while the states' own forces stay the state
    assert resolve_actor("Armenian forces", date="2020-10-01").principal == "ARM"


def test_words_that_name_no_actor_stay_unresolved() -> None:
    for phrase in ("CCTV footage", "General Security", "internationally recognised government"):
        actor = resolve_actor(phrase, date="2024-05-01")
        assert actor is None, (phrase, actor)
