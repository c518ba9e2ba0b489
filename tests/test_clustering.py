"""The clusterer's sweep: it holds a stretch of time, not the history, and finds the same
clusters as comparing every report with every cluster."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from detente.clustering import Clusterer, ClusterState, Report, order_key, replay, report_of
from detente.spill import SpillRun
from test_merge import make_event


def every_cluster(reports: list[Report], window_days: int) -> list[int]:
    """The clustering rules read literally: each report is compared with every cluster so far.

    A point joins the compatible cluster seeded latest; an interval the compatible one with a
    fixed date nearest its end, else the nearest interval cluster; an undated report the
    first compatible undated cluster. No window, no retiring: the reference the sweep must match.
    """
    clusters: list[tuple[ClusterState, date | None]] = []
    numbers = []
    for report in sorted(reports, key=order_key):
        span = report.span
        mine = [
            (n, seed, c)
            for n, (c, seed) in enumerate(clusters)
            if {c.source, c.target} == {report.source, report.target}
            and c.undated == (span is None)
            and c.accepts(report, window_days)
        ]
        choice: int | None = None
        if mine and span is None:
            choice = min(n for n, _, _ in mine)
        elif mine and span is not None and span.point:
            choice = max((seed, n) for n, seed, _ in mine if seed is not None)[1]
        elif mine and span is not None:
            end = span.hi
            ranks = [
                (0 if c.point_lo is not None else 1, abs((end - (c.point_hi or c.cap_hi or seed or end)).days), n)
                for n, seed, c in mine
            ]
            choice = min(ranks)[2]
        if choice is None:
            clusters.append((ClusterState(report), None if span is None else span.lo))
            numbers.append(len(clusters) - 1)
        else:
            clusters[choice][0].add(report)
            numbers.append(choice)
    return numbers


def swept(reports: list[Report], window_days: int, memory_bytes: int = 0) -> list[int]:
    clusterer = Clusterer(window_days, memory_bytes=memory_bytes)
    return [clusterer.add(r) for r in sorted(reports, key=order_key)]


START = date(2019, 1, 1)

drawn_report = st.tuples(
    st.sampled_from([("RUS", "TUR"), ("TUR", "RUS"), ("SYR", "REBELS")]),
    st.sampled_from(["040", "043", "19", "195"]),
    # days after START: a busy season, or anywhere in two and a half years
    st.one_of(st.integers(min_value=50, max_value=130), st.integers(min_value=0, max_value=900)),
    st.sampled_from(["day", "published", "month", "published month", "year", "none"]),
    st.sampled_from([None, "Idlib"]),
)


def reports_of(drawn: list[tuple[tuple[str, str], str, int, str, str | None]], window_days: int) -> list[Report]:
    reports = []
    for i, ((src, tgt), code, offset, how, place) in enumerate(drawn):
        day = START + timedelta(days=offset)
        when = {"month": day.isoformat()[:7], "published month": day.isoformat()[:7], "year": day.isoformat()[:4]}
        text = None if how == "none" else when.get(how, day.isoformat())
        source = "published" if how.startswith("published") else "text"
        event = make_event(src, tgt, code, text, doc=f"d{i}", sentence=i, date_source=source, place=place)
        reports.append(report_of(event, window_days))
    return reports


@settings(max_examples=300, deadline=None)
@given(st.lists(drawn_report, max_size=60), st.integers(min_value=0, max_value=10))
def test_the_sweep_finds_the_clusters_of_comparing_every_report_with_every_cluster(
    drawn: list[tuple[tuple[str, str], str, int, str, str | None]], window: int
) -> None:
    reports = reports_of(drawn, window)
    assert swept(reports, window) == every_cluster(reports, window)


def busy_years(years: int) -> list[Report]:
    """A busy dyad: every day two strikes fixed by the text and one report dated only by its
    publication, and every month a summary dated to its month."""
    drawn = []
    for offset in range(years * 365):
        drawn.append((("RUS", "CIVILIANS"), "195", offset, "day", "Idlib"))
        drawn.append((("RUS", "CIVILIANS"), "190", offset, "day", None))
        drawn.append((("RUS", "CIVILIANS"), "195", offset, "published", None))
        if offset % 30 == 0:
            drawn.append((("RUS", "CIVILIANS"), "193", offset, "month", "Aleppo"))
    return reports_of(drawn, 3)


def test_a_longer_history_is_swept_holding_no_more_clusters_at_once() -> None:
    held = []
    for years in (2, 6):
        clusterer = Clusterer(3, memory_bytes=0)
        numbers = [clusterer.add(r) for r in sorted(busy_years(years), key=order_key)]
        assert clusterer.started == len(set(numbers)) > 150 * years
        held.append(clusterer.peak_held)
    # The widest interval (a month) bounds the window: the same few weeks of clusters either way.
    assert held[0] == held[1] < 100


def test_a_clusters_state_is_rebuilt_from_its_members_in_join_order() -> None:
    first, second = (
        report_of(make_event("RUS", "TUR", "040", "2019-05-01", doc="a", place=None), 3),
        report_of(make_event("TUR", "RUS", "040", "2019-05-03", doc="b", place="Sochi"), 3),
    )
    state = replay([first, second])
    assert (state.source, state.target, state.point_lo, state.point_hi) == (
        "RUS",
        "TUR",
        date(2019, 5, 1),
        date(2019, 5, 3),
    )
    assert state.location is not None and state.location.name == "Sochi"
    assert ClusterState.from_fields(state.fields()).fields() == state.fields()


def test_a_spill_run_gives_back_what_it_was_given_in_order_once() -> None:
    for memory_bytes in (0, 1 << 20):
        run = SpillRun(memory_bytes=memory_bytes)
        records = [(i, f"record {i}", None, (1.5, i % 3 == 0)) for i in range(5_000)]
        for record in records:
            run.append(record)
        assert run.count == 5_000
        assert list(run) == records
        try:
            list(run)
        except RuntimeError as exc:
            assert "only once" in str(exc)
        else:
            raise AssertionError("a spill run was read twice")
