"""Event dates: what a sentence fixes, read against the publication date (detente.dates)."""

from __future__ import annotations

import json
import logging

import pytest

from detente.dates import EventDate, find_date_expressions, parse_published, resolve_event_date


def text_date(sentence: str, published: str | None, **kw: object) -> tuple[str | None, str | None]:
    got = resolve_event_date(sentence, published, **kw)  # type: ignore[arg-type]
    assert got.source == "text", got
    return got.date, got.precision


# -- days relative to publication ------------------------------------------------------------------


def test_yesterday_in_an_article_of_15_september_2018_is_the_14th() -> None:
    assert text_date("Turkey sent troops to Idlib yesterday.", "2018-09-15") == ("2018-09-14", "day")


def test_today_and_last_night_count_from_the_publication_day() -> None:
    assert text_date("Talks resume today in Geneva.", "2020-02-03") == ("2020-02-03", "day")
    assert text_date("Rockets hit the base last night.", "2020-02-03") == ("2020-02-02", "day")


def test_two_days_ago_is_a_day_and_three_months_ago_a_month() -> None:
    assert text_date("The envoy arrived two days ago.", "2018-09-15") == ("2018-09-13", "day")
    assert text_date("The deal was signed three months ago.", "2018-09-15") == ("2018-06", "month")


# -- weekdays -------------------------------------------------------------------------------------


def test_on_wednesday_is_the_latest_wednesday_on_or_before_publication() -> None:
    # 2018-09-15 is a Saturday
    assert text_date("On Wednesday, a Turkish source told Reuters it would retaliate.", "2018-09-15") == (
        "2018-09-12",
        "day",
    )
    assert text_date("The bombing in Istanbul on Saturday killed 38.", "2016-12-10") == ("2016-12-10", "day")


def test_weekday_without_on_and_with_a_time_of_day_is_still_that_day() -> None:
    assert text_date("At a press conference in Berlin Tuesday afternoon, Merkel spoke.", "2016-12-15") == (
        "2016-12-13",
        "day",
    )


def test_saturdays_bombing_is_a_day() -> None:
    assert text_date("Saturday's bombing was claimed by TAK.", "2016-12-15") == ("2016-12-10", "day")


def test_a_future_verb_makes_the_weekday_the_coming_one() -> None:
    sentence = "Putin and Erdogan will meet on Monday in Sochi."
    assert text_date(sentence, "2018-09-15") == ("2018-09-17", "day")
    assert text_date(sentence, "2018-09-15", future=False) == ("2018-09-10", "day")
    assert text_date("They met on Monday in Sochi.", "2018-09-15", future=True) == ("2018-09-17", "day")


def test_said_on_wednesday_stays_in_the_past_even_before_a_future_clause() -> None:
    assert text_date("Lavrov said on Wednesday that Russia will respond.", "2016-12-15") == (
        "2016-12-14",
        "day",
    )


def test_last_monday_written_on_a_monday_is_a_week_earlier() -> None:
    assert text_date("The talks collapsed last Monday.", "2018-09-17") == ("2018-09-10", "day")


# -- months ---------------------------------------------------------------------------------------


def test_last_september_in_an_article_of_may_2019_is_2018_09() -> None:
    assert text_date("Moscow and Ankara reached a deal last September.", "2019-05") == ("2018-09", "month")


def test_last_september_in_october_is_the_september_just_gone() -> None:
    assert text_date("They signed it last September.", "2019-10-02") == ("2019-09", "month")
    assert text_date("They signed it last September.", "2019-09-20") == ("2018-09", "month")


def test_in_april_is_the_latest_april_not_after_publication() -> None:
    assert text_date("Washington, London and Paris struck Syria in April.", "2018-09-15") == (
        "2018-04",
        "month",
    )
    assert text_date("The truce collapsed in October.", "2018-09-15") == ("2017-10", "month")


def test_as_paris_did_in_april_is_past_despite_a_will_earlier_in_the_sentence() -> None:
    sentence = "They will react by bombing Syria—as Washington, London and Paris did in April."
    assert text_date(sentence, "2018-09-15") == ("2018-04", "month")


def test_elections_scheduled_for_december_are_the_coming_december() -> None:
    assert text_date("Elections scheduled for December will take place.", "2021-09-28") == (
        "2021-12",
        "month",
    )


def test_earlier_this_month_and_last_month() -> None:
    assert text_date("Earlier this month, Kerry negotiated a deal with Russia.", "2016-09") == (
        "2016-09",
        "month",
    )
    assert text_date("Kurtulmus told MEMO last month the operation would stop.", "2016-12-15") == (
        "2016-11",
        "month",
    )
    assert text_date("Kurtulmus spoke last month.", "2017-01-10") == ("2016-12", "month")


def test_month_parts_give_month_precision() -> None:
    assert text_date("Turkish troops were targeted in early May.", "2019-05-20") == ("2019-05", "month")
    assert text_date("Fighting resumed in mid-April.", "2019-05-20") == ("2019-04", "month")
    assert text_date("The offensive began in late August 2019.", None) == ("2019-08", "month")


# -- weeks and spans ------------------------------------------------------------------------------


def test_last_week_is_the_month_when_the_whole_week_lies_in_one() -> None:
    assert text_date("The ministers met last week.", "2018-09-15") == ("2018-09", "month")


def test_last_week_across_two_months_is_only_the_year() -> None:
    # 2018-10-03 is a Wednesday: last week ran from 24 to 30 September
    assert text_date("The ministers met last week.", "2018-10-03") == ("2018-09", "month")
    # 2018-09-05: last week ran from 27 August to 2 September
    assert text_date("The ministers met last week.", "2018-09-05") == ("2018", "year")


def test_over_the_last_several_days_is_the_publication_month() -> None:
    sentence = "Over the last several days, however, US officials blocked the offensive."
    assert text_date(sentence, "2018-09-15") == ("2018-09", "month")


# -- years ----------------------------------------------------------------------------------------


def test_late_2019_is_a_year_and_the_end_of_this_year_is_december() -> None:
    assert text_date("The campaign ended in late 2019.", "2021-09-28") == ("2019", "year")
    assert text_date("The withdrawal could happen at the end of this year.", "2021-09-28") == (
        "2021-12",
        "month",
    )


def test_in_2015_and_last_year() -> None:
    assert text_date("Russia intervened in 2015.", "2019-05") == ("2015", "year")
    assert text_date("A deal was brokered last year.", "2021-09-28") == ("2020", "year")


# -- days of the month and full dates --------------------------------------------------------------


def test_on_the_3rd_is_the_latest_3rd_not_after_publication() -> None:
    assert text_date("The convoy was hit on the 3rd.", "2019-05-10") == ("2019-05-03", "day")
    assert text_date("The convoy was hit on the 3rd.", "2019-05-02") == ("2019-04-03", "day")


def test_on_april_27_takes_the_year_of_publication() -> None:
    sentence = "Two attacks by HTS killed 22 pro-regime fighters on April 27."
    assert text_date(sentence, "2019-05") == ("2019-04-27", "day")


def test_a_date_after_publication_belongs_to_the_year_before() -> None:
    assert text_date("Clashes broke out on December 30.", "2019-01-05") == ("2018-12-30", "day")


@pytest.mark.parametrize(
    "sentence",
    [
        "Lantier wrote on 15 September 2018 that talks had stalled.",
        "Lantier wrote on September 15, 2018 that talks had stalled.",
        "Lantier wrote on Sept. 15 2018 that talks had stalled.",
        "Lantier wrote on 2018-09-15 that talks had stalled.",
    ],
)
def test_full_dates_need_no_publication_date(sentence: str) -> None:
    assert text_date(sentence, None) == ("2018-09-15", "day")


def test_month_and_year_is_a_month() -> None:
    assert text_date("The Astana talks opened in January 2017.", None) == ("2017-01", "month")


# -- publication date precision --------------------------------------------------------------------


def test_yesterday_in_an_article_dated_only_to_the_month_fixes_only_the_year() -> None:
    # "yesterday" in May 2019 can be 30 April: the month is not fixed, the year is.
    assert text_date("Officials met yesterday.", "2019-05") == ("2019", "year")


def test_yesterday_in_an_article_of_january_fixes_nothing_and_the_publication_date_stands_in() -> None:
    assert resolve_event_date("Officials met yesterday.", "2019-01") == EventDate(
        "2019-01", "month", "published"
    )


def test_last_september_in_an_article_dated_only_to_the_year_is_not_fixed() -> None:
    assert resolve_event_date("They signed it last September.", "2019") == EventDate(
        "2019", "year", "published"
    )


def test_earlier_this_month_in_a_month_dated_article_is_that_month() -> None:
    assert text_date("Earlier this month, envoys met.", "2016-09") == ("2016-09", "month")


def test_relative_expressions_without_a_publication_date_fix_nothing() -> None:
    assert resolve_event_date("Officials met yesterday.", None) == EventDate(None, None, None)


def test_a_sentence_without_a_date_gets_the_publication_date_with_its_precision() -> None:
    assert resolve_event_date("Russia and Turkey are talking.", "2016-12-15") == EventDate(
        "2016-12-15", "day", "published"
    )
    assert resolve_event_date("Russia and Turkey are talking.", "2019-05") == EventDate(
        "2019-05", "month", "published"
    )
    assert resolve_event_date("Russia and Turkey are talking.", None) == EventDate(None, None, None)


def test_a_datetime_publication_counts_by_its_date_and_garbage_is_unknown(
    caplog: pytest.LogCaptureFixture,
) -> None:
    assert text_date("They met yesterday.", "2018-09-15T10:30:00Z") == ("2018-09-14", "day")
    with caplog.at_level(logging.WARNING, logger="detente.dates"):
        assert parse_published("15/09/2018") is None
    assert "15/09/2018" in caplog.text


# -- false-positive traps ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "sentence",
    [
        "Putin may meet Erdogan soon.",
        "May God protect Syria, the cleric said.",
        "Protesters joined the march on Ankara.",
        "March organisers said thousands came.",
        "A 27-year-old man was killed.",
        "HTS killed 22 pro-regime fighters.",
        "Some 2015 people fled the town.",
        "Moscow is holding its largest exercises since World War II.",
        "Turkey reinforced its 12 military posts.",
        "Turkey hosts 3.7 million Syrians.",
        "Today's Turkey is a regional power.",
        "The 3rd Armoured Division moved on the 3rd Brigade's positions.",
    ],
)
def test_words_that_look_like_dates_are_not_dates(sentence: str) -> None:
    got = resolve_event_date(sentence, "2019-05-10")
    assert got.source == "published", (sentence, got, find_date_expressions(sentence))


def test_before_yesterday_and_since_2015_bound_a_period_and_fix_nothing() -> None:
    got = resolve_event_date("Before yesterday, Moscow had made clear it would attack.", "2018-09-15")
    assert got.source == "published"
    mentions = find_date_expressions("Before yesterday, Moscow had made clear it would attack.")
    assert [m.text for m in mentions] == ["yesterday"] and mentions[0].open_ended
    assert resolve_event_date("Turkey has fought the PKK since 2015.", "2019").source == "published"


def test_a_year_ago_is_a_round_figure_not_a_date() -> None:
    sentence = "A year ago, the Turkish air force shot down a Russian warplane."
    assert resolve_event_date(sentence, "2016-12-15").source == "published"
    assert find_date_expressions(sentence)[0].vague


# -- several expressions, offsets -----------------------------------------------------------------------


def test_find_date_expressions_gives_offsets_into_the_text() -> None:
    text = "Putin and Erdogan spoke on Wednesday, after clashes last September and in late 2019."
    mentions = find_date_expressions(text)
    assert [m.text for m in mentions] == ["Wednesday", "last September", "late 2019"]
    assert all(text[m.start : m.end] == m.text for m in mentions)


def test_with_several_expressions_the_most_precise_wins_unless_an_anchor_is_given() -> None:
    text = "The leaders will meet on Wednesday in Sochi, while elections scheduled for December may slip."
    assert text_date(text, "2021-09-28") == ("2021-09-29", "day")
    anchor = text.index("scheduled")
    assert text_date(text, "2021-09-28", anchor=anchor) == ("2021-12", "month")


def test_start_and_end_select_the_sentence_within_an_article() -> None:
    article = "Turkey shelled Afrin yesterday. Russia bombed Idlib last September."
    second = article.index("Russia")
    assert resolve_event_date(article, "2019-05-10", start=second).date == "2018-09"
    assert resolve_event_date(article, "2019-05-10", start=0, end=second).date == "2019-05-09"


def test_mention_resolves_on_its_own() -> None:
    (mention,) = find_date_expressions("They met last September.")
    assert mention.resolve("2019-05") == EventDate("2018-09", "month", "text")
    (vague,) = find_date_expressions("They met a year ago.")
    assert vague.resolve("2019-05") is None


# -- the seed gold ---------------------------------------------------------------------------------------


def test_event_dates_of_the_seed_gold_agree_at_least_85_percent(shared_dir) -> None:  # type: ignore[no-untyped-def]
    gold = shared_dir / "gold" / "seeds.jsonl"
    if not gold.is_file():
        pytest.skip("no seed gold")
    total = agree = 0
    for line in gold.read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        got = resolve_event_date(row["text"], row["published"])
        for ev in row["events"]:
            total += 1
            if ev["date"]:
                agree += got.source == "text" and got.date == ev["date"]
            else:
                agree += got.source != "text"
    assert total > 0 and agree / total >= 0.85


def test_on_march_5_is_a_date_but_the_march_is_not() -> None:
    assert text_date("Clashes erupted on March 5 near Saraqib.", "2020-03-20") == ("2020-03-05", "day")
    assert resolve_event_date("Thousands joined the march on March 5.", "2020-03-20").date == "2020-03-05"


def test_three_weeks_later_has_no_anchor_and_fixes_nothing() -> None:
    got = resolve_event_date("Three weeks later, Turkey launched its offensive.", "2019-10-20")
    assert got == EventDate("2019-10-20", "day", "published")


def test_both_ends_of_a_range_bound_a_period_and_fix_nothing() -> None:
    for sentence in (
        "Turkey fought the PKK between 2014 and 2016.",
        "The talks ran from Monday to Wednesday.",
    ):
        got = resolve_event_date(sentence, "2018-09-15")
        assert got.source == "published", (sentence, find_date_expressions(sentence))
        assert all(m.open_ended for m in find_date_expressions(sentence))
