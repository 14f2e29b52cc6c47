"""Correcting records through the use cases, on two laptops of one territory syncing with
the real server (in-process): edits, deletes with what points at them, the trash, restores,
undo, and the delete-versus-edit conflict restored with the edit."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from fieldcrm.app import corrections
from fieldcrm.app.corrections import CorrectionRefused, UndoHistory
from fieldcrm.app.customers import add_contact, add_followup, add_note, create_customer
from fieldcrm.app.review import open_conflicts
from fieldcrm.app.visits import check_in, plan_visit
from fieldcrm.domain.validation import ValidationError
from tests.helpers.sync_harness import InProcessServer, Laptop, migrated_server_db


@pytest.fixture
def server(tmp_path: Path) -> Iterator[InProcessServer]:
    srv = InProcessServer(migrated_server_db(tmp_path))
    srv.territory("North", area="Central")
    srv.user("anna", "rep", territory="North")
    srv.user("ben", "rep", territory="North")
    yield srv
    srv.close()


@pytest.fixture
def laps(tmp_path: Path, server: InProcessServer) -> Iterator[tuple[Laptop, Laptop]]:
    """Anna's laptop and her second laptop (the same user, another profile)."""
    first = Laptop(tmp_path / "first", server, "anna")
    second = Laptop(tmp_path / "second", server, "anna")
    yield first, second
    first.close()
    second.close()


def _sync(*laptops: Laptop) -> None:
    for lap in laptops:
        result = lap.sync()
        assert result.ok and result.rejected == 0, result


def _customer_with_people(lap: Laptop) -> dict[str, Any]:
    _sync(lap)  # the people and the territory arrive
    store, me = lap.store, lap.user_id
    customer = create_customer(store, {"name": "Bäckerei Müller"}, me).id
    assert customer is not None
    weiss = add_contact(store, customer, {"last_name": "Weiß"}).id
    ott = add_contact(store, customer, {"last_name": "Ott"}).id
    assert weiss and ott
    relationship = store.create(
        "relationship",
        {"customer_id": customer, "from_contact_id": weiss, "to_contact_id": ott},
    )
    note = add_note(store, customer, {"text": "Weiß wants a quote"}, me).id
    store.update("note", str(note), {"contact_id": weiss})
    start = datetime.now(UTC).replace(microsecond=0) + timedelta(days=2)
    visit = plan_visit(
        store,
        customer,
        {"planned_start": start, "planned_end": start + timedelta(hours=1)},
        me,
    ).id
    assert visit is not None
    store.update("visit", visit, {"attendee_ids": [weiss, ott]})
    followup = store.create(
        "followup",
        {
            "customer_id": customer,
            "visit_id": visit,
            "assignee_id": me,
            "title": "Send prices",
            "due_date": "2026-12-20",
        },
    )
    return {
        "customer": customer,
        "weiss": weiss,
        "ott": ott,
        "relationship": relationship,
        "note": note,
        "visit": visit,
        "followup": followup,
        "start": start,
    }


def test_deleting_a_contact_deals_with_what_points_at_it_and_a_restore_puts_it_back(
    laps: tuple[Laptop, Laptop],
) -> None:
    first, second = laps
    w = _customer_with_people(first)
    _sync(first, second)

    deleted = corrections.delete_contact(first.store, w["weiss"])
    assert {"contact", "relationship", "note", "visit"} <= deleted.kinds
    for lap in (first, second):
        if lap is second:
            _sync(first, second)
        store = lap.store
        assert store.get("contact", w["weiss"]) is None
        assert store.get("relationship", w["relationship"]) is None
        note = store.get("note", w["note"])
        assert note is not None and note["contact_id"] is None  # kept on the customer
        visit = store.get("visit", w["visit"])
        assert visit is not None and visit["attendee_ids"] == [w["ott"]]

    # The other laptop finds it in the trash and restores it; the first sees it back.
    [entry] = corrections.trash(second.store)
    assert (entry["entity"], entry["id"], entry["label"]) == ("contact", w["weiss"], "Weiß")
    assert entry["with_others"] == 1  # the relationship
    corrections.restore(second.store, "contact", w["weiss"])
    _sync(second, first)
    for lap in (first, second):
        store = lap.store
        assert store.get("contact", w["weiss"]) is not None
        assert store.get("relationship", w["relationship"]) is not None
        note = store.get("note", w["note"])
        assert note is not None and note["contact_id"] == w["weiss"]
        visit = store.get("visit", w["visit"])
        assert visit is not None and sorted(visit["attendee_ids"]) == sorted([w["weiss"], w["ott"]])
        assert corrections.trash(store) == []


def test_visits_cancel_with_a_reason_move_keeping_their_length_and_delete(
    laps: tuple[Laptop, Laptop],
) -> None:
    first, second = laps
    w = _customer_with_people(first)
    _sync(first, second)
    store = first.store
    with pytest.raises(ValidationError) as no_reason:
        corrections.cancel_visit(store, w["visit"], "  ")
    assert no_reason.value.fields == ("cancel_reason",)
    later = w["start"] + timedelta(days=1, hours=2)
    corrections.move_visit(store, w["visit"], later)
    corrections.cancel_visit(store, w["visit"], "Customer closed for inventory")
    _sync(first, second)
    visit = second.store.get("visit", w["visit"])
    assert visit is not None
    assert (visit["status"], visit["cancel_reason"]) == (
        "cancelled",
        "Customer closed for inventory",
    )
    assert visit["planned_start"] == later.strftime("%Y-%m-%dT%H:%M:%SZ")
    assert visit["planned_end"] == (later + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    with pytest.raises(CorrectionRefused) as twice:
        corrections.cancel_visit(second.store, w["visit"], "again")
    assert twice.value.code == "visit_not_planned"
    # Moved again, a cancelled visit is planned again.
    corrections.move_visit(second.store, w["visit"], later + timedelta(days=7))
    visit = second.store.get("visit", w["visit"])
    assert visit is not None and (visit["status"], visit["cancel_reason"]) == ("planned", None)

    corrections.delete_visit(second.store, w["visit"])
    _sync(second, first)
    assert first.store.get("visit", w["visit"]) is None
    followup = first.store.get("followup", w["followup"])
    assert followup is not None and followup["visit_id"] is None  # the work stays


def test_edits_of_every_kind_reach_the_other_laptop_and_undo_takes_them_back(
    laps: tuple[Laptop, Laptop],
) -> None:
    first, second = laps
    w = _customer_with_people(first)
    _sync(first, second)
    store, history = first.store, UndoHistory()
    for changes in (
        corrections.edit_contact(store, w["ott"], {"job_title": "Einkauf"}),
        corrections.edit_note(store, w["note"], "Weiß wants a quote by Friday"),
        corrections.edit_followup(
            store,
            w["followup"],
            {"title": "Send the price list", "due_date": "2026-12-22"},
            first.user_id,
        ),
        corrections.edit_relationship(store, w["relationship"], {"kind": "reports_to"}),
        corrections.correct_report(store, w["visit"], {"report": "Talked prices"}),
        check_in(store, w["visit"]),
    ):
        history.record(changes)
    assert history.next_action() == "check_in"
    _sync(first, second)
    other = second.store
    assert other.get("contact", w["ott"])["job_title"] == "Einkauf"  # type: ignore[index]
    assert other.get("note", w["note"])["text"] == "Weiß wants a quote by Friday"  # type: ignore[index]
    assert other.get("followup", w["followup"])["due_date"] == "2026-12-22"  # type: ignore[index]
    assert other.get("relationship", w["relationship"])["kind"] == "reports_to"  # type: ignore[index]
    # Undo, newest first: the check-in, then the report.
    names = []
    while (undo := history.take()) is not None:
        names.append(undo.action)
        undo.run(store)
    assert names[:2] == ["check_in", "correct_report"] and len(names) == 6
    _sync(first, second)
    assert other.get("visit", w["visit"])["check_in_at"] is None  # type: ignore[index]
    assert other.get("contact", w["ott"])["job_title"] is None  # type: ignore[index]
    assert other.get("followup", w["followup"])["title"] == "Send prices"  # type: ignore[index]


def test_undo_of_a_create_deletes_and_of_a_delete_restores(tmp_path: Path) -> None:
    from fieldcrm.sampledata.demo import seed_user
    from fieldcrm.store import Store

    store = Store(tmp_path / "db.sqlite")
    user = seed_user(store)
    history = UndoHistory(limit=3)
    made = create_customer(store, {"name": "Kiosk am Markt"}, user["id"]).id
    other = create_customer(store, {"name": "Hotel Hansa"}, user["id"]).id
    assert made and other
    history.record(Changes_of_create := corrections.created("customer", made, "create_customer"))
    followup = add_followup(store, made, {"title": "Call", "due_date": "2027-01-04"}, user["id"])
    history.record(followup)
    history.record(corrections.delete_customer(store, made))
    history.record(corrections.edit_customer(store, other, {"city": "Kiel"}))
    assert len(history) == 3 and Changes_of_create.undo is not None  # the oldest fell off
    actions = []
    while (undo := history.take()) is not None:
        actions.append(undo.action)
        undo.run(store)
    assert actions == ["edit_customer", "delete_customer", "create_followup"]
    assert store.get("customer", other)["city"] is None  # type: ignore[index]
    assert store.get("customer", made) is not None  # restored with its follow-up...
    assert followup.id and store.get("followup", followup.id) is None  # ...then undone
    store.close()


def test_restore_with_my_edit_after_a_delete_won(laps: tuple[Laptop, Laptop]) -> None:
    first, second = laps
    w = _customer_with_people(first)
    _sync(first, second)
    corrections.edit_contact(second.store, w["ott"], {"job_title": "Geschäftsführer"})
    corrections.delete_contact(first.store, w["ott"])
    _sync(first, second)  # the delete arrives first; the edit becomes a conflict
    [conflict] = [c for c in open_conflicts(second.store) if c["kind"] == "delete"]
    assert conflict["row_id"] == w["ott"]
    corrections.restore_with_my_edit(second.store, conflict["id"])
    _sync(second, first)
    for lap in (first, second):
        contact = lap.store.get("contact", w["ott"])
        assert contact is not None and contact["job_title"] == "Geschäftsführer"


def test_the_server_clears_what_another_laptop_pointed_at_a_deleted_contact(
    laps: tuple[Laptop, Laptop],
) -> None:
    first, second = laps
    w = _customer_with_people(first)
    _sync(first, second)
    # The second laptop writes a note about Ott and syncs; the first deletes Ott without
    # having seen the note: the server deals with the note as the laptop would.
    note = add_note(second.store, w["customer"], {"text": "Ott retires in May"}, second.user_id).id
    assert note is not None
    second.store.update("note", note, {"contact_id": w["ott"]})
    _sync(second)
    corrections.delete_contact(first.store, w["ott"])
    _sync(first, second)
    for lap in (first, second):
        kept = lap.store.get("note", note)
        assert kept is not None and kept["contact_id"] is None


def test_only_ones_own_declaration_is_withdrawn(laps: tuple[Laptop, Laptop]) -> None:
    first, _second = laps
    w = _customer_with_people(first)
    connection = first.store.create(
        "connection",
        {"customer_id": w["customer"], "contact_id": w["ott"], "user_id": first.user_id},
    )
    with pytest.raises(CorrectionRefused) as refused:
        corrections.withdraw_connection(first.store, connection, "someone-else")
    assert refused.value.code == "author_only"
    corrections.withdraw_connection(first.store, connection, first.user_id)
    assert first.store.get("connection", connection) is None
    with pytest.raises(CorrectionRefused) as gone:
        corrections.delete_note(first.store, "01a23ac9-0000-7000-8000-000000000000")
    assert gone.value.code == "unknown_record"
