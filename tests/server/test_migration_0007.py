"""Server migration 0007 gives devices their remote-wipe columns, keeps existing devices
(no wipe asked for), and goes back."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from alembic import command

from sync_server.db import alembic_config, make_engine, schema_state, upgrade


def test_0007_adds_the_wipe_columns_to_existing_devices_and_downgrades(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'old.db'}")
    upgrade(engine, "0006")
    with engine.begin() as conn:
        conn.execute(
            sa.text(
                "INSERT INTO device (id, user_id, name, created_at) "
                "VALUES ('laptop-1', 'u1', 'Anna', '2026-11-30 08:00:00')"
            )
        )
    upgrade(engine, "0007")
    assert schema_state(engine)[0] == "0007"
    with engine.connect() as conn:
        row = conn.execute(
            sa.text(
                "SELECT wipe_requested_at, wipe_now, wipe_requested_by, wipe_confirmed_at "
                "FROM device WHERE id = 'laptop-1'"
            )
        ).one()
    assert tuple(row) == (None, 0, None, None)
    cfg = alembic_config(str(engine.url))
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0006")
    assert schema_state(engine)[0] == "0006"
    with engine.connect() as conn:
        names = {c["name"] for c in sa.inspect(conn).get_columns("device")}
    assert "wipe_requested_at" not in names and "id" in names
    engine.dispose()
