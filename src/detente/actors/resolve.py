"""Resolve an actor mention ("Russian forces", "the Kremlin", "Erdogan") to an :class:`Actor`.

Rules follow ``shared/gold/GUIDELINES.md``: a state and everything acting for it is the
state's code; organisations and groups are their own principal; generic rebels and
civilians are REBELS / CIVILIANS (keeping the country for the ``code``); people resolve
through the role they held on the event date, which is why ``date`` matters.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from detente.actors.dictionary import ActorDictionary, ActorEntry, SectorWord, normalise
from detente.records import Actor

#: Role names in people.jsonl -> sector used when the role itself does not say.
ROLE_SECTOR = {
    "head_of_state": "GOV",
    "head_of_government": "GOV",
    "foreign_minister": "GOV",
    "defence_minister": "MIL",
    "leader": None,
    "other": "GOV",
}

#: Sectors that act for a state: with no name in the mention, a context country makes them its.
STATE_SECTORS = frozenset({"GOV", "MIL", "COP", "SPY"})

_TOKEN = re.compile(r"[\w][\w'\-\.]*|[^\w\s]")


@dataclass(frozen=True)
class Mention:
    """What a mention's words name: the best entry (if any) and its sector words."""

    entry: ActorEntry | None
    sectors: tuple[SectorWord, ...]


def _words(text: str) -> list[tuple[str, str]]:
    """The mention's words, each as written and with a trailing possessive stripped.

    Both are kept: "Russia's army" needs "russia", but "Tigray People's Liberation Front" is a
    name only with its "'s" (stripped, "people" is a civilian sector word).
    """
    text = normalise(text)
    words = []
    for w in _TOKEN.findall(text):
        bare = w
        if w.endswith("'s"):
            bare = w[:-2]
        elif w.endswith("'"):
            bare = w[:-1]
        if bare:
            words.append((w, bare))
    return words


def pick_entry(found: list[ActorEntry], date: str | None) -> ActorEntry:
    """The entry a form stands for on ``date``: namesakes ("Aoun", "Clinton") are told apart
    by who held a role then; otherwise (or when none did) the first entry in the data."""
    if len(found) > 1 and found[0].kind == "person":
        for e in found:
            if e.kind == "person" and any(r.holds_on(date) for r in e.roles):
                return e
    return found[0]


_KIND_RANK = {"person": 6, "group": 5, "org": 5, "state": 4, "capital": 3, "metonym": 3, "demonym": 3, "adjective": 2}


def analyse(mention: str, dictionary: ActorDictionary | None = None, *, date: str | None = None) -> Mention:
    """Longest-match the mention's words against the dictionary and the sector words.

    A phrase is tried as written before its possessives are stripped; ``date`` picks between
    namesakes (:func:`pick_entry`).
    """
    d = dictionary or ActorDictionary.load()
    pairs = _words(mention)
    raw = [w for w, _ in pairs]
    words = [b for _, b in pairs]
    possessive = raw != words
    entries: list[ActorEntry] = []
    sectors: list[SectorWord] = []
    i = 0
    longest = max(d.max_words, 4)
    while i < len(words):
        hit = False
        for n in range(min(longest, len(words) - i), 0, -1):
            phrase = " ".join(words[i : i + n])
            found = (possessive and d.forms.get(" ".join(raw[i : i + n]))) or d.forms.get(phrase)
            if found:
                entries.append(pick_entry(found, date))
                i += n
                hit = True
                break
            sw = d.sectors.get(phrase)
            if sw is not None:
                sectors.append(sw)
                i += n
                hit = True
                break
        if not hit:
            i += 1
    best = max(entries, key=lambda e: _KIND_RANK.get(e.kind, 0), default=None)
    return Mention(best, tuple(sectors))


def person_role(entry: ActorEntry, date: str | None) -> tuple[str | None, str | None]:
    """(principal, sector) of a person on ``date``: the role held then, else their country."""
    held = [r for r in entry.roles if r.holds_on(date)]
    if not held and date is None:
        held = list(entry.roles[-1:])
    if held:
        # A head of state or government outranks other roles held the same day.
        order = ["head_of_state", "head_of_government", "foreign_minister", "defence_minister", "leader", "other"]
        held.sort(key=lambda r: order.index(r.role) if r.role in order else len(order))
        r = held[0]
        return r.principal, r.sector or ROLE_SECTOR.get(r.role, "GOV")
    if entry.country:
        return entry.country, None
    if entry.roles:
        return entry.roles[-1].principal, None
    return None, None


def actor_from(
    mention: str,
    entry: ActorEntry | None,
    sectors: tuple[SectorWord, ...] | list[SectorWord],
    *,
    date: str | None = None,
    context_country: str | None = None,
) -> Actor | None:
    """Combine an entry and sector words into an Actor (see module docstring for the rules)."""
    generic = next((s for s in sectors if s.principal), None)
    sector = sectors[-1].sector if sectors else None
    if entry is None:
        if generic is None:
            # A state's sector word ("the army") acts for the state the context names.
            if context_country and sector in STATE_SECTORS:
                return Actor(mention, context_country, context_country + sector, context_country, sector, None)
            return None
        country = context_country
        code = (country or "") + generic.sector
        return Actor(mention, generic.principal or "", code, country, generic.sector, None)
    if entry.kind == "person":
        principal, role_sector = person_role(entry, date)
        if principal is None:
            return None
        sec = role_sector or sector
        return Actor(mention, principal, principal + (sec or ""), principal if len(principal) == 3 else None, sec, entry.wikidata)
    if entry.kind in ("org", "group"):
        p = entry.principal or ""
        return Actor(mention, p, p, entry.country, entry.sector, entry.wikidata)
    # A state (name, adjective, demonym, capital or metonym).
    p = entry.principal or ""
    if generic is not None and entry.kind in ("adjective", "demonym", "state"):
        return Actor(mention, generic.principal or "", p + generic.sector, p, generic.sector, None)
    if entry.kind in ("capital", "metonym"):
        sector = sector or "GOV"
    return Actor(mention, p, p + (sector or ""), p, sector, entry.wikidata)


def resolve_actor(
    mention: str,
    *,
    date: str | None = None,
    context_country: str | None = None,
    dictionary: ActorDictionary | None = None,
) -> Actor | None:
    """The actor a mention names, or None when it names none we know.

    >>> resolve_actor("Russian forces").code
    'RUSMIL'
    """
    m = analyse(mention, dictionary, date=date)
    return actor_from(mention.strip(), m.entry, m.sectors, date=date, context_country=context_country)
