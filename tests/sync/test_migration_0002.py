"""Client migration 0002 upgrades a database made by 0001, keeping its conflicts, and back."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from alembic import command

from fieldcrm.store.db import alembic_config, create_sqlite_engine, current_revision


def _run(engine: sa.Engine, action: str, revision: str) -> None:
    with engine.connect() as conn:
        cfg = alembic_config(str(engine.url))
        cfg.attributes["connection"] = conn
        getattr(command, action)(cfg, revision)
        conn.commit()


def test_0002_upgrades_a_0001_database_and_downgrades(tmp_path: Path) -> None:
    engine = create_sqlite_engine(tmp_path / "old.db")
    try:
        _run(engine, "upgrade", "0001")
        with engine.begin() as conn:
            conn.exec_driver_sql(
                "INSERT INTO conflict (id, entity, row_id, kind, created_at, resolved) "
                "VALUES ('c1', 'customer', 'r1', 'field', '2026-11-28T00:00:00Z', 1)"
            )
        _run(engine, "upgrade", "0002")
        assert current_revision(engine) == "0002"
        with engine.begin() as conn:
            row = conn.exec_driver_sql(
                "SELECT id, resolved, resolution_pending FROM conflict"
            ).one()
        assert tuple(row) == ("c1", 1, 0)
        _run(engine, "downgrade", "0001")
        with engine.begin() as conn:
            columns = {r[1] for r in conn.exec_driver_sql("PRAGMA table_info(conflict)")}
            assert "resolution_pending" not in columns
            assert conn.exec_driver_sql("SELECT count(*) FROM conflict").scalar_one() == 1
    finally:
        engine.dispose()
