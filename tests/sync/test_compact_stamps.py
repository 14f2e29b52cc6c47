"""Compact per-field stamps: exact round trip, the server sends them, the laptop merges them."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import orjson
import pytest
from hypothesis import given
from hypothesis import strategies as st

from fieldcrm.domain.entities import ENTITIES
from fieldcrm.domain.ids import uuid7
from fieldcrm.protocol import ALL_FIELDS, compact_stamps, expand_stamps
from fieldcrm.store import Store
from fieldcrm.store.replica import apply_page
from sync_server.store import render_payload
from tests.helpers.pulled import customer_row, page, stamp

FIELDS = ENTITIES["visit"].field_names
STAMPS = st.sampled_from([stamp(ms, c) for ms in (5, 6, 7) for c in (0, 1)])


@given(
    st.dictionaries(st.sampled_from([*FIELDS, "_deleted", "retired_field"]), STAMPS),
)
def test_compact_then_expand_gives_back_exactly_the_stamps(stamps: dict[str, str]) -> None:
    compact = compact_stamps(stamps, FIELDS)
    assert expand_stamps(compact, FIELDS) == stamps
    assert len(compact) <= len(stamps)  # never longer
    if ALL_FIELDS in compact:
        # Only when every field has a stamp, and the common one is written once.
        assert set(FIELDS) <= set(stamps)
        assert all(compact[k] != compact[ALL_FIELDS] for k in compact if k in FIELDS)


@given(st.dictionaries(st.sampled_from(FIELDS), STAMPS))
def test_expanding_a_spelled_out_mapping_changes_nothing(stamps: dict[str, str]) -> None:
    assert expand_stamps(stamps, FIELDS) == stamps


def test_a_row_written_in_one_go_carries_its_stamp_once() -> None:
    s = stamp(5)
    row = orjson.loads(
        render_payload("visit", "v1", {"status": "planned"}, dict.fromkeys(FIELDS, s), False)
    )
    # Positional (protocol 5): [id, deleted, stamps, value of each field ...].
    assert row[:3] == ["v1", False, {ALL_FIELDS: s}]
    assert row[3 + FIELDS.index("status")] == "planned"
    assert len(row) == 3 + len(FIELDS)
    edited = dict.fromkeys(FIELDS, s) | {"report": stamp(7), "_deleted": stamp(7, 1)}
    row = orjson.loads(render_payload("visit", "v1", {}, edited, True))
    # A tombstone carries no values.
    assert row == ["v1", True, {ALL_FIELDS: s, "report": stamp(7), "_deleted": stamp(7, 1)}]
    # A field without a stamp (added to the entity later) keeps the spelled-out form.
    partial = {name: s for name in FIELDS if name != "report"}
    row = orjson.loads(render_payload("visit", "v1", {}, partial, False))
    assert row[2] == partial


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    s = Store(tmp_path / "fieldcrm.db", wall_ms=lambda: 1_000_000)
    yield s
    s.close()


def compact_customer(row_id: str, ms: int, **fields: object) -> dict[str, object]:
    row = customer_row(row_id, ms, **fields)
    row["stamps"] = compact_stamps(row["stamps"], ENTITIES["customer"].field_names)
    assert set(row["stamps"]) == {ALL_FIELDS}
    return row


def test_compact_rows_are_kept_compact_and_read_spelled_out(store: Store) -> None:
    cid = uuid7()
    apply_page(store, page("c1", compact_customer(cid, 5, name="Acme")))
    with store.read() as conn:
        raw = conn.exec_driver_sql("SELECT stamps FROM customer WHERE id = ?", (cid,)).scalar_one()
    assert orjson.loads(raw) == {ALL_FIELDS: stamp(5)}
    row = store.get("customer", cid)
    assert row is not None
    assert row["stamps"] == dict.fromkeys(ENTITIES["customer"].field_names, stamp(5))


def test_local_edit_of_a_compact_row_sends_the_right_base_and_merges(store: Store) -> None:
    cid = uuid7()
    apply_page(store, page("c1", compact_customer(cid, 5, name="Acme", city="Berlin")))
    store.update("customer", cid, {"name": "Acme Local"})  # stamped at 1_000_000 ms
    (entry,) = store.outbox_entries()
    assert entry["base_stamps"] == {"name": stamp(5)}  # what this laptop saw before
    # The server's newer state of every field arrives compact; the newer local name stays.
    stats = apply_page(store, page("c2", compact_customer(cid, 6, name="Server", city="Hamburg")))
    row = store.get("customer", cid)
    assert row is not None
    assert (row["name"], row["city"]) == ("Acme Local", "Hamburg")
    assert stats.kept_local == 1
    assert row["stamps"]["city"] == stamp(6)
    assert row["stamps"]["name"] > stamp(6)
    # A delete of the compact row keeps every field's stamp as its base.
    store.delete("customer", cid)
    delete = store.outbox_entries()[-1]
    assert delete["base_stamps"]["city"] == stamp(6)
