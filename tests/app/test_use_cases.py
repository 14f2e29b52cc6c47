"""Store-level behaviour behind the Rejected changes page (no widgets)."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa

from fieldcrm.app.review import discard_rejected_change, fix_rejected_change
from fieldcrm.sampledata.demo import seed_user
from fieldcrm.store import Store
from fieldcrm.store import tables as t
from fieldcrm.store.service import dumps


def refuse(store: Store, op_no: int, entity: str, row_id: str, fields: dict[str, object]) -> None:
    """Record a refused create as the sync engine does (row gone, entry in the list)."""
    with store.write() as uow:
        uow.conn.execute(
            t.ENTITY_TABLES[entity].delete().where(t.ENTITY_TABLES[entity].c.id == row_id)
        )
        uow.conn.execute(t.outbox.delete())
        uow.conn.execute(
            t.rejected_change.insert(),
            {
                "op_no": op_no,
                "device_id": store.device_id,
                "entity": entity,
                "row_id": row_id,
                "op": "create",
                "fields": dumps(fields),
                "stamps": "{}",
                "base_stamps": "{}",
                "reason": "name is reserved",
                "field": "name",
                "rejected_at": store.now_text(),
            },
        )


def test_fix_refused_create_makes_the_record_again(tmp_path: Path) -> None:
    store = Store(tmp_path / "db.sqlite")
    seed_user(store)
    row_id = store.create("customer", {"name": "Test", "status": "prospect"})
    refuse(store, 1, "customer", row_id, {"name": "Test", "status": "prospect"})
    assert store.get("customer", row_id) is None

    fix_rejected_change(store, 1, {"name": "Testbetrieb Nord"})

    row = store.get("customer", row_id)
    assert row is not None and row["name"] == "Testbetrieb Nord"
    [entry] = store.outbox_entries()
    assert (entry["op"], entry["row_id"], entry["fields"]["name"]) == (
        "create",
        row_id,
        "Testbetrieb Nord",
    )
    with store.read() as conn:
        assert conn.scalar(sa.select(sa.func.count()).select_from(t.rejected_change)) == 0
    store.close()


def test_discard_forgets_the_refused_change(tmp_path: Path) -> None:
    store = Store(tmp_path / "db.sqlite")
    seed_user(store)
    row_id = store.create("customer", {"name": "Test", "status": "prospect"})
    refuse(store, 1, "customer", row_id, {"name": "Test"})
    discard_rejected_change(store, 1)
    assert store.pending_count() == 0
    assert store.get("customer", row_id) is None
    with store.read() as conn:
        assert conn.scalar(sa.select(sa.func.count()).select_from(t.rejected_change)) == 0
    store.close()


def test_conflicts_name_both_people_and_tell_which_value_is_this_laptops(tmp_path: Path) -> None:
    from fieldcrm.app.review import open_conflicts
    from fieldcrm.domain.hlc import format_stamp
    from fieldcrm.domain.ids import uuid7
    from fieldcrm.sampledata.demo import seed_customers, seed_sync_outcomes

    store = Store(tmp_path / "fieldcrm.db")
    user = seed_user(store)
    customers = seed_customers(store, user, 3, with_children=False)
    seed_sync_outcomes(store, user, customers)  # the manager's later edit won over ours
    [lost] = open_conflicts(store)
    assert (lost["winning_name"], lost["losing_name"]) == ("Maria Manger", "Anna Albers")
    assert lost["mine_is_losing"] is True

    # Ours won over someone else's (the server recorded their value as the loser).
    with store.write() as uow:
        uow.conn.execute(
            t.conflict.insert(),
            {
                "id": uuid7(),
                "entity": "customer",
                "row_id": customers[2],
                "kind": "field",
                "field": "city",
                "winning_value": "Kiel",
                "winning_stamp": format_stamp(1_800_000_000_000, 0, store.device_id),
                "losing_value": "Husum",
                "losing_stamp": format_stamp(1_799_999_000_000, 0, "other-laptop"),
                "winning_user": user["id"],
                "losing_user": "someone-not-on-this-laptop",
                "created_at": store.now_text(),
                "resolved": False,
            },
        )
    won = next(c for c in open_conflicts(store) if c["row_id"] == customers[2])
    assert won["mine_is_losing"] is False
    assert won["losing_name"] == "someone-not-on-this-laptop"  # no name known: the id
    store.close()
