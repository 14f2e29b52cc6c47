"""Sync invariant 1: a row and its outbox entry commit together, or neither does."""

from __future__ import annotations

import contextlib
import inspect
import json
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest

from fieldcrm.domain.validation import ValidationError
from fieldcrm.store import Store, UnitOfWork
from fieldcrm.store.search import search_customers
from tests.helpers.world import WallClock, make_world, snapshot

ROOT = Path(__file__).resolve().parents[2]


class InjectedFailure(Exception):
    pass


def _fail(*_args: Any, **_kwargs: Any) -> None:
    raise InjectedFailure("disk gone between the row and its outbox entry")


def _found(s: Store, text: str) -> list[str]:
    return search_customers(s, text)


def test_failure_between_row_and_outbox_entry_leaves_neither(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    world = make_world(store)
    before, pending = snapshot(store), store.pending_count()
    monkeypatch.setattr(UnitOfWork, "_append_outbox", _fail)

    with pytest.raises(InjectedFailure):
        store.create("customer", {"name": "Phantom AG"})
    with pytest.raises(InjectedFailure):
        store.update("customer", world.customer, {"name": "Renamed GmbH"})
    with pytest.raises(InjectedFailure):
        store.delete("customer", world.customer)

    assert snapshot(store) == before
    assert store.pending_count() == pending
    assert _found(store, "phantom") == []
    assert _found(store, "renamed") == []
    assert _found(store, "müller") == [world.customer]


def test_failure_after_some_writes_of_a_unit_of_work_rolls_back_all(store: Store) -> None:
    world = make_world(store)
    before, pending = snapshot(store), store.pending_count()
    with pytest.raises(InjectedFailure), store.write() as uow:
        uow.create("customer", {"name": "Phantom AG"})
        uow.update("contact", world.contact, {"job_title": "CEO"})
        uow.delete("visit", world.visit)
        _fail()
    assert snapshot(store) == before
    assert store.pending_count() == pending
    assert _found(store, "phantom") == []


def test_caught_half_way_failure_still_rolls_back(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A caller that swallows the error cannot commit a row without its outbox entry."""
    before, pending = snapshot(store), store.pending_count()
    with pytest.raises(RuntimeError, match="failed half-way"), store.write() as uow:
        uow.create("territory", {"name": "Kept?"})
        monkeypatch.setattr(UnitOfWork, "_append_outbox", _fail)
        with contextlib.suppress(InjectedFailure):
            uow.create("territory", {"name": "Half"})
        monkeypatch.undo()
        with pytest.raises(RuntimeError, match="failed half-way"):
            uow.create("territory", {"name": "After"})
    assert snapshot(store) == before
    assert store.pending_count() == pending


def test_validation_error_inside_a_unit_of_work_rolls_back_the_earlier_writes(
    store: Store,
) -> None:
    before = snapshot(store)
    with pytest.raises(ValidationError), store.write() as uow:
        uow.create("territory", {"name": "Fine"})
        uow.create("territory", {"name": ""})
    assert snapshot(store) == before
    assert store.pending_count() == 0


def test_caught_validation_error_keeps_the_other_writes(store: Store) -> None:
    """Validation happens before anything is written, so the unit of work stays usable."""
    with store.write() as uow:
        kept = uow.create("territory", {"name": "Fine"})
        with pytest.raises(ValidationError):
            uow.create("territory", {"name": ""})
        also = uow.create("territory", {"name": "Also fine"})
    assert [e["row_id"] for e in store.outbox_entries()] == [kept, also]


def test_process_killed_before_commit_leaves_nothing(tmp_path: Path) -> None:
    db = tmp_path / "fieldcrm.db"
    Store(db).close()
    script = textwrap.dedent(
        f"""
        import os
        from fieldcrm.store import Store
        store = Store({str(db)!r})
        with store.write() as uow:
            uow.create("territory", {{"name": "Lost"}})
            uow.connection.exec_driver_sql("SELECT 1")
            os._exit(3)
        """
    )
    result = subprocess.run([sys.executable, "-c", script], cwd=ROOT)
    assert result.returncode == 3
    reopened = Store(db)
    try:
        assert reopened.counts()["territory"] == 0
        assert reopened.pending_count() == 0
    finally:
        reopened.close()


# ---- no write path without its outbox entry -------------------------------------------

#: Every public method of the store and of a unit of work, by what it does. A new public
#: method fails this test until it is listed here (and, if it writes, tested below).
READS = {"get", "counts", "pending_count", "outbox_entries", "meta", "read", "now_text", "close"}
READS |= {"wall_ms", "content_key"}
ROW_WRITES = {"create", "update", "delete"}
OTHER = {"write", "set_meta", "connection", "clock", "device_id", "engine", "path", "store"}
OTHER |= {"conn"}


def _public(cls: type) -> set[str]:
    return {name for name, _ in inspect.getmembers(cls) if not name.startswith("_")}


def test_public_api_is_known() -> None:
    assert _public(Store) <= READS | ROW_WRITES | OTHER
    assert _public(UnitOfWork) <= {
        "create",
        "update",
        "delete",
        "restore",
        "get",
        "finish",
        "connection",
        "resend_fields",
        "resend_create",
    }


def test_resending_a_refused_change_writes_one_entry_with_fresh_stamps(
    store: Store, wall: WallClock
) -> None:
    world = make_world(store)
    for op, call in (
        ("update", lambda uow: uow.resend_fields("contact", world.contact, ["first_name"])),
        ("create", lambda uow: uow.resend_create("note", world.note)),
    ):
        wall.advance()
        before_ops = store.pending_count()
        with store.write() as uow:
            call(uow)
        [entry] = store.outbox_entries()[before_ops:]
        assert entry["op"] == op
        row = store.get(entry["entity"], entry["row_id"])
        assert row is not None
        assert {k: row["stamps"][k] for k in entry["stamps"]} == entry["stamps"]
        assert entry["fields"] == {k: row[k] for k in entry["stamps"]}


def _changed_rows(
    before: dict[tuple[str, str], dict[str, Any]], after: dict[tuple[str, str], dict[str, Any]]
) -> set[tuple[str, str]]:
    return {key for key in after.keys() | before.keys() if before.get(key) != after.get(key)}


def test_every_write_path_writes_one_outbox_entry_per_changed_row(
    store: Store, wall: WallClock
) -> None:
    world = make_world(store)
    other = store.create("customer", {"name": "Other Ltd"})

    def via_uow(op: str, *args: Any) -> None:
        with store.write() as uow:
            getattr(uow, op)(*args)

    def via_store(op: str, *args: Any) -> None:
        getattr(store, op)(*args)

    steps: list[tuple[str, tuple[Any, ...]]] = [
        ("create", ("territory", {"name": "West"})),
        ("update", ("territory", world.territory, {"name": "Süd-Ost"})),
        ("create", ("user", {"username": "eve", "territory_id": world.territory})),
        ("update", ("user", world.manager, {"display_name": "Max M."})),
        ("create", ("customer", {"name": "Neu GmbH", "owner_id": world.rep})),
        ("update", ("customer", other, {"segment": "C", "status": "inactive"})),
        ("create", ("contact", {"customer_id": other, "last_name": "Neu"})),
        ("update", ("contact", world.contact, {"phone": "+49 89 1"})),
        (
            "create",
            (
                "visit",
                {"customer_id": other, "rep_id": world.rep, "planned_start": "2026-07-01T08:00Z"},
            ),
        ),
        ("update", ("visit", world.visit, {"status": "cancelled"})),
        ("create", ("note", {"customer_id": other, "author_id": world.rep, "text": "x"})),
        ("update", ("note", world.note, {"text": "y"})),
        (
            "create",
            (
                "followup",
                {
                    "customer_id": other,
                    "assignee_id": world.rep,
                    "title": "t",
                    "due_date": "2026-07-02",
                },
            ),
        ),
        ("update", ("followup", world.followup, {"title": "u"})),
        ("delete", ("note", world.note)),
        ("delete", ("user", world.manager)),
        ("delete", ("customer", world.customer)),
        ("delete", ("territory", world.subterritory)),
    ]
    for i, (op, args) in enumerate(steps):
        wall.advance()
        before, before_ops = snapshot(store), store.pending_count()
        (via_uow if i % 2 else via_store)(op, *args)
        after = snapshot(store)
        entries = store.outbox_entries()[before_ops:]
        changed = _changed_rows(before, after)
        assert changed, f"step {i} ({op}) changed nothing"
        assert sorted((e["entity"], e["row_id"]) for e in entries) == sorted(changed), (
            f"step {i}: {op} {args[0]}"
        )
        for e in entries:
            row = after[e["entity"], e["row_id"]]
            # The row carries exactly the stamps its entry sent.
            row_stamps = json.loads(row["stamps"])
            assert {k: v for k, v in row_stamps.items() if k in e["stamps"]} == e["stamps"]
