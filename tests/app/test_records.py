"""The typed rows of the use cases hold exactly what their TypedDicts declare: every field of
their entity, and what the queries really return."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from fieldcrm.app import customers, records, review, visits
from fieldcrm.domain.entities import ENTITIES
from fieldcrm.sampledata.demo import seed_demo
from fieldcrm.store import Store
from fieldcrm.store.feedback import add_feedback

RECORDS = {
    "customer": records.CustomerRecord,
    "contact": records.ContactRecord,
    "visit": records.VisitRecord,
    "note": records.NoteRecord,
    "followup": records.FollowupRecord,
    "comment": records.CommentRecord,
    "bulletin": records.BulletinRecord,
    "bulletin_receipt": records.BulletinReceiptRecord,
}


def keys(shape: Any) -> set[str]:
    return set(shape.__required_keys__) | set(shape.__optional_keys__)


@pytest.mark.parametrize("entity", sorted(RECORDS))
def test_a_record_has_every_field_of_its_entity(entity: str) -> None:
    assert keys(RECORDS[entity]) == {"id", *ENTITIES[entity].field_names, "deleted"}


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    store = Store(tmp_path / "db.sqlite")
    yield store
    store.close()


def shaped_as(rows: list[Any] | Mapping[str, Any], shape: Any) -> None:
    for row in rows if isinstance(rows, list) else [rows]:
        assert set(row) == keys(shape), shape.__name__
        assert not isinstance(row.get("deleted"), int) or isinstance(row["deleted"], bool)


def test_the_use_cases_return_rows_of_their_declared_shape(store: Store) -> None:
    user = seed_demo(store, customers=6)
    today = date.today()
    overview = visits.today_overview(store, None, today)
    listed = visits.visit_list(store)
    assert listed and overview["overdue_customers"]
    shaped_as(listed, records.VisitRow)
    shaped_as(overview["today"] + overview["week"], records.VisitRow)
    shaped_as(overview["overdue_customers"], records.OverdueCustomer)
    page = customers.customer_page(store, customers.CustomerFilter(), 0, 10)
    assert page
    shaped_as(page, customers.CustomerRow)

    visit = next(v for v in listed if v["status"] == "done")
    customer_id = visit["customer_id"]
    assert customer_id is not None
    customers.add_note(store, customer_id, {"text": "Lager besichtigt."}, user["id"])
    customers.add_followup(
        store, customer_id, {"title": "Angebot", "due_date": today.isoformat()}, user["id"]
    )
    add_feedback(store, visit["id"], user["id"], "Gut gemacht.")
    contact_id = store.create("contact", {"customer_id": customer_id, "last_name": "Kruse"})

    followups = visits.today_overview(store, None, today)["followups"]
    assert followups
    shaped_as(followups, records.OpenFollowup)
    detail = customers.customer_detail(store, customer_id)
    assert detail is not None
    shaped_as(detail["customer"], records.CustomerRecord)
    shaped_as(detail["contacts"], records.ContactRecord)
    shaped_as(detail["followups"], records.FollowupRecord)
    by_kind = {item["kind"]: item["record"] for item in detail["timeline"]}
    assert set(by_kind) == {"visit", "note", "comment"}
    shaped_as(by_kind["visit"], records.VisitRecord)
    shaped_as(by_kind["note"], records.NoteEntry)
    shaped_as(by_kind["comment"], records.CommentEntry)
    with_contacts = visits.visit_with_contacts(store, visit["id"])
    assert with_contacts is not None
    shaped_as(with_contacts["visit"], records.VisitRecord)
    assert contact_id in [c["id"] for c in with_contacts["contacts"]]
    shaped_as(with_contacts["contacts"], records.ContactName)
    assert isinstance(with_contacts["visit"]["attendee_ids"], list | type(None))

    conflicts, rejected = review.open_conflicts(store), review.rejected_changes(store)
    assert conflicts and rejected
    shaped_as(conflicts, records.ConflictRow)
    shaped_as(rejected, records.RejectedChangeRow)
