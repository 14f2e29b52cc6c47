"""Each manager report's numbers on a small dataset whose answers are known by hand."""

from __future__ import annotations

from datetime import date

import pytest

from fieldcrm.reports import ReportFilter, compute_report
from tests.helpers.report_area import NOVEMBER, Area


def rows(area: Area, name: str, flt: ReportFilter = NOVEMBER) -> list[dict[str, object]]:
    with area.store.read() as conn:
        return compute_report(conn, name, flt).rows


def test_visits_per_week_split_by_status(area: Area) -> None:
    got = [
        (r["rep"], r["week"], r["planned"], r["done"], r["cancelled"], r["total"])
        for r in rows(area, "visits_per_week")
    ]
    assert got == [
        ("Anna Berg", "2026-W45", 1, 0, 0, 1),
        ("Anna Berg", "2026-W46", 0, 1, 0, 1),
        ("Anna Berg", "2026-W47", 0, 1, 0, 1),
        ("Ben Kraus", "2026-W46", 0, 0, 1, 1),
        ("Ben Kraus", "2026-W49", 0, 1, 0, 1),
    ]


def test_visits_per_week_filtered_by_territory(area: Area) -> None:
    north = ReportFilter(NOVEMBER.date_from, NOVEMBER.date_to, territory_ids=(area.ids["north"],))
    assert {r["rep"] for r in rows(area, "visits_per_week", north)} == {"Anna Berg"}


def test_coverage_per_territory_and_rep(area: Area) -> None:
    got = {
        (r["level"], r["name"]): (r["customers"], r["covered"], r["share"])
        for r in rows(area, "coverage")
    }
    assert got == {
        ("territory", "North"): (2, 1, 50.0),
        ("territory", "South"): (2, 1, 50.0),
        ("rep", "Anna Berg"): (2, 1, 50.0),
        ("rep", "Ben Kraus"): (2, 1, 50.0),
    }


def test_coverage_filtered_by_rep(area: Area) -> None:
    ben = ReportFilter(NOVEMBER.date_from, NOVEMBER.date_to, rep_ids=(area.ids["ben"],))
    got = {(r["level"], r["name"]) for r in rows(area, "coverage", ben)}
    assert got == {("territory", "South"), ("rep", "Ben Kraus")}


def test_overdue_customers_never_visited_first(area: Area) -> None:
    got = [(r["number"], r["last_visit"], r["days_over"]) for r in rows(area, "overdue")]
    # C2: last visit 1 October, 60 days before 30 November, cadence 14 -> 46 days over.
    assert got == [("C4", None, None), ("C2", "2026-10-01", 46)]


def test_outcomes_of_done_visits_in_period(area: Area) -> None:
    got = {r["outcome"]: (r["visits"], r["share"]) for r in rows(area, "outcomes")}
    assert got == {"order": (1, 33.3), "information": (1, 33.3), "none": (1, 33.3)}


def test_average_duration_skips_visits_without_check_out(area: Area) -> None:
    got = [(r["rep"], r["visits"], r["average_minutes"]) for r in rows(area, "duration")]
    assert got == [("Anna Berg", 1, 90.0), ("Ben Kraus", 1, 30.0)]


def test_followups_open_and_overdue_at_period_end(area: Area) -> None:
    got = [(r["rep"], r["open"], r["overdue"]) for r in rows(area, "followups")]
    assert got == [("Anna Berg", 2, 1), ("Ben Kraus", 1, 1)]


def test_unknown_report_and_reversed_period_are_refused(area: Area) -> None:
    with pytest.raises(ValueError, match="unknown report"), area.store.read() as conn:
        compute_report(conn, "nonsense", NOVEMBER)
    with pytest.raises(ValueError, match="ends before it starts"):
        ReportFilter(date(2026, 11, 30), date(2026, 11, 1))


def test_team_overview_per_territory_and_rep(area: Area) -> None:
    import json

    from fieldcrm.reports.team import team_overview
    from fieldcrm.store.replica import TEAM_SYNC_KEY

    area.store.set_meta(TEAM_SYNC_KEY, json.dumps({area.ids["anna"]: "2026-11-30T07:00:00Z"}))
    with area.store.read() as conn:
        overview = team_overview(conn, date(2026, 11, 30))
    assert [(t.name, t.customers) for t in overview] == [("North", 3), ("South", 2)]
    anna = overview[0].reps[0]
    ben = overview[1].reps[0]
    assert (anna.name, anna.last_sync_at, anna.customers) == (
        "Anna Berg",
        "2026-11-30T07:00:00Z",
        3,
    )
    # Anna's last done visit (20 November) is ten days back: outside the last seven days.
    assert (anna.visits_done_last_7_days, anna.open_followups, anna.overdue_followups) == (0, 2, 1)
    # Ben: C5 done on 30 November (today) counts; the planned visit on 1 December is ahead.
    assert (ben.visits_done_last_7_days, ben.visits_planned_next_7_days) == (1, 1)
    assert ben.last_sync_at is None
