"""Client migrations: up, down, up again; the migrated schema matches the tables and the domain."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from fieldcrm.domain.entities import ENTITIES
from fieldcrm.store import Store
from fieldcrm.store import tables as t
from fieldcrm.store.db import (
    HEAD_REVISION,
    alembic_config,
    create_sqlite_engine,
    current_revision,
    head_revision,
    upgrade_to_head,
)
from fieldcrm.store.search import search_customers
from fieldcrm.store.tables import include_object

ROOT = Path(__file__).resolve().parents[2]


def _tables(engine: sa.Engine) -> set[str]:
    return set(sa.inspect(engine).get_table_names())


def _migrate(engine: sa.Engine, action: str, target: str) -> None:
    with engine.connect() as conn:
        cfg = alembic_config(str(engine.url))
        cfg.attributes["connection"] = conn
        getattr(command, action)(cfg, target)
        conn.commit()


EXPECTED_TABLES = set(t.metadata.tables) | {"alembic_version", *t.FTS_TABLES}


def test_upgrade_downgrade_upgrade(tmp_path: Path) -> None:
    engine = create_sqlite_engine(tmp_path / "fieldcrm.db")
    try:
        upgrade_to_head(engine)
        assert current_revision(engine) == head_revision()
        assert _tables(engine) >= EXPECTED_TABLES

        _migrate(engine, "downgrade", "base")
        assert current_revision(engine) is None
        assert _tables(engine) <= {"alembic_version"}
        with engine.connect() as conn:
            leftovers = conn.exec_driver_sql(
                "SELECT type, name FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' "
                "AND name NOT LIKE 'alembic_version%'"
            ).all()
        assert leftovers == []

        upgrade_to_head(engine)
        assert current_revision(engine) == head_revision()
        assert _tables(engine) >= EXPECTED_TABLES
    finally:
        engine.dispose()
    # The database works after the round trip, search triggers included.
    store = Store(tmp_path / "fieldcrm.db")
    try:
        customer = store.create("customer", {"name": "Round Trip KG"})
        with store.read() as conn:
            assert search_customers(conn, "round") == [customer]
    finally:
        store.close()


def test_opening_a_store_upgrades_an_old_database_first(tmp_path: Path) -> None:
    engine = create_sqlite_engine(tmp_path / "fieldcrm.db")
    upgrade_to_head(engine)
    _migrate(engine, "downgrade", "base")
    engine.dispose()
    store = Store(tmp_path / "fieldcrm.db")
    try:
        assert current_revision(store.engine) == head_revision()
        assert store.counts() == dict.fromkeys(ENTITIES, 0)
    finally:
        store.close()


def test_no_drift_between_migrations_and_tables(tmp_path: Path) -> None:
    engine = create_sqlite_engine(tmp_path / "fieldcrm.db")
    try:
        upgrade_to_head(engine)
        with engine.connect() as conn:
            context = MigrationContext.configure(
                conn,
                opts={
                    "include_object": include_object,
                    "compare_type": True,
                    "compare_server_default": True,
                    "render_as_batch": True,
                },
            )
            diff = compare_metadata(context, t.metadata)
        assert diff == []
    finally:
        engine.dispose()


def test_drift_check_sees_a_missing_column(tmp_path: Path) -> None:
    """The drift check above can fail: a column the migrations lack is reported."""
    engine = create_sqlite_engine(tmp_path / "fieldcrm.db")
    try:
        upgrade_to_head(engine)
        with engine.begin() as conn:
            conn.exec_driver_sql("DROP INDEX ix_note_visit_id")
            conn.exec_driver_sql("ALTER TABLE note DROP COLUMN visit_id")
            diff = compare_metadata(
                MigrationContext.configure(conn, opts={"include_object": include_object}),
                t.metadata,
            )
        assert ("add_column", None, "note") in [
            (d[0], d[1], d[2]) for d in diff if d[0] == "add_column"
        ]
    finally:
        engine.dispose()


@pytest.mark.parametrize("entity", sorted(ENTITIES))
def test_store_columns_match_the_domain_entity(tmp_path: Path, entity: str) -> None:
    spec = ENTITIES[entity]
    expected = ["id", *spec.field_names, "stamps", "deleted", "server_seq"]
    table = t.ENTITY_TABLES[entity]
    # Generated columns (derived for queries, never written) are not fields.
    derived = {c.name for c in table.columns if c.computed is not None}
    assert [c.name for c in table.columns if c.name not in derived] == expected
    engine = create_sqlite_engine(tmp_path / "fieldcrm.db")
    try:
        upgrade_to_head(engine)
        migrated = [c for c in sa.inspect(engine).get_columns(entity) if c["name"] not in derived]
        # Columns added by later migrations come last in the table; the set must match.
        assert sorted(c["name"] for c in migrated) == sorted(expected)
        by_name = {c["name"]: c for c in migrated}
        for field in spec.fields:
            # Values are checked by the domain; pulled rows may arrive partly filled.
            assert by_name[field.name]["nullable"] is True
            if field.max_length and field.kind in ("str", "email"):
                assert getattr(by_name[field.name]["type"], "length", None) == field.max_length
        assert sa.inspect(engine).get_pk_constraint(entity)["constrained_columns"] == ["id"]
    finally:
        engine.dispose()


def test_processes_opening_a_new_profile_at_once(tmp_path: Path) -> None:
    """Each opens it; the schema is made once and all see the same device id."""
    path = tmp_path / "fieldcrm.db"
    script = (
        "import sys; from fieldcrm.store import Store; s = Store(sys.argv[1]); "
        "print(s.device_id); s.close()"
    )
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", script, str(path)],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(3)
    ]
    outputs = [proc.communicate(timeout=120) for proc in procs]
    assert [proc.returncode for proc in procs] == [0, 0, 0], [err for _, err in outputs]
    assert len({out.strip() for out, _ in outputs}) == 1


def test_head_revision_constant_is_alembics_head() -> None:
    # Update HEAD_REVISION in fieldcrm/store/db.py with every new client migration.
    assert head_revision() == HEAD_REVISION


def test_a_store_at_head_opens_without_importing_alembic(tmp_path: Path) -> None:
    Store(tmp_path / "fieldcrm.db").close()
    code = (
        "import sys; from fieldcrm.store import Store; "
        f"s = Store({str(tmp_path / 'fieldcrm.db')!r}); s.close(); "
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'alembic'))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    )
    assert out.stdout.strip() == "[]"


def test_0008_and_0009_upgrade_a_synced_0007_profile(tmp_path: Path) -> None:
    """A profile that synced before row versions existed keeps its rows and its rejected
    list, and its next sync is a full resync that fills the versions in; a profile that
    never synced does not ask for one."""
    synced, fresh = tmp_path / "synced.db", tmp_path / "fresh.db"
    for path in (synced, fresh):
        engine = create_sqlite_engine(path)
        _migrate(engine, "upgrade", "0007")
        with engine.begin() as conn:
            conn.exec_driver_sql(
                "INSERT INTO customer (id, name, stamps, deleted) "
                "VALUES ('01900000-0000-7000-8000-000000000001', 'Alt GmbH', '{}', 0)"
            )
            conn.exec_driver_sql(
                "INSERT INTO rejected_change (op_no, device_id, entity, row_id, op, fields, "
                "stamps, base_stamps, reason, field, rejected_at) VALUES (1, 'd', 'customer', "
                "'01900000-0000-7000-8000-000000000001', 'update', '{}', '{}', '{}', "
                "'The server refused this change.', NULL, '2026-12-01T00:00:00Z')"
            )
            if path == synced:
                conn.exec_driver_sql("INSERT INTO meta (key, value) VALUES ('sync_cursor', '42')")
        upgrade_to_head(engine)
        with engine.connect() as conn:
            assert conn.exec_driver_sql("SELECT name, server_seq FROM customer").one() == (
                "Alt GmbH",
                None,
            )
            code, params, problems = conn.exec_driver_sql(
                "SELECT code, params, problems FROM rejected_change"
            ).one()
            assert (code, params, problems) == (None, "{}", "[]")
            flag = conn.exec_driver_sql(
                "SELECT value FROM meta WHERE key = 'sync_full_resync'"
            ).scalar()
        engine.dispose()
        assert flag == ("1" if path == synced else None)
