"""Each manager report's numbers on a small dataset whose answers are known by hand."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest

from fieldcrm.reports import ReportFilter, compute_report
from fieldcrm.store import Store

NOVEMBER = ReportFilter(date(2026, 11, 1), date(2026, 11, 30))


@dataclass
class Area:
    store: Store
    ids: dict[str, str]


@pytest.fixture
def area(tmp_path: Path) -> Iterator[Area]:
    store = Store(tmp_path / "manager.db")
    ids: dict[str, str] = {}
    with store.write() as w:
        ids["north"] = w.create("territory", {"name": "North"})
        ids["south"] = w.create("territory", {"name": "South"})
        ids["anna"] = w.create(
            "user", {"username": "anna", "display_name": "Anna Berg", "territory_id": ids["north"]}
        )
        ids["ben"] = w.create(
            "user", {"username": "ben", "display_name": "Ben Kraus", "territory_id": ids["south"]}
        )

        def customer(key: str, territory: str, owner: str, cadence: int | None) -> None:
            ids[key] = w.create(
                "customer",
                {
                    "name": f"Customer {key}",
                    "number": key,
                    "city": "Köln",
                    "territory_id": ids[territory],
                    "owner_id": ids[owner],
                    "status": "active",
                    "visit_cadence_days": cadence,
                },
            )

        customer("C1", "north", "anna", 30)
        customer("C2", "north", "anna", 14)
        customer("C3", "north", "anna", None)  # no cadence: not in coverage or overdue
        customer("C4", "south", "ben", 30)  # never visited
        customer("C5", "south", "ben", 60)

        def visit(customer_key: str, rep: str, status: str, start: str, **extra: str) -> None:
            w.create(
                "visit",
                {
                    "customer_id": ids[customer_key],
                    "rep_id": ids[rep],
                    "status": status,
                    "planned_start": start,
                    **extra,
                },
            )

        visit(
            "C1",
            "anna",
            "done",
            "2026-11-10T09:00:00Z",
            check_in_at="2026-11-10T10:00:00Z",
            check_out_at="2026-11-10T11:30:00Z",
            outcome="order",
        )
        visit(
            "C2",
            "anna",
            "done",
            "2026-10-01T09:00:00Z",
            check_in_at="2026-10-01T09:00:00Z",
            check_out_at="2026-10-01T10:00:00Z",
        )
        visit("C2", "anna", "planned", "2026-11-02T08:00:00Z")
        # Checked in, never checked out: counts as a done visit, not for the duration.
        visit(
            "C3",
            "anna",
            "done",
            "2026-11-20T13:00:00Z",
            check_in_at="2026-11-20T13:05:00Z",
            outcome="information",
        )
        visit("C4", "ben", "cancelled", "2026-11-15T10:00:00Z")
        # On the last day of the period: inside it.
        visit(
            "C5",
            "ben",
            "done",
            "2026-11-30T09:00:00Z",
            check_in_at="2026-11-30T09:00:00Z",
            check_out_at="2026-11-30T09:30:00Z",
        )
        # The day after the period: outside it.
        visit("C5", "ben", "planned", "2026-12-01T09:00:00Z")

        def followup(customer_key: str, rep: str, due: str, done_at: str | None = None) -> None:
            w.create(
                "followup",
                {
                    "customer_id": ids[customer_key],
                    "assignee_id": ids[rep],
                    "title": "Call back",
                    "due_date": due,
                    "done_at": done_at,
                },
            )

        followup("C1", "anna", "2026-11-20")  # open, overdue
        followup("C2", "anna", "2026-12-05")  # open, not yet due
        followup("C4", "ben", "2026-11-01", "2026-11-02T10:00:00Z")  # done in time
        followup("C5", "ben", "2026-11-25", "2026-12-02T10:00:00Z")  # done after the period
    yield Area(store, ids)
    store.close()


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
