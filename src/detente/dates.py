"""Event dates: the day, month or year a sentence fixes for its event, read against the publication date.

News rarely writes "on 14 September 2018"; it writes "yesterday", "on Wednesday", "last September",
"earlier this month". Those only mean something against the article's publication date, which itself
may be known to the day, the month or only the year. This module finds date expressions with its own
rules (word lists in ``data/dates.toml``) and resolves them.

Why not dateparser: measured on this project's sentences, ``dateparser.search.search_dates`` reads
"last September" (in May 2019) as 2019-09, "early May" and the modal verb "may" as the publication
day, "the march on" as March, "on the 3rd" as a month, and misses "earlier this month"; it also costs
about 200 ms for its first call. None of its answers survived, so it is not used here.

How a resolution works: every expression resolves, for one reference day, to an *interval* of days
("last September" is September 1-30, "late 2019" is September 1 - December 31, "yesterday" one day).
A publication date known only to the month or year is a range of possible reference days, so the
expression is resolved at both ends and the intervals joined. The answer is the finest unit that
holds the whole interval: one day gives day precision, one month gives month precision, one year
gives year precision, anything wider fixes nothing. This is how "last week" is handled too: a week
inside one month is that month (the guidelines know only day, month and year), a week across two
months is the year. And "yesterday" in an article dated only "2019-05" is 2019-04-30 .. 2019-05-30,
so it fixes the year 2019 but not the month: the guidelines ask for what "the sentence and the
publication date fix", and the month is not fixed.
"""

from __future__ import annotations

import calendar
import logging
import re
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, timedelta
from functools import lru_cache
from importlib import resources
from typing import Any, Literal

logger = logging.getLogger(__name__)

Precision = Literal["day", "month", "year"]
Source = Literal["text", "published"]

__all__ = [
    "DateMention",
    "EventDate",
    "find_date_expressions",
    "parse_published",
    "resolve_event_date",
]


@dataclass(frozen=True)
class EventDate:
    """The date of one event; ``source`` says whether the sentence fixed it or the publication date stands in."""

    date: str | None
    precision: Precision | None
    source: Source | None


@dataclass(frozen=True)
class DateMention:
    """One date expression found in a text, with offsets into that text.

    ``rule`` and ``args`` say how to resolve it (see :func:`_interval`). ``open_ended`` marks a date that
    bounds a period ("since 2015", "before yesterday"); ``vague`` marks a round figure ("a year ago").
    Neither fixes an event date, but both are returned so a coder can see them.
    """

    start: int
    end: int
    text: str
    rule: str
    args: tuple[int, ...] = ()
    open_ended: bool = False
    vague: bool = False

    @property
    def fixes(self) -> bool:
        """Whether this mention can fix an event date at all."""
        return not (self.open_ended or self.vague)

    def resolve(self, published: str | None, *, future: bool = False) -> EventDate | None:
        """The date this mention gives against ``published``; None when it fixes nothing there."""
        if not self.fixes:
            return None
        return _resolve_mention(self, _reference_range(published), future=future)


# --------------------------------------------------------------------------------------------------
# Word lists


@dataclass(frozen=True)
class _Words:
    months: dict[str, int]
    month_abbreviations: dict[str, int]
    weekdays: dict[str, int]
    counts: dict[str, tuple[int, int]]
    relative_days: dict[str, int]
    month_parts: dict[str, tuple[int, int]]
    year_parts: dict[str, tuple[int, int]]
    before_month: tuple[str, ...]
    before_year: tuple[str, ...]
    open_ended: tuple[str, ...]
    reporting_verbs: frozenset[str]
    future_markers: tuple[str, ...]
    past_markers: frozenset[str]
    vague: tuple[str, ...]


@lru_cache(maxsize=1)
def _words() -> _Words:
    raw: dict[str, Any] = tomllib.loads(
        (resources.files("detente") / "data" / "dates.toml").read_text(encoding="utf-8")
    )
    cues = raw["cues"]
    return _Words(
        months=dict(raw["months"]),
        month_abbreviations=dict(raw["month_abbreviations"]),
        weekdays=dict(raw["weekdays"]),
        counts={k: (int(v[0]), int(v[1])) for k, v in raw["counts"].items()},
        relative_days=dict(raw["relative_days"]),
        month_parts={k: (int(v[0]), int(v[1])) for k, v in raw["parts"]["month"].items()},
        year_parts={k: (int(v[0]), int(v[1])) for k, v in raw["parts"]["year"].items()},
        before_month=tuple(cues["before_month"]),
        before_year=tuple(cues["before_year"]),
        open_ended=tuple(cues["open_ended"]),
        reporting_verbs=frozenset(cues["reporting_verbs"]),
        future_markers=tuple(cues["future_markers"]),
        past_markers=frozenset(cues["past_markers"]),
        vague=tuple(raw["vague"]["phrases"]),
    )


def _alt(words: list[str] | tuple[str, ...], *, ci: bool = False) -> str:
    """Regex alternation, longest first so "a few" wins over "a"; ``ci`` makes it case-insensitive."""
    parts = []
    for w in sorted(set(words), key=len, reverse=True):
        parts.append(r"\s+".join(re.escape(p) for p in w.split()))
    body = "|".join(parts)
    return f"(?i:{body})" if ci else f"(?:{body})"


# --------------------------------------------------------------------------------------------------
# Patterns

Handler = Callable[[re.Match[str]], tuple[str, tuple[int, ...]] | None]


@dataclass(frozen=True)
class _Pattern:
    name: str
    regex: re.Pattern[str]
    handler: Handler
    vague: bool = False
    #: the group the mention covers, when the pattern also matches a cue word before it
    focus: str | None = None


def _part_key(raw: str) -> str:
    """ "the end of" -> "end", "mid-" -> "mid"."""
    words = raw.lower().replace("-", " ").split()
    words = [w for w in words if w not in {"the", "of", "in", "at"}]
    return words[-1] if words else ""


def _year(text: str) -> int:
    return int(text)


@lru_cache(maxsize=1)
def _patterns() -> tuple[_Pattern, ...]:
    w = _words()
    month_names = {**w.months}
    all_months = {**w.months, **w.month_abbreviations}
    full = _alt(list(w.months))
    abbr = "(?:" + _alt(list(w.month_abbreviations)) + r"\.?)"
    any_month = f"(?:{full}|{abbr})"
    year = r"(?:19|20)\d{2}"
    day = r"(?:[12]\d|3[01]|0?[1-9])"
    ordinal = r"(?:st|nd|rd|th)"
    weekday = _alt(list(w.weekdays))
    counts = _alt(list(w.counts), ci=True)
    part = r"(?i:early|mid|late|the\s+(?:beginning|start|middle|end)\s+of)"
    tail = r"(?![\w-])"  # a word ends here, and not in "2015-16"

    def month_no(raw: str) -> int:
        return all_months[raw.rstrip(".")]

    def ymd(m: re.Match[str]) -> tuple[str, tuple[int, ...]] | None:
        y, mo, d = int(m["y"]), int(m["m"]), int(m["d"])
        if not (1 <= mo <= 12 and 1 <= d <= calendar.monthrange(y, mo)[1]):
            return None
        return "ymd", (y, mo, d)

    def day_month(m: re.Match[str]) -> tuple[str, tuple[int, ...]] | None:
        mo, d = month_no(m["month"]), int(m["day"])
        if m["year"]:
            y = _year(m["year"])
            if d > calendar.monthrange(y, mo)[1]:
                return None
            return "ymd", (y, mo, d)
        if d > (29 if mo == 2 else calendar.monthrange(2001, mo)[1]):
            return None
        return "md", (mo, d)

    def month_year(m: re.Match[str]) -> tuple[str, tuple[int, ...]] | None:
        return "ym", (_year(m["year"]), month_no(m["month"]))

    def part_month(m: re.Match[str]) -> tuple[str, tuple[int, ...]] | None:
        lo, hi = w.month_parts[_part_key(m["part"])]
        mo = month_no(m["month"])
        if m["year"]:
            return "ym_part", (_year(m["year"]), mo, lo, hi)
        return "m_part", (mo, 0, lo, hi)

    def part_year(m: re.Match[str]) -> tuple[str, tuple[int, ...]] | None:
        lo, hi = w.year_parts[_part_key(m["part"])]
        return "y_part", (_year(m["year"]), lo, hi)

    modes = {"last": -1, "past": -1, "previous": -1, "next": 1, "coming": 1, "this": 2}

    def rel_month(m: re.Match[str]) -> tuple[str, tuple[int, ...]] | None:
        return "m", (month_names[m["month"]], modes[m["mod"].lower()])

    def cue_month(m: re.Match[str]) -> tuple[str, tuple[int, ...]] | None:
        return "m", (month_names[m["month"]], 0)

    def cue_year(m: re.Match[str]) -> tuple[str, tuple[int, ...]] | None:
        return "y", (_year(m["year"]),)

    def rel_day(m: re.Match[str]) -> tuple[str, tuple[int, ...]] | None:
        key = " ".join(m[0].lower().split())
        if w.relative_days[key] == 0 and m.string[m.end() : m.end() + 2] in {"'s", "’s"}:
            return None  # "today's Turkey" is the present age, not a day
        return "rel_day", (w.relative_days[key],)

    def weekday_h(m: re.Match[str]) -> tuple[str, tuple[int, ...]] | None:
        mod = (m["mod"] or "").lower()
        return "weekday", (w.weekdays[m["wd"]], modes.get(mod, 0))

    def ord_day(m: re.Match[str]) -> tuple[str, tuple[int, ...]] | None:
        return "d", (int(m["day"]),)

    def count_of(raw: str | None, default: tuple[int, int]) -> tuple[int, int]:
        if not raw:
            return default
        key = " ".join(raw.lower().split())
        if key.isdigit():
            return int(key), int(key)
        return w.counts[key]

    unit_days = {"day": 1, "week": 7, "month": 0, "year": -1}

    def ago(m: re.Match[str]) -> tuple[str, tuple[int, ...]] | None:
        lo, hi = count_of(m["count"], (1, 1))
        unit = m["unit"].lower().rstrip("s")
        if unit == "year":
            return None  # round figure: see [vague] in dates.toml
        return "ago", (unit_days[unit], lo, hi)

    def span_back(m: re.Match[str]) -> tuple[str, tuple[int, ...]] | None:
        _, hi = count_of(m["count"], (3, 7) if m["unit"].lower().endswith("s") else (1, 1))
        unit = m["unit"].lower().rstrip("s")
        return "back", (unit_days[unit], hi)

    def rel_period(m: re.Match[str]) -> tuple[str, tuple[int, ...]] | None:
        which = m["which"].lower().split()[-1]
        offset = {"last": -1, "previous": -1, "past": -1, "this": 0, "next": 1, "coming": 1}[which]
        unit = m["unit"].lower()
        raw_part = (m["part"] or "").strip().lower()
        part_code = {"": 0, "earlier": 1, "later": 2}.get(raw_part, 3)
        if part_code == 3:
            key = _part_key(raw_part)
            table = w.year_parts if unit == "year" else w.month_parts
            if key not in table or unit in {"week", "weekend"}:
                return None
            lo, hi = table[key]
            return "period_part", ({"month": 30, "year": 365}[unit], offset, lo, hi)
        if which == "past" and unit in {"week", "month", "year"}:
            # "the past week" is the seven days before publication, not the calendar week.
            return "back", ({"week": 7, "month": 30, "year": 365}[unit], 1)
        return "period", ({"week": 7, "weekend": 2, "month": 30, "year": 365}[unit], offset, part_code)

    def vague(m: re.Match[str]) -> tuple[str, tuple[int, ...]] | None:
        return "vague", ()

    cue_m = _alt(w.before_month, ci=True)
    cue_y = _alt(w.before_year, ci=True)
    rel_days = _alt(list(w.relative_days), ci=True)
    pats = [
        ("iso", rf"\b(?P<y>{year})-(?P<m>\d{{2}})-(?P<d>\d{{2}})(?![\d:])", ymd),
        (
            "day_month",
            (
                rf"\b(?P<day>{day}){ordinal}?\s+(?:of\s+)?(?P<month>{any_month})"
                rf"(?:,?\s+(?P<year>{year}))?{tail}"
            ),
            day_month,
        ),
        (
            "month_day",
            rf"\b(?P<month>{any_month})\s+(?P<day>{day}){ordinal}?(?![\d:.,]\d)(?:,?\s+(?P<year>{year}))?{tail}",
            day_month,
        ),
        (
            "part_month",
            rf"\b(?P<part>{part})[-\s]+(?P<month>{full})(?:,?\s+(?P<year>{year}))?{tail}",
            part_month,
        ),
        ("month_year", rf"\b(?P<month>{any_month})\s+(?:of\s+)?(?P<year>{year}){tail}", month_year),
        ("part_year", rf"\b(?P<part>{part})[-\s]+(?P<year>{year}){tail}", part_year),
        (
            "rel_month",
            rf"\b(?P<mod>(?i:last|past|previous|next|coming|this))\s+(?P<month>{full})\b",
            rel_month,
        ),
        ("cue_month", rf"\b{cue_m}\s+(?P<month>{full})\b", cue_month),
        ("cue_year", rf"\b{cue_y}\s+(?P<year>{year}){tail}(?!['’]s)", cue_year),
        ("rel_day", rf"\b{rel_days}\b", rel_day),
        (
            "weekday",
            (
                rf"\b(?:(?P<mod>(?i:last|next|this|past|coming))\s+)?(?P<wd>{weekday})(?:['’]s)?"
                r"(?:\s+(?i:morning|afternoon|evening|night))?\b"
            ),
            weekday_h,
        ),
        ("ord_day", rf"\b(?i:on)\s+the\s+(?P<day>{day}){ordinal}\b(?!\s+(?:of\s+)?[A-Z])", ord_day),
        (
            "ago",
            rf"\b(?P<count>{counts}|\d{{1,2}})\s+(?P<unit>(?i:days?|weeks?|months?|years?))\s+(?i:ago)\b",
            ago,
        ),
        (
            "span_back",
            (
                rf"\b(?i:(?:over|in|during|within|for)\s+the\s+(?:last|past))\s+(?:(?P<count>{counts}|\d{{1,2}})\s+)?"
                r"(?P<unit>(?i:days|weeks|months))\b"
            ),
            span_back,
        ),
        (
            "recent",
            r"\b(?i:in\s+recent)\s+(?P<unit>(?i:days|weeks))\b(?P<count>)",
            span_back,
        ),
        (
            "period",
            (
                r"\b(?P<part>(?i:earlier|later|early|late|mid|the\s+(?:beginning|start|middle|end)\s+of)[-\s]+)?"
                r"(?P<which>(?i:last|this|next|the\s+previous|the\s+past|the\s+coming))\s+"
                r"(?P<unit>(?i:weekend|week|month|year))\b(?!['’]s)"
            ),
            rel_period,
        ),
    ]
    focus = {"cue_month": "month", "cue_year": "year", "ord_day": "day"}
    out = [_Pattern(name, re.compile(rx), h, focus=focus.get(name)) for name, rx, h in pats]
    out.append(_Pattern("vague", re.compile(rf"\b{_alt(w.vague, ci=True)}(?!\w)"), vague, vague=True))
    return tuple(out)


# --------------------------------------------------------------------------------------------------
# Finding


@lru_cache(maxsize=1)
def _prefilter() -> re.Pattern[str]:
    """A pattern every date expression contains somewhere: a digit or one of a few words.

    Most sentences name no date, and running the seventeen patterns over each costs more than
    the rest of dating. Each pattern needs a digit, a month name, a unit word ("day" also covers
    the weekdays, "yesterday", "today"), "ago", "recent", or a word of a relative-day or vague
    phrase; the longest word of each phrase stands for it. Case is ignored, so this only
    ever finds more than the patterns do, never less.
    """
    w = _words()
    words = {"day", "week", "month", "year", "ago", "recent", *w.months, *w.weekdays}
    for phrase in (*w.relative_days, *w.vague):
        words.add(max(phrase.split(), key=len))
    body = "|".join(re.escape(x) for x in sorted(words, key=len, reverse=True))
    return re.compile(rf"\d|(?i:{body})")


def find_date_expressions(text: str) -> list[DateMention]:
    """Every date expression in ``text``, in order, none overlapping (the longest wins).

    Mentions that bound a period ("since 2015") or are round figures ("a year ago") are included
    with ``open_ended`` / ``vague`` set, so a caller choosing the expression nearest an event's verb
    sees them and does not reach past them to an unrelated date.
    """
    return list(_find_cached(text))


@lru_cache(maxsize=2048)
def _find_cached(text: str) -> tuple[DateMention, ...]:
    """:func:`find_date_expressions`, memoised: the coder dates every event of a sentence, and a
    sentence often holds several (mentions are frozen, so sharing them is safe)."""
    if _prefilter().search(text) is None:
        return ()
    w = _words()
    found: list[tuple[int, int, int, str, tuple[int, ...], bool]] = []
    for order, pat in enumerate(_patterns()):
        for m in pat.regex.finditer(text):
            spec = pat.handler(m)
            if spec is None:
                continue
            rule, args = spec
            begin = m.start(pat.focus) if pat.focus else m.start()
            found.append((begin, m.end(), order, rule, args, pat.vague or rule == "vague"))
    # longest first, then pattern order; drop anything overlapping a kept mention
    found.sort(key=lambda f: (-(f[1] - f[0]), f[2], f[0]))
    kept: list[tuple[int, int, int, str, tuple[int, ...], bool]] = []
    for f in found:
        if any(f[0] < k[1] and k[0] < f[1] for k in kept):
            continue
        kept.append(f)
    kept.sort(key=lambda f: f[0])
    opener = re.compile(rf"\b{_alt(w.open_ended, ci=True)}\s+(?:(?i:the|on|in)\s+)?$")
    between = re.compile(r"\b(?i:between)\s+(?:(?i:the|on|in)\s+)?$")
    out: list[DateMention] = []
    for start, end, _, rule, args, is_vague in kept:
        before = text[max(0, start - 20) : start]
        open_ended = bool(opener.search(before))
        if out and re.fullmatch(r"\s+(?i:and|to)\s+(?:(?i:the|on|in)\s+)?", text[out[-1].end : start]):
            # the second end of "between 2014 and 2016" or "from Monday to Wednesday" bounds the same period
            first = out[-1]
            if first.open_ended or between.search(text[max(0, first.start - 20) : first.start]):
                open_ended = True
                out[-1] = replace(first, open_ended=True)
        out.append(
            DateMention(
                start=start,
                end=end,
                text=text[start:end],
                rule=rule,
                args=args,
                open_ended=open_ended,
                vague=is_vague,
            )
        )
    return tuple(out)


# --------------------------------------------------------------------------------------------------
# Resolving

_PRECISION_RANK = {"day": 0, "month": 1, "year": 2}


def parse_published(published: str | None) -> tuple[date, date, Precision] | None:
    """The range of days a publication date allows, and its precision.

    Accepts ``YYYY-MM-DD``, ``YYYY-MM``, ``YYYY`` and datetimes (``2018-09-15T10:00:00Z``: only the
    date counts). Anything else is logged and treated as unknown rather than guessed.
    """
    if not published:
        return None
    text = published.strip()
    m = re.match(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?(?:[T ].*)?$", text)
    if not m:
        logger.warning("publication date %r is not YYYY[-MM[-DD]]; treated as unknown", published)
        return None
    y = int(m[1])
    try:
        if m[3]:
            d = date(y, int(m[2]), int(m[3]))
            return d, d, "day"
        if m[2]:
            mo = int(m[2])
            return date(y, mo, 1), date(y, mo, calendar.monthrange(y, mo)[1]), "month"
        return date(y, 1, 1), date(y, 12, 31), "year"
    except ValueError:
        logger.warning("publication date %r is not a calendar date; treated as unknown", published)
        return None


def _reference_range(published: str | None) -> tuple[date, date] | None:
    parsed = parse_published(published)
    return (parsed[0], parsed[1]) if parsed else None


def _month_end(y: int, m: int) -> date:
    return date(y, m, calendar.monthrange(y, m)[1])


def _add_months(y: int, m: int, n: int) -> tuple[int, int]:
    k = y * 12 + (m - 1) + n
    return k // 12, k % 12 + 1


def _clamp_day(y: int, m: int, d: int) -> date:
    return date(y, m, min(d, calendar.monthrange(y, m)[1]))


def _interval(rule: str, args: tuple[int, ...], ref: date | None, future: bool) -> tuple[date, date] | None:
    """The days a mention can mean for reference day ``ref`` (None: no publication date known).

    Absolute rules ignore ``ref``; relative ones return None without it.
    """
    if rule == "ymd":
        day = date(*args)
        return day, day
    if rule == "ym":
        y, m = args
        return date(y, m, 1), _month_end(y, m)
    if rule == "ym_part":
        y, m, lo, hi = args
        return _clamp_day(y, m, lo), _clamp_day(y, m, hi)
    if rule == "y":
        return date(args[0], 1, 1), date(args[0], 12, 31)
    if rule == "y_part":
        y, lo, hi = args
        return date(y, lo, 1), _month_end(y, hi)
    if ref is None:
        return None
    if rule == "md":
        m, d = args
        y = ref.year
        candidate = _clamp_day(y, m, d)
        if future and candidate < ref:
            candidate = _clamp_day(y + 1, m, d)
        elif not future and candidate > ref:
            candidate = _clamp_day(y - 1, m, d)
        return candidate, candidate
    if rule in {"m", "m_part"}:
        m, mode = args[0], args[1]
        if mode == -1:  # "last September": the latest September before the publication month
            y = ref.year if m < ref.month else ref.year - 1
        elif mode == 1:  # "next September": the first one after the publication month
            y = ref.year if m > ref.month else ref.year + 1
        elif mode == 2:  # "this September"
            y = ref.year
        elif future:  # "will be held in December"
            y = ref.year if m >= ref.month else ref.year + 1
        else:  # "in September": the latest not after publication
            y = ref.year if m <= ref.month else ref.year - 1
        if rule == "m_part":
            return _clamp_day(y, m, args[2]), _clamp_day(y, m, args[3])
        return date(y, m, 1), _month_end(y, m)
    if rule == "d":
        d = args[0]
        y, m = ref.year, ref.month
        step = 1 if future else -1
        for _ in range(13):
            if d <= calendar.monthrange(y, m)[1]:
                candidate = date(y, m, d)
                if (future and candidate >= ref) or (not future and candidate <= ref):
                    return candidate, candidate
            y, m = _add_months(y, m, step)
        return None
    if rule == "rel_day":
        day = ref + timedelta(days=args[0])
        return day, day
    if rule == "weekday":
        wd, mode = args
        if mode == 1 or (mode in (0, 2) and future):
            delta = (wd - ref.weekday()) % 7 or 7  # the coming one, after publication
            day = ref + timedelta(days=delta)
        else:
            delta = (ref.weekday() - wd) % 7
            if mode == -1 and delta == 0:
                delta = 7  # "last Monday" written on a Monday is a week ago
            day = ref - timedelta(days=delta)
        return day, day
    if rule == "ago":
        unit, lo, hi = args
        if unit == 0:  # months
            y1, m1 = _add_months(ref.year, ref.month, -hi)
            y2, m2 = _add_months(ref.year, ref.month, -lo)
            return date(y1, m1, 1), _month_end(y2, m2)
        if unit == 1:
            return ref - timedelta(days=hi), ref - timedelta(days=lo)
        # "two weeks ago": the week around that day
        return ref - timedelta(days=unit * hi + 3), ref - timedelta(days=unit * lo - 3)
    if rule == "back":
        unit, hi = args
        if unit == 0:
            unit = 30
        return ref - timedelta(days=unit * hi), ref - timedelta(days=1)
    if rule == "period":
        length, offset, part = args
        first: date
        last: date
        if length in (7, 2):  # calendar weeks start on Monday; a weekend is Saturday-Sunday
            monday = ref - timedelta(days=ref.weekday()) + timedelta(days=7 * offset)
            first, last = monday, monday + timedelta(days=6)
            if length == 2:
                if offset == 0 and ref.weekday() < 5:
                    monday -= timedelta(days=7)  # "this weekend" read before Saturday: treat as the last one
                first, last = monday + timedelta(days=5), monday + timedelta(days=6)
        elif length == 30:
            y, m = _add_months(ref.year, ref.month, offset)
            first, last = date(y, m, 1), _month_end(y, m)
        else:
            y = ref.year + offset
            first, last = date(y, 1, 1), date(y, 12, 31)
        if offset == 0 and part == 1:  # "earlier this month": from its start to the day before
            last = max(first, min(last, ref - timedelta(days=1)))
        elif offset == 0 and part == 2:  # "later this month"
            first = min(last, max(first, ref + timedelta(days=1)))
        return first, last
    if rule == "period_part":
        length, offset, lo_p, hi_p = args
        if length == 30:
            y, m = _add_months(ref.year, ref.month, offset)
            return _clamp_day(y, m, lo_p), _clamp_day(y, m, hi_p)
        y = ref.year + offset
        return date(y, lo_p, 1), _month_end(y, hi_p)
    return None


def _fix(lo: date, hi: date) -> tuple[str, Precision] | None:
    """The finest unit that holds the whole interval, as (date string, precision)."""
    if lo == hi:
        return lo.isoformat(), "day"
    if (lo.year, lo.month) == (hi.year, hi.month):
        return f"{lo.year:04d}-{lo.month:02d}", "month"
    if lo.year == hi.year:
        return f"{lo.year:04d}", "year"
    return None


def _resolve_mention(
    mention: DateMention, refs: tuple[date, date] | None, *, future: bool
) -> EventDate | None:
    ends = [refs[0], refs[1]] if refs else [None]
    spans = [_interval(mention.rule, mention.args, ref, future) for ref in ends]
    if any(s is None for s in spans):
        return None
    lo = min(s[0] for s in spans if s)
    hi = max(s[1] for s in spans if s)
    fixed = _fix(lo, hi)
    if fixed is None:
        return None
    return EventDate(date=fixed[0], precision=fixed[1], source="text")


_CLAUSE_BREAK = re.compile(r"[.;:!?\"“”()\[\]—–]|\s-\s|\b(?:as|while|but|whereas|although|because)\b")


def _is_future(text: str, mention: DateMention, lo: int, hi: int) -> bool:
    """Whether the clause around a mention speaks of the future ("will meet on Monday").

    A reporting verb or a past auxiliary right before the date wins ("said on Wednesday it will",
    "as Paris did in April"); otherwise a future marker anywhere in the clause decides.
    """
    w = _words()
    before = text[lo : mention.start]
    prev = re.findall(r"[\w'’]+", before[-40:])
    prev = [p.lower() for p in prev]
    while prev and prev[-1] in {"on", "in", "last", "this", "the", "early", "late", "mid", "for"}:
        prev.pop()
    if prev and (prev[-1] in w.reporting_verbs or prev[-1] in w.past_markers):
        return False
    start = lo
    for m in _CLAUSE_BREAK.finditer(text, lo, mention.start):
        start = m.end()
    end = hi
    m2 = _CLAUSE_BREAK.search(text, mention.end, hi)
    if m2:
        end = m2.start()
    clause = " " + " ".join(text[start:end].lower().split()) + " "
    for marker in w.future_markers:
        if re.search(rf"(?<![\w'’]){re.escape(marker)}(?!\w)", clause):
            return True
    return False


def resolve_event_date(
    text: str,
    published: str | None,
    *,
    start: int = 0,
    end: int | None = None,
    future: bool | None = None,
    anchor: int | None = None,
) -> EventDate:
    """The date the sentence ``text[start:end]`` fixes for its event, read against ``published``.

    - ``future``: True when the event lies after publication ("will meet on Monday" is the coming
      Monday), False when before; None (the default) decides per expression from its clause
      (future markers such as "will", "is due to"; a reporting verb or "did" right before the date
      keeps it in the past).
    - ``anchor``: offset in ``text`` of the event's trigger (its verb); with several expressions the
      nearest to it is used. Without it the most precise wins, then the first.

    When the sentence fixes nothing, the publication date stands in (``source="published"``, its own
    precision); with no publication date either, every field is None.
    """
    stop = len(text) if end is None else end
    sentence = text[start:stop]
    refs = _reference_range(published)
    candidates: list[tuple[DateMention, EventDate]] = []
    for mention in find_date_expressions(sentence):
        if not mention.fixes:
            continue
        fut = future if future is not None else _is_future(sentence, mention, 0, len(sentence))
        resolved = _resolve_mention(mention, refs, future=fut)
        if resolved is not None:
            candidates.append((mention, resolved))
    if candidates:
        if anchor is not None:
            rel = anchor - start

            def distance(c: tuple[DateMention, EventDate]) -> tuple[int, int]:
                m = c[0]
                return (0 if m.start <= rel < m.end else min(abs(m.start - rel), abs(m.end - rel)), m.start)

            best = min(candidates, key=distance)
        else:
            best = min(candidates, key=lambda c: (_PRECISION_RANK[c[1].precision or "year"], c[0].start))
        return best[1]
    parsed = parse_published(published)
    if parsed is None:
        return EventDate(None, None, None)
    lo, _, precision = parsed
    text_date = {"day": lo.isoformat(), "month": f"{lo.year:04d}-{lo.month:02d}", "year": f"{lo.year:04d}"}
    return EventDate(text_date[precision], precision, "published")
