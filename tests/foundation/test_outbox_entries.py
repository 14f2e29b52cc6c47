"""The exact outbox entries that a create, an update and a delete write, for every entity."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from typing import Any

import pytest

from fieldcrm.domain.entities import ENTITIES
from fieldcrm.protocol import OutboxEntry
from fieldcrm.store import Store
from tests.helpers.world import START_MS, WallClock, World, make_world, snapshot, stamp


@dataclass
class Case:
    """What to write for one entity, and what the outbox must then say."""

    create: Callable[[World], dict[str, Any]]
    #: Every field of the created record, as stored and sent (normalised, defaults filled).
    created: Callable[[World], dict[str, Any]]
    update: dict[str, Any]
    #: The fields that really change, normalised (fields given with their old value are absent).
    updated: dict[str, Any]


CEST = timezone(timedelta(hours=2))

CASES: dict[str, Case] = {
    "territory": Case(
        create=lambda w: {"name": " Nord ", "parent_id": w.territory},
        created=lambda w: {"name": "Nord", "parent_id": w.territory},
        update={"name": "Nord-Ost", "parent_id": None},
        updated={"name": "Nord-Ost", "parent_id": None},
    ),
    "user": Case(
        create=lambda w: {"username": "ben", "display_name": "Ben", "territory_id": w.territory},
        created=lambda w: {
            "username": "ben",
            "display_name": "Ben",
            "role": "rep",
            "territory_id": w.territory,
            "active": True,
        },
        update={"display_name": "Ben Berger", "active": False, "username": "ben"},
        updated={"display_name": "Ben Berger", "active": False},
    ),
    "customer": Case(
        create=lambda w: {
            "number": "K-20002",
            "name": "Bäckerei Schröder",
            "street": "Hauptstraße 5",
            "postal_code": "20095",
            "city": "Hamburg",
            "country": "DE",
            "phone": "+49 40 123456",
            "email": " info@schroeder.example ",
            "territory_id": w.subterritory,
            "owner_id": w.rep,
            "status": "active",
            "segment": "A",
            "visit_cadence_days": 30,
            "latitude": 53.55,
            "longitude": 10,
        },
        created=lambda w: {
            "number": "K-20002",
            "name": "Bäckerei Schröder",
            "street": "Hauptstraße 5",
            "postal_code": "20095",
            "city": "Hamburg",
            "country": "DE",
            "phone": "+49 40 123456",
            "email": "info@schroeder.example",
            "territory_id": w.subterritory,
            "owner_id": w.rep,
            "status": "active",
            "segment": "A",
            "visit_cadence_days": 30,
            "latitude": 53.55,
            "longitude": 10.0,
        },
        update={"name": "Bäckerei Schröder & Sohn", "segment": "B", "city": "Hamburg"},
        updated={"name": "Bäckerei Schröder & Sohn", "segment": "B"},
    ),
    "contact": Case(
        create=lambda w: {
            "customer_id": w.customer,
            "first_name": "Eva",
            "last_name": "Schulz",
            "email": "eva.schulz@mueller.example",
        },
        created=lambda w: {
            "customer_id": w.customer,
            "first_name": "Eva",
            "last_name": "Schulz",
            "job_title": None,
            "phone": None,
            "mobile": None,
            "email": "eva.schulz@mueller.example",
            "touch_cadence_days": None,
        },
        update={"job_title": "Einkauf", "mobile": "+49 170 1234567", "email": ""},
        updated={"job_title": "Einkauf", "mobile": "+49 170 1234567", "email": None},
    ),
    "visit": Case(
        create=lambda w: {
            "customer_id": w.customer,
            "rep_id": w.rep,
            "planned_start": datetime(2026, 6, 3, 10, 0, tzinfo=CEST),
            "planned_end": "2026-06-03T11:30:00+02:00",
            "purpose": "Jahresgespräch",
            "attendee_ids": [w.contact, w.contact],
        },
        created=lambda w: {
            "customer_id": w.customer,
            "rep_id": w.rep,
            "status": "planned",
            "planned_start": "2026-06-03T08:00:00Z",
            "planned_end": "2026-06-03T09:30:00Z",
            "check_in_at": None,
            "check_out_at": None,
            "channel": "in_person",
            "purpose": "Jahresgespräch",
            "outcome": None,
            "report": None,
            "next_steps": None,
            "attendee_ids": [w.contact],
            "cancel_reason": None,
            "fixed_time": False,
        },
        update={
            "status": "done",
            "check_in_at": "2026-06-03T08:05:00Z",
            "check_out_at": "2026-06-03T09:10:00Z",
            "outcome": "order",
            "report": "Ordered 40 units.\n",
        },
        updated={
            "status": "done",
            "check_in_at": "2026-06-03T08:05:00Z",
            "check_out_at": "2026-06-03T09:10:00Z",
            "outcome": "order",
            "report": "Ordered 40 units.\n",
        },
    ),
    "note": Case(
        create=lambda w: {
            "customer_id": w.customer,
            "contact_id": w.contact,
            "author_id": w.rep,
            "text": "Wants a quote",
        },
        created=lambda w: {
            "customer_id": w.customer,
            "contact_id": w.contact,
            "visit_id": None,
            "author_id": w.rep,
            "text": "Wants a quote",
        },
        update={"text": "Wants a quote by Friday"},
        updated={"text": "Wants a quote by Friday"},
    ),
    "followup": Case(
        create=lambda w: {
            "customer_id": w.customer,
            "assignee_id": w.rep,
            "title": "Call back",
            "due_date": date(2026, 6, 15),
        },
        created=lambda w: {
            "customer_id": w.customer,
            "visit_id": None,
            "assignee_id": w.rep,
            "title": "Call back",
            "due_date": "2026-06-15",
            "done_at": None,
            "requested_by_id": None,
            "response": None,
            "response_note": None,
            "responded_at": None,
        },
        update={"done_at": datetime(2026, 6, 12, 17, 30, tzinfo=CEST), "due_date": "2026-06-16"},
        updated={"done_at": "2026-06-12T15:30:00Z", "due_date": "2026-06-16"},
    ),
    "comment": Case(
        create=lambda w: {
            "visit_id": w.visit,
            "customer_id": w.customer,
            "author_id": w.manager,
            "text": "Good report.",
        },
        created=lambda w: {
            "visit_id": w.visit,
            "customer_id": w.customer,
            "author_id": w.manager,
            "kind": "comment",
            "text": "Good report.",
            "read_at": None,
            "bulletin_id": None,
        },
        update={"text": "Good report, thanks.", "kind": "comment"},
        updated={"text": "Good report, thanks."},
    ),
    "relationship": Case(
        create=lambda w: {
            "customer_id": w.customer,
            "from_contact_id": w.colleague,
            "to_contact_id": w.contact,
            "kind": "reports_to",
        },
        created=lambda w: {
            "customer_id": w.customer,
            "from_contact_id": w.colleague,
            "to_contact_id": w.contact,
            "kind": "reports_to",
            "label": None,
            "reverse_label": None,
            "note": None,
        },
        update={"kind": "custom", "label": "mentors", "reverse_label": "is mentored by"},
        updated={"kind": "custom", "label": "mentors", "reverse_label": "is mentored by"},
    ),
    "connection": Case(
        create=lambda w: {
            "customer_id": w.customer,
            "contact_id": w.contact,
            "user_id": w.manager,
            "since": date(2019, 3, 1),
        },
        created=lambda w: {
            "customer_id": w.customer,
            "contact_id": w.contact,
            "user_id": w.manager,
            "strength": 3,
            "since": "2019-03-01",
            "note": None,
        },
        update={"strength": 5, "note": "Studied together in Aachen"},
        updated={"strength": 5, "note": "Studied together in Aachen"},
    ),
    "handover": Case(
        create=lambda w: {
            "customer_id": w.customer,
            "from_user_id": w.manager,
            "to_user_id": w.rep,
            "note": "Jürgen decides; call before 10.",
        },
        created=lambda w: {
            "customer_id": w.customer,
            "from_user_id": w.manager,
            "to_user_id": w.rep,
            "note": "Jürgen decides; call before 10.",
            "read_at": None,
        },
        update={"read_at": "2026-06-20T08:00:00Z"},
        updated={"read_at": "2026-06-20T08:00:00Z"},
    ),
    "attachment": Case(
        create=lambda w: {
            "customer_id": w.customer,
            "visit_id": w.visit,
            "author_id": w.rep,
            "name": "shelf.jpg",
            "media_type": "image/jpeg",
            "size": 1234,
            "sha256": "ab" * 32,
        },
        created=lambda w: {
            "customer_id": w.customer,
            "visit_id": w.visit,
            "note_id": None,
            "followup_id": None,
            "author_id": w.rep,
            "name": "shelf.jpg",
            "media_type": "image/jpeg",
            "size": 1234,
            "sha256": "ab" * 32,
            "thumbnail": None,
            "uploaded_at": None,
            "bulletin_id": None,
            "area_id": None,
            "title": None,
            "version": None,
        },
        update={"name": "  shelf, aisle 4.jpg "},
        updated={"name": "shelf, aisle 4.jpg"},
    ),
    "bulletin": Case(
        create=lambda w: {
            "area_id": w.territory,
            "author_id": w.manager,
            "title": " New price list ",
            "territory_ids": [w.subterritory, w.subterritory],
            "confirm_by": date(2026, 6, 30),
        },
        created=lambda w: {
            "area_id": w.territory,
            "author_id": w.manager,
            "title": "New price list",
            "body": None,
            "territory_ids": [w.subterritory],
            "rep_ids": [],
            "confirm_by": "2026-06-30",
            "posted_at": None,
        },
        update={"body": "Valid from July.", "title": "New price list"},
        updated={"body": "Valid from July."},
    ),
    "bulletin_receipt": Case(
        create=lambda w: {
            "bulletin_id": w.bulletin,
            "user_id": w.rep,
            "read_at": datetime(2026, 6, 3, 10, 0, tzinfo=CEST),
        },
        created=lambda w: {
            "bulletin_id": w.bulletin,
            "user_id": w.rep,
            "read_at": "2026-06-03T08:00:00Z",
            "confirmed_at": None,
        },
        update={"confirmed_at": "2026-06-03T08:05:00Z"},
        updated={"confirmed_at": "2026-06-03T08:05:00Z"},
    ),
}


def test_every_entity_has_a_case() -> None:
    assert set(CASES) == set(ENTITIES)


def _new_entries(s: Store, after_op: int) -> list[dict[str, Any]]:
    return [e for e in s.outbox_entries() if e["op_no"] > after_op]


def _last_op(s: Store) -> int:
    entries = s.outbox_entries()
    return entries[-1]["op_no"] if entries else 0


@pytest.mark.parametrize("entity", sorted(CASES))
def test_create_update_delete_write_exact_outbox_entries(
    store: Store, wall: WallClock, entity: str
) -> None:
    case = CASES[entity]
    world = make_world(store)
    field_names = ENTITIES[entity].field_names
    before = _last_op(store)

    t_create = wall.advance(10_000)
    row_id = store.create(entity, case.create(world))
    s1 = stamp(store, t_create)
    [created] = _new_entries(store, before)
    assert created == {
        "op_no": created["op_no"],
        "device_id": store.device_id,
        "entity": entity,
        "row_id": row_id,
        "op": "create",
        "fields": case.created(world),
        "stamps": dict.fromkeys(field_names, s1),
        "base_stamps": {},
        "created_at": "2026-06-01T08:00:10Z",
    }
    assert created["op_no"] > before
    assert set(created["fields"]) == set(field_names)
    row = store.get(entity, row_id)
    assert row is not None
    assert {k: row[k] for k in field_names} == case.created(world)
    assert row["stamps"] == dict.fromkeys(field_names, s1)

    t_update = wall.advance(60_000)
    changed = store.update(entity, row_id, case.update)
    s2 = stamp(store, t_update)
    assert changed == case.updated
    [updated] = _new_entries(store, created["op_no"])
    assert updated == {
        "op_no": updated["op_no"],
        "device_id": store.device_id,
        "entity": entity,
        "row_id": row_id,
        "op": "update",
        "fields": case.updated,
        "stamps": dict.fromkeys(case.updated, s2),
        "base_stamps": dict.fromkeys(case.updated, s1),
        "created_at": "2026-06-01T08:01:10Z",
    }
    assert updated["op_no"] > created["op_no"]
    row = store.get(entity, row_id)
    assert row is not None
    expected_stamps = dict.fromkeys(field_names, s1) | dict.fromkeys(case.updated, s2)
    assert row["stamps"] == expected_stamps
    assert {k: row[k] for k in field_names} == case.created(world) | case.updated

    t_delete = wall.advance(60_000)
    store.delete(entity, row_id)
    s3 = stamp(store, t_delete)
    [deleted] = _new_entries(store, updated["op_no"])
    assert deleted == {
        "op_no": deleted["op_no"],
        "device_id": store.device_id,
        "entity": entity,
        "row_id": row_id,
        "op": "delete",
        "fields": {},
        "stamps": {"_deleted": s3},
        "base_stamps": expected_stamps,
        "created_at": "2026-06-01T08:02:10Z",
    }
    assert deleted["op_no"] > updated["op_no"]
    assert store.get(entity, row_id) is None
    tombstone = store.get(entity, row_id, include_deleted=True)
    assert tombstone is not None
    assert tombstone["deleted"] is True
    assert tombstone["stamps"] == expected_stamps | {"_deleted": s3}
    # The tombstone keeps the last values, so a delete conflict can restore the record.
    assert {k: tombstone[k] for k in field_names} == case.created(world) | case.updated


def test_writes_in_one_millisecond_get_increasing_stamps(store: Store, wall: WallClock) -> None:
    with store.write() as uow:
        a = uow.create("territory", {"name": "A"})
        b = uow.create("territory", {"name": "B"})
        uow.update("territory", a, {"name": "A2"})
    entries = store.outbox_entries()
    assert [e["stamps"]["name"] for e in entries] == [
        stamp(store, START_MS, 0),
        stamp(store, START_MS, 1),
        stamp(store, START_MS, 2),
    ]
    assert [e["row_id"] for e in entries] == [a, b, a]
    assert [e["op_no"] for e in entries] == sorted({e["op_no"] for e in entries})


def test_customer_delete_tombstones_what_belongs_to_it(store: Store, wall: WallClock) -> None:
    world = make_world(store)
    second_contact = store.create("contact", {"customer_id": world.customer, "last_name": "Ott"})
    other = store.create("customer", {"name": "Other Ltd"})
    other_contact = store.create("contact", {"customer_id": other, "last_name": "Keep"})
    before = _last_op(store)
    t_delete = wall.advance(5000)

    store.delete("customer", world.customer)

    entries = _new_entries(store, before)
    deleted = {(e["entity"], e["row_id"]) for e in entries}
    assert deleted == {
        ("contact", world.contact),
        ("contact", world.colleague),
        ("contact", second_contact),
        ("visit", world.visit),
        ("note", world.note),
        ("followup", world.followup),
        ("customer", world.customer),
    }
    assert len(entries) == len(deleted)
    assert all(e["op"] == "delete" and e["fields"] == {} for e in entries)
    # The customer goes last: a server applying entries in order never sees orphans appear.
    assert entries[-1]["row_id"] == world.customer
    # One delete, one stamp: a restore finds what went with the customer by it.
    stamps = [e["stamps"]["_deleted"] for e in entries]
    assert stamps == [stamp(store, t_delete, 0)] * len(entries)
    ops = [e["op_no"] for e in entries]
    assert ops == sorted(set(ops))
    for entity, row_id in deleted:
        row = store.get(entity, row_id, include_deleted=True)
        assert row is not None and row["deleted"] is True
    assert store.get("customer", other) is not None
    assert store.get("contact", other_contact) is not None
    counts = store.counts()
    assert counts["customer"] == 1
    assert counts["contact"] == 1
    assert counts["visit"] == counts["note"] == counts["followup"] == 0


def test_update_that_changes_nothing_writes_nothing(store: Store, wall: WallClock) -> None:
    world = make_world(store)
    before_rows = snapshot(store)
    before_outbox = store.outbox_entries()
    wall.advance(1000)
    # The same values, in other spellings that normalise to what is stored.
    assert store.update("customer", world.customer, {"name": " Müller Maschinenbau GmbH "}) == {}
    assert store.update("visit", world.visit, {"planned_start": "2026-06-02T11:00:00+02:00"}) == {}
    assert store.update("visit", world.visit, {"attendee_ids": (world.contact,)}) == {}
    assert store.update("user", world.rep, {}) == {}
    with store.write() as uow:
        assert uow.update("territory", world.territory, {"name": "Süd"}) == {}
    assert snapshot(store) == before_rows
    assert store.outbox_entries() == before_outbox
    assert store.meta("hlc") == stamp(store, START_MS, 10)  # the clock did not move either


def test_op_numbers_keep_increasing_after_pushed_entries_are_removed(store: Store) -> None:
    store.create("territory", {"name": "A"})
    store.create("territory", {"name": "B"})
    last = _last_op(store)
    with store.write() as uow:  # what the sync engine does once the server acknowledged them
        uow.connection.exec_driver_sql("DELETE FROM outbox")
    assert store.pending_count() == 0
    store.create("territory", {"name": "C"})
    [entry] = store.outbox_entries()
    assert entry["op_no"] > last


def test_device_id_is_kept_in_the_database(tmp_path: Any, wall: WallClock) -> None:
    first = Store(tmp_path / "a.db", wall_ms=wall)
    again = Store(tmp_path / "a.db", wall_ms=wall)
    other = Store(tmp_path / "b.db", wall_ms=wall)
    try:
        assert first.device_id == again.device_id == first.meta("device_id")
        assert other.device_id != first.device_id
        assert len(first.device_id) == 32
    finally:
        for s in (first, again, other):
            s.close()


def test_outbox_entries_are_protocol_entries(store: Store, wall: WallClock) -> None:
    """What the store queues is exactly what the protocol pushes (no field more or less)."""
    world = make_world(store)
    store.update("visit", world.visit, {"status": "done", "check_in_at": "2026-06-02T09:01Z"})
    store.delete("customer", world.customer)
    entries = store.outbox_entries()
    assert {e["op"] for e in entries} == {"create", "update", "delete"}
    for entry in entries:
        message = OutboxEntry.model_validate({k: v for k, v in entry.items() if k != "created_at"})
        assert message.model_dump() == {k: v for k, v in entry.items() if k != "created_at"}
