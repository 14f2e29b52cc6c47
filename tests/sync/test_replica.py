"""Applying pulled pages and push results to the local store (no network involved)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from fieldcrm.domain.hlc import stamp_ms
from fieldcrm.domain.ids import uuid7
from fieldcrm.store import Store
from fieldcrm.store import tables as t
from fieldcrm.store.replica import (
    CURSOR_KEY,
    EVICTED_REASON,
    FULL_RESYNC_KEY,
    apply_page,
    apply_push_results,
    rejected_changes,
    remove_unseen,
    resolve_conflict,
    resolved_unsent,
    verified_counts,
)
from fieldcrm.store.search import search_customers
from tests.helpers.pulled import contact_row, customer_row, page, stamp, user_row


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    s = Store(tmp_path / "fieldcrm.db", wall_ms=lambda: 1_000_000)
    yield s
    s.close()


def test_page_inserts_rows_and_checkpoints_cursor(store: Store) -> None:
    cid, kid = uuid7(), uuid7()
    # The child arrives before its parent: references carry no constraint.
    stats = apply_page(
        store, page("c1", contact_row(kid, cid, 5, "Meyer"), customer_row(cid, 5, name="Acme"))
    )
    assert stats.rows == 2
    assert store.meta(CURSOR_KEY) == "c1"
    assert store.get("customer", cid)["name"] == "Acme"  # type: ignore[index]
    assert store.get("contact", kid)["customer_id"] == cid  # type: ignore[index]
    assert store.pending_count() == 0
    assert search_customers(store, "acm") == [cid]
    assert search_customers(store, "meyer") == [cid]


def test_applying_a_page_twice_changes_nothing(store: Store) -> None:
    cid = uuid7()
    apply_page(store, page("c1", customer_row(cid, 5)))
    apply_page(store, page("c1", customer_row(cid, 5)))
    assert store.counts()["customer"] == 1
    assert search_customers(store, "acme") == [cid]


def test_server_update_replaces_field_and_search_index(store: Store) -> None:
    cid = uuid7()
    apply_page(store, page("c1", customer_row(cid, 5, name="Acme")))
    apply_page(store, page("c2", customer_row(cid, 6, name="Zenith")))
    assert store.get("customer", cid)["name"] == "Zenith"  # type: ignore[index]
    assert search_customers(store, "acme") == []
    assert search_customers(store, "zeni") == [cid]


def test_newer_pending_local_edit_stays_and_is_still_queued(store: Store) -> None:
    cid = uuid7()
    apply_page(store, page("c1", customer_row(cid, 5, name="Acme", city="Berlin")))
    store.update("customer", cid, {"name": "Acme Local"})  # stamped at 1_000_000 ms
    server = customer_row(cid, 6, name="Acme Server", city="Hamburg")
    stats = apply_page(store, page("c2", server))
    row = store.get("customer", cid)
    assert row is not None
    assert row["name"] == "Acme Local"  # newer local edit kept
    assert row["city"] == "Hamburg"  # the server's edit of another field arrives
    assert stats.kept_local == 1
    assert store.pending_count() == 1
    assert row["stamps"]["city"] == stamp(6)


def test_older_pending_local_edit_yields_to_the_server(tmp_path: Path) -> None:
    store = Store(tmp_path / "old.db", wall_ms=lambda: 10)
    try:
        cid = uuid7()
        apply_page(store, page("c1", customer_row(cid, 5, name="Acme")))
        store.update("customer", cid, {"name": "Local"})
        apply_page(store, page("c2", customer_row(cid, 20_000_000, name="Server")))
        assert store.get("customer", cid)["name"] == "Server"  # type: ignore[index]
        assert store.pending_count() == 1  # still pushed; the server keeps it as a conflict
    finally:
        store.close()


def test_pending_local_delete_stays_deleted(store: Store) -> None:
    cid = uuid7()
    apply_page(store, page("c1", customer_row(cid, 5)))
    store.delete("customer", cid)
    apply_page(store, page("c2", customer_row(cid, 6, name="Renamed")))
    assert store.get("customer", cid) is None
    assert store.get("customer", cid, include_deleted=True) is not None


def test_tombstone_deletes_and_never_comes_back_from_index(store: Store) -> None:
    cid = uuid7()
    apply_page(store, page("c1", customer_row(cid, 5)))
    tomb = {
        "entity": "customer",
        "id": cid,
        "fields": {},
        "stamps": {"_deleted": stamp(7)},
        "deleted": True,
    }
    stats = apply_page(store, page("c2", tomb))
    assert stats.tombstones == 1
    assert store.get("customer", cid) is None
    assert store.counts()["customer"] == 0
    assert search_customers(store, "acme") == []
    # A tombstone for a row this laptop never had is harmless.
    apply_page(store, page("c3", {**tomb, "id": uuid7()}))
    assert store.counts()["customer"] == 0


def test_eviction_removes_customer_children_and_reports_unpushed_edits(store: Store) -> None:
    cid, kid, other, uid = uuid7(), uuid7(), uuid7(), uuid7()
    apply_page(
        store,
        page(
            "c1",
            user_row(uid, 5),
            customer_row(cid, 5),
            contact_row(kid, cid, 5, "Meyer"),
            customer_row(other, 5),
        ),
    )
    store.update("contact", kid, {"first_name": "Anna"})
    note_id = store.create(
        "note", {"customer_id": cid, "author_id": uid, "text": "Call back in May"}
    )
    stats = apply_page(store, page("c2", evictions=[{"entity": "customer", "id": cid}]))
    assert stats.evictions == 1
    assert stats.evicted_edits == 2
    assert store.get("customer", cid, include_deleted=True) is None
    assert store.get("contact", kid, include_deleted=True) is None
    assert store.get("note", note_id, include_deleted=True) is None
    assert store.get("customer", other) is not None
    assert store.pending_count() == 0
    with store.read() as conn:
        rejected = rejected_changes(conn)
        assert search_customers(store, "meyer") == []
    assert [r["entity"] for r in rejected] == ["contact", "note"]
    assert all(r["reason"] == EVICTED_REASON for r in rejected)
    assert rejected[1]["fields"]["text"] == "Call back in May"  # nothing silently dropped


def test_push_results_acknowledge_and_reject(store: Store) -> None:
    cid = store.create("customer", {"name": "Acme", "status": "active"})
    store.update("customer", cid, {"city": "Bonn"})
    bad = store.create("customer", {"name": "Refused", "status": "active"})
    entries = store.outbox_entries()
    results = [
        {"op_no": entries[0]["op_no"], "status": "applied"},
        {"op_no": entries[1]["op_no"], "status": "merged", "replayed": True},
        {
            "op_no": entries[2]["op_no"],
            "status": "rejected",
            "reason": "customer number already taken",
            "field": "number",
        },
    ]
    stats = apply_push_results(store, results)
    assert (stats.acknowledged, stats.rejected, stats.replayed) == (2, 1, 1)
    assert store.pending_count() == 0
    assert store.get("customer", bad, include_deleted=True) is None  # the server never had it
    assert store.meta(FULL_RESYNC_KEY) is None
    with store.read() as conn:
        (rejected,) = rejected_changes(conn)
    assert rejected["reason"] == "customer number already taken"
    assert rejected["field"] == "number"
    assert rejected["fields"]["name"] == "Refused"


def test_rejected_update_asks_for_full_resync(store: Store) -> None:
    cid = uuid7()
    apply_page(store, page("c1", customer_row(cid, 5)))
    store.update("customer", cid, {"name": "Nope"})
    (entry,) = store.outbox_entries()
    stats = apply_push_results(
        store, [{"op_no": entry["op_no"], "status": "rejected", "reason": "not yours"}]
    )
    assert stats.needs_resync
    assert store.meta(FULL_RESYNC_KEY) == "1"


def test_full_resync_removes_rows_the_server_lacks_but_keeps_pending(store: Store) -> None:
    gone, kept = uuid7(), uuid7()
    apply_page(store, page("c1", customer_row(gone, 5), customer_row(kept, 5)))
    mine = store.create("customer", {"name": "Mine", "status": "active"})
    seen: set[tuple[str, str]] = set()
    apply_page(store, page("r1", customer_row(kept, 5)), seen=seen)
    assert remove_unseen(store, seen) == 1
    assert store.get("customer", gone, include_deleted=True) is None
    assert store.get("customer", kept) is not None
    assert store.get("customer", mine) is not None


def test_verified_counts_ignore_pending_creates_and_deletes(store: Store) -> None:
    a, b = uuid7(), uuid7()
    apply_page(store, page("c1", customer_row(a, 5), customer_row(b, 5)))
    store.create("customer", {"name": "New", "status": "active"})
    store.delete("customer", a)
    with store.read() as conn:
        assert verified_counts(conn)["customer"] == 2


def test_conflicts_are_stored_and_local_resolution_is_kept(store: Store) -> None:
    cid, conflict_id = uuid7(), uuid7()
    conflict: dict[str, Any] = {
        "id": conflict_id,
        "entity": "customer",
        "row_id": cid,
        "kind": "field",
        "field": "name",
        "winning_value": "A",
        "winning_stamp": stamp(6),
        "losing_value": "B",
        "losing_stamp": stamp(5),
        "winning_user": "anna",
        "losing_user": "ben",
        "created_at": "2026-11-28T00:00:00Z",
        "resolved": False,
    }
    apply_page(store, page("c1", customer_row(cid, 5), conflicts=[conflict]))
    assert resolve_conflict(store, conflict_id)
    apply_page(store, page("c2", conflicts=[conflict]))
    with store.read() as conn:
        row = conn.execute(sa.select(t.conflict)).one()
        assert row.resolved and row.resolution_pending
        assert row.losing_value == "B"
        assert resolved_unsent(conn) == [conflict_id]
    apply_push_results(store, [], resolved_sent=[conflict_id])
    with store.read() as conn:
        assert resolved_unsent(conn) == []


def test_page_observes_server_clock(store: Store) -> None:
    far = 5_000_000_000_000
    apply_page(store, page("c1", customer_row(uuid7(), far)))
    assert store.clock.now() > stamp(far)
    persisted = store.meta("hlc")
    assert persisted is not None and stamp_ms(persisted) == far
