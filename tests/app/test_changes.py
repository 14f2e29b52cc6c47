"""Writes of the use cases say which kinds of record they changed."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from fieldcrm.app import Changes, customers, review, visits
from fieldcrm.app.changes import CONFLICT, REJECTED
from fieldcrm.sampledata.demo import seed_customers, seed_sync_outcomes, seed_user
from fieldcrm.store import Store


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    store = Store(tmp_path / "db.sqlite")
    yield store
    store.close()


def test_an_unknown_kind_is_refused() -> None:
    with pytest.raises(ValueError, match="custmer"):
        Changes.of("custmer")


def test_deleting_a_customer_changes_what_belongs_to_it(store: Store) -> None:
    user = seed_user(store)
    [customer_id] = seed_customers(store, user, 1)

    changes = customers.delete_customer(store, customer_id)

    assert changes.id == customer_id
    assert {"customer", "contact", "visit", "note", "followup"} <= changes.kinds
    assert CONFLICT not in changes.kinds


def test_a_report_with_next_steps_changes_the_visit_and_makes_a_followup(store: Store) -> None:
    user = seed_user(store)
    [customer_id] = seed_customers(store, user, 1)
    planned = visits.plan_visit(
        store, customer_id, {"planned_start": "2030-01-07T09:00:00Z"}, user["id"]
    )
    assert planned.kinds == {"visit"} and planned.id is not None

    report = visits.ReportInput(
        outcome="order",
        report="Talked about the spring order.",
        next_steps="Send the offer",
        followup_title="Send the offer",
        followup_due=date(2030, 1, 14),
    )
    changes = visits.save_report(store, planned.id, report, user["id"])

    assert changes.kinds == {"visit", "followup"}
    assert changes.id is not None and store.get("followup", changes.id) is not None
    without = visits.save_report(
        store, planned.id, visits.ReportInput("order", "Again.", ""), user["id"]
    )
    assert without.kinds == {"visit"} and without.id is None


def test_resolving_a_conflict_changes_the_record_only_when_a_value_is_written(
    store: Store,
) -> None:
    user = seed_user(store)
    customer_ids = seed_customers(store, user, 4)
    seed_sync_outcomes(store, user, customer_ids)
    seed_sync_outcomes(store, user, customer_ids[2:])
    first, second = review.open_conflicts(store)[:2]

    kept = review.resolve_conflict(store, first["id"], "+49 40 1", write_value=True)
    accepted = review.resolve_conflict(store, second["id"], None, write_value=False)

    assert kept.kinds == {CONFLICT, first["entity"]}
    assert accepted.kinds == {CONFLICT}
    assert review.badges(store, user["id"]).conflicts == len(review.open_conflicts(store))


def test_discarding_a_rejected_change_changes_the_rejected_list(store: Store) -> None:
    user = seed_user(store)
    seed_sync_outcomes(store, user, seed_customers(store, user, 3))
    [rejected, *_] = review.rejected_changes(store)

    changes = review.discard_rejected_change(store, rejected["op_no"])

    assert REJECTED in changes.kinds
    assert all(r["op_no"] != rejected["op_no"] for r in review.rejected_changes(store))
