"""The customer list's own search is caught up before it searches, not at every commit.

A write only notes the change in the search queue (``textindex.list_trigger_sql``); the
list (``customer_page``) indexes what waits before it asks ``customer_fts``. What was just
created, renamed, deleted, restored or pulled is found (or not) at once, on the plain and
the encrypted store; the index stays the exact index of its table; client migration 0020
moves a profile of revision 0019 with its data, also one a first sync left loading.
"""

from __future__ import annotations

import os
import random
from collections.abc import Iterator
from pathlib import Path

import orjson
import pytest
import sqlalchemy as sa
from alembic import command

from fieldcrm.app.customers import CustomerFilter, customer_page
from fieldcrm.domain.ids import uuid7
from fieldcrm.store import Store
from fieldcrm.store.db import alembic_config, create_sqlite_engine, upgrade_to_head
from fieldcrm.store.replica import (
    BULK_LOAD_KEY,
    apply_page,
    begin_bulk_load,
    end_bulk_load,
)
from fieldcrm.store.search_build import catch_up, catch_up_list
from fieldcrm.store.textindex import LIST_INDEX
from tests.helpers.pulled import customer_row, page, stamp


def _found(store: Store, text: str) -> list[str]:
    return [row["name"] for row in customer_page(store, CustomerFilter(text=text), 0, 50)]


def _waiting(store: Store) -> int:
    with store.read() as conn:
        return int(
            conn.exec_driver_sql(
                "SELECT count(*) FROM search_dirty WHERE name = ?", (LIST_INDEX,)
            ).scalar()
            or 0
        )


def _segments(store: Store) -> list[tuple[int, bytes]]:
    """The list index's stored pages (FTS5 writes a new segment per transaction)."""
    with store.read() as conn:
        return [tuple(r) for r in conn.exec_driver_sql("SELECT id, block FROM customer_fts_data")]


def _index_exact(store: Store) -> None:
    """Once caught up, ``customer_fts`` is exactly the index of the live customers."""
    catch_up_list(store)
    with store.read() as conn:
        # Raises (SQLITE_CORRUPT_VTAB) when the index differs from its content table,
        # e.g. an entry taken out with other values than it was put in with.
        conn.exec_driver_sql(f"INSERT INTO {LIST_INDEX}({LIST_INDEX}) VALUES ('integrity-check')")
        indexed = conn.exec_driver_sql(f"SELECT count(*) FROM {LIST_INDEX}_docsize").scalar()
        live = conn.exec_driver_sql("SELECT count(*) FROM customer WHERE deleted = 0").scalar()
    assert indexed == live


@pytest.fixture(params=["plain", "encrypted"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    key = os.urandom(32) if request.param == "encrypted" else None
    s = Store(tmp_path / "fieldcrm.db", key=key)
    assert s.encrypted == (key is not None)
    yield s
    s.close()


def test_a_write_commits_no_page_of_the_list_index_and_the_list_finds_it_at_once(
    store: Store,
) -> None:
    store.create("customer", {"name": "Bäckerei Alt", "city": "Köln"})
    _found(store, "alt")  # caught up
    before = _segments(store)
    customer = store.create(
        "customer", {"name": "Zündwerk Nord", "city": "Aurich", "number": "K-77"}
    )
    assert _segments(store) == before  # the create only noted itself
    assert _waiting(store) == 1
    assert _found(store, "zundw") == ["Zündwerk Nord"]
    assert _found(store, "K-77") == ["Zündwerk Nord"]
    assert _found(store, "auric") == ["Zündwerk Nord"]
    assert _waiting(store) == 0

    store.update("customer", customer, {"name": "Quelle Süd", "city": "Emden"})
    assert _found(store, "zundw") == [] and _found(store, "auric") == []
    assert _found(store, "quell") == ["Quelle Süd"] and _found(store, "emden") == ["Quelle Süd"]

    store.delete("customer", customer)
    assert _found(store, "quell") == []
    with store.write() as uow:
        uow.restore("customer", customer)
    assert _found(store, "quell") == ["Quelle Süd"]
    _index_exact(store)


def test_several_changes_between_two_searches_leave_only_the_last(store: Store) -> None:
    """The first change since a search keeps what the index holds; later ones add nothing."""
    kept = store.create("customer", {"name": "Erstname", "city": "Bonn"})
    gone = store.create("customer", {"name": "Kurzlebig", "city": "Bonn"})
    assert _found(store, "bonn") == ["Erstname", "Kurzlebig"]
    store.update("customer", kept, {"name": "Zweitname"})
    store.update("customer", kept, {"name": "Drittname", "city": "Trier"})
    store.delete("customer", gone)
    with store.write() as uow:
        uow.restore("customer", gone)
    store.delete("customer", gone)
    fresh = store.create("customer", {"name": "Neuling", "city": "Trier"})
    store.update("customer", fresh, {"name": "Neuling Zwei"})
    assert _found(store, "bonn") == []
    assert _found(store, "erstname") == [] and _found(store, "zweitname") == []
    assert _found(store, "trier") == ["Drittname", "Neuling Zwei"]
    _index_exact(store)


def test_pulled_rows_and_tombstones_are_found_at_once(store: Store) -> None:
    cid = uuid7()
    apply_page(store, page("c1", customer_row(cid, 5, name="Gezogen GmbH")))
    assert _found(store, "gezogen") == ["Gezogen GmbH"]
    apply_page(store, page("c2", customer_row(cid, 6, name="Umbenannt GmbH")))
    assert _found(store, "gezogen") == [] and _found(store, "umbenannt") == ["Umbenannt GmbH"]
    tomb = {
        "entity": "customer",
        "id": cid,
        "fields": {},
        "stamps": {"_deleted": stamp(7)},
        "deleted": True,
    }
    apply_page(store, page("c3", tomb))
    assert _found(store, "umbenannt") == []
    _index_exact(store)


def test_an_evicted_customer_leaves_the_list_search(store: Store) -> None:
    cid = uuid7()
    apply_page(store, page("c1", customer_row(cid, 5, name="Woanders KG")))
    assert _found(store, "woanders") == ["Woanders KG"]
    apply_page(store, page("c2", customer_row(cid, 6, name="Woanders Neu KG")))
    # Physically removed while its rename still waits in the queue.
    apply_page(store, page("c3", evictions=[{"entity": "customer", "id": cid}]))
    assert store.get("customer", cid, include_deleted=True) is None
    assert _found(store, "woanders") == []
    _index_exact(store)


def test_the_catch_up_of_the_search_index_catches_the_list_up_too(store: Store) -> None:
    store.create("customer", {"name": "Beides Finden"})
    assert _waiting(store) == 1
    catch_up(store)  # what the search window and the builder run
    assert _waiting(store) == 0
    _index_exact(store)


def test_a_first_sync_refills_the_list_index_and_drops_what_waited(store: Store) -> None:
    mine = store.create("customer", {"name": "Vorher Notiert"})
    store.update("customer", mine, {"name": "Vorher Umbenannt"})
    assert _waiting(store) == 1
    assert begin_bulk_load(store)
    pulled = uuid7()
    apply_page(store, page("c1", customer_row(pulled, 5, name="Geladen AG")), relaxed=True)
    assert end_bulk_load(store)
    assert _waiting(store) == 0
    assert _found(store, "vorher") == ["Vorher Umbenannt"]
    assert _found(store, "geladen") == ["Geladen AG"]
    _index_exact(store)


def test_random_writes_keep_the_list_search_right(store: Store) -> None:
    """Creates, renames, deletes and restores in random order, searched at random
    moments: the list always finds exactly the live customers with the word."""
    rng = random.Random(19)
    words = ["Apfel", "Birne", "Kirsche", "Pflaume"]
    live: dict[str, str] = {}
    dead: dict[str, str] = {}
    for step in range(150):
        action = rng.random()
        if action < 0.35 or not live:
            name = f"{rng.choice(words)} {step}"
            live[store.create("customer", {"name": name, "city": rng.choice(words)})] = name
        elif action < 0.6:
            cid = rng.choice(sorted(live))
            live[cid] = f"{rng.choice(words)} {step}"
            store.update("customer", cid, {"name": live[cid]})
        elif action < 0.75:
            cid = rng.choice(sorted(live))
            dead[cid] = live.pop(cid)
            store.delete("customer", cid)
        elif action < 0.85 and dead:
            cid = rng.choice(sorted(dead))
            live[cid] = dead.pop(cid)
            with store.write() as uow:
                uow.restore("customer", cid)
        else:
            word = rng.choice(words)
            expected = sorted(n for n in live.values() if n.startswith(word))
            found = [r["name"] for r in customer_page(store, CustomerFilter(text=word), 0, 500)]
            assert sorted(n for n in found if n.startswith(word)) == expected
    _index_exact(store)


# ---- client migration 0020 ----------------------------------------------------------


def _migrate(engine: sa.Engine, action: str, target: str) -> None:
    with engine.connect() as conn:
        cfg = alembic_config(str(engine.url))
        cfg.attributes["connection"] = conn
        getattr(command, action)(cfg, target)
        conn.commit()


def _store_at_0019(path: Path) -> dict[str, str]:
    """A profile of revision 0019 with customers, a change waiting in the search queue
    and an index built by that revision's triggers; returns the ids by name."""
    engine = create_sqlite_engine(path)
    _migrate(engine, "upgrade", "0019")
    ids = {name: uuid7() for name in ("Altbau Meier", "Brunnen Schulz", "Gelöscht KG")}
    with engine.begin() as conn:
        for name, row_id in ids.items():
            conn.exec_driver_sql(
                "INSERT INTO customer (id, name, city, status, stamps, deleted) "
                "VALUES (?, ?, 'Celle', 'active', '{}', 0)",
                (row_id, name),
            )
        conn.exec_driver_sql("UPDATE customer SET deleted = 1 WHERE id = ?", (ids["Gelöscht KG"],))
        waiting = conn.exec_driver_sql("SELECT count(*) FROM search_dirty").scalar()
    assert waiting  # the search index's queue, carried over
    engine.dispose()
    return ids


def _queue(path: Path) -> list[tuple[str, int]]:
    engine = create_sqlite_engine(path)
    with engine.connect() as conn:
        rows = conn.exec_driver_sql("SELECT name, row FROM search_dirty ORDER BY 1, 2").all()
    engine.dispose()
    return [tuple(r) for r in rows]


def test_migration_0020_moves_a_profile_with_its_data_and_goes_back(tmp_path: Path) -> None:
    path = tmp_path / "fieldcrm.db"
    ids = _store_at_0019(path)
    queued = _queue(path)
    fresh = Store(tmp_path / "fresh.db")
    with fresh.read() as conn:
        made_today = set(
            conn.exec_driver_sql(
                "SELECT type, name, sql FROM sqlite_master WHERE tbl_name IN "
                "('customer', 'search_dirty')"
            ).all()
        )
    fresh.close()

    store = Store(path)  # migrates to the head
    assert _queue(path) == queued
    with store.read() as conn:
        schema = set(
            conn.exec_driver_sql(
                "SELECT type, name, sql FROM sqlite_master WHERE tbl_name IN "
                "('customer', 'search_dirty')"
            ).all()
        )
    assert schema == made_today
    assert "WITHOUT ROWID" in next(sql for kind, name, sql in schema if name == "search_dirty")
    assert _found(store, "celle") == ["Altbau Meier", "Brunnen Schulz"]
    # A customer indexed by the old triggers is taken out with its old fields.
    store.update("customer", ids["Altbau Meier"], {"name": "Neubau Meier", "city": "Verden"})
    assert _found(store, "celle") == ["Brunnen Schulz"]
    assert _found(store, "altbau") == [] and _found(store, "neubau") == ["Neubau Meier"]
    store.update("customer", ids["Brunnen Schulz"], {"name": "Quelle Schulz"})  # waits
    _index_exact(store)
    store.update("customer", ids["Brunnen Schulz"], {"name": "Brunnen Schulz"})  # waits
    store.close()

    engine = create_sqlite_engine(path)
    _migrate(engine, "downgrade", "0019")
    with engine.begin() as conn:
        assert (
            conn.exec_driver_sql(
                "SELECT count(*) FROM search_dirty WHERE name = ?", (LIST_INDEX,)
            ).scalar()
            == 0
        )
        conn.exec_driver_sql(f"INSERT INTO {LIST_INDEX}({LIST_INDEX}) VALUES ('integrity-check')")
        found = conn.exec_driver_sql(
            f"SELECT c.name FROM customer AS c WHERE c.rowid IN (SELECT rowid FROM {LIST_INDEX} "
            f"WHERE {LIST_INDEX} MATCH 'brunnen') "
        ).all()
        assert [r[0] for r in found] == ["Brunnen Schulz"]
        # The triggers of 0001 index at once again.
        conn.exec_driver_sql(
            "UPDATE customer SET name = 'Ohne Warten' WHERE id = ?", (ids["Altbau Meier"],)
        )
        at_once = conn.exec_driver_sql(
            f"SELECT count(*) FROM {LIST_INDEX} WHERE {LIST_INDEX} MATCH 'warten'"
        ).scalar()
        assert at_once == 1
    upgrade_to_head(engine)
    engine.dispose()
    again = Store(path)
    assert _found(again, "warten") == ["Ohne Warten"]
    _index_exact(again)
    again.close()


def test_migration_0020_of_a_first_sync_left_loading(tmp_path: Path) -> None:
    """A first sync killed under revision 0019 (triggers set aside, their SQL kept in
    ``meta``): it ends, after the update, with the triggers of a store made today."""
    path = tmp_path / "fieldcrm.db"
    _store_at_0019(path)
    engine = create_sqlite_engine(path)
    with engine.begin() as conn:
        objects = conn.exec_driver_sql(
            "SELECT type, name, sql FROM sqlite_master WHERE type IN ('index', 'trigger') "
            "AND sql IS NOT NULL AND tbl_name = 'customer'"
        ).all()
        conn.exec_driver_sql(
            "INSERT INTO meta (key, value) VALUES (?, ?)",
            (
                BULK_LOAD_KEY,
                orjson.dumps([{"type": k, "name": n, "sql": s} for k, n, s in objects]).decode(),
            ),
        )
        for kind, name, _ in objects:
            conn.exec_driver_sql(f'DROP {kind.upper()} "{name}"')
    engine.dispose()
    reference = Store(tmp_path / "reference.db")
    with reference.read() as conn:
        fresh = set(
            conn.exec_driver_sql(
                "SELECT type, name, sql FROM sqlite_master WHERE tbl_name = 'customer'"
            ).all()
        )
    reference.close()

    store = Store(path)
    with store.read() as conn:
        set_aside = conn.exec_driver_sql(
            "SELECT count(*) FROM sqlite_master WHERE name LIKE 'customer_fts_a%'"
        ).scalar()
    assert set_aside == 0  # still set aside: the load puts them back when it ends
    apply_page(store, page("c1", customer_row(uuid7(), 5, name="Nachgeladen")), relaxed=True)
    assert end_bulk_load(store)
    with store.read() as conn:
        now = set(
            conn.exec_driver_sql(
                "SELECT type, name, sql FROM sqlite_master WHERE tbl_name = 'customer'"
            ).all()
        )
    assert now == fresh
    created = store.create("customer", {"name": "Danach Angelegt"})
    assert _waiting(store) == 1
    assert _found(store, "nachgeladen") == ["Nachgeladen"]
    assert _found(store, "danach") == ["Danach Angelegt"]
    assert store.get("customer", created) is not None
    _index_exact(store)
    store.close()


# ---- client migration 0021: no index on the customer's plain name ---------------------


def _customer_indexes(conn: sa.Connection) -> set[str]:
    return set(
        conn.exec_driver_sql(
            "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'customer'"
        ).scalars()
    )


def test_migration_0021_drops_the_name_index_keeps_the_data_and_goes_back(
    tmp_path: Path,
) -> None:
    path = tmp_path / "fieldcrm.db"
    ids = _store_at_0019(path)
    store = Store(path)
    with store.read() as conn:
        indexes = _customer_indexes(conn)
        plan = " ".join(
            str(row[3])
            for row in conn.exec_driver_sql(
                "EXPLAIN QUERY PLAN SELECT id FROM customer WHERE deleted = 0 "
                "ORDER BY sort_name, id LIMIT 50"
            )
        )
    assert "ix_customer_name" not in indexes and "ix_customer_sort_name" in indexes
    assert "ix_customer_sort_name" in plan  # the list's order still walks its index
    assert _found(store, "celle") == ["Altbau Meier", "Brunnen Schulz"]
    assert store.get("customer", ids["Altbau Meier"]) is not None
    store.close()
    engine = create_sqlite_engine(path)
    _migrate(engine, "downgrade", "0020")
    with engine.connect() as conn:
        assert "ix_customer_name" in _customer_indexes(conn)
    engine.dispose()


def test_migration_0021_of_a_first_sync_left_loading(tmp_path: Path) -> None:
    path = tmp_path / "fieldcrm.db"
    engine = create_sqlite_engine(path)
    _migrate(engine, "upgrade", "0020")
    engine.dispose()
    reference = Store(tmp_path / "reference.db")
    with reference.read() as conn:
        fresh = _customer_indexes(conn)
    reference.close()
    # Loading with indexes set aside under revision 0020 (its saved list names the index).
    engine = create_sqlite_engine(path)
    with engine.begin() as conn:
        objects = conn.exec_driver_sql(
            "SELECT type, name, sql FROM sqlite_master WHERE type IN ('index', 'trigger') "
            "AND sql IS NOT NULL AND tbl_name = 'customer'"
        ).all()
        assert "ix_customer_name" in {name for _, name, _ in objects}
        conn.exec_driver_sql(
            "INSERT INTO meta (key, value) VALUES (?, ?)",
            (
                BULK_LOAD_KEY,
                orjson.dumps([{"type": k, "name": n, "sql": s} for k, n, s in objects]).decode(),
            ),
        )
        for kind, name, _ in objects:
            conn.exec_driver_sql(f'DROP {kind.upper()} "{name}"')
    engine.dispose()
    store = Store(path)  # migrates to the head
    apply_page(store, page("c1", customer_row(uuid7(), 5, name="Spät Geladen")), relaxed=True)
    assert end_bulk_load(store)
    with store.read() as conn:
        assert _customer_indexes(conn) == fresh
    assert _found(store, "spat") == ["Spät Geladen"]
    store.close()
