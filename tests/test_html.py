"""Page noise goes, every real sentence stays exactly as written (kept / dropped)."""

from __future__ import annotations

from pathlib import Path

import pytest

from detente.ingest.html import clean_html, guess_title, is_noise_line, outlet_from_text, strip_noise

PAGES = Path(__file__).parent / "data" / "pages"


def page(name: str) -> str:
    return (PAGES / name).read_text(encoding="utf-8")


@pytest.mark.parametrize(
    "line",
    [
        "We use cookies to provide some features and experiences in QOSHE",
        "More information\u00a0\u00a0.\u00a0\u00a0Close",
        "Accept all",
        "Aa Aa Aa",
        "- A +",
        "13 33 0",
        "1,204",
        "57.6 F",
        "14\u00b0C",
        "- Advertisement -",
        "Advertisement",
        "Latest Articles",
        "More From The Author",
        "Share this article",
        "Tweet Facebook WhatsApp",
        "Home | World | Politics",
        "\u00a9 Al Jazeera",
        "Copyright 2019 Reuters. All rights reserved.",
        "To contact the WSWS and the Socialist Equality Party visit:",
        "wsws.org/contact",
        "Alex Lantier 15 September 2018",
        "By Jane Roe",
        "Wednesday, May 8, 2024",
        "Updated: March 7, 2019 10:42 GMT",
    ],
)
def test_chrome_lines_are_noise(line: str) -> None:
    assert is_noise_line(line)


@pytest.mark.parametrize(
    "line",
    [
        "Shares in Gazprom fell after Ankara cancelled the pipeline talks.",
        "Copyright laws were among the disputes Moscow and Kyiv discussed.",
        "Contact between the two armies has been limited since 2020.",
        "Russia and Turkey agreed on 5 March 2020 to a ceasefire in Idlib.",
        "Idlib deadlock",
        "Home secretary meets her French counterpart over Channel crossings.",
        "By Monday, the two sides had exchanged prisoners.",
        "He said: \u201cWe use cookies in our bakery.\u201d",
    ],
)
def test_sentences_and_headings_are_not_noise(line: str) -> None:
    assert not is_noise_line(line)


def test_weather_widget_and_capture_date_are_dropped_title_and_body_kept() -> None:
    text = strip_noise(page("weather_capture.txt"))
    for dropped in (
        "48.2 F",
        "Vienna",
        "Thursday, October 3, 2024",
        "Advertisement",
        "Latest Articles",
        "More From The Author",
    ):
        assert dropped not in text
    assert text.startswith("Can Armenia and Azerbaijan turn a ceasefire into a treaty?\n\n")
    assert "Negotiators from Armenia and Azerbaijan met in Geneva on 14 March 2023" in text
    assert text.endswith("although Baku rejected a proposal for international monitors.")


def test_banner_font_controls_share_counter_and_copyright_are_dropped() -> None:
    raw = page("cookie_font_share.txt")
    text = strip_noise(raw)
    for dropped in ("cookies", "Accept all", "Aa Aa", "- A +", "21 48 3", "Share this", "Tweet", "\u00a9"):
        assert dropped not in text
    assert text.split("\n\n") == [
        "Ethiopia and Eritrea trade accusations over border build-up",
        (
            "Ethiopia accused Eritrea on Tuesday of massing troops near the town of Zalambessa, "
            "and Eritrea denied the charge within hours."
        ),
        (
            "The African Union called on both governments to respect the 2018 peace agreement and "
            "offered to host talks in Addis Ababa."
        ),
    ]
    assert outlet_from_text(raw) == "Horn Monitor"
    assert guess_title(text) == "Ethiopia and Eritrea trade accusations over border build-up"


def test_heading_markers_byline_and_contact_footer_are_dropped() -> None:
    text = strip_noise(page("byline_footer.txt"))
    assert "#" not in text
    assert "Priya Raman" not in text
    assert "contact" not in text and "newsdesk" not in text
    assert text.startswith("India and Pakistan agree to restore ceasefire along the Line of Control\n\n")
    assert "\n\nReactions\n\n" in text


def test_header_date_prefix_is_cut_and_the_sentence_after_it_kept() -> None:
    text = strip_noise(page("header_date.txt"))
    assert text.startswith("Beijing and Washington exchanged sharp words on Tuesday")


def test_a_sentence_split_by_a_blank_line_keeps_its_break() -> None:
    raw = "Advertisement\n\nAfter eight days of large-scale military\n\nexercises, the militia stayed.\n\n13 33 0\n"
    assert strip_noise(raw) == "After eight days of large-scale military\n\nexercises, the militia stayed."


def test_blank_lines_around_a_dropped_line_collapse_to_one_break() -> None:
    assert strip_noise("Talks began.\n\n- Advertisement -\n\nTalks ended.") == "Talks began.\n\nTalks ended."
    assert strip_noise("Talks began.\nAdvertisement\nTalks ended.") == "Talks began.\nTalks ended."


def test_no_break_spaces_inside_sentences_survive() -> None:
    raw = "57.6 F\nCambridge\nWednesday, May 8, 2024\n\nIn February of 2016,\u00a0similar agreements\u00a0failed."
    assert strip_noise(raw) == "In February of 2016,\u00a0similar agreements\u00a0failed."


def test_windows_line_ends_are_read_as_lines() -> None:
    assert strip_noise("Aa Aa Aa\r\n\r\nTurkey and Russia met.\r\n") == "Turkey and Russia met."


def test_html_page_body_title_outlet_and_date() -> None:
    result = clean_html(page("article.html"), url="https://www.balkandesk.example/2022/plates")
    assert result.title == "Serbia and Kosovo sign deal on car plates"
    assert result.outlet == "Balkan Desk"
    assert (result.published, result.published_source) == ("2022-11-24", "header")
    paragraphs = result.text.split("\n\n")
    assert paragraphs[0] == "Serbia and Kosovo sign deal on car plates"
    assert paragraphs[1].startswith("Serbia and Kosovo reached an agreement late on Wednesday")
    assert paragraphs[-1].startswith("Both governments said they would return to Brussels next month")
    for dropped in (
        "cookies",
        "Accept",
        "Home",
        "Aa Aa",
        "Advertisement",
        "Share",
        "\u00a9",
        "Privacy",
        "12 C",
        "Marko Petrovic",
        ".banner",
    ):
        assert dropped not in result.text


def test_short_html_page_falls_back_to_its_paragraphs() -> None:
    result = clean_html(page("short_time.html"))
    assert "Japan and South Korea resumed defence talks on Friday." in result.text
    assert result.published == "2023-06-02"


def test_title_suffix_naming_the_site_is_removed() -> None:
    html = (
        "<html><head><title>Talks resume in Doha - The Gulf Ledger</title>"
        '<meta property="og:site_name" content="The Gulf Ledger"></head>'
        "<body><p>Negotiators from both sides returned to Doha on Monday for a new round.</p></body></html>"
    )
    result = clean_html(html)
    assert result.title == "Talks resume in Doha"
    assert result.outlet == "The Gulf Ledger"


def test_outlet_falls_back_to_the_host_name() -> None:
    html = "<html><body><p>Negotiators returned to Doha on Monday for a new round of talks.</p></body></html>"
    assert clean_html(html, url="https://www.gulfledger.example/a/1").outlet == "gulfledger.example"


def test_markup_lxml_cannot_parse_still_gives_text() -> None:
    result = clean_html("   ")
    assert result.text == ""
