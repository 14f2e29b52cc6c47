"""First sync into bare tables: indexes and search triggers set aside, put back afterwards."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from fieldcrm.app.customers import CustomerFilter, customer_page
from fieldcrm.domain.ids import uuid7
from fieldcrm.store import Store, replica, search_build
from fieldcrm.store.export import iter_records
from fieldcrm.store.replica import (
    BULK_LOAD_KEY,
    CURSOR_KEY,
    apply_page,
    begin_bulk_load,
    bulk_load_pulled,
    end_bulk_load,
    in_bulk_load,
)
from fieldcrm.store.search import search_customers
from fieldcrm.store.search_build import catch_up_list
from fieldcrm.sync import SyncProgress
from tests.helpers.pulled import contact_row, customer_row, page
from tests.helpers.sync_harness import InProcessServer, Laptop, migrated_server_db


def schema(store: Store) -> set[tuple[str, str, str]]:
    """Every index and trigger of the database with its SQL (what bulk load touches)."""
    with store.read() as conn:
        return {
            (kind, name, sql or "")
            for kind, name, sql in conn.exec_driver_sql(
                "SELECT type, name, sql FROM sqlite_master WHERE type IN ('index', 'trigger')"
            )
        }


def search_index_ok(store: Store) -> None:
    catch_up_list(store)  # the list's search, once caught up, is its table's exact index
    with store.read() as conn:
        for fts in ("customer_fts", "contact_fts"):
            # Raises (SQLITE_CORRUPT_VTAB) when the index differs from its content table.
            conn.exec_driver_sql(f"INSERT INTO {fts}({fts}) VALUES ('integrity-check')")
        assert conn.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"


@pytest.fixture
def fresh_schema(tmp_path: Path) -> set[tuple[str, str, str]]:
    reference = Store(tmp_path / "reference.db")
    try:
        return schema(reference)
    finally:
        reference.close()


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    s = Store(tmp_path / "fieldcrm.db", wall_ms=lambda: 1_000_000)
    yield s
    s.close()


def test_bulk_load_sets_aside_indexes_and_triggers_and_puts_them_back(
    store: Store, fresh_schema: set[tuple[str, str, str]]
) -> None:
    assert begin_bulk_load(store)
    assert in_bulk_load(store)
    left = schema(store)
    assert not any(kind == "trigger" for kind, _name, _sql in left)
    assert not any(
        name.startswith("ix_visit_") or name.startswith("ix_customer_") for _k, name, _s in left
    )
    # Tables that are not replicated keep theirs; primary keys stay (they find rows to merge).
    assert ("index", "ix_outbox_entity_row_id") in {(k, n) for k, n, _s in left}
    assert ("index", "sqlite_autoindex_customer_1") in {(k, n) for k, n, _s in left}

    live, gone = uuid7(), uuid7()
    contact = uuid7()
    apply_page(
        store,
        page(
            "c1",
            customer_row(live, 1000, name="Bäckerei Sommer", city="Köln"),
            customer_row(gone, 1000, name="Sommer Getränke") | {"deleted": True},
            contact_row(contact, live, 1000, "Sommerfeld"),
        ),
    )
    assert end_bulk_load(store)
    assert not in_bulk_load(store)
    assert schema(store) == fresh_schema
    search_index_ok(store)
    with store.write() as uow:  # the sort helper threads were for the index build only
        assert uow.connection.exec_driver_sql("PRAGMA threads").scalar() == 0
    # Live rows are found (also through their contacts); the tombstoned one is not.
    assert search_customers(store, "somm") == [live]
    assert search_customers(store, "koln") == [live]
    # Back to normal: the triggers keep the index in step with later edits.
    store.update("customer", live, {"name": "Winter Backwaren"})
    assert search_customers(store, "winter") == [live]
    assert search_customers(store, "baeckerei bäckerei") == []
    search_index_ok(store)


def test_end_bulk_load_is_idempotent_and_repairs_whatever_happened_meanwhile(
    store: Store, fresh_schema: set[tuple[str, str, str]]
) -> None:
    assert end_bulk_load(store) is False  # nothing set aside: nothing to do
    begin_bulk_load(store)
    begin_bulk_load(store)  # a second begin keeps the first record of what was set aside
    first = uuid7()
    apply_page(store, page("c1", customer_row(first, 1000, name="Acme Nord")))
    # Something put a search trigger back half-way (e.g. an older app version); rows
    # written after that are indexed twice unless the end refills the index from scratch.
    with store.write() as uow:
        uow.connection.exec_driver_sql(
            "CREATE TRIGGER customer_fts_ai AFTER INSERT ON customer WHEN new.deleted = 0 BEGIN "
            "INSERT INTO customer_fts(rowid, name, number, city, postal_code) "
            "VALUES (new.rowid, new.name, new.number, new.city, new.postal_code); END"
        )
    second = uuid7()
    apply_page(store, page("c2", customer_row(second, 1001, name="Acme Süd")))
    # A local record made during the first sync (the user does not wait for it).
    mine = store.create("customer", {"name": "Acme West", "status": "active"})
    assert end_bulk_load(store)
    assert end_bulk_load(store) is False
    assert schema(store) == fresh_schema
    search_index_ok(store)
    assert sorted(search_customers(store, "acme")) == sorted([first, second, mine])


def test_bulk_load_record_survives_a_crash(
    tmp_path: Path, fresh_schema: set[tuple[str, str, str]]
) -> None:
    path = tmp_path / "crash.db"
    store = Store(path)
    begin_bulk_load(store)
    row = uuid7()
    apply_page(store, page("c1", customer_row(row, 1000, name="Acme")))
    store.close()  # the process ends here without putting anything back

    reopened = Store(path)
    try:
        assert in_bulk_load(reopened)
        assert reopened.meta(CURSOR_KEY) == "c1"
        assert end_bulk_load(reopened)
        assert schema(reopened) == fresh_schema
        search_index_ok(reopened)
        assert search_customers(reopened, "acme") == [row]
    finally:
        reopened.close()


# ---- through the engine ---------------------------------------------------------------


@pytest.fixture
def server(tmp_path: Path) -> Iterator[InProcessServer]:
    srv = InProcessServer(migrated_server_db(tmp_path))
    srv.territory("North", area="Area 1")
    srv.user("anna", "rep", territory="North")
    srv.user("ben", "rep", territory="North")
    yield srv
    srv.close()


def test_first_sync_loads_in_bulk_and_leaves_a_complete_store(
    tmp_path: Path, server: InProcessServer, fresh_schema: set[tuple[str, str, str]]
) -> None:
    anna = Laptop(tmp_path / "anna", server, "anna")
    with anna.store.write() as uow:
        ids = [
            uow.create("customer", {"name": f"Kunde {n}", "status": "active"}) for n in range(30)
        ]
    assert anna.sync().ok

    ben = Laptop(tmp_path / "ben", server, "ben")
    phases: list[tuple[str, bool]] = []

    def watch(p: SyncProgress) -> None:
        phases.append((p.phase, ben.store.meta(BULK_LOAD_KEY) is not None))

    result = ben.sync(watch, page_limit=7)
    assert result.ok and result.pulled >= 30
    # Pages went into bare tables; the indexes were built once, before counts were verified.
    assert ("pull", True) in phases
    assert ("index", True) in phases
    assert phases.index(("verify", False)) > phases.index(("index", True))
    assert schema(ben.store) == fresh_schema
    search_index_ok(ben.store)
    assert sorted(search_customers(ben.store, "kunde")) == sorted(ids)

    # Later syncs are normal ones: nothing set aside.
    anna.store.update("customer", ids[0], {"name": "Umbenannt"})
    assert anna.sync().ok
    phases.clear()
    assert ben.sync(watch).ok
    assert all(not bulk for _phase, bulk in phases)
    assert ("index", False) not in phases
    assert search_customers(ben.store, "umbenannt") == [ids[0]]
    anna.close()
    ben.close()


def test_first_sync_cut_off_puts_indexes_back_and_the_next_run_completes(
    tmp_path: Path, server: InProcessServer, fresh_schema: set[tuple[str, str, str]]
) -> None:
    anna = Laptop(tmp_path / "anna", server, "anna")
    with anna.store.write() as uow:
        for n in range(25):
            uow.create("customer", {"name": f"Kunde {n}", "status": "active"})
    assert anna.sync().ok

    ben = Laptop(tmp_path / "ben", server, "ben")

    def network_goes(p: SyncProgress) -> None:
        if p.phase == "pull" and p.done >= 10:
            ben.transport.fail_next.extend(["/sync/pull"] * 10)

    cut = ben.sync(network_goes, page_limit=5)
    assert not cut.ok and cut.offline
    # The rep works offline with what arrived: searchable, indexed, nothing half-built.
    assert not in_bulk_load(ben.store)
    assert schema(ben.store) == fresh_schema
    search_index_ok(ben.store)
    partial = ben.store.counts()["customer"]
    assert 0 < partial < 25
    assert len(search_customers(ben.store, "kunde")) == partial

    ben.transport.fail_next.clear()
    resumed = ben.sync(page_limit=5)
    assert resumed.ok and resumed.pulled == 25 - partial
    assert ben.store.counts()["customer"] == 25
    search_index_ok(ben.store)
    anna.close()
    ben.close()


def test_sync_of_a_store_left_in_bulk_load_by_a_crash_finishes_it(
    tmp_path: Path, server: InProcessServer, fresh_schema: set[tuple[str, str, str]]
) -> None:
    anna = Laptop(tmp_path / "anna", server, "anna")
    with anna.store.write() as uow:
        for n in range(12):
            uow.create("customer", {"name": f"Kunde {n}", "status": "active"})
    assert anna.sync().ok
    ben = Laptop(tmp_path / "ben", server, "ben")

    def killed(p: SyncProgress) -> None:
        if p.phase == "pull" and p.done >= 5:
            raise KeyboardInterrupt  # as good as a kill: nothing runs after it

    with pytest.raises(KeyboardInterrupt):
        ben.sync(killed, page_limit=5)
    # Left as a killed process leaves it: a checkpoint, pages in bare tables, set aside.
    assert ben.store.meta(CURSOR_KEY) is not None
    assert in_bulk_load(ben.store)
    assert 0 < ben.store.counts()["customer"] < 12
    phases: list[tuple[str, bool]] = []
    result = ben.sync(lambda p: phases.append((p.phase, in_bulk_load(ben.store))), page_limit=5)
    assert result.ok
    assert ("pull", True) in phases  # went on loading in bulk from the checkpoint
    assert not in_bulk_load(ben.store)
    assert schema(ben.store) == fresh_schema
    search_index_ok(ben.store)
    assert ben.store.counts()["customer"] == 12
    with ben.store.read() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM customer_fts")).scalar() == 12
    anna.close()
    ben.close()


def test_a_deferred_first_sync_ends_with_the_data_and_the_builder_puts_the_indexes_back(
    tmp_path: Path, server: InProcessServer, fresh_schema: set[tuple[str, str, str]]
) -> None:
    """As the desktop runs it: the sync returns when the data is in; the background
    builder builds the indexes (one per transaction), then the search index."""
    anna = Laptop(tmp_path / "anna", server, "anna")
    with anna.store.write() as uow:
        for n in range(12):
            uow.create("customer", {"name": f"Kunde {n}", "status": "active"})
    assert anna.sync().ok
    ben = Laptop(tmp_path / "ben", server, "ben")
    phases: list[str] = []
    result = ben.sync(lambda p: phases.append(p.phase), page_limit=5, defer_indexes=True)
    assert result.ok and ben.store.counts()["customer"] == 12
    assert "index" not in phases  # the rep did not wait for them
    assert in_bulk_load(ben.store) and bulk_load_pulled(ben.store)
    # Searchable at once: the customer list's search indexes and triggers are back.
    search_index_ok(ben.store)
    assert len(search_customers(ben.store, "kunde")) == 12
    assert not search_build.progress(ben.store).set_aside
    # Meanwhile the rep edits: the change is in the indexes and the search afterwards.
    first = ben.store.counts()
    renamed = next(iter(r["id"] for r in iter_records(ben.store, "customer")))
    ben.store.update("customer", renamed, {"name": "Umbenannt Dazwischen"})
    assert search_customers(ben.store, "umbenannt") == [renamed]
    state = search_build.build(ben.store)
    assert state.built and not state.waiting
    assert not in_bulk_load(ben.store) and not bulk_load_pulled(ben.store)
    assert schema(ben.store) == fresh_schema
    search_index_ok(ben.store)
    assert ben.store.counts() == first
    assert search_customers(ben.store, "umbenannt") == [renamed]
    # The next sync runs on the indexed tables, and the idle check is back.
    assert ben.sync(defer_indexes=True).ok
    assert not in_bulk_load(ben.store)
    anna.close()
    ben.close()


def test_a_stop_between_two_indexes_leaves_the_store_usable_and_the_next_build_goes_on(
    store: Store, fresh_schema: set[tuple[str, str, str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    assert begin_bulk_load(store)
    live = uuid7()
    apply_page(store, page("c1", customer_row(live, 1000, name="Bäckerei Sommer")), relaxed=True)
    assert end_bulk_load(store, indexes=False)
    assert bulk_load_pulled(store)
    stop = threading.Event()
    built: list[str] = []
    original = replica._build_index

    def build_then_stop(conn: sa.Connection, obj: Mapping[str, str]) -> None:
        original(conn, obj)
        built.append(obj["name"])
        if len(built) == 3:
            stop.set()

    monkeypatch.setattr(replica, "_build_index", build_then_stop)
    assert end_bulk_load(store, stop) is False
    assert in_bulk_load(store) and bulk_load_pulled(store)
    assert len(built) == 3
    # The rep writes meanwhile; the relaxed pages' settings did not stay on the connection.
    store.update("customer", live, {"city": "Köln"})
    with store.write() as uow:
        conn = uow.connection
        assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
        assert conn.exec_driver_sql("PRAGMA wal_autocheckpoint").scalar() == 1000
    assert end_bulk_load(store)
    assert schema(store) == fresh_schema
    search_index_ok(store)
    with store.read() as conn:
        assert search_customers(store, "koln") == [live]


def test_an_interrupted_first_sync_is_not_indexed_by_the_background_builder(
    store: Store,
) -> None:
    """While a first sync is still loading, the builder leaves the bare tables alone (the
    sync puts the indexes back itself when it ends)."""
    assert begin_bulk_load(store)
    apply_page(store, page("c1", customer_row(uuid7(), 1000, name="Kunde")), relaxed=True)
    assert not bulk_load_pulled(store)
    state = search_build.build(store)
    assert state.set_aside and not state.built
    assert in_bulk_load(store) and not bulk_load_pulled(store)


class _Crash(Exception):
    """The process dies here (power cut, killed): the transaction in hand is lost."""


def test_a_crash_in_the_middle_of_the_deferred_indexes_is_finished_by_the_next_builder(
    store: Store, fresh_schema: set[tuple[str, str, str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The app is killed while its builder builds the indexes a first sync left: the index
    in hand is lost with its transaction, those built before stay; at the next start the
    builder goes on and the store ends as a store loaded with its indexes."""
    assert begin_bulk_load(store)
    names = ["Zander Fisch", "Öko Hof", "Bäckerei Sommer", "Apfelhof", "Müller & Söhne"]
    ids = {name: uuid7() for name in names}
    apply_page(
        store, page("c1", *(customer_row(i, 1000, name=n) for n, i in ids.items())), relaxed=True
    )
    assert end_bulk_load(store, indexes=False)
    built: list[str] = []
    original = replica._build_index

    def crash_on_the_third(conn: sa.Connection, obj: Mapping[str, str]) -> None:
        if len(built) == 2:
            original(conn, obj)  # written, then lost with its transaction
            raise _Crash(obj["name"])
        original(conn, obj)
        built.append(obj["name"])

    with monkeypatch.context() as patch:
        patch.setattr(replica, "_build_index", crash_on_the_third)
        with pytest.raises(_Crash) as crashed:
            search_build.build(store)
    lost = str(crashed.value)
    indexes = {name for kind, name, _ in schema(store) if kind == "index"}
    assert set(built) <= indexes and lost not in indexes
    assert in_bulk_load(store) and bulk_load_pulled(store)
    # Meanwhile the rep works: the list opens (in order, without the name index if it
    # is not built yet) and the search finds.
    order = ["Apfelhof", "Bäckerei Sommer", "Müller & Söhne", "Öko Hof", "Zander Fisch"]
    rows = customer_page(store, CustomerFilter(), 0, 10)
    assert [row["name"] for row in rows] == order
    assert search_customers(store, "oko") == [ids["Öko Hof"]]
    # The next start: the app's builder finishes what was left.
    state = search_build.build(store)
    assert state.built and not state.waiting
    assert not in_bulk_load(store)
    assert schema(store) == fresh_schema
    search_index_ok(store)
    assert [row["name"] for row in customer_page(store, CustomerFilter(), 0, 10)] == order
    found = customer_page(store, CustomerFilter(text="so"), 0, 10)
    assert [row["name"] for row in found] == ["Bäckerei Sommer", "Müller & Söhne"]


def test_a_relaxed_write_that_fails_leaves_nothing_and_its_connection_durable(
    store: Store,
) -> None:
    """A page of a first sync that fails half-way (a row that does not fit, the disk
    full) rolls back whole, and the connection goes back to the pool committing durably:
    the rep's next edit on it waits for the disk."""
    assert begin_bulk_load(store)
    apply_page(store, page("c1", customer_row(uuid7(), 1000, name="Erster")), relaxed=True)
    raws: list[Any] = []
    with pytest.raises(_Crash), store.write(relaxed=True) as uow:
        conn = uow.connection
        raws.append(conn.connection.driver_connection)
        assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 1  # NORMAL
        assert conn.exec_driver_sql("PRAGMA wal_autocheckpoint").scalar() == 10000
        uow.create("customer", {"name": "Halb geschrieben"})
        raise _Crash("disk full")
    (raw,) = raws
    assert raw.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
    assert raw.execute("PRAGMA wal_autocheckpoint").fetchone()[0] == 1000
    assert store.meta(CURSOR_KEY) == "c1" and store.counts()["customer"] == 1
    assert store.pending_count() == 0
    # Every connection the pool hands out commits durably.
    for _ in range(3):
        with store.write() as uow:
            assert uow.connection.exec_driver_sql("PRAGMA synchronous").scalar() == 2


def test_a_relaxed_write_whose_settings_fail_half_way_leaves_no_connection_relaxed(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Whatever fails around a relaxed write (here its second setting), no connection the
    pool hands out afterwards commits without waiting for the disk."""
    from fieldcrm.store import service

    monkeypatch.setattr(
        service, "RELAXED_PRAGMAS", {"synchronous": "NORMAL", "wal_autocheckpoint": "(("}
    )
    with pytest.raises(sqlite3.OperationalError), store.write(relaxed=True):
        pass
    monkeypatch.undo()
    for _ in range(6):
        with store.write() as uow:
            assert uow.connection.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
    # Nor when setting a connection back fails: it is dropped instead of handed out again.
    monkeypatch.setattr(
        service, "DURABLE_PRAGMAS", {"wal_autocheckpoint": "((", "synchronous": "FULL"}
    )
    with store.write(relaxed=True) as uow:
        uow.create("customer", {"name": "Relaxed geschrieben"})
    monkeypatch.undo()
    for _ in range(6):
        with store.write() as uow:
            conn = uow.connection
            assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2
            assert conn.exec_driver_sql("PRAGMA wal_autocheckpoint").scalar() == 1000
    assert store.counts()["customer"] == 1


@pytest.mark.parametrize("encrypted", [False, True], ids=["plain", "encrypted"])
def test_a_pooled_connection_writes_after_another_one_built_indexes_meanwhile(
    tmp_path: Path, encrypted: bool
) -> None:
    """The window's builder makes the set-aside indexes on one pooled connection while
    the rep writes on another. The writer's connection last loaded the schema between two
    of those indexes; its first write after them (a customer, whose triggers keep the
    search indexes) must find the table, not fail with "no such table: customer"."""
    store = Store(tmp_path / "crm.db", key=bytes(range(32)) if encrypted else None)
    store.create("customer", {"name": "Before the sync"})
    begin_bulk_load(store)
    end_bulk_load(store, indexes=False)
    indexes = replica.orjson.loads(store.meta(BULK_LOAD_KEY) or "[]")
    assert len(indexes) >= 3 and {obj["type"] for obj in indexes} == {"index"}
    builder, writer = store.engine.connect(), store.engine.connect()
    with builder.begin():
        replica._build_index(builder, indexes[0])
    with writer.begin():  # a read: the writer's connection loads the schema of now
        writer.exec_driver_sql("SELECT count(*) FROM meta").all()
    for obj in indexes[1:3]:
        with builder.begin():
            replica._build_index(builder, obj)
    builder.close()
    writer.close()  # handed out next (LIFO)

    customer = store.create("customer", {"name": "Bäckerei Müller", "city": "Kiel"})

    assert (store.get("customer", customer) or {})["name"] == "Bäckerei Müller"
    assert search_customers(store, "Bäckerei") == [customer]
    assert end_bulk_load(store)
    store.close()
