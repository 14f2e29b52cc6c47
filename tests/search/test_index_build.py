"""The search index built after a first sync, in the background: a first sync leaves it
empty, the builder completes it slice by slice, and whatever is written meanwhile (here
or by a sync, created, edited or deleted, before or after the builder passed it) is found
exactly as if the index had been refilled from scratch. Real stores, a real server."""

from __future__ import annotations

import random
import sqlite3
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from alembic import command

from fieldcrm.app.search import search
from fieldcrm.store import Store, search_build
from fieldcrm.store.db import alembic_config, create_sqlite_engine
from fieldcrm.store.meta import USER_ID_KEY
from fieldcrm.store.textindex import BUILT, TEXT_INDEXES, refill_sql, reset_sql
from fieldcrm.sync import SyncEngine, login, open_client
from fieldcrm.sync.credentials import FileTokenStore
from tests.helpers.realserver import PASSWORD, RealServer, fieldcrm

ROOT = Path(__file__).resolve().parents[2]


class Laptop:
    """A rep's profile syncing with the real server process."""

    def __init__(self, folder: Path, url: str, user: str) -> None:
        folder.mkdir()
        self.store = Store(folder / "fieldcrm.db")
        self.tokens = FileTokenStore(folder / "session.token")
        login(self.store, url, user, PASSWORD, token_store=self.tokens, allow_http=True)
        self.client = open_client(self.store, token_store=self.tokens)

    @property
    def user_id(self) -> str:
        user = self.store.meta(USER_ID_KEY)
        assert user is not None
        return user

    def sync(self) -> None:
        result = SyncEngine(self.store, self.client, raise_errors=False).sync()
        assert result.ok and result.rejected == 0, result

    def close(self) -> None:
        self.client.close()
        self.store.close()


@pytest.fixture
def server(tmp_path: Path) -> Iterator[RealServer]:
    srv = RealServer(tmp_path / "server")
    srv.setup_area()  # anna and ben in North
    srv.start()
    yield srv
    srv.stop()


@pytest.fixture
def laptops(tmp_path: Path, server: RealServer) -> Iterator[tuple[Laptop, Laptop]]:
    anna = Laptop(tmp_path / "anna", server.url, "anna")
    ben = Laptop(tmp_path / "ben", server.url, "ben")
    anna.sync()  # the users of the territory, so that anna can write; ben's comes later
    yield anna, ben
    anna.close()
    ben.close()


def add_customer(store: Store, user: str, n: int, word: str = "Ziegelei") -> str:
    """A customer with one record of every kind, each holding ``word`` and ``n``."""
    with store.write() as uow:
        customer = uow.create(
            "customer",
            {"number": f"K-{n}", "name": f"{word} {n} GmbH", "phone": f"0511 {1000 + n}"},
        )
        uow.create(
            "contact",
            {"customer_id": customer, "first_name": "Jana", "last_name": f"{word}{n}"},
        )
        uow.create("note", {"customer_id": customer, "author_id": user, "text": f"{word} note {n}"})
        uow.create(
            "visit",
            {
                "customer_id": customer,
                "rep_id": user,
                "planned_start": "2026-11-30T09:00:00Z",
                "status": "done",
                "purpose": "Besuch",
                "report": f"{word} report {n}",
            },
        )
        uow.create(
            "followup",
            {
                "customer_id": customer,
                "assignee_id": user,
                "title": f"{word} follow-up {n}",
                "due_date": "2026-12-10",
            },
        )
    return customer


def _instances(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    """Every term of every search index with the row and position it was indexed for."""
    conn = sqlite3.connect(path)
    try:
        found = {}
        for index in TEXT_INDEXES:
            vocab = f"temp.v_{index.table}"
            conn.execute(
                f"CREATE VIRTUAL TABLE {vocab} USING fts5vocab(main, {index.table}, instance)"
            )
            found[index.table] = conn.execute(
                f"SELECT term, doc, col, offset FROM {vocab} ORDER BY 1, 2, 3, 4"
            ).fetchall()
        return found
    finally:
        conn.close()


def assert_as_if_refilled(store: Store, folder: Path) -> None:
    """The index holds exactly what refilling it from the tables in one go gives."""
    reference = folder / "reference.db"
    reference.unlink(missing_ok=True)
    source, copy = sqlite3.connect(store.path), sqlite3.connect(reference)
    source.backup(copy)
    source.close()
    for index in TEXT_INDEXES:
        for statement in refill_sql(index):
            copy.execute(statement)
    copy.commit()
    copy.close()
    built, expected = _instances(store.path), _instances(reference)
    assert expected["customer_find"] and expected["visit_find"]  # the comparison sees rows
    assert built == expected


def watermarks(store: Store) -> dict[str, int]:
    with store.read() as conn:
        return dict(conn.exec_driver_sql("SELECT name, upto FROM search_progress").all())


def titles(store: Store, text: str, kind: str) -> list[str]:
    return sorted(hit.title for hit in search(store, text, [kind], limit=500))


def test_a_first_sync_leaves_the_index_to_the_builder_which_completes_it(
    laptops: tuple[Laptop, Laptop], tmp_path: Path
) -> None:
    anna, ben = laptops
    for n in range(30):
        add_customer(anna.store, anna.user_id, n)
    anna.sync()

    ben.sync()
    assert ben.store.counts()["customer"] == 30
    state = search_build.progress(ben.store)
    assert not state.built and state.percent == 0 and state.total > 0
    assert set(watermarks(ben.store).values()) == {0}
    assert search(ben.store, "ziegelei") == []  # nothing indexed yet

    seen: list[int] = []
    final = search_build.build(ben.store, lambda s: seen.append(s.percent), rows=7)
    assert final.built and final.percent == 100
    assert seen[0] == 0 and seen[-1] == 100 and seen == sorted(seen)
    assert len(seen) > 10  # slice by slice, not in one go
    assert set(watermarks(ben.store).values()) == {BUILT}
    assert len(titles(ben.store, "ziegelei", "customer")) == 30
    assert len(titles(ben.store, "ziegelei", "visit")) == 30
    assert_as_if_refilled(ben.store, tmp_path)
    # Nothing left: another build writes nothing and says so.
    assert search_build.build(ben.store).built


def test_a_search_during_the_build_finds_what_is_indexed_and_reports_progress(
    laptops: tuple[Laptop, Laptop],
) -> None:
    anna, ben = laptops
    for n in range(20):
        add_customer(anna.store, anna.user_id, n)
    anna.sync()
    ben.sync()
    assert search_build.build_step(ben.store, rows=8)  # customers 1-8
    assert search_build.build_step(ben.store, rows=8)  # customers 9-16
    state = search_build.progress(ben.store)
    assert 0 < state.percent < 100 and not state.built
    found = titles(ben.store, "ziegelei", "customer")
    assert len(found) == 16
    assert titles(ben.store, "ziegelei", "note") == []  # not reached yet
    # The command line finishes the build first, saying so on stderr.
    ben.store.close()
    result = fieldcrm(ben.store.path.parent, "search", "ziegelei", "--kind", "note", "--json")
    assert result.returncode == 0, result.stderr
    assert "search index is being built" in result.stderr
    assert "search index 100 % built" in result.stderr
    assert result.stdout.count('"kind": "note"') == 20
    again = fieldcrm(ben.store.path.parent, "search", "ziegelei", "--kind", "note")
    assert again.returncode == 0 and "being built" not in again.stderr


def test_what_the_rep_types_during_the_build_is_found_right_away(
    laptops: tuple[Laptop, Laptop], tmp_path: Path
) -> None:
    anna, ben = laptops
    customers = [add_customer(anna.store, anna.user_id, n) for n in range(20)]
    anna.sync()
    ben.sync()
    assert search_build.build_step(ben.store, rows=5)  # five customers indexed, no notes
    # A new customer and note, and an old customer the builder has not reached, edited.
    mine = add_customer(ben.store, ben.user_id, 77, "Dachdeckerei")
    ben.store.update("customer", customers[-1], {"name": "Dachdeckerei Alt"})
    assert titles(ben.store, "dachdeckerei", "customer") == [
        "Dachdeckerei 77 GmbH",
        "Dachdeckerei Alt",
    ]
    assert titles(ben.store, "dachdeckerei", "note") == ["Dachdeckerei note 77"]
    assert titles(ben.store, "dachdeckerei", "visit") == ["2026-11-30 · Besuch"]
    assert not search_build.progress(ben.store).built  # the builder is still on its way
    # Edited again before the builder arrives; then deleted; the builder skips what the
    # catch-up indexed, and the result is the index refilled from scratch.
    ben.store.update("customer", customers[-1], {"name": "Dachdeckerei Neu"})
    assert titles(ben.store, "dachdeckerei", "customer") == [
        "Dachdeckerei 77 GmbH",
        "Dachdeckerei Neu",
    ]
    ben.store.delete("customer", mine)
    assert titles(ben.store, "dachdeckerei", "customer") == ["Dachdeckerei Neu"]
    assert search_build.build(ben.store, rows=5).built
    assert len(titles(ben.store, "ziegelei", "customer")) == 19
    assert_as_if_refilled(ben.store, tmp_path)


def test_everything_written_during_the_build_is_found_as_if_refilled(
    laptops: tuple[Laptop, Laptop], tmp_path: Path
) -> None:
    anna, ben = laptops
    rng = random.Random(22)
    anna_customers = [add_customer(anna.store, anna.user_id, n) for n in range(40)]
    anna.sync()
    ben.sync()
    mine: list[str] = []
    names: dict[str, str] = {}  # customer id -> name expected now (ben's view after sync)
    steps = 0
    while search_build.build_step(ben.store, rows=5):
        steps += 1
        move = steps % 5
        if move == 0:  # ben creates records (rowids above the watermark)
            mine.append(add_customer(ben.store, ben.user_id, 100 + steps, "Kachelofen"))
        elif move == 1:  # ben edits a customer the builder may or may not have passed
            target = rng.choice(anna_customers)
            ben.store.update("customer", target, {"name": f"Kachelofen Umbau {steps}"})
            names[target] = f"Kachelofen Umbau {steps}"
        elif move == 2:  # anna edits, deletes and creates; ben pulls it by sync
            edited, gone = rng.sample([c for c in anna_customers if c not in names], 2)
            anna.sync()
            anna.store.update("customer", edited, {"name": f"Kachelofen Nord {steps}"})
            anna.store.delete("customer", gone)
            add_customer(anna.store, anna.user_id, 200 + steps, "Kachelofen")
            anna.sync()
            ben.sync()
            names[edited] = f"Kachelofen Nord {steps}"
            anna_customers.remove(gone)
        elif move == 3 and mine:  # ben deletes one of his own
            ben.store.delete("customer", mine.pop(0))
        elif move == 4:  # a note's text changed twice before anything caught up
            with ben.store.read() as conn:
                note = str(
                    conn.exec_driver_sql(
                        "SELECT id FROM note WHERE deleted = 0 ORDER BY rowid LIMIT 1"
                    ).scalar()
                )
            ben.store.update("note", note, {"text": "Kachelofen erst"})
            ben.store.update("note", note, {"text": f"Kachelofen zweitens {steps}"})
    assert steps > 20
    assert search_build.progress(ben.store).built
    # After the build: more changes, caught up by the next search.
    late = add_customer(ben.store, ben.user_id, 999, "Kachelofen")
    ben.store.update("customer", anna_customers[-1], {"name": "Kachelofen Spät"})
    names[anna_customers[-1]] = "Kachelofen Spät"
    assert search_build.progress(ben.store).waiting > 0
    found = titles(ben.store, "kachelofen", "customer")
    assert search_build.progress(ben.store).waiting == 0
    assert "Kachelofen 999 GmbH" in found and ben.store.get("customer", late) is not None
    for customer, name in names.items():
        if ben.store.get("customer", customer) is not None:
            assert name in found
    assert_as_if_refilled(ben.store, tmp_path)
    # And the two laptops agree on what is there to be found.
    anna.sync()
    ben.sync()
    anna.sync()
    search_build.build(anna.store)
    search_build.build(ben.store)
    for kind in ("customer", "contact", "note", "visit", "followup"):
        assert titles(anna.store, "kachelofen", kind) == titles(ben.store, "kachelofen", kind)
        assert titles(anna.store, "ziegelei", kind) == titles(ben.store, "ziegelei", kind)


def test_rows_taken_out_of_the_table_leave_the_index_also_when_a_rowid_comes_again(
    tmp_path: Path,
) -> None:
    """Evicted and purged rows are deleted from the table itself (not tombstoned)."""
    store = Store(tmp_path / "fieldcrm.db")
    try:
        user = store.create("user", {"username": "anna", "display_name": "Anna"})
        first = add_customer(store, user, 1, "Fliesen")
        add_customer(store, user, 2, "Fliesen")
        titles(store, "fliesen", "note")  # caught up: everything indexed
        with store.write() as uow:
            conn = uow.connection
            conn.exec_driver_sql("DELETE FROM note WHERE customer_id = ?", (first,))
            # The newest note's rowid is given out again once it is gone.
            top = conn.exec_driver_sql("SELECT max(rowid) FROM note").scalar()
            conn.exec_driver_sql("DELETE FROM note WHERE rowid = ?", (top,))
        with store.write() as uow:
            uow.create("note", {"customer_id": first, "author_id": user, "text": "Parkett"})
        assert titles(store, "fliesen", "note") == []
        assert titles(store, "parkett", "note") == ["Parkett"]
        assert_as_if_refilled(store, tmp_path)
    finally:
        store.close()


def test_a_kill_in_the_middle_of_a_slice_loses_nothing_and_the_builder_goes_on(
    laptops: tuple[Laptop, Laptop], tmp_path: Path
) -> None:
    anna, ben = laptops
    for n in range(25):
        add_customer(anna.store, anna.user_id, n)
    anna.sync()
    ben.sync()
    path = ben.store.path
    ben.store.close()
    script = textwrap.dedent(
        f"""
        import os
        from fieldcrm.store import Store, search_build
        store = Store({str(path)!r})
        search_build.build_step(store, rows=10)
        search_build.build_step(store, rows=10)
        with store.read() as conn:
            k3 = conn.exec_driver_sql("SELECT id FROM customer WHERE number = 'K-3'").scalar()
        store.update("customer", k3, {{"name": "Klinker 3"}})
        real_slice = search_build._slice
        def dying(conn, index, after, rows):
            real_slice(conn, index, after, rows)  # the slice is written, not committed
            os._exit(3)
        search_build._slice = dying
        search_build.build(store, rows=10)
        """
    )
    result = subprocess.run([sys.executable, "-c", script], cwd=ROOT)
    assert result.returncode == 3
    reopened = Store(path)
    try:
        marks = watermarks(reopened)
        # Two slices of 10 landed; the third (with the catch-up of the edit) rolled back.
        assert marks["customer_find"] == 20 and marks["contact_find"] == 0
        assert search_build.progress(reopened).waiting == 1
        assert search_build.build(reopened, rows=10).built
        assert titles(reopened, "klinker", "customer") == ["Klinker 3"]
        assert len(titles(reopened, "ziegelei", "contact")) == 25
        assert_as_if_refilled(reopened, tmp_path)
    finally:
        reopened.close()


def _migrate(path: Path, action: str, target: str) -> None:
    engine = create_sqlite_engine(path)
    try:
        with engine.connect() as conn:
            cfg = alembic_config(str(engine.url))
            cfg.attributes["connection"] = conn
            getattr(command, action)(cfg, target)
            conn.commit()
    finally:
        engine.dispose()


def test_a_profile_from_before_keeps_its_built_index_and_the_way_back_completes_it(
    tmp_path: Path,
) -> None:
    path = tmp_path / "fieldcrm.db"
    store = Store(path)
    user = store.create("user", {"username": "anna", "display_name": "Anna"})
    add_customer(store, user, 1, "Estrich")
    store.close()
    _migrate(path, "downgrade", "0016")
    # Revision 0016's triggers index every write as it happens.
    engine = create_sqlite_engine(path)
    with engine.begin() as conn:
        conn.exec_driver_sql("UPDATE customer SET name = 'Estrich Alt KG' WHERE number = 'K-1'")
    engine.dispose()

    store = Store(path)  # upgrades to 0017
    try:
        assert set(watermarks(store).values()) == {BUILT}
        assert search_build.progress(store).built
        assert titles(store, "estrich", "customer") == ["Estrich Alt KG"]
        add_customer(store, user, 2, "Estrich")
        assert titles(store, "estrich", "customer") == ["Estrich 2 GmbH", "Estrich Alt KG"]
        assert_as_if_refilled(store, tmp_path)
        # A profile whose index is half-built when an older version opens it again: the
        # way back builds the rest and puts the old triggers back.
        with store.write() as uow:
            for index in TEXT_INDEXES:
                for statement in reset_sql(index):
                    uow.connection.exec_driver_sql(statement)
            second = uow.connection.exec_driver_sql(
                "SELECT id FROM customer WHERE number = 'K-2'"
            ).scalar()
            uow.update("customer", str(second), {"name": "Estrich Neu"})
    finally:
        store.close()
    _migrate(path, "downgrade", "0016")
    engine = create_sqlite_engine(path)
    with engine.connect() as conn:
        assert conn.exec_driver_sql(
            "SELECT rowid FROM customer_find WHERE customer_find MATCH 'estrich' ORDER BY 1"
        ).scalars().all() == [1, 2]
    engine.dispose()


def test_an_empty_store_after_a_first_sync_is_built_by_one_step(tmp_path: Path) -> None:
    """Nothing to index, but the watermarks must still reach ``BUILT``."""
    store = Store(tmp_path / "fieldcrm.db")
    try:
        with store.write() as uow:
            for index in TEXT_INDEXES:
                for statement in reset_sql(index):
                    uow.connection.exec_driver_sql(statement)
        state = search_build.progress(store)
        assert not state.built and state.percent == 99 and state.total == 0
        assert search_build.build(store).built
        assert set(watermarks(store).values()) == {BUILT}
        user = store.create("user", {"username": "anna", "display_name": "Anna"})
        add_customer(store, user, 1, "Gerüstbau")
        assert titles(store, "geruestbau", "customer") == ["Gerüstbau 1 GmbH"]
        assert search_build.progress(store).percent == 100
    finally:
        store.close()


@pytest.mark.parametrize("seed", range(6))
def test_random_writes_between_builder_steps_end_as_a_refill(tmp_path: Path, seed: int) -> None:
    """Creates, edits, deletes (tombstones and rows taken out), catch-ups by a search and
    builder steps of random sizes, in a random order: the index ends exactly as a refill."""
    rng = random.Random(seed)
    store = Store(tmp_path / "fieldcrm.db")
    try:
        user = store.create("user", {"username": "anna", "display_name": "Anna"})
        customers = [add_customer(store, user, n, "Backstein") for n in range(12)]
        with store.write() as uow:  # as a first sync leaves it
            for index in TEXT_INDEXES:
                for statement in reset_sql(index):
                    uow.connection.exec_driver_sql(statement)
        for step in range(80):
            move = rng.randrange(7)
            live = [c for c in customers if store.get("customer", c) is not None]
            if move == 0:
                customers.append(add_customer(store, user, 100 + step, "Klinker"))
            elif move == 1 and live:
                store.update("customer", rng.choice(live), {"name": f"Klinker {step}"})
            elif move == 2 and live:
                store.delete("customer", rng.choice(live))
            elif move == 3:
                with store.write() as uow:
                    uow.connection.exec_driver_sql(
                        "DELETE FROM note WHERE rowid = (SELECT max(rowid) FROM note)"
                    )
            elif move == 4:
                with store.read() as conn:
                    note = conn.exec_driver_sql(
                        "SELECT id FROM note WHERE deleted = 0 ORDER BY random() LIMIT 1"
                    ).scalar()
                if note is not None:
                    store.update("note", str(note), {"text": f"Klinker Notiz {step}"})
            elif move == 5:
                titles(store, "klinker", "customer")  # a search catches up first
            else:
                search_build.build_step(store, rows=rng.randint(1, 4))
        assert search_build.build(store, rows=3).built
        assert_as_if_refilled(store, tmp_path)
    finally:
        store.close()
