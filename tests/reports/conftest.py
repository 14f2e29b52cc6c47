"""A small area whose report numbers are known by hand (see test_report_numbers)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from fieldcrm.store import Store
from tests.helpers.report_area import Area


@pytest.fixture
def area(tmp_path: Path) -> Iterator[Area]:
    store = Store(tmp_path / "fieldcrm.db")
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
