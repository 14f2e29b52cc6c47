"""A push the server refuses as a whole never blocks the outbox.

The server refuses a whole request when its body is over the size cap (413), when it
cannot read an entry (422) and when changes are dated in the future (422 ``clock_ahead``).
The laptop cuts, narrows down and sets aside, so every other change still gets through and
the one it could not send is in the rejected list with a reason, never silently dropped.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson
import pytest

from fieldcrm.domain.hlc import wall_clock_ms
from fieldcrm.store import Store
from fieldcrm.store.replica import rejected_changes
from fieldcrm.sync import engine as engine_module
from sync_server.api import create_app
from sync_server.config import Settings
from sync_server.db import make_engine
from tests.helpers.sync_harness import InProcessServer, Laptop, migrated_server_db

#: A small body cap makes the size cases quick; the laptop learns it only from the 413.
SMALL_CAP = 64 * 1024


def _server(tmp_path: Path, max_body_bytes: int | None = None) -> InProcessServer:
    db = migrated_server_db(tmp_path)
    app = None
    if max_body_bytes is not None:
        url = f"sqlite:///{db}"
        app = create_app(
            Settings(database_url=url, max_body_bytes=max_body_bytes), engine=make_engine(url)
        )
    srv = InProcessServer(db, reuse_app=app)
    srv.territory("North", area="Area 1")
    srv.user("anna", "rep", territory="North")
    srv.user("ben", "rep", territory="North")
    return srv


@pytest.fixture
def server(tmp_path: Path) -> Iterator[InProcessServer]:
    srv = _server(tmp_path)
    yield srv
    srv.close()


@pytest.fixture
def small_server(tmp_path: Path) -> Iterator[InProcessServer]:
    srv = _server(tmp_path, SMALL_CAP)
    yield srv
    srv.close()


def _notes(lap: Laptop, customer: str, sizes: list[int]) -> list[str]:
    return [
        lap.store.create(
            "note",
            {"customer_id": customer, "author_id": lap.user_id, "text": f"{n:04d} " + "x" * size},
        )
        for n, size in enumerate(sizes)
    ]


def _server_note_ids(server: InProcessServer) -> set[str]:
    return {row_id for entity, row_id in server.view_of("anna") if entity == "note"}


def test_outbox_larger_than_the_body_cap_is_sent_in_several_requests(
    tmp_path: Path, server: InProcessServer
) -> None:
    """120 long visit notes (about 11 MB) do not fit in one 8 MiB request."""
    anna = Laptop(tmp_path / "anna", server, "anna")
    anna.sync()
    customer = anna.store.create("customer", {"name": "Long reports", "status": "active"})
    notes = _notes(anna, customer, [90_000] * 120)

    result = anna.sync()

    assert result.ok, result.errors
    assert result.pushed == 121 and result.rejected == 0 and result.pending == 0
    assert result.requests >= 4  # at least three pushes and a pull
    assert set(notes) <= _server_note_ids(server)


def test_request_too_large_is_halved_until_it_fits(
    tmp_path: Path, small_server: InProcessServer
) -> None:
    anna = Laptop(tmp_path / "anna", small_server, "anna")
    anna.sync()
    customer = anna.store.create("customer", {"name": "Halves", "status": "active"})
    notes = _notes(anna, customer, [20_000] * 12)  # about 240 KB, cap 64 KiB

    result = anna.sync()

    assert result.ok, result.errors
    assert result.pushed == 13 and result.rejected == 0 and result.pending == 0
    assert set(notes) <= _server_note_ids(small_server)


def test_one_change_larger_than_the_cap_is_set_aside_and_the_rest_syncs(
    tmp_path: Path, small_server: InProcessServer
) -> None:
    anna = Laptop(tmp_path / "anna", small_server, "anna")
    anna.sync()
    customer = anna.store.create("customer", {"name": "One huge note", "status": "active"})
    before = _notes(anna, customer, [1_000, 1_000])
    [huge] = _notes(anna, customer, [90_000])
    after = _notes(anna, customer, [1_000])

    result = anna.sync()

    assert result.ok, result.errors
    assert result.rejected == 1 and result.pending == 0
    assert set(before + after) <= _server_note_ids(small_server)
    assert huge not in _server_note_ids(small_server)
    with anna.store.read() as conn:
        [rejected] = rejected_changes(conn)
    assert rejected["row_id"] == huge
    assert rejected["reason"] == engine_module.TOO_LARGE_REASON
    # Nothing is lost: the rejected list keeps the whole text for the rep to shorten.
    assert len(rejected["fields"]["text"]) == 90_005

    # The next sync is clean: the set-aside change does not come back to block it.
    again = anna.sync()
    assert again.ok and again.rejected == 0 and again.pending == 0


def _corrupt_entry(store: Store, op_no: int, how: str) -> None:
    """Damage one queued entry as a faulty older version of the app might have."""
    with store.write() as uow:
        conn = uow.connection
        if how == "unknown field":
            stamp = store.clock.now()
            conn.exec_driver_sql(
                "UPDATE outbox SET fields = ?, stamps = ? WHERE op_no = ?",
                ('{"shoe_size": 44}', orjson.dumps({"shoe_size": stamp}).decode(), op_no),
            )
        else:  # an operation the protocol does not have: the request does not parse
            conn.exec_driver_sql("UPDATE outbox SET op = 'merge' WHERE op_no = ?", (op_no,))


@pytest.mark.parametrize("how", ["unknown field", "unknown operation"])
def test_an_unreadable_change_is_set_aside_and_the_rest_syncs(
    tmp_path: Path, server: InProcessServer, how: str
) -> None:
    anna = Laptop(tmp_path / "anna", server, "anna")
    ben = Laptop(tmp_path / "ben", server, "ben")
    anna.sync()
    first = anna.store.create("customer", {"name": "Before", "status": "active"})
    damaged = anna.store.create("customer", {"name": "Damaged", "status": "active"})
    anna.store.update("customer", first, {"city": "Kiel"})
    with anna.store.read() as conn:
        ops: dict[str, int] = dict(
            conn.exec_driver_sql("SELECT row_id, max(op_no) FROM outbox GROUP BY row_id").all()
        )
    _corrupt_entry(anna.store, ops[damaged], how)
    later = anna.store.create("customer", {"name": "After", "status": "active"})

    result = anna.sync()

    assert result.ok, result.errors
    assert result.rejected == 1 and result.pending == 0 and result.pushed == 3
    with anna.store.read() as conn:
        [rejected] = rejected_changes(conn)
    assert rejected["row_id"] == damaged
    assert rejected["reason"].startswith("The server could not read this change (")
    ben.sync()
    names = {ben.store.get("customer", cid)["name"] for cid in (first, later)}  # type: ignore[index]
    assert names == {"Before", "After"}
    assert ben.store.get("customer", first)["city"] == "Kiel"  # type: ignore[index]
    assert ben.store.get("customer", damaged) is None


def test_batches_overlap_and_a_refused_batch_in_the_middle_blocks_nothing(
    tmp_path: Path, server: InProcessServer
) -> None:
    """Many batches: the next one goes out while the answer to the one before is written
    down. A batch the server refuses as a whole in the middle is handled before anything
    else is sent (its unreadable entry set aside, the rest sent again), and every other
    change arrives exactly once, in the order it was made."""
    anna = Laptop(tmp_path / "anna", server, "anna")
    ben = Laptop(tmp_path / "ben", server, "ben")
    anna.sync()
    created = [
        anna.store.create("customer", {"name": f"Kunde {n:02d}", "status": "active"})
        for n in range(23)
    ]
    with anna.store.read() as conn:
        ops: dict[str, int] = dict(
            conn.exec_driver_sql("SELECT row_id, max(op_no) FROM outbox GROUP BY row_id").all()
        )
    damaged = created[12]  # in the third batch of five
    _corrupt_entry(anna.store, ops[damaged], "unknown field")
    pushes: list[list[int]] = []
    original = anna.transport.handle_request

    def watch(request: Any) -> Any:
        if request.url.path.endswith("/push"):
            pushes.append([e["op_no"] for e in orjson.loads(request.content)["entries"]])
        return original(request)

    anna.transport.handle_request = watch  # type: ignore[method-assign]

    result = anna.sync(push_batch=5)

    assert result.ok, result.errors
    assert result.rejected == 1 and result.pending == 0 and result.pushed == 22
    sent = [op_no for batch in pushes for op_no in batch]
    # The refused batch goes once whole, then without the unreadable entry; every other
    # entry goes once, and in order.
    refused = [batch for batch in pushes if ops[damaged] in batch]
    assert len(refused) == 1 and len(refused[0]) == 5
    after_refusal = sent[sent.index(refused[0][-1]) + 1 :]
    assert sorted(set(sent) - {ops[damaged]}) == sorted(ops[c] for c in created if c != damaged)
    assert sorted(after_refusal) == after_refusal
    assert len(sent) == 23 + 4  # the four readable entries of the refused batch again
    ben.sync()
    assert {ben.store.get("customer", c)["name"] for c in created if c != damaged} == {  # type: ignore[index]
        f"Kunde {n:02d}" for n in range(23) if n != 12
    }
    assert ben.store.get("customer", damaged) is None


class _Clock:
    """A laptop clock that can run ahead of the real one."""

    def __init__(self) -> None:
        self.ahead_ms = 0

    def __call__(self) -> int:
        return wall_clock_ms() + self.ahead_ms


def _laptop_with_clock(tmp_path: Path, server: InProcessServer, clock: _Clock) -> Laptop:
    lap = Laptop(tmp_path / "anna", server, "anna")
    lap.store.close()
    lap.store = Store(lap.directory / "fieldcrm.db", wall_ms=clock)
    return lap


def test_clock_ahead_keeps_changes_queued_and_still_pulls(
    tmp_path: Path, server: InProcessServer
) -> None:
    clock = _Clock()
    anna = _laptop_with_clock(tmp_path, server, clock)
    ben = Laptop(tmp_path / "ben", server, "ben")
    anna.sync()
    clock.ahead_ms = 2 * 3600 * 1000  # the laptop's clock runs two hours ahead
    queued = anna.store.create("customer", {"name": "From the future", "status": "active"})
    from_ben = ben.store.create("customer", {"name": "From Ben", "status": "active"})
    ben.sync()

    result = anna.sync()

    assert not result.ok
    assert any("clock is ahead" in error for error in result.errors), result.errors
    assert result.pending == 1 and result.rejected == 0  # waits; nothing set aside
    assert anna.store.get("customer", from_ben) is not None  # the pull went on
    assert ben.sync().ok and ben.store.get("customer", queued) is None

    # The rep sets the clock right. The change stamped while it was ahead goes to the
    # rejected list with the reason; her next edits carry right stamps and sync.
    clock.ahead_ms = 0
    result = anna.sync()
    assert result.ok, result.errors
    assert result.rejected == 1 and result.pending == 0
    with anna.store.read() as conn:
        [rejected] = rejected_changes(conn)
    assert rejected["row_id"] == queued
    assert (
        rejected["reason"].startswith("This change is dated 1")
        and "minutes in the future" in (rejected["reason"])
    )
    assert rejected["fields"]["name"] == "From the future"
    fresh = anna.store.create("customer", {"name": "Right on time", "status": "active"})
    anna.store.update("customer", from_ben, {"city": "Lübeck"})
    result = anna.sync()
    assert result.ok and result.rejected == 0 and result.pending == 0, result.errors
    ben.sync()
    assert ben.store.get("customer", fresh) is not None
    assert ben.store.get("customer", from_ben)["city"] == "Lübeck"  # type: ignore[index]


def test_refusal_details_name_entries_by_position(monkeypatch: Any) -> None:
    """The server's validation answer names an entry by its place in the request."""
    from fieldcrm.sync.errors import RequestRejected

    entries = [{"op_no": 7}, {"op_no": 9}, {"op_no": 12}]
    exc = RequestRejected(
        "The request is not valid",
        status=422,
        code="invalid_request",
        details=[{"loc": ["body", "entries", "1", "op"], "message": "Input should be 'create'"}],
    )
    [result] = engine_module.SyncEngine._refused_entries(exc, entries)
    assert result["op_no"] == 9 and result["status"] == "rejected"
    assert "Input should be 'create'" in result["reason"]
