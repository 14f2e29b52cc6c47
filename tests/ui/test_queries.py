"""Store-level behaviour behind the Rejected changes page (no widgets)."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa

from fieldcrm.store import Store
from fieldcrm.store import tables as t
from fieldcrm.store.service import dumps
from fieldcrm.ui.queries import discard_rejected_change, fix_rejected_change
from fieldcrm.ui.sampledata import seed_user


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
