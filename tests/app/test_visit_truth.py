"""Visits tell the truth: a report filed days later never makes a visit of days, durations
count only visits with both times and flag the implausible, "as of" is never ahead."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from fieldcrm.app import visits
from fieldcrm.app.reports import data_as_of
from fieldcrm.domain.validation import ValidationError
from fieldcrm.reports import ReportFilter, compute_report
from fieldcrm.sampledata.demo import seed_customers, seed_user
from fieldcrm.store import Store
from fieldcrm.store.meta import LAST_SYNC_KEY


@pytest.fixture
def world(tmp_path: Path) -> Any:
    store = Store(tmp_path / "db.sqlite")
    user = seed_user(store)
    [customer] = seed_customers(store, user, 1, with_children=False)
    yield store, user, customer
    store.close()


def _planned(store: Store, user: dict[str, Any], customer: str, start: str) -> str:
    made = visits.plan_visit(store, customer, {"planned_start": start}, user["id"]).id
    assert made is not None
    return made


def test_a_report_on_a_visit_never_checked_in_keeps_its_times_empty_or_takes_the_real_ones(
    world: Any,
) -> None:
    store, user, customer = world
    old = _planned(store, user, customer, "2026-11-22T09:00:00Z")
    visits.save_report(store, old, visits.ReportInput("order", "Late report", ""), user["id"])
    row = store.get("visit", old)
    assert row is not None
    assert (row["status"], row["check_in_at"], row["check_out_at"]) == ("done", None, None)

    told = _planned(store, user, customer, "2026-11-23T09:00:00Z")
    report = visits.ReportInput(
        "order",
        "With times",
        "",
        check_in_at="2026-11-23T09:10:00Z",
        check_out_at="2026-11-23T10:00:00Z",
    )
    visits.save_report(store, told, report, user["id"])
    row = store.get("visit", told)
    assert row is not None
    assert (row["check_in_at"], row["check_out_at"]) == (
        "2026-11-23T09:10:00Z",
        "2026-11-23T10:00:00Z",
    )

    wrong = _planned(store, user, customer, "2026-11-24T09:00:00Z")
    pending = store.pending_count()
    backwards = visits.ReportInput(
        "order", "", "", check_in_at="2026-11-24T10:00:00Z", check_out_at="2026-11-24T09:00:00Z"
    )
    with pytest.raises(ValidationError) as refused:
        visits.save_report(store, wrong, backwards, user["id"])
    assert refused.value.fields == ("check_out_at",)
    assert store.pending_count() == pending
    assert store.get("visit", wrong)["status"] == "planned"


def test_durations_count_visits_with_both_times_and_flag_those_over_12_hours(world: Any) -> None:
    store, user, customer = world
    for start, end in (
        ("2026-11-02T09:00:00Z", "2026-11-02T10:00:00Z"),  # 60 minutes
        ("2026-11-03T09:00:00Z", "2026-11-03T09:30:00Z"),  # 30 minutes
        ("2026-11-04T08:00:00Z", "2026-11-14T08:00:00Z"),  # ten days: flagged
        (None, None),  # no times: not counted
    ):
        visit = _planned(store, user, customer, start or "2026-11-05T09:00:00Z")
        report = visits.ReportInput("order", "", "", check_in_at=start, check_out_at=end)
        visits.save_report(store, visit, report, user["id"])
    with store.read() as conn:
        table = compute_report(
            conn, "duration", ReportFilter(date(2026, 11, 1), date(2026, 11, 30))
        )
    [row] = table.rows
    assert (row["visits"], row["average_minutes"], row["flagged"]) == (2, 45.0, 1)


def test_as_of_is_never_in_the_future(world: Any) -> None:
    store, user, customer = world
    now = datetime(2026, 12, 3, 8, 0, tzinfo=UTC)
    store.set_meta(LAST_SYNC_KEY, "2026-12-05T10:00:00Z")  # synced while the clock ran ahead
    assert data_as_of(store, now) == "2026-12-03T08:00:00Z"
    store.set_meta(LAST_SYNC_KEY, "2026-12-02T10:00:00Z")
    assert data_as_of(store, now) == "2026-12-02T10:00:00Z"
    # A follow-up due the day after tomorrow is not "overdue as of" a period ending next year.
    store.create(
        "followup",
        {
            "customer_id": customer,
            "assignee_id": user["id"],
            "title": "Call",
            "due_date": date.today() + timedelta(days=2),
        },
    )
    flt = ReportFilter(date.today() - timedelta(days=30), date.today() + timedelta(days=365))
    with store.read() as conn:
        [row] = compute_report(conn, "followups", flt).rows
    assert (row["open"], row["overdue"]) == (1, 0)
