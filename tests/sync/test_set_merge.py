"""A large pulled page is merged set-based (column by column, only values that differ):
the store, its search index and the pending local edits end exactly as with the upsert of
every row that small pages use."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from fieldcrm.domain.entities import ENTITIES
from fieldcrm.domain.ids import uuid7
from fieldcrm.store import Store, replica
from fieldcrm.store.replica import MERGE_FROM_ROWS, apply_page
from fieldcrm.store.search import search_customers
from tests.helpers.pulled import contact_row, customer_row, page, stamp

N = MERGE_FROM_ROWS + 36


def _table(store: Store, entity: str) -> list[tuple[Any, ...]]:
    """Every row, with this store's device id (in the stamps of local edits) named alike."""
    with store.read() as conn:
        rows = conn.exec_driver_sql(f'SELECT * FROM "{entity}" ORDER BY id').all()
    return [
        tuple(v.replace(store.device_id, "DEVICE") if isinstance(v, str) else v for v in row)
        for row in rows
    ]


def _search(store: Store, *words: str) -> list[list[str]]:
    return [sorted(search_customers(store, word, limit=1000)) for word in words]


@pytest.fixture
def stores(tmp_path: Path) -> Iterator[tuple[Store, Store]]:
    merged = Store(tmp_path / "merged.db", wall_ms=lambda: 1_000_000)
    upserted = Store(tmp_path / "upserted.db", wall_ms=lambda: 1_000_000)
    yield merged, upserted
    merged.close()
    upserted.close()


def _apply_both(
    stores: tuple[Store, Store], pulled: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    merged, upserted = stores
    apply_page(merged, pulled)
    with monkeypatch.context() as patch:
        patch.setattr(replica, "MERGE_FROM_ROWS", 10**9)  # every row upserted
        apply_page(upserted, pulled)


def test_a_large_page_ends_as_the_upsert_does(
    stores: tuple[Store, Store], monkeypatch: pytest.MonkeyPatch
) -> None:
    merged, upserted = stores
    ids = [uuid7() for _ in range(N)]
    first = [customer_row(i, 5, name=f"Altname {n}", phone="+49 1") for n, i in enumerate(ids)]
    contacts = [contact_row(uuid7(), ids[0], 5, f"Meyer {n}") for n in range(N)]
    _apply_both(stores, page("c1", *first, *contacts), monkeypatch)
    assert merged.counts()["customer"] == N and merged.counts()["contact"] == N

    new_ids = [uuid7() for _ in range(N // 2)]
    second = [
        # renamed (searched), re-phoned (not searched), emptied, moved, new
        *(customer_row(i, 6, name=f"Neuname {n}", phone="+49 1") for n, i in enumerate(ids[:20])),
        *(
            customer_row(i, 6, name=f"Altname {n + 20}", phone="+49 2")
            for n, i in enumerate(ids[20:60])
        ),
        *(customer_row(i, 6, name=f"Altname {n + 60}", city=None) for n, i in enumerate(ids[60:])),
        *(customer_row(i, 6, name="Frisch") for i in new_ids),
    ]
    for n, row in enumerate(second):
        row["seq"] = 1000 + n
    second[5]["deleted"] = True
    second[5]["fields"] = {}
    _apply_both(stores, page("c2", *second), monkeypatch)

    for entity in ("customer", "contact"):
        assert _table(merged, entity) == _table(upserted, entity)
    words = ("neuname", "altname", "frisch", "berlin", "meyer")
    assert _search(merged, *words) == _search(upserted, *words)
    neu, alt, frisch, berlin, _ = _search(merged, *words)
    assert len(neu) == 19 and ids[5] not in neu  # one of them was deleted
    assert len(alt) == N - 20 and len(frisch) == N // 2
    assert set(ids[60:]).isdisjoint(berlin)  # their city was emptied
    edited = merged.get("customer", ids[30])
    assert edited is not None and edited["phone"] == "+49 2"


def test_a_pending_local_edit_survives_a_large_page(
    stores: tuple[Store, Store], monkeypatch: pytest.MonkeyPatch
) -> None:
    merged, upserted = stores
    ids = [uuid7() for _ in range(N)]
    _apply_both(stores, page("c1", *(customer_row(i, 5) for i in ids)), monkeypatch)
    for store in stores:
        store.update("customer", ids[3], {"city": "Lokal"})  # newer than the server's
    _apply_both(stores, page("c2", *(customer_row(i, 6, phone="+49 9") for i in ids)), monkeypatch)
    assert _table(merged, "customer") == _table(upserted, "customer")
    row = merged.get("customer", ids[3])
    assert row is not None and row["city"] == "Lokal" and row["phone"] == "+49 9"
    assert merged.pending_count() == 1


def _visit_row(row_id: str, ms: int, **fields: Any) -> dict[str, Any]:
    values = dict.fromkeys(ENTITIES["visit"].field_names) | {
        "customer_id": "c-1",
        "rep_id": "u-1",
        "status": "planned",
        "planned_start": "2026-12-01T09:00:00Z",
        "channel": "onsite",
    }
    values |= fields
    return {
        "entity": "visit",
        "id": row_id,
        "fields": values,
        "stamps": dict.fromkeys(values, stamp(ms)),
        "deleted": False,
    }


def test_true_false_none_and_lists_are_merged_as_the_upsert_writes_them(
    stores: tuple[Store, Store], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Boolean and list columns (stored as 0/1 and JSON text) and NULLs: every change
    between them is seen as a change, and nothing else is."""
    merged, upserted = stores
    ids = [uuid7() for _ in range(N)]
    first = [
        _visit_row(
            i, 5, fixed_time=(True, False, None)[n % 3], attendee_ids=[["a", "b"], [], None][n % 3]
        )
        for n, i in enumerate(ids)
    ]
    _apply_both(stores, page("c1", *first), monkeypatch)
    second = [
        # each value moved to the next of its kind (True -> False -> None -> True, ...)
        _visit_row(
            i, 6, fixed_time=(False, None, True)[n % 3], attendee_ids=[[], None, ["b", "a"]][n % 3]
        )
        if n % 2
        # the same values again, the report alone changed
        else _visit_row(
            i,
            6,
            fixed_time=(True, False, None)[n % 3],
            attendee_ids=[["a", "b"], [], None][n % 3],
            report="Neu",
        )
        for n, i in enumerate(ids)
    ]
    for n, row in enumerate(second):
        row["seq"] = 1000 + n
    _apply_both(stores, page("c2", *second), monkeypatch)
    assert _table(merged, "visit") == _table(upserted, "visit")
    for n, i in enumerate(ids[:6]):
        stored = merged.get("visit", i)
        assert stored is not None
        expected = second[n]["fields"]
        assert (stored["fixed_time"], stored["attendee_ids"]) == (
            expected["fixed_time"],
            expected["attendee_ids"],
        )
        assert stored["report"] == (None if n % 2 else "Neu")


def test_every_entity_fits_the_merge_mask() -> None:
    """One bit per compared column in a signed 64-bit integer: a 63rd column would make
    the mask negative (skipped) and a 64th would shift out (its changes lost)."""
    for entity, sql in replica._SQL.items():
        assert len(sql.compared) <= 62, entity
