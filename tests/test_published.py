"""How an article's publication date is found, and which dates on a page are not it."""

from __future__ import annotations

import datetime as dt

import pytest

from detente.ingest.published import capture_date_lines, find_published, latest_reference, normalise_date


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("2021-09-28", "2021-09-28"),
        ("2019-05", "2019-05"),
        ("2019", "2019"),
        ("2021-09-28T23:30:00-05:00", "2021-09-28"),
        ("2021/9/3", "2021-09-03"),
        (dt.datetime(2020, 2, 29, 12, 0), "2020-02-29"),
        (dt.date(2018, 9, 15), "2018-09-15"),
        ("15 September 2018", "2018-09-15"),
        ("Sept. 12, 2018", "2018-09-12"),
        ("September 2018", "2018-09"),
    ],
)
def test_given_dates_are_normalised(given: object, expected: str) -> None:
    assert normalise_date(given) == expected
    assert find_published("Any text at all.", given=given) == (expected, "given")


@pytest.mark.parametrize("bad", ["2021-02-30", "2021-13", "yesterday", "", None, True, 3.5])
def test_impossible_given_dates_are_not_dates(bad: object) -> None:
    assert normalise_date(bad) is None


def test_a_given_date_that_is_not_a_date_falls_back_to_the_page() -> None:
    assert find_published("ANKARA, March 5, 2019 (Reuters) - Talks began.", given="soon") == (
        "2019-03-05",
        "dateline",
    )


def test_labelled_date_at_the_top_is_the_header_date() -> None:
    text = " date 2021-09-28 Ankara and Moscow have long struggled to narrow their differences."
    assert find_published(text) == ("2021-09-28", "header")


def test_date_line_under_the_title_is_the_header_date() -> None:
    text = "Serbia and Kosovo sign a deal on car plates\nNovember 24, 2022\n\nThe deal was reached late."
    assert find_published(text) == ("2022-11-24", "header")


def test_updated_line_is_not_the_publication_date() -> None:
    text = "Updated: March 7, 2019\nPublished on March 5, 2019\n\nTalks resumed."
    assert find_published(text) == ("2019-03-05", "header")


def test_byline_with_a_date() -> None:
    text = "## A title about Idlib\n\nAlex Lantier 15 September 2018\n\nMoscow announced yesterday a delay."
    assert find_published(text) == ("2018-09-15", "byline")


def test_dateline_with_a_year() -> None:
    assert find_published("MOSCOW, Sept. 12, 2018 (AFP) \u2014 Russia began exercises.") == (
        "2018-09-12",
        "dateline",
    )


def test_dateline_without_a_year_takes_the_first_year_not_older_than_the_text() -> None:
    text = (
        "ANKARA, March 5 (Reuters) - Turkey will send a delegation to Moscow.\n\n"
        "Fighting has displaced a million people since December 2019."
    )
    assert find_published(text) == ("2020-03-05", "dateline")


def test_weather_widget_date_is_a_capture_date_not_a_publication_date() -> None:
    text = (
        "57.6 F\nCambridge\nWednesday, May 8, 2024\n\nWhat is the plan for Aleppo?\n\n"
        "Earlier this month the deal collapsed. In February of 2016, similar agreements failed."
    )
    assert capture_date_lines(text.split("\n")) == {2}
    assert find_published(text) == ("2016-02", "text")


def test_bare_date_alone_above_the_title_is_a_header_date() -> None:
    text = "March 5, 2019\n\nTurkey and Russia agree on new patrols\n\nThe two armies will patrol the road."
    assert capture_date_lines(text.split("\n")) == set()
    assert find_published(text) == ("2019-03-05", "header")


def test_latest_dated_reference_at_month_precision() -> None:
    text = "Talks failed in February 2016. A deal was signed on 9 September 2016, then collapsed."
    assert latest_reference(text) == "2016-09"
    assert find_published(text) == ("2016-09", "text")


def test_a_later_bare_year_beats_earlier_months() -> None:
    assert latest_reference("The plan of March 2018 was revived in 2020.") == "2020"


def test_future_references_are_not_publication_dates() -> None:
    future = dt.date.today().year + 5
    assert latest_reference(f"Elections are due in June {future}; talks began in May 2021.") == "2021-05"


def test_copyright_year_is_not_a_dated_reference() -> None:
    text = "Ethiopia accused Eritrea of massing troops.\n\n\u00a9 Horn Monitor 2024"
    assert find_published(text) == (None, "none")


def test_no_date_anywhere() -> None:
    assert find_published("Russian forces shelled a Turkish post on April 27.") == (None, "none")


def test_html_metadata_counts_as_the_header() -> None:
    page = (
        '<html><head><meta property="article:published_time" content="2022-11-24T07:45:00+01:00">'
        "</head><body><p>Text from 2020.</p></body></html>"
    )
    assert find_published("Text from 2020.", html=page) == ("2022-11-24", "header")


def test_json_ld_inside_a_graph() -> None:
    page = (
        '<html><head><script type="application/ld+json">{"@graph": [{"@type": "WebPage"},'
        '{"@type": "NewsArticle", "datePublished": "2017-04-07"}]}</script></head><body></body></html>'
    )
    assert find_published("", html=page) == ("2017-04-07", "header")


def test_time_element_inside_the_article() -> None:
    page = '<html><body><article><time datetime="2023-06-02">2 June</time><p>x</p></article></body></html>'
    assert find_published("x", html=page) == ("2023-06-02", "header")


def test_given_date_beats_the_page() -> None:
    page = '<html><head><meta name="date" content="2010-01-01"></head><body></body></html>'
    assert find_published("date 2011-02-02 x", given="2012-03", html=page) == ("2012-03", "given")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The memorandum was signed 2016-10-12 in Ankara.", "2016-10"),
        ("It was in my post from October 12/2016?", "2016-10"),
        ("On Wednesday, 14 December 2016, the evacuation began.", "2016-12"),
        ("Talks resumed in Sept. 2018 and again in March of 2019.", "2019-03"),
    ],
)
def test_dated_references_in_many_forms(text: str, expected: str) -> None:
    assert latest_reference(text) == expected


def test_inference_reads_a_long_article_to_its_end() -> None:
    text = "Talks went on. " * 20000 + "A deal followed in May 2019."
    assert find_published(text) == ("2019-05", "text")
