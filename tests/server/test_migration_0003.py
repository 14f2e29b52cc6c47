"""Server migration 0003 (audit log, throttle per subject, token lineage) upgrades a
database made by 0002 without losing accounts, sessions or tokens, and goes back."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa
from alembic import command

from sync_server.db import alembic_config, make_engine, schema_state, upgrade


def test_0003_upgrades_a_0002_database_and_downgrades(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'old.db'}")
    upgrade(engine, "0002")
    now = datetime.now(UTC)
    with engine.begin() as conn:
        conn.execute(
            sa.text(
                "INSERT INTO account (id, username, password_hash, role, territory_id, active,"
                " created_at) VALUES ('u1', 'anna', 'h', 'rep', NULL, 1, :now)"
            ),
            {"now": now},
        )
        conn.execute(
            sa.text(
                "INSERT INTO session (id, user_id, device_id, created_at)"
                " VALUES ('s1', 'u1', 'd1', :now)"
            ),
            {"now": now},
        )
        conn.execute(
            sa.text(
                "INSERT INTO refresh_token (token_hash, session_id, expires_at)"
                " VALUES ('t1', 's1', :later)"
            ),
            {"later": now + timedelta(days=1)},
        )
        conn.execute(
            sa.text(
                "INSERT INTO login_throttle (username, failures, last_failure_at)"
                " VALUES ('anna', 3, :now)"
            ),
            {"now": now},
        )
    upgrade(engine, "0003")
    assert schema_state(engine)[0] == "0003"
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT username FROM account")).scalar() == "anna"
        token = conn.execute(sa.text("SELECT session_id, parent_hash FROM refresh_token")).one()
        assert tuple(token) == ("s1", None)
        assert conn.execute(sa.text("SELECT count(*) FROM audit_log")).scalar() == 0
        assert conn.execute(sa.text("SELECT count(*) FROM login_throttle")).scalar() == 0
    cfg = alembic_config(str(engine.url))
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0002")
    assert schema_state(engine)[0] == "0002"
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM refresh_token")).scalar() == 1
    engine.dispose()
