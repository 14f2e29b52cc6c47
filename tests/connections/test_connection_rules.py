"""Rules of the connections feature: relationship names, last contact, losing touch, handover."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from fieldcrm.domain.ids import uuid7_at
from fieldcrm.domain.relationships import RELATIONSHIP_NAMES, describe_from, relationship_names
from fieldcrm.domain.validation import ValidationError
from fieldcrm.store import Store
from fieldcrm.store.connections import (
    created_day,
    handover_summary,
    last_contact_by_contact,
    last_contact_by_customer,
    losing_touch,
    losing_touch_top,
    mark_handover_read,
    reassign_customer,
    unread_handovers,
)

TODAY = date(2026, 11, 28)


def ms(day: str) -> int:
    return int(datetime.fromisoformat(day).replace(tzinfo=UTC).timestamp() * 1000)


@pytest.mark.parametrize("kind", sorted(RELATIONSHIP_NAMES))
def test_each_kind_reads_both_ways(kind: str) -> None:
    rel = {"kind": kind, "from_contact_id": "a", "to_contact_id": "b"}
    forward, reverse = RELATIONSHIP_NAMES[kind]
    assert describe_from(rel, "a") == (forward, "b")
    assert describe_from(rel, "b") == (reverse, "a")


def test_named_pairs() -> None:
    assert RELATIONSHIP_NAMES["reports_to"] == ("reports to", "manages")
    assert RELATIONSHIP_NAMES["assistant_of"] == ("is assistant of", "has as assistant")
    assert RELATIONSHIP_NAMES["influences"] == ("influences", "is influenced by")
    custom = {"kind": "custom", "label": "mentors", "reverse_label": "is mentored by"}
    assert relationship_names(custom) == ("mentors", "is mentored by")
    assert relationship_names({"kind": "custom", "label": "plays golf with"}) == (
        "plays golf with",
        "plays golf with",
    )
    with pytest.raises(ValueError, match="not part"):
        describe_from({"kind": "colleague", "from_contact_id": "a", "to_contact_id": "b"}, "c")


@pytest.fixture
def store(tmp_path: Path) -> Store:
    return Store(tmp_path / "fieldcrm.db")


def _people(store: Store) -> dict[str, str]:
    ids: dict[str, str] = {}
    with store.write() as w:
        ids["north"] = w.create("territory", {"name": "North"})
        ids["south"] = w.create("territory", {"name": "South"})
        ids["anna"] = w.create("user", {"username": "anna", "display_name": "Anna Berg"})
        ids["ben"] = w.create("user", {"username": "ben", "display_name": "Ben Kraus"})
        ids["acme"] = w.create(
            "customer",
            {
                "name": "Acme",
                "visit_cadence_days": 30,
                "owner_id": ids["anna"],
                "territory_id": ids["north"],
                "status": "active",
            },
        )
        ids["beta"] = w.create(
            "customer", {"name": "Beta", "visit_cadence_days": 60, "status": "active"}
        )
        ids["inactive"] = w.create(
            "customer", {"name": "Gone", "visit_cadence_days": 10, "status": "inactive"}
        )
        for key, customer, last, cadence in (
            ("jo", "acme", "Jonas", None),
            ("eva", "acme", "Eva", 14),
            ("tim", "acme", "Tim", None),
            ("ute", "beta", "Ute", None),
        ):
            ids[key] = w.create(
                "contact",
                {"customer_id": ids[customer], "last_name": last, "touch_cadence_days": cadence},
            )
    return ids


def _visit(
    store: Store,
    ids: dict[str, str],
    customer: str,
    day: str,
    attendees: list[str],
    status: str = "done",
) -> str:
    return store.create(
        "visit",
        {
            "customer_id": ids[customer],
            "rep_id": ids["anna"],
            "status": status,
            "planned_start": f"{day}T09:00:00Z",
            "attendee_ids": [ids[a] for a in attendees],
        },
    )


def test_last_contact_from_visits_notes_and_completed_followups(store: Store) -> None:
    ids = _people(store)
    _visit(store, ids, "acme", "2026-09-01", ["jo", "eva"])
    _visit(store, ids, "acme", "2026-11-20", ["jo"], status="cancelled")  # not a contact
    _visit(store, ids, "acme", "2026-11-25", ["tim"], status="planned")  # not yet
    note_id = uuid7_at(ms("2026-10-15T12:00:00"))
    store.create(
        "note",
        {
            "customer_id": ids["acme"],
            "contact_id": ids["eva"],
            "author_id": ids["anna"],
            "text": "Eva moved to purchasing.",
        },
        row_id=note_id,
    )
    assert created_day(note_id) == date(2026, 10, 15)
    followup_visit = _visit(store, ids, "acme", "2026-08-01", ["tim"])
    store.create(
        "followup",
        {
            "customer_id": ids["acme"],
            "visit_id": followup_visit,
            "assignee_id": ids["anna"],
            "title": "Send samples",
            "due_date": "2026-08-10",
            "done_at": "2026-10-02T08:00:00Z",
        },
    )
    with store.read() as conn:
        by_contact = last_contact_by_contact(conn)
        by_customer = last_contact_by_customer(conn)
    assert by_contact == {
        ids["jo"]: date(2026, 9, 1),
        ids["eva"]: date(2026, 10, 15),  # the note is newer than the visit
        ids["tim"]: date(2026, 10, 2),  # the completed follow-up of the visit Tim attended
    }
    assert by_customer == {ids["acme"]: date(2026, 10, 15)}
    # A logged visit resets it.
    _visit(store, ids, "acme", "2026-11-27", ["jo"])
    with store.read() as conn:
        assert last_contact_by_contact(conn)[ids["jo"]] == date(2026, 11, 27)


def test_losing_touch_ranking(store: Store) -> None:
    ids = _people(store)
    _visit(store, ids, "acme", "2026-09-01", ["jo", "eva"])  # 88 days ago
    _visit(store, ids, "beta", "2026-10-20", [])  # 39 days ago: within 60
    with store.read() as conn:
        ranked = [(i.kind, i.name, i.days_over) for i in losing_touch(conn, TODAY)]
    assert ranked == [
        ("contact", "Eva", 74),  # own cadence 14: 88 - 14
        ("customer", "Acme", 58),  # ties go by name
        ("contact", "Jonas", 58),  # the customer's cadence 30: 88 - 30
        ("contact", "Tim", None),  # never contacted: at the end
        ("contact", "Ute", None),
    ]


@pytest.mark.parametrize("limit", [1, 2, 3, 10])
def test_losing_touch_top_is_the_head_of_the_ranking(store: Store, limit: int) -> None:
    ids = _people(store)
    _visit(store, ids, "acme", "2026-09-01", ["jo", "eva"])
    _visit(store, ids, "beta", "2026-10-20", [])
    with store.read() as conn:
        ranked = losing_touch(conn, TODAY)
        top = losing_touch_top(conn, TODAY, limit)
    assert top[None] == (ranked[:limit], len(ranked))
    for kind in ("contact", "customer"):
        of_kind = [item for item in ranked if item.kind == kind]
        assert top[kind] == (of_kind[:limit], len(of_kind))
    assert top["contact"][1] == 4 and top["customer"][1] == 1


def test_handover_summary_after_territory_change(store: Store) -> None:
    ids = _people(store)
    store.create(
        "relationship",
        {
            "customer_id": ids["acme"],
            "from_contact_id": ids["eva"],
            "to_contact_id": ids["jo"],
            "kind": "reports_to",
            "note": "Jonas signs off",
        },
    )
    store.create(
        "connection",
        {
            "customer_id": ids["acme"],
            "contact_id": ids["jo"],
            "user_id": ids["ben"],
            "strength": 4,
            "since": "2018-05-01",
            "note": "Met at the trade fair",
        },
    )
    _visit(store, ids, "acme", "2026-11-02", ["jo"])
    store.create(
        "followup",
        {
            "customer_id": ids["acme"],
            "assignee_id": ids["anna"],
            "title": "Quote for spring",
            "due_date": "2026-12-01",
        },
    )
    handover = reassign_customer(
        store,
        ids["acme"],
        owner_id=ids["ben"],
        territory_id=ids["south"],
        note="Jonas decides; Eva prepares.",
    )
    customer = store.get("customer", ids["acme"])
    assert customer is not None
    assert (customer["owner_id"], customer["territory_id"]) == (ids["ben"], ids["south"])
    with store.read() as conn:
        summary = handover_summary(conn, ids["acme"])
        assert unread_handovers(conn, ids["ben"]) == [ids["acme"]]
    assert [c["name"] for c in summary.contacts] == ["Eva", "Jonas", "Tim"]
    assert summary.relationships == [
        {"from": "Eva", "relation": "reports to", "to": "Jonas", "note": "Jonas signs off"}
    ]
    assert summary.connections == [
        {
            "who": "Ben Kraus",
            "knows": "Jonas",
            "strength": 4,
            "since": "2018-05-01",
            "note": "Met at the trade fair",
        }
    ]
    assert [(v["day"], v["rep"]) for v in summary.last_visits] == [("2026-11-02", "Anna Berg")]
    assert [(f["title"], f["assignee"]) for f in summary.open_followups] == [
        ("Quote for spring", "Anna Berg")
    ]
    [entry] = summary.handovers
    assert (entry["from"], entry["to"], entry["note"]) == (
        "Anna Berg",
        "Ben Kraus",
        "Jonas decides; Eva prepares.",
    )
    mark_handover_read(store, handover)
    with store.read() as conn:
        assert unread_handovers(conn, ids["ben"]) == []
    kinds = [(e["entity"], e["op"]) for e in store.outbox_entries()][-3:]
    assert kinds == [("customer", "update"), ("handover", "create"), ("handover", "update")]


def test_relationship_rules(store: Store) -> None:
    ids = _people(store)
    with pytest.raises(ValidationError, match="to_contact_id: must be another contact"):
        store.create(
            "relationship",
            {
                "customer_id": ids["acme"],
                "from_contact_id": ids["jo"],
                "to_contact_id": ids["jo"],
                "kind": "colleague",
            },
        )
    with pytest.raises(ValidationError, match="label: a custom relationship needs a name"):
        store.create(
            "relationship",
            {
                "customer_id": ids["acme"],
                "from_contact_id": ids["jo"],
                "to_contact_id": ids["eva"],
                "kind": "custom",
            },
        )
    with pytest.raises(ValidationError, match="strength: must be at most 5"):
        store.create(
            "connection",
            {
                "customer_id": ids["acme"],
                "contact_id": ids["jo"],
                "user_id": ids["anna"],
                "strength": 9,
            },
        )


def test_deleting_a_contact_removes_its_relationships_and_connections(store: Store) -> None:
    ids = _people(store)
    rel = store.create(
        "relationship",
        {
            "customer_id": ids["acme"],
            "from_contact_id": ids["eva"],
            "to_contact_id": ids["jo"],
            "kind": "colleague",
        },
    )
    conn_id = store.create(
        "connection", {"customer_id": ids["acme"], "contact_id": ids["jo"], "user_id": ids["anna"]}
    )
    store.delete("contact", ids["jo"])
    assert store.get("relationship", rel) is None
    assert store.get("connection", conn_id) is None


def test_a_customer_whose_owner_left_this_laptop_can_still_be_handed_over(store: Store) -> None:
    """After a scope change the owner may be a person this laptop no longer holds: the
    move goes through and its handover names nobody for that person."""
    ids = _people(store)
    with store.write() as uow:
        uow.connection.exec_driver_sql('DELETE FROM "user" WHERE id = ?', (ids["anna"],))
    handover = reassign_customer(store, ids["acme"], territory_id=ids["south"], note="Bitte")
    row = store.get("handover", handover)
    assert row is not None
    assert (row["from_user_id"], row["to_user_id"], row["note"]) == (None, None, "Bitte")
    assert store.get("customer", ids["acme"])["territory_id"] == ids["south"]  # type: ignore[index]


def test_a_person_declares_knowing_a_contact_once_on_the_laptop(store: Store) -> None:
    ids = _people(store)
    values = {"customer_id": ids["acme"], "contact_id": ids["jo"], "user_id": ids["anna"]}
    first = store.create("connection", values)
    with pytest.raises(ValidationError) as refused:
        store.create("connection", values)
    assert [(e.field, e.code) for e in refused.value.errors] == [("contact_id", "already_declared")]
    store.create("connection", {**values, "user_id": ids["ben"]})  # someone else may
    store.delete("connection", first)
    store.create("connection", values)  # withdrawn, then declared again
