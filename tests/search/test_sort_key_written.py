"""The customer's German sort key is written with the name, by every writer.

The service and the sync fill it in Python; triggers fill it for any other writer; client
migration 0019 turned the earlier generated columns into it, with the same values.
"""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest
import sqlalchemy as sa
from alembic import command

from fieldcrm.domain.entities import ENTITIES
from fieldcrm.domain.ids import uuid7
from fieldcrm.domain.textfold import fold, fold_sql
from fieldcrm.store import Store
from fieldcrm.store.db import alembic_config, create_sqlite_engine, upgrade_to_head
from fieldcrm.store.replica import BULK_LOAD_KEY, apply_page, begin_bulk_load, end_bulk_load
from tests.helpers.pulled import customer_row, page

#: Umlauts and ß (folded), case, a letter the fold leaves (Ø: SQLite lowers ASCII only),
#: digits, punctuation, an empty name.
NAMES = [
    "Bäckerei Schmidt",
    "BÄUERLE & Söhne",
    "Straßenbau Groß",
    "Ørsted Øl",
    "élan Café",
    "4711 Kölnisch",
    "",
]


def _keys(store: Store) -> dict[str, str | None]:
    with store.read() as conn:
        return dict(conn.exec_driver_sql("SELECT name, sort_name FROM customer").all())


def _sql_fold(store: Store, text: str) -> str:
    """What the earlier generated columns computed (the SQL of the fold)."""
    with store.read() as conn:
        return str(conn.exec_driver_sql(f"SELECT {fold_sql('?')}", (text,)).scalar())


def test_the_service_writes_the_key_and_rewrites_it_with_the_name(tmp_path: Path) -> None:
    store = Store(tmp_path / "fieldcrm.db")
    ids = {name: store.create("customer", {"name": name}) for name in NAMES if name}
    assert _keys(store) == {name: fold(name) for name in ids}
    assert all(fold(name) == _sql_fold(store, name) for name in ids)
    store.update("customer", ids["Bäckerei Schmidt"], {"name": "Zuckerbäcker Schmidt"})
    store.update("customer", ids["4711 Kölnisch"], {"city": "Köln"})  # name unchanged
    keys = _keys(store)
    assert keys["Zuckerbäcker Schmidt"] == "zuckerbacker schmidt"
    assert keys["4711 Kölnisch"] == "4711 kolnisch"
    store.close()


@pytest.mark.parametrize("bulk", [False, True], ids=["indexed", "first sync"])
def test_pulled_rows_carry_the_key_also_when_merged_or_loaded_in_bulk(
    tmp_path: Path, bulk: bool
) -> None:
    store = Store(tmp_path / "fieldcrm.db", wall_ms=lambda: 1_000_000)
    if bulk:
        assert begin_bulk_load(store)
    rows = {name: uuid7() for name in NAMES}
    apply_page(store, page("c1", *(customer_row(i, 1000, name=n) for n, i in rows.items())))
    # A rename arriving later, in a page large enough to be merged set-based.
    renamed = {**{n: customer_row(i, 1000, name=n) for n, i in rows.items()}}
    renamed["Ørsted Øl"] = customer_row(rows["Ørsted Øl"], 2000, name="Öl Ørsted")
    apply_page(store, page("c2", *renamed.values()))
    if bulk:
        assert end_bulk_load(store)
    expected = {n: fold(n) for n in NAMES if n != "Ørsted Øl"} | {"Öl Ørsted": "ol Ørsted"}
    assert _keys(store) == expected
    store.close()


def test_other_writers_get_the_key_from_the_triggers(tmp_path: Path) -> None:
    store = Store(tmp_path / "fieldcrm.db")
    with store.write() as uow:
        conn = uow.connection
        conn.exec_driver_sql(
            "INSERT INTO customer (id, name, stamps, deleted) VALUES (?, 'Müller GmbH', '{}', 0)",
            (uuid7(),),
        )
        conn.exec_driver_sql(
            "INSERT INTO customer (id, name, stamps, deleted) VALUES (?, NULL, '{}', 0)",
            (uuid7(),),
        )
    assert _keys(store) == {"Müller GmbH": "muller gmbh", None: ""}
    with store.write() as uow:
        uow.connection.exec_driver_sql(
            "UPDATE customer SET name = 'Ähre Backstube' WHERE name = 'Müller GmbH'"
        )
    assert _keys(store)["Ähre Backstube"] == "ahre backstube"
    store.close()


def test_a_customer_written_while_a_first_sync_loads_is_sorted_once_it_ends(
    tmp_path: Path,
) -> None:
    """The triggers are set aside during a first sync: what was written without a key
    then gets it when they are put back."""
    store = Store(tmp_path / "fieldcrm.db")
    assert begin_bulk_load(store)
    with store.write() as uow:
        uow.connection.exec_driver_sql(
            "INSERT INTO customer (id, name, stamps, deleted) VALUES (?, 'Öko Hof', '{}', 0)",
            (uuid7(),),
        )
    assert _keys(store) == {"Öko Hof": None}
    assert end_bulk_load(store, indexes=False)
    assert _keys(store) == {"Öko Hof": "oko hof"}
    store.close()


def _migrate(engine: sa.Engine, action: str, target: str) -> None:
    with engine.connect() as conn:
        cfg = alembic_config(str(engine.url))
        cfg.attributes["connection"] = conn
        getattr(command, action)(cfg, target)
        conn.commit()


def test_migration_0019_keeps_every_key_and_goes_back(tmp_path: Path) -> None:
    engine = create_sqlite_engine(tmp_path / "fieldcrm.db")
    _migrate(engine, "upgrade", "0018")
    with engine.begin() as conn:
        for name in NAMES:
            conn.exec_driver_sql(
                "INSERT INTO customer (id, name, stamps, deleted) VALUES (?, ?, '{}', 0)",
                (uuid7(), name),
            )
        before: dict[str, str] = dict(
            conn.exec_driver_sql("SELECT id, sort_name FROM customer").all()
        )
    upgrade_to_head(engine)
    with engine.connect() as conn:
        after: dict[str, str] = dict(
            conn.exec_driver_sql("SELECT id, sort_name FROM customer").all()
        )
        generated = conn.exec_driver_sql(
            "SELECT count(*) FROM pragma_table_xinfo('customer') WHERE hidden != 0"
        ).scalar()
    assert after == before and generated == 0
    _migrate(engine, "downgrade", "0018")
    with engine.connect() as conn:
        assert dict(conn.exec_driver_sql("SELECT id, sort_name FROM customer").all()) == before
        names = {row[1] for row in conn.exec_driver_sql("PRAGMA table_xinfo('customer')")}
    assert "name_fold" in names
    engine.dispose()


def test_a_customer_restored_with_a_new_name_while_a_first_sync_loads_sorts_by_it(
    tmp_path: Path,
) -> None:
    """Restoring with the edit a delete won over (``restore_with_my_edit``) renames the
    customer: the key goes with the new name also while the triggers are set aside (a
    first sync loading, or one a crash left loading while the rep works offline)."""
    store = Store(tmp_path / "fieldcrm.db")
    kept = store.create("customer", {"name": "Mühle Anders"})
    restored = store.create("customer", {"name": "Altname Bäckerei"})
    store.delete("customer", restored)
    assert begin_bulk_load(store)
    with store.write() as uow:
        uow.restore("customer", restored, {"name": "Zündholz Zeppelin"})
    assert _keys(store)["Zündholz Zeppelin"] == "zundholz zeppelin"
    assert end_bulk_load(store)
    assert _keys(store) == {
        "Mühle Anders": "muhle anders",
        "Zündholz Zeppelin": "zundholz zeppelin",
    }
    with store.read() as conn:
        ordered = conn.exec_driver_sql("SELECT id FROM customer ORDER BY sort_name, id").all()
    assert [row[0] for row in ordered] == [kept, restored]
    store.close()


def test_a_first_sync_left_loading_by_the_version_before_0019_ends_with_every_key(
    tmp_path: Path,
) -> None:
    """A first sync killed under the earlier version (indexes and triggers set aside, the
    sort key still generated), then the app updated: migration 0019 runs on the bare
    tables, and the next run ends the load with the keys, triggers and indexes of a store
    made today."""
    path = tmp_path / "fieldcrm.db"
    reference = Store(tmp_path / "reference.db")
    with reference.read() as conn:
        fresh = set(
            conn.exec_driver_sql(
                "SELECT type, name, sql FROM sqlite_master WHERE type IN ('index', 'trigger')"
            ).all()
        )
    reference.close()
    engine = create_sqlite_engine(path)
    _migrate(engine, "upgrade", "0018")
    with engine.begin() as conn:
        conn.exec_driver_sql(
            "INSERT INTO customer (id, name, stamps, deleted) VALUES (?, 'Zöllner KG', '{}', 0)",
            (uuid7(),),
        )
        # What ``begin_bulk_load`` of that version did.
        marks = ", ".join("?" for _ in ENTITIES)
        objects = conn.exec_driver_sql(
            "SELECT type, name, sql FROM sqlite_master WHERE type IN ('index', 'trigger') "
            f"AND sql IS NOT NULL AND tbl_name IN ({marks})",
            tuple(ENTITIES),
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
    store = Store(path, wall_ms=lambda: 1_000_000)  # migrates to the head
    apply_page(store, page("c1", customer_row(uuid7(), 1000, name="Ährenhof")), relaxed=True)
    with store.write() as uow:
        uow.create("customer", {"name": "Mühlenbäckerei"})
    assert end_bulk_load(store)
    assert _keys(store) == {
        "Zöllner KG": "zollner kg",
        "Ährenhof": "ahrenhof",
        "Mühlenbäckerei": "muhlenbackerei",
    }
    with store.read() as conn:
        now = set(
            conn.exec_driver_sql(
                "SELECT type, name, sql FROM sqlite_master WHERE type IN ('index', 'trigger')"
            ).all()
        )
        names = [r[0] for r in conn.exec_driver_sql("SELECT name FROM customer ORDER BY sort_name")]
    assert now == fresh
    assert names == ["Ährenhof", "Mühlenbäckerei", "Zöllner KG"]
    store.close()
